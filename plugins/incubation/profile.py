"""Incubation's section of an organisation's profile (hook `register_profile_sections`), public:
its incubation history — each time the organisation (or the team it grew from, linked through
`organization_id`) was accepted into a base: the base, the stage, the move-in day, the planned
end and the graduation (出壳) or exit day. Applications that never got past review (applied,
screened, rejected) and every reason, contact and member stay out: they are the applicant's and
the base's business. Incubation readers (`incubation.read`) get each incubatee's page as a link."""

from __future__ import annotations

from core.contrib import ProfileSection
from plugins.incubation import MODULE
from plugins.incubation.states import LABELS
from plugins.incubation.tables import Base, Incubatee

READ = "incubation.read"
ADMITTED = ("accepted", "incubating", "graduated", "exited")


async def organization_history(ctx, code: str, key: str, principal) -> dict | None:
    rows = await Incubatee.select(
        Incubatee.id, Incubatee.name, Incubatee.stage, Incubatee.base, Incubatee.moved_in_on, Incubatee.planned_end,
        Incubatee.graduated_on, Incubatee.exited_on).where(
        (Incubatee.district_code == code) & (Incubatee.organization_id == int(key))
        & Incubatee.stage.is_in(list(ADMITTED))).order_by(Incubatee.id)
    if not rows:
        return None
    bases = {b["id"]: b["name"] for b in await Base.select(Base.id, Base.name).where(
        (Base.district_code == code) & Base.id.is_in(sorted({r["base"] for r in rows})))}
    reader = principal.can(READ, code)
    items = []
    for r in rows:
        meta = [bases.get(r["base"], "—"), LABELS.get(r["stage"], r["stage"])]
        if r["moved_in_on"]:
            meta.append(f"入驻 {r['moved_in_on']}")
        if r["graduated_on"]:
            meta.append(f"出壳 {r['graduated_on']}")
        elif r["exited_on"]:
            meta.append(f"退驻 {r['exited_on']}")
        elif r["planned_end"]:
            meta.append(f"计划期满 {r['planned_end']}")
        item = {"title": r["name"], "meta": " · ".join(meta)}
        if reader:
            item["url"] = f"/districts/{code}/incubation/incubatees/{r['id']}"
        items.append(item)
    graduated = [r["graduated_on"] for r in rows if r["graduated_on"]]
    facts = [["孵化经历", f"{len(rows)} 次"], ["出壳日期", str(max(graduated)) if graduated else "未出壳"]]
    return {"facts": facts, "items": items}


SECTIONS = [ProfileSection(MODULE, "organization", "incubation.organization", "孵化经历", "Incubation history",
                           organization_history, order=30)]
