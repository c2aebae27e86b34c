"""The format registry the CLI looks formats up in."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from depcheck.formats import FORMATS, UnknownFormatError, formatter, formatter_class
from depcheck.formats.text import TextFormatter


def test_every_format_is_registered_under_its_name() -> None:
    assert FORMATS == ("text", "json", "sarif", "github", "markdown", "gitlab")
    assert [formatter_class(name).name for name in FORMATS] == list(FORMATS)


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


def test_only_the_asked_for_format_is_imported() -> None:
    # A fresh interpreter: this test process has imported every format already.
    script = (
        "import json, sys\n"
        "from depcheck.formats import formatter\n"
        "formatter('json')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('depcheck.formats.'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == ["depcheck.formats.interface", "depcheck.formats.json"]
