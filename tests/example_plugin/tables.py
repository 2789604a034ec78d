"""The example plugin's one table."""

from piccolo.columns import Varchar
from piccolo.table import Table


class Note(Table, tablename="example_note"):
    district_code = Varchar(length=6, index=True)
    text = Varchar(length=200)
    author_phone = Varchar(length=20, default="")
