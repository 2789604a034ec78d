"""The arithmetic of an outcome evaluation (绩效评价), kept apart from the database so it can be
read and tested on its own: the district settings (a weight per part, summing to 100; the fewest
service-user ratings that count), the grade bands, a rating average (1–5) as a 0–100 score, and
the weighted total — where the service users' part has too few ratings, its weight is shared out
over the other parts in proportion to their own weights, and the weights actually used are
returned so they can be recorded."""

from __future__ import annotations

from typing import Any

from core.contrib import SettingSpec

PARTS = ("buyer", "users", "third_party")
PART_LABELS = {"buyer": "购买主体评价", "users": "服务对象评价", "third_party": "第三方评价"}
PART_LABELS_EN = {"buyer": "Buyer", "users": "Service users", "third_party": "Third party"}
SCORED_PARTS = ("buyer", "third_party")  # scored indicator by indicator; "users" comes from ratings
# (lowest total, grade) from the top: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, else 不合格.
GRADES = ((90, "优秀"), (80, "良好"), (60, "合格"), (0, "不合格"))
GRADES_EN = {"优秀": "Excellent", "良好": "Good", "合格": "Pass", "不合格": "Fail"}
GRADE_TONES = {"优秀": "ok", "良好": "ok", "合格": "wait", "不合格": "bad"}
RATING_TOP = 5  # ratings are 1..5 stars; an average a scores a × 20 (5 → 100), as 满意度 = a / 5

SETTINGS = (
    SettingSpec("evaluation_weight_buyer", int, 30, "绩效评价权重：购买主体评价（%）", minimum=0, maximum=100,
                description_en="Evaluation weight: the buyer (%)",
                help="三部分权重之和须为100，否则不能发起绩效评价",
                help_en="The three weights must sum to 100, or no evaluation can be opened"),
    SettingSpec("evaluation_weight_users", int, 30, "绩效评价权重：服务对象评价（%）", minimum=0, maximum=100,
                description_en="Evaluation weight: service users' ratings (%)",
                help="评价条数不足时，此部分权重按比例分给其他两部分",
                help_en="With too few ratings this weight is shared out over the other two parts"),
    SettingSpec("evaluation_weight_third_party", int, 40, "绩效评价权重：第三方评价（%）", minimum=0, maximum=100,
                description_en="Evaluation weight: the third-party evaluator (%)"),
    SettingSpec("evaluation_min_ratings", int, 5, "服务对象评价至少多少条才计入绩效评价", minimum=1, maximum=10_000,
                description_en="Fewest service-user ratings that count in an evaluation"),
)


def weights(settings: dict[str, Any]) -> dict[str, int]:
    return {part: settings[f"evaluation_weight_{part}"] for part in PARTS}


def weights_error(given: dict[str, int]) -> str | None:
    """Why these weights cannot be used, or None."""
    total = sum(given.values())
    if total != 100:
        words = "、".join(f"{PART_LABELS[p]}{given[p]}" for p in PARTS)
        return f"本区县绩效评价的三部分权重之和为{total}（{words}），应为100：请先在模块设置中调整"
    return None


def grade(total: float) -> str:
    return next(name for lowest, name in GRADES if total >= lowest)


def users_score(average: float | None) -> float | None:
    return None if average is None else round(average * 100 / RATING_TOP, 2)


def part_score(scores: dict[str, dict[str, Any]]) -> float | None:
    """The mean of a part's indicator scores (each indicator counts the same), or None if unscored."""
    if not scores:
        return None
    return round(sum(s["score"] for s in scores.values()) / len(scores), 2)


def effective_weights(given: dict[str, int], users_counted: bool) -> dict[str, float] | None:
    """The weights used: as given, or without the users' part, its weight shared out over the
    others in proportion; None if nothing is left to weigh."""
    if users_counted:
        return {p: float(w) for p, w in given.items()}
    rest = sum(w for p, w in given.items() if p != "users")
    if rest == 0:
        return None
    return {p: (0.0 if p == "users" else round(w * 100 / rest, 4)) for p, w in given.items()}


def total(part_scores: dict[str, float | None], used: dict[str, float]) -> float:
    """The weighted score 0–100, one decimal (the grade is read from this rounded value)."""
    weighed = sum(used[p] * (part_scores[p] or 0.0) for p in PARTS if used[p])
    return round(weighed / sum(used.values()), 1)
