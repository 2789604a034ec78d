"""The database refuses a dangling registry reference even when the app's 409 check is bypassed
(migration core_2026_11_30t16_00_00: constraints on PostgreSQL, triggers on SQLite)."""

from __future__ import annotations

import pytest

from core.tables import Community, Organization, Person, RoleGrant, User
from tests.conftest import run


def _refused(query) -> str:
    with pytest.raises(Exception) as caught:  # sqlite3.IntegrityError / asyncpg ForeignKeyViolationError
        run(query)
    text = str(caught.value).lower()
    assert "foreign key" in text, text
    return text


def _linked_person() -> dict:
    user = run(User.select(User.person_id).where(User.person_id.is_not_null()).first())
    assert user, "the demo data links a worker's account to a person"
    return run(Person.select().where(Person.id == user["person_id"]).first())


def test_deleting_a_person_an_account_refers_to_is_refused(ctx):
    person = _linked_person()
    _refused(Person.delete().where(Person.id == person["id"]))
    assert run(Person.exists().where(Person.id == person["id"]))


def test_an_account_cannot_point_at_a_missing_person(ctx):
    user = run(User.select(User.id).where(User.person_id.is_not_null()).first())
    _refused(User.update({User.person_id: 2**31 - 1}).where(User.id == user["id"]))


def test_deleting_an_organisation_a_role_grant_refers_to_is_refused(ctx):
    grant = run(RoleGrant.select(RoleGrant.organization_id).where(RoleGrant.organization_id.is_not_null()).first())
    assert grant, "the demo data grants organisation staff a role"
    _refused(Organization.delete().where(Organization.id == grant["organization_id"]))


def test_a_street_with_communities_and_a_community_with_people_stay(ctx):
    street = run(Community.select(Community.code).where(Community.kind == "street").first())
    _refused(Community.delete().where(Community.code == street["code"]))
    person = run(Person.select(Person.community_code).where(Person.community_code.is_not_null()).first())
    _refused(Community.delete().where(Community.code == person["community_code"]))


def test_a_registry_row_cannot_name_a_missing_community(ctx):
    org = run(Organization.select(Organization.id).first())
    _refused(Organization.update({Organization.community_code: "439999999999"}).where(Organization.id == org["id"]))
    person = run(Person.select(Person.id).first())
    _refused(Person.update({Person.community_code: "439999999999"}).where(Person.id == person["id"]))
