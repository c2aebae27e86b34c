"""Exit codes: 0 clean, 1 findings at or above --fail-on, 3 when a registry failed."""

from __future__ import annotations

import pytest

from depcheck.exitcodes import EXIT_FINDINGS, EXIT_OK, EXIT_REGISTRY, EXIT_USAGE, exit_code
from depcheck.model import Finding, Location, Severity
from depcheck.report import Report


def _report(*severities: Severity, registry_failed: bool = False) -> Report:
    findings = tuple(
        Finding(rule="unpinned", severity=severity, location=Location("requirements.txt", line), message="x")
        for line, severity in enumerate(severities, start=1)
    )
    return Report(files=("requirements.txt",), findings=findings, registry_failed=registry_failed)


def test_contract_values() -> None:
    assert (EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_REGISTRY) == (0, 1, 2, 3)


@pytest.mark.parametrize(
    ("worst", "fail_on", "expected"),
    [
        (None, Severity.ERROR, 0),
        (None, Severity.WARNING, 0),
        (None, Severity.INFO, 0),
        (None, None, 0),
        (Severity.INFO, Severity.ERROR, 0),
        (Severity.INFO, Severity.WARNING, 0),
        (Severity.INFO, Severity.INFO, 1),
        (Severity.INFO, None, 0),
        (Severity.WARNING, Severity.ERROR, 0),
        (Severity.WARNING, Severity.WARNING, 1),
        (Severity.WARNING, Severity.INFO, 1),
        (Severity.WARNING, None, 0),
        (Severity.ERROR, Severity.ERROR, 1),
        (Severity.ERROR, Severity.WARNING, 1),
        (Severity.ERROR, Severity.INFO, 1),
        (Severity.ERROR, None, 0),
    ],
)
def test_fail_on(worst: Severity | None, fail_on: Severity | None, expected: int) -> None:
    severities = [
        severity
        for severity in (Severity.INFO, Severity.WARNING, Severity.ERROR)
        if worst and severity <= worst
    ]
    assert exit_code(_report(*severities), fail_on) == expected


@pytest.mark.parametrize("fail_on", [Severity.ERROR, Severity.WARNING, Severity.INFO, None])
def test_registry_failure_wins(fail_on: Severity | None) -> None:
    assert exit_code(_report(Severity.ERROR, registry_failed=True), fail_on) == 3
    assert exit_code(_report(registry_failed=True), fail_on) == 3
