"""Worker profiles: validation, upsert by resident ID (the natural key), status
history, qualification registration dates (checked by `check_registration` with
the rules of registration.py; a late one let in by a reason is audited), and the
masked view with the registration state computed on read.

`upsert_worker` is shared by the API and the roster import so both apply the
same rules; callers hold the write transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from core import audit
from core.codes import id_birth_date, id_gender, id_number_error, mask_id_number, mask_phone, phone_error
from core.errors import ApiError, invalid, not_found
from core.tables import Community, Organization, Person
from plugins.talent import education, registration, states
from plugins.talent.glossary import EDUCATION_LEVELS, POST_TYPES, QUALIFICATIONS, WORKER_STATUSES
from plugins.talent.tables import ContinuingEducation, RegistrationApplication, SocialWorker, StatusChange


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def check_profile(values: dict[str, Any]) -> list[tuple[str, str]]:
    """Field errors in the profile values given (vocabulary and dates)."""
    errors = []
    vocab = (("post_type", POST_TYPES, "岗位类型"), ("status", WORKER_STATUSES, "状态"),
             ("education", EDUCATION_LEVELS, "学历"), ("qualification", QUALIFICATIONS, "职业资格等级"))
    for field, table, label in vocab:
        if field in values and values[field] not in table:
            errors.append((field, f"{label}应为：{'、'.join(table)}"))
    year = values.get("certificate_year")
    if year is not None and not 2008 <= year <= date.today().year:
        errors.append(("certificate_year", f"取证年份应在2008年（首次全国考试）至{date.today().year}年之间"))
    if values.get("qualification", "无") != "无" and "certificate_no" in values and not values["certificate_no"]:
        errors.append(("certificate_no", "有职业资格的须填写证书编号"))
    if values.get("start_date") and values["start_date"] > date.today():
        errors.append(("start_date", "入职日期不能晚于今天"))
    return errors


async def check_references(code: str, values: dict[str, Any]) -> list[tuple[str, str]]:
    errors = []
    if values.get("employer_org_id") is not None and not await Organization.exists().where(
            (Organization.id == values["employer_org_id"]) & (Organization.district_code == code)):
        errors.append(("employer_org_id", "工作单位不在本区县的社会组织登记中"))
    if values.get("employer_community_code") and not await Community.exists().where(
            (Community.code == values["employer_community_code"]) & (Community.district_code == code)):
        errors.append(("employer_community_code", "社区不在本区县的登记中"))
    return errors


async def upsert_worker(code: str, actor: str, person: dict[str, Any], profile: dict[str, Any],
                        audit_each: bool = True) -> tuple[int, bool]:
    """Create or update the person (by ID number) and the worker profile; return (worker id, created).

    Call inside a write transaction with values already checked by `check_profile`.
    """
    [result] = await upsert_workers(code, actor, [(person, profile)])
    if audit_each and (result.created or result.changes):
        await audit.record(
            actor=actor, action="create" if result.created else "update", entity="social_worker",
            entity_id=result.worker_id, district_code=code,
            before=None if result.created else result.before,
            after={**result.changes, "id_number": mask_id_number(person["id_number"].strip().upper())}
            if result.created else result.changes)
    return result.worker_id, result.created


def check_person(person: dict[str, Any]) -> list[tuple[str, str]]:
    errors = []
    if error := id_number_error(person.get("id_number", "")):
        errors.append(("id_number", error))
    if person.get("phone") and (error := phone_error(person["phone"])):
        errors.append(("phone", error))
    if not person.get("name", "").strip():
        errors.append(("name", "姓名不能为空"))
    return errors


async def stored_worker(id_number: str) -> dict[str, Any] | None:
    """The worker profile of the person with this ID number, if any (any district)."""
    person = await Person.select(Person.id).where(Person.id_number == id_number.strip().upper()).first()
    if person is None:
        return None
    return await SocialWorker.select().where(SocialWorker.person_id == person["id"]).first()


def check_registration(stored: dict[str, Any] | None, values: dict[str, Any], override_reason: str = "") -> list[str]:
    """Refuse (422) registration dates that break a rule (see registration.py); return the rules
    an override reason lifted, for `audit_override` once the worker is written."""
    verdict = registration.check_dates(stored, values, override_reason)
    if verdict.errors:
        raise invalid(verdict.errors, "登记信息不符合社会工作者登记规定")
    return verdict.overridden


async def audit_override(code: str, actor: str, worker_id: int, rules: list[str], reason: str,
                         dates: dict[str, Any]) -> None:
    """An audit event naming the rules a reason lifted: who let a late registration in, and why."""
    if rules:
        await audit.record(actor=actor, action="registration_override", entity="social_worker", entity_id=worker_id,
                           district_code=code, after={"rules": rules, "reason": reason.strip(), **dates})


async def get_worker(code: str, worker_id: int) -> dict[str, Any]:
    row = await SocialWorker.select().where((SocialWorker.id == worker_id) & (SocialWorker.district_code == code)).first()
    if row is None:
        raise not_found("社工档案")
    return row


async def worker_view(rows: list[dict[str, Any]], subsidies: dict[str, int] | None = None,
                      today: date | None = None) -> list[dict[str, Any]]:
    """Profiles with the person's masked identity, age, the qualification subsidy, the registration
    state on `today` and the latest registration application's national state (未申请 without one)."""
    today = today or date.today()
    people = {p["id"]: p for p in await Person.select().where(
        Person.id.is_in(sorted({r["person_id"] for r in rows}) or [0]))}
    orgs = {o["id"]: o["name"] for o in await Organization.select(Organization.id, Organization.name).where(
        Organization.id.is_in(sorted({r["employer_org_id"] for r in rows if r["employer_org_id"]}) or [0]))}
    latest = {a["worker"]: a for a in await RegistrationApplication.select(
        RegistrationApplication.id, RegistrationApplication.worker, RegistrationApplication.state).where(
        RegistrationApplication.worker.is_in([r["id"] for r in rows] or [0])).order_by(RegistrationApplication.id)}
    out = []
    for row in rows:
        person = people[row["person_id"]]
        state, expires = registration.registration_state(row["registered_on"], today)
        national = latest.get(row["id"], {}).get("state", "not_applied")
        out.append({
            **{k: v for k, v in row.items() if k not in ("created_at",)},
            "name": person["name"], "gender": person["gender"], "age": age_on(person["birth_date"], today),
            "id_number": mask_id_number(person["id_number"]), "phone": mask_phone(person["phone"]) or "",
            "employer": orgs.get(row["employer_org_id"], ""),
            "subsidy": (subsidies or {}).get(row["qualification"], 0),
            "registration_state": state, "registration_expires": expires,
            "national_state": national, "national_state_label": states.label(national),
        })
    return out


