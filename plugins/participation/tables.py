"""Participation tables: residents' needs and their supporters; activities with sign-ups
(waiting list, check-in, no-shows); recorded uses of a service; ratings and their moderation;
the points ledger, balances, rewards and redemptions; co-governance committees with members,
meetings, decisions and residents' proposals.

Residents are users (`user_id`, with the registry person of their account where there is one,
for statistics by age band); staff are named by username, as on the audit log."""

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Real, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

# -- needs (需求征集) ----------------------------------------------------------------------------


class Need(Table, tablename="participation_need"):
    """A need a resident or community staff posted. States: open → accepted → answered, or
    merged (into `merged_into`) / declined (with `reason`). `supporters` counts NeedSupport rows."""

    district_code = Varchar(length=6, index=True)
    community_code = Varchar(length=12, index=True)
    field = Varchar(length=32)
    title = Varchar(length=120)
    description = Text(default="")
    state = Varchar(length=16, default="open", index=True)
    reason = Text(default="")
    merged_into = Integer(null=True, default=None)
    supporters = Integer(default=0)
    posted_by = Varchar(length=64)
    poster_user_id = Integer(null=True, default=None, index=True)
    poster_person_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    triaged_by = Varchar(length=64, default="")
    triaged_at = Timestamptz(null=True, default=None)


class NeedSupport(Table, tablename="participation_need_support"):
    """A resident's "我也需要" on a need (one per resident and need)."""

    need = ForeignKey(references=Need, index=True)
    district_code = Varchar(length=6, index=True)
    user_id = Integer(index=True)
    created_at = Timestamptz(default=TimestamptzNow())


# -- activities -----------------------------------------------------------------------------


class Activity(Table, tablename="participation_activity"):
    """An announced activity. `signed_up` and `waiting` are counters kept by the sign-up
    writes with conditional updates, so capacity holds under concurrent sign-ups.
    States: published → cancelled (with a reason). `service_ref` names a linked service or
    purchase project (e.g. "procurement:<ocid>", "catalogue:service:<id>")."""

    district_code = Varchar(length=6, index=True)
    community_code = Varchar(length=12, null=True, default=None, index=True)
    field = Varchar(length=32)
    title = Varchar(length=120)
    description = Text(default="")
    place = Varchar(length=200)
    starts_at = Timestamptz(index=True)
    ends_at = Timestamptz()
    capacity = Integer()
    target_group = Varchar(length=32, default="全体居民")
    service_ref = Varchar(length=120, null=True, default=None, index=True)
    service_title = Varchar(length=200, default="")
    organization_id = Integer(null=True, default=None, index=True)
    worker_person_id = Integer(null=True, default=None, index=True)
    volunteer_hours = Real(default=0.0)  # hours credited to each attendee as volunteering (0: none)
    state = Varchar(length=16, default="published", index=True)
    reason = Text(default="")
    signed_up = Integer(default=0)
    waiting = Integer(default=0)
    checkin_code = Varchar(length=12, default="")
    checkin_code_until = Timestamptz(null=True, default=None)
    announced_by = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())


class Signup(Table, tablename="participation_signup"):
    """One resident on one activity (unique). States: signed_up | waiting | cancelled |
    attended | no_show. Waiting rows move up in id order."""

    activity = ForeignKey(references=Activity, index=True)
    district_code = Varchar(length=6, index=True)
    user_id = Integer(index=True)
    person_id = Integer(null=True, default=None, index=True)
    state = Varchar(length=16, index=True)
    created_at = Timestamptz(default=TimestamptzNow())
    cancelled_at = Timestamptz(null=True, default=None)
    checked_in_at = Timestamptz(null=True, default=None)
    checked_in_by = Varchar(length=64, default="")
    checked_in_via = Varchar(length=8, default="")  # list | code


class ServiceUse(Table, tablename="participation_service_use"):
    """Staff record that a resident used a service (so the resident may rate that use)."""

    district_code = Varchar(length=6, index=True)
    service_ref = Varchar(length=120, index=True)
    service_title = Varchar(length=200, default="")
    organization_id = Integer(null=True, default=None)
    worker_person_id = Integer(null=True, default=None)
    user_id = Integer(index=True)
    used_on = Date()
    recorded_by = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())


# -- ratings --------------------------------------------------------------------------------


class Rating(Table, tablename="participation_rating"):
    """A resident's 1–5 rating of an attended activity or a used service, on four dimensions.
    `subject` ("activity:<id>" or "use:<id>") is unique per user. Rolls up to `service_ref`,
    `organization_id` and `worker_person_id`. Moderation hides the comment (never the row)."""

    district_code = Varchar(length=6, index=True)
    subject = Varchar(length=40)
    user_id = Integer(index=True)
    community_code = Varchar(length=12, null=True, default=None)
    field = Varchar(length=32, default="")
    service_ref = Varchar(length=120, null=True, default=None, index=True)
    organization_id = Integer(null=True, default=None, index=True)
    worker_person_id = Integer(null=True, default=None, index=True)
    professional = Integer()
    timeliness = Integer()
    attitude = Integer()
    effect = Integer()
    score = Real()  # the mean of the four
    comment = Text(default="")
    careful = Boolean(default=False)
    hidden = Boolean(default=False)
    hidden_reason = Text(default="")
    hidden_by = Varchar(length=64, default="")
    hidden_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


