"""UI text in zh-CN (default) and English. Keys are English; every page string lives here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

LANGUAGES = ("zh-CN", "en")
COOKIE = "sanshe_lang"

MESSAGES: dict[str, tuple[str, str]] = {
    "app_name": ("三社联动信息系统", "Sanshe linkage system"),
    "tagline": ("社区 · 社会组织 · 社会工作者 联动服务平台",
                "Communities, social organisations and social workers, linked"),
    "login": ("登录", "Log in"),
    "logout": ("退出", "Log out"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "city_overview": ("全市概览", "City overview"),
    "districts": ("区县", "Districts"),
    "district": ("区县", "District"),
    "population": ("常住人口", "Resident population"),
    "modules": ("已启用模块", "Enabled modules"),
    "no_modules": ("暂未启用任何模块", "No modules enabled yet"),
    "module_admin": ("模块管理", "Module management"),
    "enable": ("启用", "Enable"),
    "disable": ("停用", "Disable"),
    "my_home": ("我的工作台", "My workbench"),
    "module_off_confirm": ("停用「%s」后，%s的所有用户将立即无法使用该模块的页面和接口（数据保留，可随时重新启用）。确定停用吗？",
                           "Disable “%s” for everyone in %s? Its pages and API stop at once (the data stays; you can enable it again)."),
    "enabled": ("已启用", "Enabled"),
    "disabled": ("未启用", "Not enabled"),
    "district_home": ("区县首页", "District home"),
    "open_data": ("开放数据", "Open data"),
    "api_docs": ("接口文档", "API documentation"),
    "signed_in_as": ("当前用户", "Signed in as"),
    "language": ("English", "中文"),
    "registry": ("基础信息", "Registry"),
    "communities": ("街道社区", "Streets and communities"),
    "organizations": ("社会组织", "Social organisations"),
    "enter": ("进入", "Open"),
    "people_unit": ("人", "people"),
    "home": ("首页", "Home"),
    "login_title": ("登录三社联动信息系统", "Log in to Sanshe"),
    "login_hint": ("请使用区县分配的账号登录", "Use the account your district gave you"),
    "saved": ("已保存", "Saved"),
    # two-factor login and account security (core.twofactor)
    "code_title": ("两步验证", "Two-step verification"),
    "code_hint": ("请打开手机上的身份验证器应用，输入显示的 6 位验证码。",
                  "Open the authenticator app on your phone and enter the 6-digit code it shows."),
    "code_label": ("6 位验证码", "6-digit code"),
    "recovery_hint": ("手机不在身边时，可输入一个恢复码（每个只能使用一次）。",
                      "Without your phone, enter one of your recovery codes (each works once)."),
    "recovery_label": ("恢复码", "Recovery code"),
    "use_recovery": ("改用恢复码", "Use a recovery code"),
    "use_app": ("改用验证器应用的验证码", "Use a code from the app"),
    "verify": ("验证并登录", "Verify and log in"),
    "restart_login": ("重新登录", "Start again"),
    "account_security": ("账号安全", "Account security"),
    "two_factor": ("两步验证", "Two-step verification"),
    "tf_intro": ("启用后，登录时除密码外还需输入手机身份验证器应用（支持 TOTP 的任一应用，如 Google Authenticator、"
                 "Microsoft Authenticator、FreeOTP）生成的 6 位验证码。",
                 "Once on, logging in needs a 6-digit code from an authenticator app on your phone (Google "
                 "Authenticator, Microsoft Authenticator, FreeOTP …) besides the password."),
    "tf_on": ("已启用", "On"),
    "tf_off": ("未启用", "Off"),
    "tf_since": ("启用时间", "Since"),
    "tf_codes_left": ("剩余恢复码", "Recovery codes left"),
    "tf_required": ("按本系统安全策略，管理员账号必须启用两步验证后才能继续操作。",
                    "This system's policy requires admins to turn on two-step verification before doing anything else."),
    "tf_not_eligible": ("两步验证目前仅面向平台、市级和区县管理员账号。",
                        "Two-step verification is for platform, city and district admin accounts."),
    "tf_disabled_policy": ("本系统未启用两步验证。", "Two-step verification is turned off on this system."),
    "tf_start": ("开始启用", "Turn on"),
    "tf_scan": ("第一步：用身份验证器应用扫描二维码", "Step 1: scan the QR code with your authenticator app"),
    "tf_manual": ("无法扫码时，在应用中手动输入以下密钥（基于时间）：",
                  "If you cannot scan, type this key into the app (time-based):"),
    "tf_confirm": ("第二步：输入应用显示的 6 位验证码", "Step 2: enter the 6-digit code the app shows"),
    "tf_confirm_button": ("确认启用", "Confirm"),
    "tf_restart": ("重新生成密钥", "New key"),
    "tf_codes_title": ("已启用两步验证。请保存恢复码", "Two-step verification is on. Save your recovery codes"),
    "tf_codes_hint": ("手机丢失或无法使用时，可用以下恢复码登录，每个只能使用一次。这些恢复码只显示这一次，"
                      "请下载或打印后妥善保管，不要与密码放在一起。",
                      "If your phone is lost, each of these codes logs you in once. They are shown only now: "
                      "download or print them and keep them apart from your password."),
    "tf_download": ("下载恢复码（文本文件）", "Download (text file)"),
    "tf_print": ("打印", "Print"),
    "tf_done": ("我已保存，继续", "I have saved them, continue"),
    "tf_disable_title": ("停用两步验证", "Turn off two-step verification"),
    "tf_disable_hint": ("需要输入密码和当前验证码（或一个恢复码）。", "Needs your password and a current code (or a recovery code)."),
    "tf_disable": ("停用", "Turn off"),
    "tf_disabled_notice": ("已停用两步验证。", "Two-step verification is off."),
    # open-data portal
    "open_data_title": ("三社联动开放数据", "Sanshe open data"),
    "open_data_intro": ("以下数据集由启用相应模块的区县公开，可自由下载使用；身份证号、手机号等个人信息一律不公开。",
                        "These datasets are published by the districts that enable their modules and are free "
                        "to reuse; personal data such as ID numbers and phone numbers is never published."),
    "open_data_empty": ("暂无公开的数据集。区县启用相关模块后，其数据集会在此公开。",
                        "No datasets are published yet. A district's datasets appear here once it enables "
                        "their modules."),
    "open_data_machine": ("机器可读目录", "Machine-readable catalogue"),
    "dataset_licence": ("许可协议", "Licence"),
    "dataset_updated": ("更新时间", "Updated"),
    "dataset_updated_unknown": ("未注明", "Not stated"),
    "dataset_rows": ("记录数", "Rows"),
    "dataset_rows_unit": ("条", "rows"),
    "dataset_districts": ("覆盖区县", "Districts"),
    "dataset_columns": ("字段", "Columns"),
    "dataset_download": ("下载", "Download"),
    # indicators (core/web/indicators.py)
    "indicators": ("指标监测", "Indicators"),
    "indicators_city": ("全市指标对比", "Indicators across the city"),
    "ind_at": ("统计日期", "As of"),
    "ind_show": ("查看", "Show"),
    "ind_value": ("当前值", "Value"),
    "ind_target": ("目标", "Target"),
    "ind_gap": ("差距", "Gap"),
    "ind_no_target": ("无目标值", "No target"),
    "ind_about": ("口径与来源", "Definition and source"),
    "ind_definition": ("口径", "Definition"),
    "ind_source": ("数据来源", "Source"),
    "ind_inputs": ("分子 / 分母", "Numerator / denominator"),
    "ind_indicator": ("指标", "Indicator"),
    "ind_city_total": ("全市", "City total"),
    "ind_total_note": ("全市合计 = 各启用区县分子之和 ÷ 分母之和（以人口为分母的指标即按人口加权），对照默认目标值；各区县对照本区县目标值。",
                       "City total = Σ numerators ÷ Σ denominators over the districts where the indicator is on "
                       "(population-weighted where the denominator is population), against the default target; "
                       "each district against its own target."),
    "ind_records": ("查看相关记录 →", "The records behind it →"),
    "ind_work_target_note": ("“工作目标”不是政策规定，而是本系统的默认值；区县管理员可在本区配置 [indicator_targets] 中改为本地目标。",
                             "A “工作目标” (working target) is not set by policy but is this system's default; a district "
                             "admin may set the local target in the district's [indicator_targets]."),
    "ind_status_met": ("达标", "Met"),
    "ind_status_unmet": ("未达标", "Not met"),
    "ind_status_no_target": ("无目标值", "No target"),
    "ind_status_no_data": ("暂无数据", "No data"),
    "ind_status_off": ("未启用", "Not enabled"),
    "rep_title": ("季度报送", "Quarterly submission"),
    "rep_intro": ("已结束季度的指标报送市民政局后即固定，走势图中该季度采用报送数；更正须说明原因，保留每一版。",
                  "A closed quarter's figures are fixed once submitted to the city bureau; the trend uses them. "
                  "A correction needs a reason and every version is kept."),
    "rep_submitted": ("已报送", "Submitted"),
    "rep_not_submitted": ("未报送", "Not submitted"),
    "rep_none": ("尚未报送任何季度", "No quarter submitted yet"),
    "rep_due": ("{q} 已结束，尚未报送", "{q} has ended and is not submitted yet"),
    "rep_quarter": ("季度", "Quarter"),
    "rep_note": ("说明（可选）", "Note (optional)"),
    "rep_reason": ("更正原因（重新报送时必填）", "Reason for the correction (required when resubmitting)"),
    "rep_submit": ("报送", "Submit"),
    "rep_version": ("版本", "Version"),
    "rep_versions": ("共 {n} 版", "{n} versions"),
    "rep_city_title": ("季度报送情况", "Quarterly submissions"),
    "rep_saved": ("已报送，记入审计日志。", "Submitted; recorded in the audit log."),
    "rep_failed": ("报送失败", "Could not submit"),
    "rep_confirm": ("报送 {quarter} 的指标数据？报送后该季度数值固定，市局据此对比；如需更正须重新报送并说明原因。",
                    "Submit the figures of {quarter}? They are then fixed for the city; a correction is a new submission with a reason."),
}


def translator(language: str) -> Callable[[str], str]:
    index = 0 if language == "zh-CN" else 1

    def t(key: str) -> str:
        pair = MESSAGES.get(key)
        return pair[index] if pair else key

    return t


def language_of(request: Any) -> str:
    """The request's language: `?lang=`, else the language cookie, else the configured default."""
    chosen = request.query_params.get("lang") or request.cookies.get(COOKIE)
    return chosen if chosen in LANGUAGES else request.app.state.ctx.settings.default_language
