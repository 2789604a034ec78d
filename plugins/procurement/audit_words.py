"""How procurement's audit events read on the audit trail (hook `register_audit_words`)."""

from __future__ import annotations

from core.contrib import AuditWords
from plugins.procurement import states
from plugins.procurement.evaluation_rules import PART_LABELS

AUDIT_WORDS = AuditWords(
    "procurement",
    entities={
        "procurement_project": "购买服务项目", "procurement_bid": "投标", "procurement_award": "中标结果",
        "procurement_panel_member": "评审专家", "procurement_score": "评审打分", "procurement_contract": "服务合同",
        "procurement_milestone": "履约节点", "procurement_milestone_evidence": "履约佐证材料",
        "procurement_payment": "付款", "procurement_evaluation": "绩效评价",
    },
    actions={
        "procurement_project.move": "变更阶段", "procurement_project.terms": "设定采购条件",
        "procurement_bid.bid": "投标", "procurement_bid.withdraw": "撤回投标", "procurement_award.award": "确定中标",
        "procurement_panel_member.declare": "利益冲突声明", "procurement_milestone.report": "报告履约",
        "procurement_milestone.accept": "验收", "procurement_milestone.send_back": "退回",
        "procurement_evaluation.open": "发起绩效评价", "procurement_evaluation.score": "绩效评价打分",
        "procurement_evaluation.complete": "完成绩效评价",
    },
    fields={
        "buyer": "购买主体", "buyer_community_code": "购买街道", "field": "服务领域", "target_group": "服务对象",
        "communities": "服务社区", "budget_fen": "预算（分）", "method": "采购方式", "method_reason": "采购方式理由",
        "term_reason": "期限理由", "subject_kind": "购买内容类别", "indicators": "绩效指标", "needs": "回应的需求",
        "ocid": "项目编号", "project": "项目", "number": "合同编号", "value_fen": "合同金额（分）",
        "signed_on": "签订日期", "term_start": "服务开始", "term_end": "服务结束", "due_on": "计划完成日期",
        "planned_outputs": "计划产出", "planned_beneficiaries": "计划服务人数", "amount_fen": "金额（分）",
        "delivered_outputs": "实际产出", "delivered_beneficiaries": "实际服务人数", "delivered_on": "完成日期",
        "reported_by": "报告人", "reported_at": "报告时间", "milestone": "履约节点", "paid_on": "付款日期",
        "voucher": "付款凭证号", "paid_before": "此前已付（分）", "document": "文件",
        "evaluator": "第三方评价人", "evaluator_name": "第三方评价人姓名", "weights": "各部分权重（%）",
        "min_ratings": "服务对象评价最少条数", "part": "评价部分", "part_scores": "各部分得分",
        "users_average": "服务对象平均评分", "users_count": "服务对象评价条数", "used_weights": "实际采用的权重（%）",
        "findings": "评价结论", "completed_by": "完成人",
    },
    # Qualified by the kind of record: "open", "closed", "planning" … mean other things elsewhere.
    values={**{f"procurement_project.{k}": v for k, v in states.LABELS.items()},
            **{f"procurement_evaluation.{k}": v for k, v in {**PART_LABELS, "open": "进行中", "completed": "已完成"}.items()}},
)