async def education_summary(row: dict[str, Any], settings: dict[str, Any]) -> dict[str, Any] | None:
    """The worker's continuing-education hours in the current registration period (education.py)."""
    records = await ContinuingEducation.select(
        ContinuingEducation.id, ContinuingEducation.kind, ContinuingEducation.day, ContinuingEducation.hours).where(
        ContinuingEducation.worker == row["id"])
    return education.summary(row, records, settings, date.today())


def subsidies_from(settings: dict[str, Any]) -> dict[str, int]:
    return {"助理社会工作师": settings["subsidy_assistant"], "社会工作师": settings["subsidy_social_worker"],
            "高级社会工作师": settings["subsidy_senior"], "无": 0}


def profile_errors_or_raise(errors: list[tuple[str, str]]) -> None:
    if errors:
        raise invalid(errors)


@dataclass
class Upserted:
    worker_id: int
    created: bool
    changes: dict[str, Any]
    """The profile values written (all of them for a new worker)."""
    before: dict[str, Any]
    """The previous values of the changed fields (empty for a new worker)."""


async def upsert_workers(code: str, actor: str, rows: list[tuple[dict[str, Any], dict[str, Any]]],
                         on_progress=None) -> list[Upserted]:
    """Create or update many (person, profile) pairs — by ID number, a few queries per
    500 rows — and record status history. A person registered in another district is
    refused, never changed. Call inside a write transaction, with values already checked."""
    today = date.today()
    results: list[Upserted] = []
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        ids = [p["id_number"].strip().upper() for p, _ in chunk]
        people = {r["id_number"]: r for r in await Person.select().where(Person.id_number.is_in(ids))}
        foreign = [i for i in ids if i in people and people[i]["district_code"] != code]
        if foreign:
            raise ApiError(409, "身份证号已在其他区县登记，请联系该区县办理调动", "other_district",
                           [("id_number", f"{mask_id_number(i)} 已在其他区县登记") for i in foreign[:20]])
        new_people = []
        for (person, _), id_number in zip(chunk, ids):
            values = {"name": person["name"], "phone": person.get("phone", "")}
            if person.get("community_code"):
                values["community_code"] = person["community_code"]
            existing = people.get(id_number)
            if existing is None:
                new_people.append(Person(district_code=code, id_number=id_number, gender=id_gender(id_number),
                                         birth_date=id_birth_date(id_number), **values))
            elif any(existing.get(k) != v for k, v in values.items()):
                await Person.update({getattr(Person, k): v for k, v in values.items()}).where(
                    Person.id == existing["id"])
        if new_people:
            for r in await Person.insert(*new_people).returning(Person.id, Person.id_number):
                people[r["id_number"]] = r
        person_ids = [people[i]["id"] for i in ids]
        workers = {w["person_id"]: w for w in await SocialWorker.select().where(
            SocialWorker.person_id.is_in(person_ids))}
        new_workers, history, chunk_results = [], [], []
        for (_, profile), person_id in zip(chunk, person_ids):
            profile = dict(profile)
            worker = workers.get(person_id)
            given = {k: profile.pop(k) for k in registration.FIELDS if k in profile}
            if any(given.values()):  # dates not given (or None) keep the stored ones
                first, latest = registration.resolve(worker, given)
                profile.update(first_registered_on=first, registered_on=latest,
                               registration_expires=registration.expiry(latest) if latest else None)
            if worker is None:
                new_workers.append(SocialWorker(district_code=code, person_id=person_id, **profile))
                chunk_results.append(Upserted(0, True, profile, {}))
                continue
            changes = {k: v for k, v in profile.items() if worker.get(k) != v}
            if changes:
                values = {getattr(SocialWorker, k): v for k, v in changes.items()}
                values[SocialWorker.updated_at] = datetime.now(timezone.utc)
                await SocialWorker.update(values).where(SocialWorker.id == worker["id"])
                if "status" in changes:
                    history.append(StatusChange(worker=worker["id"], district_code=code, actor=actor,
                                                from_status=worker["status"], to_status=changes["status"],
                                                changed_on=today))
            chunk_results.append(Upserted(worker["id"], False, changes, {k: worker[k] for k in changes}))
        if new_workers:
            inserted = iter(await SocialWorker.insert(*new_workers).returning(SocialWorker.id, SocialWorker.status))
            for result in chunk_results:
                if result.created:
                    row = next(inserted)
                    result.worker_id = row["id"]
                    history.append(StatusChange(worker=row["id"], district_code=code, actor=actor, from_status=None,
                                                to_status=row["status"], changed_on=today))
        if history:
            await StatusChange.insert(*history)
        results += chunk_results
        if on_progress:
            on_progress(start + len(chunk))
    return results
