"""The format registry the CLI looks formats up in."""

from __future__ import annotations

import pytest

from depcheck.formats import FORMATS, UnknownFormatError, formatter
from depcheck.formats.text import TextFormatter


def test_every_format_is_registered_under_its_name() -> None:
    assert list(FORMATS) == ["text", "json", "sarif", "github", "markdown", "gitlab"]
    assert all(cls.name == name for name, cls in FORMATS.items())


def test_options_reach_the_constructor() -> None:
    text = formatter("text", color=True, width=80)
    assert isinstance(text, TextFormatter)
    assert (text.color, text.width) == (True, 80)


@pytest.mark.parametrize("name", ["json", "sarif", "github", "markdown", "gitlab"])
def test_every_format_accepts_the_colour_flag(name: str) -> None:
    assert formatter(name, color=True).name == name


def test_unknown_format() -> None:
    with pytest.raises(UnknownFormatError, match="unknown format 'xml'; choose one of text, json, sarif"):
        formatter("xml")
