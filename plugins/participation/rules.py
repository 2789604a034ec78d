"""The district's participation rules (module settings): points for attending, volunteering and
a careful rating; what counts as careful; the small-sample guard and the supervision threshold."""

from __future__ import annotations

from core.contrib import SettingSpec

SETTINGS = (
    SettingSpec("points_attend", int, 10, "参加一次活动（已签到）得积分", minimum=0, maximum=1000,
                description_en="Points for attending an activity (checked in)"),
    SettingSpec("points_volunteer_hour", int, 5, "每志愿服务一小时得积分", minimum=0, maximum=1000,
                description_en="Points per hour of volunteering"),
    SettingSpec("points_careful_rating", int, 5, "一条认真评价得积分", minimum=0, maximum=1000,
                description_en="Points for a careful rating",
                help="评价附有足够长的文字说明，且与其他居民的评分差距不过大，才算认真评价",
                help_en="A rating counts as careful when its comment is long enough and its score is not an "
                        "outlier against everyone else's"),
    SettingSpec("careful_comment_min_chars", int, 15, "认真评价的文字说明至少（字）", minimum=0, maximum=500,
                description_en="Shortest comment of a careful rating (characters)"),
    SettingSpec("outlier_gap", float, 2.0, "评分与他人平均分相差超过多少视为偏离", minimum=0.5, maximum=4.0,
                description_en="A score further than this from everyone else's mean is an outlier"),
    SettingSpec("min_ratings", int, 5, "评价达到多少条才显示平均分", minimum=1, maximum=100,
                description_en="Ratings needed before an average is shown",
                help="不足时显示“评价不足 N 条”，避免两三条评价代表整体",
                help_en="Fewer show \"fewer than N ratings\" instead of an average of two"),
    SettingSpec("low_rating_threshold", float, 3.5, "服务平均分低于多少时提示监管", minimum=1.0, maximum=5.0,
                description_en="Flag a service whose average falls below",
                help="评价条数达到上项要求、平均分低于此值的服务会产生监管提示",
                help_en="Services with enough ratings and an average below this raise a supervision flag"),
)
