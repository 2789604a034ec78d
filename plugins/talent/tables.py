"""Talent database tables: worker profiles linked to registry persons, their
records (service logs, continuing education, status history), the graduate
reserve pool, and 社工+志愿者 volunteer teams."""

from piccolo.columns import Boolean, Date, Float, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class SocialWorker(Table, tablename="talent_worker"):
    """A social worker's profile; the person (and so the ID number) is the natural key."""

    district_code = Varchar(length=6, index=True)
    person_id = Integer(unique=True)
    employer_org_id = Integer(null=True, default=None, index=True)
    employer_community_code = Varchar(length=12, null=True, default=None)
    post_type = Varchar(length=16)
    position_title = Varchar(length=50, default="")
    start_date = Date(null=True, default=None)
    status = Varchar(length=8, default="在岗", index=True)
    education = Varchar(length=8)
    major = Varchar(length=50, default="")
    social_work_major = Boolean(default=False)
    qualification = Varchar(length=16, default="无")
    certificate_no = Varchar(length=40, default="")
    certificate_year = Integer(null=True, default=None)
    # The registration state (valid / expiring / expired) depends on the day it is read, so
    # it is computed then (registration.py), never stored; the expiry follows from the date.
    first_registered_on = Date(null=True, default=None)
    registered_on = Date(null=True, default=None)
    registration_expires = Date(null=True, default=None)
    salary_grade = Varchar(length=20, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class ServiceLog(Table, tablename="talent_service_log"):
    """A worker's log of service. Submitted logs are never edited: a correction is a
    new row pointing at the original (`corrects`), and the original is marked superseded."""

    worker = ForeignKey(references=SocialWorker, index=True)
    district_code = Varchar(length=6, index=True)
    day = Date()
    hours = Float()
    community_code = Varchar(length=12, null=True, default=None)
    kind = Varchar(length=8)
    beneficiaries = Integer(default=0)
    summary = Text(default="")
    # A record of another module the service was delivered under (e.g. a purchase project's
    # ocid), offered through the `offer_delivery_refs` hook; its hours roll up there.
    delivery_ref = Varchar(length=100, null=True, default=None, index=True)
    state = Varchar(length=12, default="draft")
    submitted_at = Timestamptz(null=True, default=None)
    corrects = Integer(null=True, default=None)
    correction_reason = Varchar(length=200, default="")
    superseded = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())


class ContinuingEducation(Table, tablename="talent_continuing_education"):
    """Continuing education: training (培训) as attended, or a completed social-work degree
    (学历教育: one per worker, 90 hours, dated the day it was completed)."""

    worker = ForeignKey(references=SocialWorker, index=True)
    district_code = Varchar(length=6, index=True)
    kind = Varchar(length=8, default="培训")
    day = Date()
    provider = Varchar(length=100)
    title = Varchar(length=200, default="")
    hours = Float()
    state = Varchar(length=12, default="draft")
    created_at = Timestamptz(default=TimestamptzNow())


class RegistrationApplication(Table, tablename="talent_registration_application"):
    """A registration application as the national registration system tracks it (states.py);
    completing it sets the worker's registration dates."""

    worker = ForeignKey(references=SocialWorker, index=True)
    district_code = Varchar(length=6, index=True)
    kind = Varchar(length=8)
    state = Varchar(length=16, default="not_applied", index=True)
    applied_on = Date()
    override_reason = Varchar(length=200, default="")
    note = Varchar(length=200, default="")
    registered_on = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class StatusChange(Table, tablename="talent_status_change"):
    worker = ForeignKey(references=SocialWorker, index=True)
    district_code = Varchar(length=6, index=True)
    from_status = Varchar(length=8, null=True, default=None)
    to_status = Varchar(length=8)
    changed_on = Date()
    reason = Varchar(length=200, default="")
    actor = Varchar(length=64, default="")


class College(Table, tablename="talent_college"):
    """A cooperation agreement with a college that supplies graduates."""

    district_code = Varchar(length=6, index=True)
    school = Varchar(length=100)
    signed_on = Date()
    yearly_quota = Integer(default=0)


class Candidate(Table, tablename="talent_candidate"):
    """A graduate in the reserve pool: 入库 → 实习 → 录用 / 退出."""

    district_code = Varchar(length=6, index=True)
    college = ForeignKey(references=College, null=True)
    name = Varchar(length=50)
    school = Varchar(length=100)
    major = Varchar(length=50)
    graduation_year = Integer()
    intended_field = Varchar(length=32, default="")
    status = Varchar(length=8, default="入库")
    person_id = Integer(null=True, default=None)
    worker_id = Integer(null=True, default=None)


class VolunteerTeam(Table, tablename="talent_volunteer_team"):
    """社工+志愿者: a volunteer team led by a social worker."""

    district_code = Varchar(length=6, index=True)
    name = Varchar(length=100)
    leader = ForeignKey(references=SocialWorker)
    community_code = Varchar(length=12, null=True, default=None)


class VolunteerMember(Table, tablename="talent_volunteer_member"):
    team = ForeignKey(references=VolunteerTeam, index=True)
    person_id = Integer()
    joined_on = Date()


class VolunteerActivity(Table, tablename="talent_volunteer_activity"):
    team = ForeignKey(references=VolunteerTeam, index=True)
    day = Date()
    title = Varchar(length=200)
    community_code = Varchar(length=12, null=True, default=None)


class VolunteerHours(Table, tablename="talent_volunteer_hours"):
    activity = ForeignKey(references=VolunteerActivity, index=True)
    person_id = Integer()
    hours = Float()
