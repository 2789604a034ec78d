"""Incubation base tables: bases, incubatees (one row from application to graduation or
exit), the review panel's scores, capacity milestones with evidence and sign-off,
training attendance and periodic progress reviews."""

from piccolo.columns import Boolean, Date, Float, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Base(Table, tablename="incubation_base"):
    """An incubation base (孵化基地) a district runs. `services` is a JSON list of SERVICES keys."""

    district_code = Varchar(length=6, index=True)
    name = Varchar(length=200)
    address = Varchar(length=200, default="")
    capacity = Integer()  # desks or rooms: incubating residents at one time
    services = Text(default="[]")
    community_code = Varchar(length=12, null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())


class Incubatee(Table, tablename="incubation_incubatee"):
    """An applicant team or organisation, from its application to graduation (出壳) or exit.

    Stages (see states.py): applied → screened (初审) → accepted (评审) → incubating
    (签约入驻, 培育; 中期/期满评估 are progress reviews) → graduated (出壳) | exited (退驻);
    applied/screened may end rejected. 延期 extends `planned_end` while incubating."""

    district_code = Varchar(length=6, index=True)
    base = ForeignKey(references=Base, index=True)
    name = Varchar(length=200)
    organization_id = Integer(null=True, default=None, index=True)  # an existing organisation, or the graduate
    incubatee_type = Varchar(length=16, default="")  # sprout | startup | hub (core.glossary), stated at application
    fields = Text(default="[]")  # JSON list of service fields
    members = Text(default="[]")  # JSON list of {"name", "role", "retired": bool}
    intended_services = Text(default="")
    community_code = Varchar(length=12, null=True, default=None)
    plan = Text(default="")
    contact_name = Varchar(length=50, default="")
    contact_phone = Varchar(length=20, default="")
    applicant = Varchar(length=64)  # the user who applied
    stage = Varchar(length=16, default="applied", index=True)
    eligibility = Text(default="[]")  # JSON list of the reasons checked at screening
    decision_reason = Text(default="")
    review_score = Float(null=True, default=None)
    mentor = Varchar(length=64, default="")  # username of the assigned mentor
    residency = Varchar(length=16, default="")  # on_site | virtual (core.glossary), decided at move-in
    space = Varchar(length=100, default="")  # desk or room (none for a virtual resident)
    moved_in_on = Date(null=True, default=None)
    planned_end = Date(null=True, default=None)
    extensions = Integer(default=0)
    graduated_on = Date(null=True, default=None)
    exited_on = Date(null=True, default=None)
    exit_reason = Text(default="")
    applied_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class PanelScore(Table, tablename="incubation_panel_score"):
    """One reviewer's score of an application at 评审 (one per reviewer and incubatee)."""

    incubatee = ForeignKey(references=Incubatee, index=True)
    reviewer = Varchar(length=64)
    score = Float()
    comment = Text(default="")
    scored_at = Timestamptz(default=TimestamptzNow())


class Milestone(Table, tablename="incubation_milestone"):
    """A capacity milestone (章程, 活动规范, 财务制度, 登记/备案, 首次服务, 非退休成员 …).
    States: planned → submitted (evidence given) → signed_off (by the mentor); a mentor may
    send a submission back (submitted → planned) with a note."""

    incubatee = ForeignKey(references=Incubatee, index=True)
    district_code = Varchar(length=6, index=True)
    kind = Varchar(length=32)
    title = Varchar(length=200)
    due_on = Date(null=True, default=None)
    state = Varchar(length=16, default="planned")
    evidence = Text(default="")  # what was done: a description, links or document numbers
    submitted_at = Timestamptz(null=True, default=None)
    signed_off_by = Varchar(length=64, default="")
    signed_off_at = Timestamptz(null=True, default=None)
    note = Text(default="")


class Training(Table, tablename="incubation_training"):
    """Training an incubatee attended."""

    incubatee = ForeignKey(references=Incubatee, index=True)
    district_code = Varchar(length=6, index=True)
    day = Date()
    title = Varchar(length=200)
    hours = Float(default=0.0)
    attendees = Integer(default=1)


class ProgressReview(Table, tablename="incubation_progress_review"):
    """A periodic, mid-term (中期) or final (期满) review of an incubatee."""

    incubatee = ForeignKey(references=Incubatee, index=True)
    district_code = Varchar(length=6, index=True)
    kind = Varchar(length=8)  # 定期 | 中期 | 期满
    day = Date()
    reviewer = Varchar(length=64)
    rating = Varchar(length=8)  # 良好 | 一般 | 较差
    summary = Text(default="")
