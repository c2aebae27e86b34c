"""The request validator: the message names the field and says what was expected."""

from __future__ import annotations

from typing import Any

import pytest

from depcheck.server.errors import ApiError
from depcheck.server.schemas import AUDIT_REQUEST, validate


def error_of(value: Any) -> tuple[str, str, str | None]:
    with pytest.raises(ApiError) as raised:
        validate(value, AUDIT_REQUEST)
    return raised.value.code, raised.value.message, raised.value.field


def test_a_complete_request_is_valid() -> None:
    validate(
        {
            "files": {"requirements.txt": "httpx==0.28.1\n"},
            "options": {
                "static": False,
                "python": "3.12",
                "min_age": "1w2d",
                "strategy": "latest",
                "build_args": {"PY": "3.12"},
                "fail_on": "never",
                "index_url": None,
            },
        },
        AUDIT_REQUEST,
    )


def test_booleans_are_not_integers_and_integers_are_not_booleans() -> None:
    assert error_of({"files": {"a": True}}) == (
        "invalid_field",
        "files.a: expected a string, got a boolean",
        "files.a",
    )
    assert error_of({"files": {"a": ""}, "options": {"static": 1}}) == (
        "invalid_field",
        "options.static: expected a boolean, got an integer",
        "options.static",
    )


def test_field_names_that_are_not_identifiers_are_quoted() -> None:
    assert error_of({"files": {"sub/req.txt": None}}) == (
        "invalid_field",
        'files["sub/req.txt"]: expected a string, got null',
        'files["sub/req.txt"]',
    )


def test_the_first_problem_in_a_fixed_order_is_reported() -> None:
    # An unknown field is reported before a missing one, and both before a wrong type inside.
    assert error_of({"extra": 1, "options": {"static": "x"}})[0] == "unknown_field"
    assert error_of({"options": {"static": "x"}})[0] == "missing_field"


def test_fail_on_choices() -> None:
    assert error_of({"files": {"a": ""}, "options": {"fail_on": "critical"}}) == (
        "invalid_field",
        'options.fail_on: "critical" is not one of error, warning, info, never',
        "options.fail_on",
    )
