"""The registry records supervision refers to (`register_referrers`): sampled records'
persons and organisations, flags, assessments and grade history of organisations, and
campaigns scoped to one organisation."""

from __future__ import annotations

from core.contrib import Referrer
from core.registry.references import counting
from plugins.supervision.tables import (
    Assessment,
    Campaign,
    Flag,
    GradeHistory,
    SampleItem,
)

MODULE = "supervision"

REFERRERS = [
    Referrer(MODULE, "person", "督查抽查记录", counting(SampleItem.person_id)),
    Referrer(MODULE, "organization", "督查抽查记录", counting(SampleItem.organization_id)),
    Referrer(MODULE, "organization", "以其为范围的督查活动", counting(Campaign.scope_id, Campaign.scope == "organization")),
    Referrer(MODULE, "organization", "监管预警", counting(Flag.organization_id)),
    Referrer(MODULE, "organization", "社会组织评估记录", counting(Assessment.organization_id)),
    Referrer(MODULE, "organization", "等级评定历史", counting(GradeHistory.organization_id)),
]
