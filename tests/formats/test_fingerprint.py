"""Finding identities that survive moved lines and never repeat within one report."""

from __future__ import annotations

from dataclasses import replace

from depcheck.formats.fingerprint import fingerprints
from depcheck.model import Finding


def test_literal_values_are_stable(findings: dict[str, Finding]) -> None:
    # Baselines in code scanning are keyed on these: a change here re-opens every alert.
    assert fingerprints([findings["floating-tag"], findings["unpinned"]]) == [
        "77574fbe908214e293ed9dba030cf79c97ea27e2766602ccbc294c5f2186d46e",
        "b5b24b0360c3f32e31f776ac58ac761401f6e5dad30f48f94bfd3767a6964bd5",
    ]


def test_line_and_column_do_not_count(findings: dict[str, Finding]) -> None:
    finding = findings["unpinned"]
    moved = replace(finding, location=replace(finding.location, line=40, column=5))
    assert fingerprints([moved]) == fingerprints([finding])


def test_rule_file_name_and_text_count(findings: dict[str, Finding]) -> None:
    finding = findings["unpinned"]
    variants = [
        finding,
        replace(finding, rule="ranged"),
        replace(finding, location=replace(finding.location, file="requirements-dev.txt")),
        replace(finding, name="httpcore"),
        replace(finding, current="httpx"),
    ]
    assert len(set(fingerprints(variants))) == 5


def test_messages_tell_nameless_findings_apart(findings: dict[str, Finding]) -> None:
    invalid = findings["invalid"]
    other = replace(invalid, message="unterminated quote")
    assert len(set(fingerprints([invalid, other]))) == 2


def test_repeats_get_distinct_fingerprints(findings: dict[str, Finding]) -> None:
    finding = findings["unpinned"]
    first, second, third = fingerprints([finding, finding, finding])
    assert first == "b5b24b0360c3f32e31f776ac58ac761401f6e5dad30f48f94bfd3767a6964bd5"
    assert len({first, second, third}) == 3
