"""data/core/values.py: the limits of one request."""

from __future__ import annotations

import pytest

from helpdesk.data.core.errors import Code, LimitError
from helpdesk.data.core.values import AttachmentInput, Limits, is_deliverable

SMALL = Limits(subject_characters=5, body_bytes=8, attachment_bytes=4, attachments=2, request_bytes=12)


def files(*sizes: int) -> list[AttachmentInput]:
    return [AttachmentInput(f"f{i}.bin", b"x" * size) for i, size in enumerate(sizes)]


def test_a_request_at_every_limit_passes():
    SMALL.check("12345", "12345678", files(2, 2))
    SMALL.check("ёёёёё", "ёёёё", files(4))  # characters in a subject, UTF-8 bytes in a text
    SMALL.check(None, "", [])


@pytest.mark.parametrize(
    "subject, body, attachments, field, code, params",
    [("123456", "", [], "subject", Code.LIMIT_SUBJECT, {"length": 6, "limit": 5}),
     (None, "ёёёёё", [], "body", Code.LIMIT_BODY, {"size": 10, "max_bytes": 8}),
     (None, "", files(1, 1, 1), "attachments", Code.LIMIT_ATTACHMENTS, {"count": 3, "limit": 2}),
     (None, "", files(1, 5), "attachments", Code.LIMIT_ATTACHMENT, {"name": "f1.bin", "size": 5, "max_bytes": 4}),
     (None, "12345678", files(4, 1), "attachments", Code.LIMIT_REQUEST, {"size": 13, "max_bytes": 12})],
)  # fmt: skip
def test_a_request_over_a_limit_is_refused_naming_it(subject, body, attachments, field, code, params):
    with pytest.raises(LimitError) as refused:
        SMALL.check(subject, body, attachments)
    assert (refused.value.field, refused.value.code, refused.value.params) == (field, code, params)


@pytest.mark.parametrize(
    "address, deliverable",
    [("ivan@example.ru", True), ("Ivan.Petrov+desk@mail.example.ru", True), ("иван@завод.рф", True),
     ("MAILER-DAEMON", False), ("someone@intranet", False), ('"power quadrant system"@example.com', False),
     ("claudia.shu@yahoo.com.", False), ("a@.example.com", False), ("", False), (None, False)],
)  # fmt: skip
def test_a_deliverable_address_has_a_dotted_domain_and_a_plain_local_part(address, deliverable):
    assert is_deliverable(address) is deliverable
