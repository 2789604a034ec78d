"""Answers of the procurement dashboard (plugins.procurement.dashboard has the definitions):
money in yuan, shares 0–1 (None when there is nothing to divide by), years in Beijing time."""

from __future__ import annotations

from typing import Annotated

import msgspec


class YearSpend(msgspec.Struct):
    year: int
    contracted_yuan: float
    """Contract values signed in the year."""
    paid_yuan: float
    """Payments made in the year."""


class FieldSpend(msgspec.Struct):
    field: str
    label_en: str
    years: list[YearSpend]
    contracted_yuan: float
    paid_yuan: float


class SpendFigures(msgspec.Struct):
    fields: list[FieldSpend]
    """Service fields with money in the window, in the guidance catalogue's order."""
    years: list[YearSpend]
    """All fields together."""


class TopProvider(msgspec.Struct):
    organization_id: int
    name: str
    awarded_yuan: float
    share: float | None


class ProviderYear(msgspec.Struct):
    year: int
    providers: int
    """Distinct organisations awarded in the year."""
    awarded_yuan: float
    top3_yuan: float
    top3_share: float | None
    """Concentration: the three largest providers' share of the year's awarded value."""
    top3: list[TopProvider]


class MilestoneYear(msgspec.Struct):
    year: int
    accepted: int
    on_time: int
    """Accepted on or before the due date (Beijing date of acceptance)."""
    on_time_share: float | None


class MilestoneFigures(msgspec.Struct):
    years: list[MilestoneYear]
    overdue: int
    """Not accepted and past the due date, today (Beijing)."""


class OutcomeYear(msgspec.Struct):
    year: int
    evaluated: int
    mean_score: float | None
    lowest_score: float | None


class NeedsYear(msgspec.Struct):
    year: int
    answered: int


class NeedsFigures(msgspec.Struct):
    available: Annotated[bool, msgspec.Meta(description="a module collecting residents' needs is enabled")]
    reason: str
    """Why the figure is not available."""
    answered: Annotated[int | None, msgspec.Meta(
        description="needs named by a project that moved into delivery in the window, each counted once")]
    years: list[NeedsYear]


class StageCount(msgspec.Struct):
    stage: str
    label: str
    label_en: str
    projects: int


class WindowSummary(msgspec.Struct):
    """The whole window of years at once."""

    contracted_yuan: float
    paid_yuan: float
    providers: int
    """Distinct organisations awarded in the window (each counted once)."""
    awarded_yuan: float
    top3_share: float | None
    accepted: int
    on_time: int
    on_time_share: float | None
    evaluated: int
    mean_score: float | None
    lowest_score: float | None


class DashboardFigures(msgspec.Struct):
    """The dashboard's figures over `years` (a district's, or several districts' together)."""

    years: list[int]
    today: str
    spend: SpendFigures
    providers: list[ProviderYear]
    milestones: MilestoneFigures
    outcomes: list[OutcomeYear]
    needs: NeedsFigures
    stages: list[StageCount]
    """Projects by stage now."""
    projects: int
    summary: WindowSummary


class ProcurementDashboard(DashboardFigures):
    """One district's procurement dashboard."""

    district_code: str
    district_name: str
    district_name_en: str


class CityDashboardDistrict(msgspec.Struct):
    district_code: str
    district_name: str
    district_name_en: str
    enabled: bool
    status: str
    """"未启用" when the district has not enabled procurement (then `figures` is null), else ""."""
    figures: DashboardFigures | None


class CityProcurementDashboard(msgspec.Struct):
    """The city view: the districts the caller may read side by side and the total of those enabling
    procurement (sums; shares and the mean score recomputed from the summed parts)."""

    city_code: str
    city_name: str
    years: list[int]
    districts: list[CityDashboardDistrict]
    total: DashboardFigures
