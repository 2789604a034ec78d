"""The outcome evaluation (绩效评价) of a purchase project: one row per project, opened while it
is in delivery and completed once; what each part scored, the weights used and the result stay
on the row, so the record an organisation builds never changes when settings do."""

from piccolo.columns import Float, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from plugins.procurement.tables import PurchaseProject


class ProjectEvaluation(Table, tablename="procurement_evaluation"):
    """An evaluation: opened by a district admin naming a third-party evaluator; the buyer and the
    evaluator each score every indicator (JSON {indicator: {"score", "note"}}); service users'
    ratings come through the hook `rating_averages` and are fixed at completion. `weights` are
    the district's at opening ({part: %}); `used_weights` those applied at completion (the users'
    weight shared out when there were too few ratings). States: open → completed."""

    project = ForeignKey(references=PurchaseProject, unique=True, index=True)
    district_code = Varchar(length=6, index=True)
    organization_id = Integer(index=True)  # the contract's supplier: whose record the result joins
    evaluator = Varchar(length=64, index=True)  # the third-party evaluator's username
    evaluator_name = Varchar(length=100, default="")
    weights = Text(default="{}")
    min_ratings = Integer(default=5)
    state = Varchar(length=16, default="open", index=True)
    buyer_scores = Text(default="{}")
    buyer_by = Varchar(length=64, default="")
    buyer_at = Timestamptz(null=True, default=None)
    third_party_scores = Text(default="{}")
    third_party_at = Timestamptz(null=True, default=None)
    users_average = Float(null=True, default=None)  # 1..5, at completion
    users_count = Integer(null=True, default=None)
    used_weights = Text(default="{}")
    total = Float(null=True, default=None)  # 0..100, one decimal
    grade = Varchar(length=8, default="")  # 优秀 | 良好 | 合格 | 不合格
    findings = Text(default="")
    opened_by = Varchar(length=64)
    opened_at = Timestamptz(default=TimestamptzNow())
    completed_by = Varchar(length=64, default="")
    completed_at = Timestamptz(null=True, default=None)
