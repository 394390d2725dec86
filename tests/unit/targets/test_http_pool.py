"""HTTP outcome classification: statuses, Retry-After, provider content-filter bodies, JSON paths."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime

import pytest

from redline.core.errors import ConfigError
from redline.core.runs.conversation import ErrorKind
from redline.targets.http_pool import error_message, is_content_filter_error, retry_after_s, status_kind
from redline.targets.json_path import compile_path, lookup


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (200, None),
        (302, None),
        (400, ErrorKind.BAD_REQUEST),
        (401, ErrorKind.BAD_REQUEST),
        (408, ErrorKind.TIMEOUT),
        (429, ErrorKind.RATE_LIMIT),
        (500, ErrorKind.SERVER_ERROR),
        (503, ErrorKind.SERVER_ERROR),
    ],
)
def test_status_maps_to_error_kind(status: int, kind: ErrorKind | None) -> None:
    assert status_kind(status) is kind


def test_retry_after_ms_wins_over_whole_seconds() -> None:
    assert retry_after_s({"retry-after": "2", "retry-after-ms": "1500"}) == 1.5


def test_retry_after_seconds_and_http_date() -> None:
    assert retry_after_s({"retry-after": "7"}) == 7.0
    now = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    later = format_datetime(datetime(2026, 11, 27, 12, 0, 30, tzinfo=UTC), usegmt=True)
    assert retry_after_s({"retry-after": later}, now=now.timestamp()) == pytest.approx(30.0)


def test_retry_after_absent_or_garbage_is_none() -> None:
    assert retry_after_s({}) is None
    assert retry_after_s({"retry-after": "soon"}) is None


def test_content_filter_bodies_of_openai_and_azure() -> None:
    azure = {
        "error": {
            "code": "content_filter",
            "message": "The response was filtered",
            "innererror": {"code": "ResponsibleAIPolicyViolation"},
        }
    }
    inner_only = {"error": {"code": "400", "innererror": {"code": "ResponsibleAIPolicyViolation"}}}
    assert is_content_filter_error(azure)
    assert is_content_filter_error(inner_only)
    assert not is_content_filter_error({"error": {"code": "invalid_api_key", "message": "bad key"}})
    assert not is_content_filter_error(None)


def test_error_message_prefers_the_message_field() -> None:
    assert error_message({"error": {"message": "model not found"}}, b"") == "model not found"
    assert error_message(None, b"<html>gateway</html>") == "<html>gateway</html>"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("choices.0.message.content", "hi"),
        ("$.choices[0].message.content", "hi"),
        ("$['meta']['id']", "c-1"),
        ("choices.-1.message.content", "hi"),
        ("choices.3.message.content", None),
        ("meta.missing", None),
    ],
)
def test_json_path_lookup(path: str, expected: str | None) -> None:
    data = {"choices": [{"message": {"content": "hi"}}], "meta": {"id": "c-1"}}
    assert lookup(data, compile_path(path)) == expected


def test_json_path_that_cannot_be_read_names_itself() -> None:
    with pytest.raises(ConfigError, match=r"'a\.\.b'"):
        compile_path("a..b")
