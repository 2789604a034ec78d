"""The registry records the talent database refers to (`register_referrers`): workers,
reserve candidates and volunteers are registry persons, workers' employers organisations,
and workers, service logs, teams and activities name communities."""

from __future__ import annotations

from core.contrib import Referrer
from core.registry.references import counting
from plugins.talent.tables import (
    Candidate,
    ServiceLog,
    SocialWorker,
    VolunteerActivity,
    VolunteerHours,
    VolunteerMember,
    VolunteerTeam,
)

MODULE = "talent"

REFERRERS = [
    Referrer(MODULE, "person", "社工人才库中的社会工作者", counting(SocialWorker.person_id)),
    Referrer(MODULE, "person", "社工人才库中的储备人才", counting(Candidate.person_id)),
    Referrer(MODULE, "person", "社工+志愿者队伍成员", counting(VolunteerMember.person_id)),
    Referrer(MODULE, "person", "志愿服务时长记录", counting(VolunteerHours.person_id)),
    Referrer(MODULE, "organization", "社工人才库中以其为用人单位的社会工作者", counting(SocialWorker.employer_org_id)),
    Referrer(MODULE, "community", "社工人才库中以其为用人单位的社会工作者",
             counting(SocialWorker.employer_community_code)),
    Referrer(MODULE, "community", "社工服务记录", counting(ServiceLog.community_code)),
    Referrer(MODULE, "community", "社工+志愿者队伍", counting(VolunteerTeam.community_code)),
    Referrer(MODULE, "community", "志愿服务活动", counting(VolunteerActivity.community_code)),
]
