"""National code validators and masks."""

from datetime import date

import pytest

from core.codes import (
    community_code_error,
    id_birth_date,
    id_check_char,
    id_gender,
    id_number_error,
    make_id_number,
    make_uscc,
    mask_id_number,
    mask_phone,
    phone_error,
    uscc_check_error,
    uscc_error,
    uscc_prefix_error,
    uscc_shape_error,
)

# Published GB 11643 example (the standard's own sample number).
STANDARD_ID = "11010519491231002X"


def test_standard_id_number_is_valid_and_decoded():
    assert id_number_error(STANDARD_ID) is None
    assert id_birth_date(STANDARD_ID) == date(1949, 12, 31)
    assert id_gender(STANDARD_ID) == "女"  # 17th digit 2 is even


@pytest.mark.parametrize("value, message", [
    ("11010519491231002Y", "18位"),
    ("110105194912310021", "校验位"),
    ("11010519491331002X", "出生日期"),
    ("1101051949123100", "18位"),
])
def test_bad_id_numbers_say_what_is_wrong(value, message):
    assert message in id_number_error(value)


def test_every_wrong_check_character_is_rejected():
    first17 = "43070219850317123"
    right = id_check_char(first17)
    for wrong in "0123456789X":
        error = id_number_error(first17 + wrong)
        assert (error is None) == (wrong == right)


def test_generated_ids_and_credit_codes_validate():
    for seq in range(50):
        assert id_number_error(make_id_number("430702", date(1980, 5, 1 + seq % 28), seq)) is None
        assert uscc_error(make_uscc("2", "430702", 1000 + seq)) is None


def test_credit_code_check_characters():
    code = make_uscc("1", "430703", 12345678)
    assert code.startswith("51430703")
    assert uscc_error(code) is None
    # Change the last character: the GB 32100 check fails.
    wrong_last = code[:17] + ("0" if code[17] != "0" else "1")
    assert "校验位" in uscc_error(wrong_last)
    # Letters outside the alphabet (I, O, S, V, Z) are refused.
    assert "18位" in uscc_error("5I" + code[2:])


def test_shape_and_check_characters_are_told_apart():
    """The pilot-code exception needs to know a malformed code from one failing only its check."""
    code = make_uscc("2", "430702", 4242)
    assert uscc_shape_error(code) is None and uscc_check_error(code) is None
    assert "18位" in uscc_shape_error("ABC")
    assert "行政区划" in uscc_shape_error(code[:2] + "43A702" + code[8:])  # area code must be 6 digits
    wrong_last = code[:17] + ("0" if code[17] != "0" else "1")
    assert uscc_shape_error(wrong_last) is None and "校验位" in uscc_check_error(wrong_last)
    assert uscc_error(wrong_last) == uscc_check_error(wrong_last)
    assert uscc_error("ABC") == uscc_shape_error("ABC")


@pytest.mark.parametrize("legal_type, category, fits", [
    ("social_group", "1", True), ("social_service_institution", "2", True), ("foundation", "3", True),
    ("community_filed", "9", True), ("foundation", "2", False), ("social_group", "3", False),
    ("community_filed", "2", False),
])
def test_positions_1_and_2_fit_the_legal_type(legal_type, category, fits):
    error = uscc_prefix_error(make_uscc(category, "430702", 77), legal_type)
    assert (error is None) == fits
    if not fits:
        assert f"5{category}" in error


def test_a_business_code_does_not_fit_a_foundation():
    company = "91" + make_uscc("3", "430702", 88)[2:]  # 9 = 工商 (market regulation), 1 = company
    error = uscc_prefix_error(company, "foundation")
    assert "53" in error and "基金会" in error and "“91”" in error


def test_community_codes_belong_to_the_district():
    assert community_code_error("430702001001", "430702") is None
    assert "不属于" in community_code_error("430703001001", "430702")
    assert "12位" in community_code_error("43070200100", "430702")
    assert "001–399" in community_code_error("430702000001", "430702")
    assert "000–399" in community_code_error("430702001400", "430702")


def test_masks_hide_the_middle():
    assert mask_id_number("430702198503171234") == "430702********1234"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("") == ""
    assert phone_error("13812341234") is None
    assert phone_error("0736-7221234") is None
    assert phone_error("12345") is not None
