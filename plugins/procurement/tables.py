"""Government purchase of services tables: a purchase project (one row from planning to
closing) and its stage history (one row per move; each later becomes an OCDS release)."""

from piccolo.columns import BigInt, Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class PurchaseProject(Table, tablename="procurement_project"):
    """A project of government purchase of services (政府购买服务项目). Money in fen (分),
    never floats; `communities`, `indicators` and `needs` are JSON lists. `ocid` is
    `<ocid_prefix>-<district>-<id>`, set right after the insert."""

    district_code = Varchar(length=6, index=True)
    title = Varchar(length=200)
    buyer = Varchar(length=200)  # the district bureau or a street (街道) name
    buyer_community_code = Varchar(length=12, null=True, default=None)  # the buying street's registry code
    field = Varchar(length=50, index=True)  # a service field of the district's guidance catalogue (指导性目录)
    target_group = Varchar(length=100, default="")
    communities = Text(default="[]")  # JSON list of community codes of the district
    budget_fen = BigInt()
    period_start = Date()
    period_end = Date()
    term_reason = Text(default="")  # why a term is longer than max_term_months
    method = Varchar(length=16)  # glossary.METHODS
    method_reason = Text(default="")  # required for 单一来源
    subject_kind = Varchar(length=16, default="service")  # glossary.SUBJECT_KINDS; only service may be bought
    indicators = Text(default="[]")  # JSON list of {name, unit, target, kind: output|outcome}
    needs = Text(default="[]")  # JSON list of need ids (offered by other modules later)
    stage = Varchar(length=16, default="planning", index=True)
    stage_reason = Text(default="")
    ocid = Varchar(length=100, null=True, default=None, unique=True)
    created_by = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class StageChange(Table, tablename="procurement_stage_change"):
    """One move of a project between stages, with who, when and why."""

    project = ForeignKey(references=PurchaseProject, index=True)
    from_stage = Varchar(length=16)
    to_stage = Varchar(length=16)
    reason = Text(default="")
    actor = Varchar(length=64)
    at = Timestamptz(default=TimestamptzNow())
