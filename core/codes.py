"""National codes and masking: resident ID (GB 11643), unified social credit
code (GB 32100) with its embedded organisation code (GB 11714), 12-digit
statistical area codes, and the masks used in every public output.

Validators return an error message in Chinese, or None when the value is valid.
"""

from __future__ import annotations

import re
from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
ORG_CODE_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
_USCC_SHAPE = re.compile(rf"^[{USCC_ALPHABET}]{{18}}$")
_USCC_AREA = re.compile(r"^\d{6}$")
_COMMUNITY_SHAPE = re.compile(r"^\d{12}$")
_PHONE_SHAPE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS)) % 11]


def id_number_error(value: str) -> str | None:
    """Check an 18-digit resident ID: shape, birth date and GB 11643 check character."""
    value = value.strip().upper()
    if not _ID_SHAPE.match(value):
        return "身份证号应为18位，前17位为数字，末位为数字或X"
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if born > date.today() or born.year < 1900:
        return "身份证号中的出生日期无效"
    if id_check_char(value[:17]) != value[17]:
        return "身份证号校验位错误"
    return None


def id_birth_date(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_gender(value: str) -> str:
    """'男' when the 17th digit is odd, else '女'."""
    return "男" if int(value[16]) % 2 else "女"


def org_code_check_char(first8: str) -> str:
    total = sum(ORG_CODE_ALPHABET.index(c) * w for c, w in zip(first8, ORG_CODE_WEIGHTS))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_shape_error(value: str) -> str | None:
    """Is the code well formed: 18 characters of the GB 32100 alphabet, positions 3–8 a
    6-digit GB/T 2260 area code? (Says nothing about the check characters.)"""
    value = value.strip().upper()
    if not _USCC_SHAPE.match(value):
        return "统一社会信用代码应为18位，由数字和大写字母（不含I、O、Z、S、V）组成"
    if not _USCC_AREA.match(value[2:8]):
        return "统一社会信用代码第3–8位应为6位数字的行政区划代码"
    return None


def uscc_check_error(value: str) -> str | None:
    """The two check characters of a well-formed code: position 18 (GB 32100) and the
    embedded organisation code's own, position 17 (GB 11714)."""
    value = value.strip().upper()
    if uscc_check_char(value[:17]) != value[17]:
        return "统一社会信用代码校验位错误"
    org = value[8:17]
    if any(c not in ORG_CODE_ALPHABET for c in org[:8]) or org_code_check_char(org[:8]) != org[8]:
        return "统一社会信用代码中的组织机构代码校验位错误"
    return None


def uscc_error(value: str) -> str | None:
    """Check an 18-character unified social credit code: its shape and both check characters."""
    return uscc_shape_error(value) or uscc_check_error(value)


# Positions 1–2 of a code the civil-affairs bureau issued: 5 (民政) and the category
# (1 社会团体, 2 社会服务机构/民办非企业单位, 3 基金会, 9 其他). A filed community organisation
# is not a legal person and usually has no code; when it has one it can only be a 59 code.
USCC_PREFIXES = {
    "social_group": ("51", "社会团体"),
    "social_service_institution": ("52", "社会服务机构（民办非企业单位）"),
    "foundation": ("53", "基金会"),
    "community_filed": ("59", "备案社区社会组织（民政“其他”类）"),
}


def uscc_prefix_error(value: str, legal_type: str) -> str | None:
    """Do positions 1–2 fit the organisation's legal type (see USCC_PREFIXES)?"""
    expected = USCC_PREFIXES.get(legal_type)
    value = value.strip().upper()
    if expected is None or value[:2] == expected[0]:
        return None
    prefix, label = expected
    return (f"{label}的统一社会信用代码应以“{prefix}”开头（第1位5为民政部门登记，第2位{prefix[1]}为{label}），"
            f"“{value[:2]}”开头的代码不符")


def community_code_error(value: str, district_code: str) -> str | None:
    """Check a 12-digit statistical code inside the district (township 001–399, village 000–399)."""
    if not _COMMUNITY_SHAPE.match(value):
        return "统计用区划代码应为12位数字"
    if not value.startswith(district_code):
        return f"代码不属于区县 {district_code}"
    township, village = int(value[6:9]), int(value[9:12])
    if not 1 <= township <= 399:
        return "乡级代码（第7–9位）应在001–399之间"
    if village > 399:
        return "村级代码（第10–12位）应在000–399之间"
    return None


def phone_error(value: str) -> str | None:
    if not _PHONE_SHAPE.match(value.strip()):
        return "电话号码格式不正确（手机号11位，或带区号的固定电话）"
    return None


def mask_id_number(value: str | None) -> str | None:
    """Keep the first 6 and last 4 characters: 430702********1234."""
    if not value:
        return value
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str | None) -> str | None:
    """Keep the first 3 and last 4 digits: 138****1234."""
    if not value:
        return value
    digits = value.replace("-", "")
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_name(value: str | None) -> str | None:
    """Keep the first character (the surname, mostly): 张*, 欧**."""
    if not value:
        return value
    return value[0] + "*" * max(len(value) - 1, 1)


def make_id_number(prefix6: str, born: date, seq: int) -> str:
    """Build a valid ID number (for demo data and tests): area, birth date, sequence, check."""
    first17 = f"{prefix6}{born:%Y%m%d}{seq % 1000:03d}"
    return first17 + id_check_char(first17)


def make_uscc(category: str, area6: str, serial: int) -> str:
    """Build a valid 民政 credit code (for demo data and tests): 5 + category + area + org code."""
    org8 = f"{serial % 10**8:08d}"
    first17 = f"5{category}{area6}{org8}{org_code_check_char(org8)}"
    return first17 + uscc_check_char(first17)
