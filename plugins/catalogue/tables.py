"""The service catalogue's table, modelled on Open Referral HSDS `service`."""

from piccolo.columns import Date, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Service(Table, tablename="catalogue_service"):
    """A service the public can get, provided by an organisation in the registry."""

    district_code = Varchar(length=6, index=True)
    organization_id = Integer(index=True)
    name = Varchar(length=120)
    description = Text(default="")
    field = Varchar(length=32, index=True)
    target_groups = Text(default="[]")  # JSON list of TARGET_GROUPS keys
    eligibility = Text(default="")
    fee = Varchar(length=16, default="free")
    fee_description = Varchar(length=200, default="")
    communities = Text(default="[]")  # JSON list of 12-digit community codes served
    address = Varchar(length=200, default="")
    opening_hours = Varchar(length=200, default="")
    contact_phone = Varchar(length=20, default="")  # the service's public hotline
    email = Varchar(length=100, default="")
    status = Varchar(length=16, default="draft", index=True)
    source = Varchar(length=100, default="")
    last_verified = Date(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
