"""The words of government purchase of services (财政部令第102号): purchase methods with their
later OCDS procurementMethod, the kinds of subject (only services may be bought; the rest
is the negative list), indicator kinds, and the default guidance catalogue (指导性目录)."""

from __future__ import annotations

from core.glossary import PRIORITY_FIELDS, SERVICE_FIELDS

# Method → (English, OCDS procurementMethod). 单一来源 needs a reason (procurementMethodRationale).
METHODS = {
    "公开招标": ("Open tender", "open"),
    "邀请招标": ("Invited tender", "selective"),
    "竞争性谈判": ("Competitive negotiation", "limited"),
    "竞争性磋商": ("Competitive consultation", "limited"),
    "单一来源": ("Single source", "direct"),
    "询价": ("Request for quotation", "limited"),
}
SINGLE_SOURCE = "单一来源"

SUBJECT_KINDS = {
    "service": ("服务", "Services"),
    "works": ("工程", "Works"),
    "goods": ("货物", "Goods"),
    "financing": ("融资", "Financing"),
    "staffing": ("购买主体自身用人", "The buyer's own staffing"),
}
# Why each kind other than a service is refused (财政部令第102号《政府购买服务管理办法》第十条).
NEGATIVE_LIST = {
    "works": "工程建设不属于政府购买服务范围，应按政府采购工程或建设项目办理（财政部令第102号第十条，负面清单）",
    "goods": "货物采购不属于政府购买服务范围，应按政府采购货物办理（财政部令第102号第十条，负面清单）",
    "financing": "融资行为不得作为政府购买服务项目（财政部令第102号第十条，负面清单）",
    "staffing": "购买主体自身的人员招聘、用工属于“购买主体自身用人”，不得以政府购买服务名义办理"
                "（财政部令第102号第十条，负面清单）",
}

INDICATOR_KINDS = {"output": ("产出指标", "Output"), "outcome": ("效果指标", "Outcome")}

# The five priority fields the seed article names, then the other common service fields
# (core.glossary, the words the catalogue uses too).
DEFAULT_CATALOGUE = [*PRIORITY_FIELDS, *(f for f in SERVICE_FIELDS if f not in PRIORITY_FIELDS)]

# --- capacity-based eligibility (资格条件) -------------------------------------------------
# Each refusal of a bid is named by a stable code; the message (eligibility.py) says why in Chinese.
REFUSALS = {
    "kind": ("承接主体类型不符", "Kind of provider not allowed"),
    "status": ("未依法登记或登记状态异常", "Not registered, or registration ended"),
    "credit": ("列入信用名单", "On a credit list"),
    "grade": ("评估等级不足", "Assessment grade too low"),
    "workers": ("持证社工人数不足", "Too few certified social workers"),
    "inspection": ("近两年年检不合格", "Failed an annual inspection in the last two years"),
    "past_score": ("以往项目绩效评价得分不足", "Past outcome scores too low"),
}
# Kinds of body 财政部令第102号 第八条 bars from providing (not registry legal types today; named
# so an organisation recorded with one of them is refused with the article, never allowed).
BARRED_KINDS = {
    "mass_organization": "由财政拨款保障的群团组织",
    "public_welfare_1": "公益一类事业单位",
}
# Registry legal types (core.glossary.LEGAL_TYPES) a project accepts unless it says otherwise.
DEFAULT_KINDS = ("social_group", "social_service_institution", "foundation")
# Annual-inspection results that count as failed: 不合格, and 未参检 (an organisation that skipped
# the inspection has not passed it; the registry shows both in red).
FAILED_INSPECTIONS = ("unqualified", "not_inspected")
INSPECTION_YEARS = 2
GRADE_ORDER = ("1A", "2A", "3A", "4A", "5A")
PRIORITY_GRADE = "3A"  # graded 3A and above come first when the district's rank_3a_first is on

# --- panel scoring (评审) ----------------------------------------------------------------
# Criteria with their default weights (sum 100). The price score is computed, never scored by hand:
# the lowest-price formula of 综合评分法 (财政部令第87号 第五十五条): lowest price / this price × 100.
CRITERIA = {
    "price": ("价格", "Price", 30),
    "plan": ("服务方案", "Service plan", 40),
    "capacity": ("服务能力", "Capacity", 20),
    "past": ("以往业绩", "Past results", 10),
}
SCORED_BY_HAND = ("plan", "capacity", "past")
CONFLICTS = {
    "none": ("无利益冲突", "No conflict of interest"),
    "some": ("与部分投标人存在利益冲突（对其回避）", "Conflict with some bidders (recused for them)"),
    "all": ("存在利益冲突，整体回避", "Conflict of interest: recused altogether"),
}
BID_STATES = {
    "submitted": ("已投标", "Submitted"),
    "withdrawn": ("已撤回", "Withdrawn"),
    "refused": ("资格不符，未受理", "Refused (not eligible)"),
}
