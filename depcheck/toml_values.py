"""Words for TOML values, shared by the pyproject reader and the configuration loader.

Both report "expected an array, got a string"; saying it the same way in both places keeps the
messages a user sees consistent.
"""

from __future__ import annotations

import datetime as dt


def kind_of(value: object) -> str:
    """``value``'s TOML type with its article: ``a string``, ``an array``, ``a table``..."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a float"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, dt.date | dt.time):
        return "a date or time"
    return type(value).__name__
