"""The rules an organisation's registry values must meet — the unified social credit code
(shape, positions 1–2 against the legal type, check characters and the pilot-code
exception), status against legal type, the contact phone. Pure functions: the services
apply them to every write of an organisation."""

from __future__ import annotations

from core.codes import phone_error, uscc_check_error, uscc_prefix_error, uscc_shape_error

EXCEPTION_HINT = "（早期试点代码仅校验位不符的，可登记为“代码例外”并写明理由）"
# Fields whose change re-checks the credit code: an unrelated edit (a phone, a name) of an
# organisation registered before these rules does not fail on its stored code.
CODE_FIELDS = ("uscc", "uscc_exception", "uscc_exception_reason", "legal_type")


def uscc_errors(data: dict) -> list[tuple[str, str]]:
    """The credit-code rules of an organisation (`data`: its full values after the write).

    A code must be well formed and its positions 1–2 must fit the legal type (always); a code
    failing only a check character is accepted as a flagged exception with a stated reason
    (early pilot codes); the exception is for nothing else — not a malformed code, not a code
    that passes its checks. Registered organisations need a code; a filed community
    organisation usually has none (see core.codes.USCC_PREFIXES)."""
    uscc, legal_type = data.get("uscc"), data["legal_type"]
    exception = bool(data.get("uscc_exception"))
    if not uscc:
        errors = [] if legal_type == "community_filed" else [("uscc", "已登记的社会组织必须填写统一社会信用代码")]
        if exception:
            errors.append(("uscc_exception", "没有统一社会信用代码，不能登记代码例外"))
        return errors
    if error := uscc_shape_error(uscc):
        return [("uscc", error + ("；代码例外只适用于格式正确、仅校验位不符的早期试点代码" if exception else ""))]
    if error := uscc_prefix_error(uscc, legal_type):
        return [("uscc", error)]  # another kind of organisation's code: its check characters do not matter
    errors = []
    check = uscc_check_error(uscc)
    if check and not exception:
        errors.append(("uscc", check + EXCEPTION_HINT))
    elif check and not (data.get("uscc_exception_reason") or "").strip():
        errors.append(("uscc_exception_reason", "登记代码例外必须写明理由（如：早期试点时期赋码，校验位不符）"))
    elif exception and not check:
        errors.append(("uscc_exception", "该代码校验通过，不属于代码例外，请取消“代码例外”"))
    return errors


def organization_errors(data: dict, *, check_code: bool = True) -> list[tuple[str, str]]:
    """Every rule an organisation's values must meet; each writer of an organisation (the API,
    incubation graduation, demo data) goes through create/update_organization and so this."""
    errors = uscc_errors(data) if check_code else []
    legal_type, status = data["legal_type"], data.get("status")
    if status == "filed" and legal_type != "community_filed":
        errors.append(("status", "只有备案社区社会组织的状态可以是“已备案”"))
    if legal_type == "community_filed" and status == "registered":
        errors.append(("status", "备案社区社会组织的状态应为“已备案”"))
    if data.get("contact_phone") and phone_error(data["contact_phone"]):
        errors.append(("contact_phone", phone_error(data["contact_phone"])))
    return errors


def normalise_code_fields(values: dict) -> None:
    if values.get("uscc"):
        values["uscc"] = values["uscc"].strip().upper()
    if "uscc_exception_reason" in values:
        values["uscc_exception_reason"] = (values["uscc_exception_reason"] or "").strip()
    if values.get("uscc_exception") is False:
        values["uscc_exception_reason"] = ""  # a reason without an exception says nothing
