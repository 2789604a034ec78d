"""What the supervision API answers, typed (so /schema/openapi.json documents it):
campaigns, sampled records with their evidence, flags, the flag dashboard and a scan's result."""

from __future__ import annotations

import msgspec

from core.tables import Upload
from core.views import row_view
from plugins.supervision.tables import Campaign, Flag, SampleItem

# Evidence is a core upload linked to a finding (`item`); `id` is the evidence's own id.
EvidenceAdded = row_view(Upload, "EvidenceAdded", exclude=("uploaded_at",), extra=[("item", int | None)],
                         module=__name__)
# A campaign in the list, with its records counted: total, per state and per verdict.
CampaignSummary = row_view(Campaign, "CampaignSummary", extra=[("items", dict[str, int])])
SampledRecord = row_view(SampleItem, "SampledRecord", extra=[
    ("person_name", str), ("organization_name", str), ("evidence", list[row_view(
        Upload, "EvidenceListed", exclude=("district_code", "sha256"), extra=[("item", int | None)],
        module=__name__)])])
CampaignView = row_view(Campaign, "CampaignView")
CampaignWithRecords = row_view(Campaign, "CampaignWithRecords", extra=[("items", list[SampledRecord])])
FlagView = row_view(Flag, "FlagView", exclude=("dedupe",), extra=[
    ("rule_title", str), ("organization_name", str), ("state_label", str), ("severity_label", str)])


class ScopeCandidate(msgspec.Struct):
    """An organisation or worker a campaign can be scoped to, found by name."""
    id: int
    name: str
    detail: str


class Redraw(msgspec.Struct):
    seed: int
    population: int
    drawn: list[str]
    stored: list[str]
    same: bool


class FlagPage(msgspec.Struct):
    total: int
    page: int
    per_page: int
    items: list[FlagView]  # type: ignore[valid-type]


class RuleCount(msgspec.Struct):
    rule: str
    title: str
    count: int


class OrganizationCount(msgspec.Struct):
    organization_id: int | None
    name: str
    count: int


class AgeCount(msgspec.Struct):
    bucket: str
    label: str
    label_en: str
    count: int


class FlagDashboard(msgspec.Struct):
    today: str
    open: int
    by_rule: list[RuleCount]
    by_organization: list[OrganizationCount]
    by_age: list[AgeCount]


class RuleRun(msgspec.Struct):
    title: str
    raised: int
    seen: int
    error: str


class ScanResult(msgspec.Struct):
    district_code: str
    today: str
    raised: int
    seen: int
    rules: dict[str, RuleRun]
    errors: dict[str, str]
