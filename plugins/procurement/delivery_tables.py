"""Delivery after award: the contract of a purchase project (one per project), its milestones
with planned and delivered outputs and beneficiaries, the evidence files the supplier attaches
to a milestone (core uploads), and the payments made against accepted milestones. Money in fen
(分); output quantities are JSON objects {indicator name: quantity}."""

from piccolo.columns import BigInt, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from core.tables import Upload
from plugins.procurement.tables import PurchaseProject


class Contract(Table, tablename="procurement_contract"):
    """The service contract (服务合同) of a project with its supplier (承接主体): recorded when the
    project is awarded, it moves the project to contracted. `catalogue` keeps the catalogue's
    last answer to the project's service offer (JSON; "" before any offer)."""

    project = ForeignKey(references=PurchaseProject, unique=True, index=True)
    district_code = Varchar(length=6, index=True)
    organization_id = Integer(index=True)  # the supplier: a registry organisation of the district
    number = Varchar(length=64)
    value_fen = BigInt()
    signed_on = Date()
    term_start = Date()
    term_end = Date()
    term_reason = Text(default="")  # why the term is longer than max_term_months
    document = ForeignKey(references=Upload, on_delete=OnDelete.restrict, null=True, default=None)
    catalogue = Text(default="")
    recorded_by = Varchar(length=64)
    recorded_at = Timestamptz(default=TimestamptzNow())


class ContractDocument(Table, tablename="procurement_contract_document"):
    """Each attaching of a contract document, kept (a replaced one too): `Contract.document` is the
    current one, this the history the OCDS releases read, so a release shows the document as it
    stood at its moment and a replacement rewrites no earlier release."""

    contract = ForeignKey(references=Contract, on_delete=OnDelete.restrict, index=True)
    upload = ForeignKey(references=Upload, on_delete=OnDelete.restrict)
    attached_at = Timestamptz(default=TimestamptzNow())


class DeliveryMilestone(Table, tablename="procurement_milestone"):
    """A milestone (履约节点) of a contract: planned by the buyer, reported by the supplier's
    staff, accepted (验收) or sent back with a reason. States: planned → reported → accepted |
    sent_back (→ reported again)."""

    project = ForeignKey(references=PurchaseProject, index=True)
    contract = ForeignKey(references=Contract, index=True)
    district_code = Varchar(length=6, index=True)
    title = Varchar(length=200)
    due_on = Date()
    planned_outputs = Text(default="{}")  # {output indicator name: quantity}
    planned_beneficiaries = Integer(default=0)
    amount_fen = BigInt(default=0)  # the payment tied to this milestone
    state = Varchar(length=16, default="planned", index=True)
    delivered_outputs = Text(default="{}")
    delivered_beneficiaries = Integer(null=True, default=None)
    delivered_on = Date(null=True, default=None)
    note = Text(default="")
    reported_by = Varchar(length=64, default="")
    reported_at = Timestamptz(null=True, default=None)
    decided_by = Varchar(length=64, default="")
    decided_at = Timestamptz(null=True, default=None)
    decision_reason = Text(default="")  # why it was sent back
    created_by = Varchar(length=64)
    created_at = Timestamptz(default=TimestamptzNow())


class MilestoneEvidence(Table, tablename="procurement_milestone_evidence"):
    """A file the supplier attached to a milestone; the file itself is a core `upload` row."""

    milestone = ForeignKey(references=DeliveryMilestone, index=True)
    district_code = Varchar(length=6, index=True)
    upload = ForeignKey(references=Upload, on_delete=OnDelete.restrict, index=True)


class Payment(Table, tablename="procurement_payment"):
    """A payment (支付) to the supplier against an accepted milestone; all payments of a
    contract together never exceed its value."""

    project = ForeignKey(references=PurchaseProject, index=True)
    contract = ForeignKey(references=Contract, index=True)
    milestone = ForeignKey(references=DeliveryMilestone, index=True)
    district_code = Varchar(length=6, index=True)
    amount_fen = BigInt()
    paid_on = Date()
    voucher = Varchar(length=100, default="")  # the payment voucher or transfer number
    recorded_by = Varchar(length=64)
    recorded_at = Timestamptz(default=TimestamptzNow())
