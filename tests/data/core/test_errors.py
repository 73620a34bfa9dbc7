"""data/core/errors.py: coded errors, their log line, the old call style, stored reasons."""

from __future__ import annotations

import json

import peewee as pw
import pytest

from helpdesk.data.core.errors import (
    MAX_STORED_REASON,
    TEXT_CUTS,
    Code,
    HelpdeskError,
    NotFoundError,
    RegulationError,
    ValidationError,
    as_error,
    decode_reason,
    encode_reason,
    from_os_error,
)


def test_an_error_carries_its_code_and_params_and_logs_them():
    error = NotFoundError(Code.TICKET_NOT_FOUND, number=1001)
    assert (error.code, error.params, error.where) == (Code.TICKET_NOT_FOUND, {"number": 1001}, None)
    assert str(error) == "ticket.not_found (number=1001)"
    assert str(HelpdeskError(Code.MAIL_EMPTY)) == "mail.empty"


def test_validation_and_settings_errors_keep_their_fields():
    error = ValidationError("email", Code.EMAIL_INVALID, value="nope")
    assert (error.field, error.where, str(error)) == ("email", None, "email.invalid (value='nope')")
    located = ValidationError("--now", Code.INSTANT_INVALID, where="--now", value="x")
    assert str(located) == "--now: instant.invalid (value='x')"
    setting = RegulationError("reg.toml", "support.timezone", Code.SETTING_TIMEZONE_UNKNOWN, timezone="Mars")
    assert (setting.source, setting.key, setting.where) == ("reg.toml", "support.timezone", "reg.toml: support.timezone")
    assert RegulationError("reg.toml", None, Code.TOML_SYNTAX, detail="x").where == "reg.toml"


@pytest.mark.parametrize(
    "make",
    [lambda: NotFoundError("no ticket #5"), lambda: ValidationError("scope", "unknown scope category 'x'"),
     lambda: RegulationError("reg.toml", "hours", "must be a table"), lambda: HelpdeskError("ticket.not_found")],
)  # fmt: skip
def test_a_sentence_or_any_other_non_code_is_refused(make):
    with pytest.raises(TypeError, match="takes a Code"):
        make()


def test_operating_system_errors_get_codes():
    assert as_error(FileNotFoundError(2, "No such file or directory", "/x")).code is Code.PATH_MISSING
    denied = from_os_error(PermissionError(13, "Permission denied", "/x"), "--attach /x")
    assert (denied.code, denied.where) == (Code.PERMISSION_DENIED, "--attach /x")
    full = as_error(OSError(28, "No space left on device"))
    assert (full.code, full.params, full.where) == (Code.OS_ERROR, {"detail": "No space left on device"}, None)
    database = as_error(pw.OperationalError("database is locked"))
    assert (database.code, database.params) == (Code.DATABASE_ERROR, {"kind": "OperationalError", "detail": "database is locked"})
    other = as_error(KeyError("k"))
    assert (other.code, other.params) == (Code.UNEXPECTED, {"kind": "KeyError", "detail": "'k'"})


def test_a_reason_is_stored_as_json_and_read_back():
    error = HelpdeskError(Code.INTAKE_CANNOT_STORE, error=ValidationError("email", Code.EMAIL_INVALID, value="x@"))
    stored = encode_reason(error)
    assert json.loads(stored) == {
        "code": "intake.cannot_store",
        "params": {"error": {"code": "email.invalid", "params": {"value": "x@"}}},
    }
    back = decode_reason(stored)
    assert (back.code, back.params["error"].code, back.params["error"].params) == (
        Code.INTAKE_CANNOT_STORE, Code.EMAIL_INVALID, {"value": "x@"})
    located = decode_reason(encode_reason(HelpdeskError(Code.PATH_MISSING, where="/x")))
    assert (located.code, located.where) == (Code.PATH_MISSING, "/x")


def test_a_stored_reason_stays_short_and_keeps_what_is_not_ours_readable():
    stored = encode_reason(HelpdeskError(Code.MAIL_UNREADABLE_MIME, detail="x" * 5000))
    assert len(stored) < MAX_STORED_REASON and decode_reason(stored).params["detail"] == "x" * TEXT_CUTS[0]
    assert decode_reason(encode_reason(ValueError("boom"))).params == {"kind": "ValueError", "detail": "boom"}


def test_a_reason_too_long_for_the_store_is_shortened_to_fit_never_cut():
    products = [f"{i:02} " + "я" * 200 for i in range(15)]
    cause = NotFoundError(Code.PRODUCT_UNKNOWN, where="w" * 5000, product="p" * 5000, products=products)
    stored = encode_reason(HelpdeskError(Code.INTAKE_CANNOT_STORE, error=cause))
    assert len(stored) <= MAX_STORED_REASON
    back = decode_reason(stored).params["error"]
    cut = TEXT_CUTS[1]  # the first cut was not enough
    assert (back.code, back.where, back.params["product"]) == (Code.PRODUCT_UNKNOWN, "w" * cut, "p" * cut)
    assert back.params["products"] == [name[:cut] for name in products]
    nested = HelpdeskError(Code.OUTBOX_NOT_FOUND, id=7)
    for _level in range(80):
        nested = HelpdeskError(Code.INTAKE_CANNOT_STORE, error=nested, detail="d" * 500)
    shortest = decode_reason(encode_reason(nested))  # only codes and numbers left, still readable
    assert shortest.params["detail"] == "" and shortest.params["error"].params["detail"] == ""


@pytest.mark.parametrize(
    "text",
    ["cannot store: ValueError: simulated", "", None, "[1, 2]", '{"code": "no.such", "params": {}}',
     '{"code": "legacy", "params": {"text": "a sentence stored before every error had a code"}}',
     '{"code": "mail.empty"}', '{"code": "intake.cannot_store", "params": {"error": {"code": "bogus", "params": {}}}}'],
)  # fmt: skip
def test_anything_else_is_not_a_stored_reason(text):
    assert decode_reason(text) is None