# -- points and rewards ---------------------------------------------------------------------


class PointEntry(Table, tablename="participation_point_entry"):
    """The append-only points ledger: never updated or deleted; a reversal is a new entry
    naming the one it reverses. `ref` names the record the points are for (unique per user,
    reason and ref for awards, so a check-in never pays twice)."""

    district_code = Varchar(length=6, index=True)
    user_id = Integer(index=True)
    amount = Integer()
    reason = Varchar(length=16)  # attend | volunteer | careful_rating | redeem | reversal | adjust
    ref = Varchar(length=64, default="")
    note = Text(default="")
    reverses = Integer(null=True, default=None)
    created_by = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())


class PointBalance(Table, tablename="participation_point_balance"):
    """A resident's balance in a district: the ledger's sum, kept by the same transaction that
    appends an entry; spending is a conditional UPDATE (balance >= cost), so it never goes below 0."""

    district_code = Varchar(length=6)
    user_id = Integer(index=True)
    balance = Integer(default=0)


class Reward(Table, tablename="participation_reward"):
    """A small reward residents redeem points for (e.g. 环保购物袋); `stock` only ever falls
    through a conditional UPDATE (stock > 0)."""

    district_code = Varchar(length=6, index=True)
    name = Varchar(length=100)
    description = Text(default="")
    cost = Integer()
    stock = Integer(default=0)
    active = Boolean(default=True)
    created_by = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())


class Redemption(Table, tablename="participation_redemption"):
    """A resident's redemption of one reward. States: issued → collected | cancelled."""

    reward = ForeignKey(references=Reward, index=True)
    district_code = Varchar(length=6, index=True)
    user_id = Integer(index=True)
    cost = Integer()
    state = Varchar(length=16, default="issued")
    created_at = Timestamptz(default=TimestamptzNow())
    handled_by = Varchar(length=64, default="")
    handled_at = Timestamptz(null=True, default=None)


# -- co-governance committee (共治委员会) --------------------------------------------------------


class Committee(Table, tablename="participation_committee"):
    """A 三社联动 co-governance committee of one community or street (`area_code`)."""

    district_code = Varchar(length=6, index=True)
    area_code = Varchar(length=12, index=True)
    name = Varchar(length=100)
    created_by = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())


class CommitteeMember(Table, tablename="participation_committee_member"):
    """A member with a term. kind: resident | community_staff | organization | social_worker."""

    committee = ForeignKey(references=Committee, index=True)
    district_code = Varchar(length=6, index=True)
    name = Varchar(length=50)
    kind = Varchar(length=16)
    person_id = Integer(null=True, default=None, index=True)
    organization_id = Integer(null=True, default=None, index=True)
    term_start = Date()
    term_end = Date()


class Meeting(Table, tablename="participation_meeting"):
    """A committee meeting: agenda, minutes and attendance (member ids). planned → held."""

    committee = ForeignKey(references=Committee, index=True)
    district_code = Varchar(length=6, index=True)
    held_at = Timestamptz()
    place = Varchar(length=200, default="")
    agenda = Text(default="")
    minutes = Text(default="")
    attendance = JSON(default=[])
    state = Varchar(length=16, default="planned")
    created_by = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())


class Proposal(Table, tablename="participation_proposal"):
    """A resident's proposal (议事) to a committee, answered by `due_on`.
    States: submitted → answered (adopted | not adopted, with the answer)."""

    committee = ForeignKey(references=Committee, index=True)
    district_code = Varchar(length=6, index=True)
    user_id = Integer(index=True)
    title = Varchar(length=120)
    body = Text(default="")
    state = Varchar(length=16, default="submitted")
    due_on = Date()
    answer = Text(default="")
    adopted = Boolean(null=True, default=None)
    answered_by = Varchar(length=64, default="")
    answered_at = Timestamptz(null=True, default=None)
    meeting_id = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class Decision(Table, tablename="participation_decision"):
    """A decision taken at a meeting; it may create a need or an activity (`created_ref`,
    e.g. "need:12" or "activity:3") and may answer a proposal."""

    meeting = ForeignKey(references=Meeting, index=True)
    district_code = Varchar(length=6, index=True)
    text = Text()
    proposal_id = Integer(null=True, default=None)
    created_ref = Varchar(length=40, default="")
    created_at = Timestamptz(default=TimestamptzNow())
