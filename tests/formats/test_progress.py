"""The lookup progress bar: only on a terminal, only after a moment, gone when done."""

from __future__ import annotations

import io

import pytest

from depcheck.formats import progress as progress_module
from depcheck.formats.progress import LookupProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_drawn_on_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    stream = io.StringIO()
    with LookupProgress(stream) as progress:
        progress(1, 2)
        progress(2, 2)
    assert stream.getvalue() == ""


def test_nothing_is_drawn_before_the_delay() -> None:
    stream = Terminal()
    with LookupProgress(stream) as progress:
        progress(1, 2)
    assert stream.getvalue() == ""


def test_quiet_draws_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    stream = Terminal()
    with LookupProgress(stream, enabled=False) as progress:
        progress(1, 2)
    assert stream.getvalue() == ""


def test_a_slow_run_on_a_terminal_shows_the_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    monkeypatch.setenv("NO_COLOR", "1")
    stream = Terminal()
    with LookupProgress(stream) as progress:
        progress(3, 7)
    assert "checking registries" in stream.getvalue()
    assert "3/7" in stream.getvalue()
