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
