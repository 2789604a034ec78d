"""Core's words for the audit trail (hook `register_audit_words`): the record kinds core keeps
(registry, identity, modules, uploads), the generic actions and the payload fields most modules
share, and the registry's stored values. Each plugin adds the words of its own records."""

from __future__ import annotations

from core.contrib import AuditWords
from core.glossary import COMMUNITY_KINDS, CREDIT_LISTS, CREDIT_STATUSES, INSPECTION_RESULTS, LEGAL_TYPES, ORG_STATUSES

_REGISTRY_VALUES = {k: v[0] for table in (LEGAL_TYPES, ORG_STATUSES, CREDIT_STATUSES, CREDIT_LISTS, INSPECTION_RESULTS,
                                          COMMUNITY_KINDS) for k, v in table.items()}

CORE_WORDS = AuditWords(
    "core",
    entities={
        "person": "人员", "organization": "社会组织", "community": "街道社区", "user": "用户", "session": "登录会话",
        "api_token": "接口令牌", "district_module": "功能模块", "annual_inspection": "年检结果",
        "credit_listing": "信用名录", "upload": "上传的文件", "social_work_station": "社工站",
        "indicator_report": "季度指标报送",
    },
    actions={
        "create": "新建", "update": "修改", "delete": "删除", "read": "查看个人信息", "reveal": "查看完整信息",
        "activate": "启用", "import": "导入", "load_demo": "载入演示数据", "record": "登记结果", "list": "列入名录",
        "remove": "移出名录", "credit_status": "信用状态变化", "login": "登录", "logout": "退出登录",
        "login_locked": "账户锁定", "set_password": "设置密码", "revoke": "吊销", "enable_module": "启用模块",
        "disable_module": "停用模块", "update_settings": "修改模块设置", "upload": "上传文件", "move": "移动",
        "uscc_exception": "统一社会信用代码例外", "publish": "发布", "two_factor_enrolled": "开启两步登录",
        "two_factor_reset": "重置两步登录", "two_factor_failed": "两步验证失败",
        "two_factor_disabled": "关闭两步登录", "two_factor_disable_failed": "关闭两步登录失败",
        "two_factor_recovery_used": "使用恢复码登录", "close": "结束", "score": "评分", "return": "退回",
        "submit": "提交", "correct": "更正",
    },
    fields={
        "state": "状态", "stage": "阶段", "name": "名称", "title": "名称", "summary": "结论", "note": "备注",
        "reason": "原因", "day": "日期", "kind": "类别", "persons": "涉及人员", "person_id": "人员",
        "person": "人员", "organization": "社会组织", "organization_id": "社会组织", "community_code": "社区",
        "district_code": "区县", "parent_code": "上级街道", "grade": "等级", "credit_status": "信用状态",
        "credit_list": "信用名录", "legal_type": "组织类型", "status": "状态", "result": "结果", "year": "年度",
        "period_start": "开始日期", "period_end": "结束日期", "created_by": "创建人", "recorded_by": "登记人",
        "listed_by": "列入人", "username": "用户名", "grants": "授权", "role": "角色", "phone": "手机号",
        "id_number": "身份证号", "gender": "性别", "birth_year": "出生年份", "address": "地址",
        "contact_name": "联系人", "contact_phone": "联系电话", "registered_on": "登记日期", "listed_on": "列入日期",
        "uscc": "统一社会信用代码", "score": "得分", "scores": "各项得分", "total": "总分", "enabled": "启用",
        "settings": "设置", "module": "模块", "file": "文件", "created": "新建数", "updated": "更新数",
        "rows": "行数", "fields": "字段", "errors": "错误", "active": "启用", "upload": "文件",
        "content_type": "文件类型", "size": "大小（字节）", "filename": "文件名", "kind_label": "类别",
        "services": "服务数", "district": "区县", "source": "记录来源", "reviewed_by": "评定人",
        "closed_by": "结束人", "responded_by": "回复人", "handled_by": "处理人", "signed_off_by": "确认人",
        "reviewer": "评审人", "mentor": "导师", "applicant": "申请人", "comment": "意见", "hours": "时长",
        "workers": "社工数", "street_code": "街道", "opened_on": "建站日期", "closed_on": "撤站日期",
        "resident_workers": "驻站社工数", "quarter": "季度", "version": "版本",
    },
    values=_REGISTRY_VALUES,
)
