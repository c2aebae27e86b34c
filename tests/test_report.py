"""The report's own behaviour: its repr stays a short summary however large the audit."""

from __future__ import annotations

from depcheck.model import Dependency, Ecosystem, Location, Role
from depcheck.report import Checked, Report


def test_repr_summarises_counts_instead_of_listing_dependencies() -> None:
    dependency = Dependency(
        ecosystem=Ecosystem.PYPI,
        name="requests",
        text="requests==2.32.3",
        location=Location(file="r.txt", line=1),
        role=Role.REQUIREMENT,
    )
    report = Report(files=("r.txt",), dependencies=(Checked(dependency),) * 3, static=True)

    assert repr(report) == "Report(files=1, dependencies=3, findings=0, registry_failed=False, static=True)"
