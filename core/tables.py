"""Core tables: identity, per-district module state, shared registry, audit log, uploads.

Every row that belongs to a district carries `district_code`; queries scope by
it from the request's principal, never from a client-supplied field.
"""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

# --- districts ------------------------------------------------------------------------


class DistrictModule(Table, tablename="district_module"):
    """A runtime enable/disable of a module by a district admin (wins over the TOML file)."""

    district_code = Varchar(length=6, index=True)
    module = Varchar(length=64)
    enabled = Boolean(default=False)
    settings_json = Text(default="{}")
    updated_at = Timestamptz(default=TimestamptzNow())
    updated_by = Varchar(length=64, default="")


# --- shared registry ------------------------------------------------------------------


class Community(Table, tablename="community"):
    """A street (街道/乡镇) or community (社区/村) with its 12-digit statistical code."""

    district_code = Varchar(length=6, index=True)
    code = Varchar(length=12, unique=True)
    name = Varchar(length=100)
    kind = Varchar(length=16)  # street | community
    parent_code = Varchar(length=12, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Organization(Table, tablename="organization"):
    """A social organisation registered or filed in the district."""

    district_code = Varchar(length=6, index=True)
    uscc = Varchar(length=18, unique=True, null=True, default=None)
    uscc_exception = Boolean(default=False)
    uscc_exception_reason = Text(default="")  # why a code failing its check character is accepted
    name = Varchar(length=200)
    legal_type = Varchar(length=32)
    status = Varchar(length=32)
    grade = Varchar(length=2, null=True, default=None)
    registered_on = Date(null=True, default=None)
    community_code = Varchar(length=12, null=True, default=None)
    address = Varchar(length=200, default="")
    contact_name = Varchar(length=50, default="")
    contact_phone = Varchar(length=20, default="")
    credit_status = Varchar(length=16, default="normal")  # follows the open CreditListing rows
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class AnnualInspection(Table, tablename="annual_inspection"):
    """The result of an organisation's annual inspection or report for one year (one row per
    organisation and year: a unique index on both, added in the migration)."""

    organization = ForeignKey(references=Organization, on_delete=OnDelete.restrict, index=True)
    district_code = Varchar(length=6, index=True)
    year = Integer()
    result = Varchar(length=32)  # core.glossary.INSPECTION_RESULTS
    note = Text(default="")
    recorded_by = Varchar(length=64)
    recorded_at = Timestamptz(default=TimestamptzNow())


class CreditListing(Table, tablename="credit_listing"):
    """An entry of an organisation on a credit list (民政部令第60号). Never deleted: removing
    the organisation from the list sets `removed_on`, so the history stays."""

    organization = ForeignKey(references=Organization, on_delete=OnDelete.restrict, index=True)
    district_code = Varchar(length=6, index=True)
    credit_list = Varchar(length=16)  # core.glossary.CREDIT_LISTS: abnormal | serious
    listed_on = Date()
    reason = Text()
    listed_by = Varchar(length=64)
    removed_on = Date(null=True, default=None)
    removal_reason = Text(default="")
    removed_by = Varchar(length=64, default="")
    created_at = Timestamptz(default=TimestamptzNow())


class SocialWorkStation(Table, tablename="social_work_station"):
    """A street's (乡镇/街道) social-work station (社工站, "一乡镇(街道)一站点"). Never deleted:
    closing it sets `closed_on` (撤站), so coverage at an earlier date stays computable. At most
    one open station per street (`core.registry.stations` checks it inside the write
    transaction; a partial unique index added in the migration backs it)."""

    district_code = Varchar(length=6, index=True)
    street_code = Varchar(length=12, index=True)  # a Community of kind "street"
    name = Varchar(length=100)
    address = Varchar(length=200, default="")
    opened_on = Date()
    closed_on = Date(null=True, default=None)
    resident_workers = Integer(default=0)  # 驻站社工数 as recorded by the registry staff
    note = Text(default="")
    created_by = Varchar(length=64, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Person(Table, tablename="person"):
    """A natural person every module can reference; the ID number is the natural key."""

    district_code = Varchar(length=6, index=True)
    name = Varchar(length=50)
    id_number = Varchar(length=18, unique=True)
    gender = Varchar(length=2)
    birth_date = Date()
    phone = Varchar(length=20, default="")
    community_code = Varchar(length=12, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class IndicatorReport(Table, tablename="indicator_report"):
    """A district's quarterly submission (季度报送) of its indicators to the city: the figures of
    `district_indicators` at the quarter's last day, frozen as JSON (`values`). Append only: a
    correction is a new row with the next `version` and a `reason`; rows are never updated or
    deleted (core.indicator_reports). A unique index over (district_code, quarter, version), added
    in the migration, makes one of two racing submissions fail."""

    district_code = Varchar(length=6, index=True)
    quarter = Varchar(length=6)  # "2026Q3"
    quarter_end = Date()
    version = Integer(default=1)  # 1 = first submission, 2+ = corrections
    values = Text(default="[]")  # JSON: the indicator rows as submitted
    note = Text(default="")
    reason = Text(default="")  # required from version 2 on
    submitted_by = Varchar(length=64)
    submitted_at = Timestamptz(default=TimestamptzNow())


# --- identity -------------------------------------------------------------------------


class User(Table, tablename="sanshe_user"):
    username = Varchar(length=64, unique=True)
    display_name = Varchar(length=100, default="")
    password_hash = Varchar(length=200)
    active = Boolean(default=True)
    last_login = Timestamptz(null=True, default=None)
    person_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class LoginThrottle(Table, tablename="login_throttle"):
    """Failed-login counters shared by every worker process (core.login_throttle): one row per
    client address (`addr:`), per account name (`name:`) and per name and address (`pair:`);
    a pair row with `last_success` marks an address the account has logged in from."""

    key = Varchar(length=200, unique=True)
    failures = Integer(default=0)
    last_failure = Timestamptz(null=True, default=None)
    blocked_until = Timestamptz(null=True, default=None)
    last_success = Timestamptz(null=True, default=None)


class RoleGrant(Table, tablename="role_grant"):
    """A role held by a user within a scope (city, district or organisation)."""

    user = ForeignKey(references=User, index=True)
    role = Varchar(length=64)
    city_code = Varchar(length=6, null=True, default=None)
    district_code = Varchar(length=6, null=True, default=None)
    organization_id = Integer(null=True, default=None)


class UserSession(Table, tablename="user_session"):
    """A web session; the cookie carries a signed random token, the row its hash."""

    token_hash = Varchar(length=64, unique=True)
    user = ForeignKey(references=User, index=True)
    csrf_token = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen = Timestamptz(default=TimestamptzNow())


class TwoFactor(Table, tablename="two_factor"):
    """A user's TOTP authenticator (RFC 6238, core.twofactor). `confirmed_at` is null while
    the enrolment waits for its first code; `last_step` is the newest time step accepted, so a
    code cannot be used twice. `secret` is sealed (core.secretbox), never the plain seed."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, unique=True)
    secret = Varchar(length=128)
    confirmed_at = Timestamptz(null=True, default=None)
    last_step = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class RecoveryCode(Table, tablename="recovery_code"):
    """A single-use recovery code for two-factor login; only its SHA-256 is stored."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, index=True)
    code_hash = Varchar(length=64)
    used_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class ApiToken(Table, tablename="api_token"):
    """A bearer token for machines; only its SHA-256 is stored."""

    user = ForeignKey(references=User, index=True)
    name = Varchar(length=100)
    token_hash = Varchar(length=64, unique=True)
    prefix = Varchar(length=12)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used = Timestamptz(null=True, default=None)
    revoked = Boolean(default=False)
    # Every token made since issue 11 expires (default 90 days); tokens made before keep working (null).
    expires_at = Timestamptz(null=True, default=None)


# --- audit ----------------------------------------------------------------------------


class AuditEvent(Table, tablename="audit_event"):
    """Append-only, hash-chained: hash = sha256(prev_hash + canonical event)."""

    seq = Integer(unique=True)
    at = Varchar(length=40)
    actor = Varchar(length=64)
    action = Varchar(length=64)
    entity = Varchar(length=64)
    entity_id = Varchar(length=64)
    district_code = Varchar(length=6, null=True, default=None, index=True)
    before = Text(default="null")
    after = Text(default="null")
    prev_hash = Varchar(length=64)
    hash = Varchar(length=64)


class AuditHead(Table, tablename="audit_head"):
    """The newest event's seq and hash, so deleting the last events is detected too."""

    seq = Integer(default=0)
    hash = Varchar(length=64)


# --- uploads --------------------------------------------------------------------------


class Upload(Table, tablename="upload"):
    """A file someone uploaded (evidence and the like), kept once under the data folder by its
    SHA-256 (`core.uploads`); modules point at it by id. Never deleted, like the file."""

    district_code = Varchar(length=6, index=True)
    sha256 = Varchar(length=64, index=True)
    size = Integer()
    content_type = Varchar(length=100)
    filename = Varchar(length=200)
    uploaded_by = Varchar(length=64)
    uploaded_at = Timestamptz(default=TimestamptzNow())


# --- search ---------------------------------------------------------------------------


class SearchOutbox(Table, tablename="search_outbox"):
    """A document to refresh in the search index, written in the same transaction as
    the change; the indexer applies it and only then deletes the row."""

    index_name = Varchar(length=64, index=True)
    doc_id = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())
