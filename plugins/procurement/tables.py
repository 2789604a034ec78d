"""Government purchase of services tables: a purchase project (one row from planning to
closing) and its stage history (one row per move; each later becomes an OCDS release); its
bids, the evaluation panel with each member's conflict-of-interest declaration and scores,
and the award. Multi-column unique rules are indexes in the migration (one submitted bid per
organisation and project, one score per member and bid, one member row per user and project,
one award per project)."""

from piccolo.columns import BigInt, Boolean, Date, Float, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.tables import Upload


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
    # Tender terms (terms.py), set in planning or in tender before the first bid:
    eligibility = Text(default="{}")  # JSON: allowed kinds, minimum grade, workers, past score, new providers
    weights = Text(default="{}")  # JSON: criterion -> weight (glossary.CRITERIA), summing to 100
    bid_deadline = Timestamptz(null=True, default=None)  # stored UTC, shown in Beijing time
    # The awarded organisation's outcome score (0–100) once the project is evaluated (issue 13
    # item 5); later eligibility reads it as that organisation's past score.
    outcome_score = Float(null=True, default=None)
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


class Bid(Table, tablename="procurement_bid"):
    """An organisation's bid (投标/响应文件). `team` is a JSON list of {worker_id, person_id,
    name, qualification} drawn from the organisation's certified workers when the bid was made;
    its files are `BidDocument` rows. A bid
    refused for eligibility is kept (state `refused`, `reasons` a JSON list of {code, message})
    so the refusal and its reasons stay on the record."""

    project = ForeignKey(references=PurchaseProject, index=True)
    district_code = Varchar(length=6, index=True)
    organization_id = Integer(index=True)
    price_fen = BigInt(default=0)
    team = Text(default="[]")
    plan = Text(default="")
    state = Varchar(length=16, default="submitted")  # glossary.BID_STATES
    reasons = Text(default="[]")
    submitted_by = Varchar(length=64)
    submitted_at = Timestamptz(default=TimestamptzNow())
    withdrawn_at = Timestamptz(null=True, default=None)


class BidDocument(Table, tablename="procurement_bid_document"):
    """A file of a bid (资质证明, 服务方案 …), attached by the bidder's staff before the deadline;
    the file itself is a core `upload` row."""

    bid = ForeignKey(references=Bid, index=True)
    district_code = Varchar(length=6, index=True)
    upload = ForeignKey(references=Upload, on_delete=OnDelete.restrict, index=True)


class PanelMember(Table, tablename="procurement_panel_member"):
    """A member of a project's evaluation panel (评审小组), named by a district admin. Before
    scoring, the member declares conflicts of interest: none, some bidders (`conflict_orgs`, a
    JSON list of organisation ids: recused for their bids) or all (recused altogether)."""

    project = ForeignKey(references=PurchaseProject, index=True)
    district_code = Varchar(length=6, index=True)
    username = Varchar(length=64)
    display_name = Varchar(length=100, default="")
    named_by = Varchar(length=64)
    named_at = Timestamptz(default=TimestamptzNow())
    conflict = Varchar(length=8, null=True, default=None)  # glossary.CONFLICTS; null until declared
    conflict_orgs = Text(default="[]")
    statement = Text(default="")
    declared_at = Timestamptz(null=True, default=None)


class Score(Table, tablename="procurement_score"):
    """One panel member's scores (0–100) of one bid on the criteria scored by hand; the price
    score is computed (glossary.CRITERIA)."""

    project = ForeignKey(references=PurchaseProject, index=True)
    bid = ForeignKey(references=Bid, index=True)
    member = ForeignKey(references=PanelMember, index=True)
    plan = Float()
    capacity = Float()
    past = Float()
    comment = Text(default="")
    scored_at = Timestamptz(default=TimestamptzNow())


class Award(Table, tablename="procurement_award"):
    """The award of a project to one bid, with the reason (中标/成交结果); `top_ranked` says
    whether it went to the bid ranked first (else the reason explains why not)."""

    project = ForeignKey(references=PurchaseProject, index=True)
    district_code = Varchar(length=6, index=True)
    bid = ForeignKey(references=Bid)
    organization_id = Integer(index=True)
    price_fen = BigInt()
    total = Float(null=True, default=None)
    top_ranked = Boolean(default=True)
    reason = Text()
    awarded_by = Varchar(length=64)
    awarded_at = Timestamptz(default=TimestamptzNow())
