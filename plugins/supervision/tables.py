"""Supervision tables: audit campaigns with their sampled records (findings, evidence,
answers), automatic flags and the scan schedule, and agency assessment (indicator
systems, scored assessments, grade history)."""

from piccolo.columns import Boolean, Date, Float, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.tables import Upload

# -- audit campaigns --------------------------------------------------------------------------


class Campaign(Table, tablename="supervision_campaign"):
    """An audit of one record source over a period and scope. The sample is drawn with a
    stored seed, so drawing again gives the same records. States: draft → sampled → closed."""

    district_code = Varchar(length=6, index=True)
    title = Varchar(length=200)
    source = Varchar(length=100)  # an AuditableRecords name, e.g. "talent.service_logs"
    scope = Varchar(length=16, default="district")  # district | organization | worker
    scope_id = Integer(null=True, default=None)  # the organisation or worker id
    period_start = Date()
    period_end = Date()
    sampling = Varchar(length=16, default="percent")  # percent | count | flagged
    sample_size = Float(default=10.0)  # a percentage (0–100] or a number of records
    seed = Integer()
    state = Varchar(length=16, default="draft", index=True)
    population = Integer(default=0)  # records in scope when the sample was drawn
    summary = Text(default="")  # the supervisor's conclusion, written when closing
    created_by = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())
    sampled_at = Timestamptz(null=True, default=None)
    closed_by = Varchar(length=64, default="")
    closed_at = Timestamptz(null=True, default=None)


class SampleItem(Table, tablename="supervision_item"):
    """One sampled record and its finding. States: pending → open (verdict given) →
    answered (the worker or organisation replied) → closed; open may close directly."""

    campaign = ForeignKey(references=Campaign, index=True)
    district_code = Varchar(length=6, index=True)
    record_id = Varchar(length=64)
    day = Date(null=True, default=None)
    subject = Integer(null=True, default=None, index=True)  # the worker the record is about
    person_id = Integer(null=True, default=None, index=True)  # that worker's registry person
    organization_id = Integer(null=True, default=None, index=True)
    summary = Text(default="")  # the record as sampled
    state = Varchar(length=16, default="pending")
    verdict = Varchar(length=8, null=True, default=None)  # 合格 | 存疑 | 不合格
    finding = Text(default="")
    reviewed_by = Varchar(length=64, default="")
    reviewed_at = Timestamptz(null=True, default=None)
    response = Text(default="")
    responded_by = Varchar(length=64, default="")
    responded_at = Timestamptz(null=True, default=None)
    close_note = Text(default="")
    closed_by = Varchar(length=64, default="")
    closed_at = Timestamptz(null=True, default=None)


class Evidence(Table, tablename="supervision_evidence"):
    """A file attached to a finding: the file and its name, type, size and uploader are core's
    `upload` row (`core.uploads`); this row says which finding it belongs to."""

    item = ForeignKey(references=SampleItem, index=True)
    district_code = Varchar(length=6, index=True)
    upload = ForeignKey(references=Upload, on_delete=OnDelete.restrict, index=True)


# -- flags ------------------------------------------------------------------------------------


class Flag(Table, tablename="supervision_flag"):
    """A condition a module's rule found. `dedupe` (district + the rule's stable key) is
    unique: the same condition is raised once, whatever happens to the flag afterwards.
    States: open → resolved | dismissed."""

    district_code = Varchar(length=6, index=True)
    dedupe = Varchar(length=300, unique=True)
    key = Varchar(length=250)
    module = Varchar(length=64)
    rule = Varchar(length=100, index=True)
    record_type = Varchar(length=64)
    record_id = Varchar(length=64)
    subject = Integer(null=True, default=None)
    organization_id = Integer(null=True, default=None, index=True)
    person_id = Integer(null=True, default=None, index=True)
    """the registry person the flag is about (a worker's registration, hours…), or None"""
    severity = Varchar(length=8)
    message = Text()
    state = Varchar(length=12, default="open", index=True)
    note = Text(default="")
    handled_by = Varchar(length=64, default="")
    handled_at = Timestamptz(null=True, default=None)
    raised_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())


class ScanRun(Table, tablename="supervision_scan"):
    """The last rule scan of a district; also the lease that lets one app worker run the
    scheduled scan while the others skip it."""

    district_code = Varchar(length=6, unique=True)
    started_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)
    raised = Integer(default=0)
    seen = Integer(default=0)
    error = Text(default="")


# -- agency assessment --------------------------------------------------------------------------


class Scheme(Table, tablename="supervision_scheme"):
    """A district's indicator system for assessing social organisations (社会组织评估).
    `bands` is JSON: [{"grade": "5A", "min": 900}, …]; the total is out of `scale` points."""

    district_code = Varchar(length=6, index=True)
    name = Varchar(length=200)
    scale = Integer(default=1000)
    bands = Text(default="[]")
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Indicator(Table, tablename="supervision_indicator"):
    """One indicator: scored between `min_score` and `max_score`, worth `weight` points."""

    scheme = ForeignKey(references=Scheme, index=True)
    group_name = Varchar(length=100)
    name = Varchar(length=200)
    weight = Float()
    min_score = Float(default=0.0)
    max_score = Float(default=10.0)
    position = Integer(default=0)


class Assessment(Table, tablename="supervision_assessment"):
    """An organisation scored against a scheme; `scores` is JSON {indicator id: score}."""

    scheme = ForeignKey(references=Scheme, index=True)
    district_code = Varchar(length=6, index=True)
    organization_id = Integer(index=True)
    assessed_on = Date()
    assessor = Varchar(length=64)
    scores = Text(default="{}")
    total = Float(default=0.0)
    grade = Varchar(length=2, null=True, default=None)
    note = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class GradeHistory(Table, tablename="supervision_grade_history"):
    """Every grade written back to an organisation in the registry (valid five years)."""

    organization_id = Integer(index=True)
    district_code = Varchar(length=6, index=True)
    assessment = Integer(null=True, default=None)
    previous_grade = Varchar(length=2, null=True, default=None)
    grade = Varchar(length=2, null=True, default=None)
    valid_until = Date(null=True, default=None)
    changed_by = Varchar(length=64)
    changed_at = Timestamptz(default=TimestamptzNow())
