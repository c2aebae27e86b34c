"""The result of an audit, as every output format and the exit code see it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from depcheck.model import Dependency, Finding, Severity


@dataclass(frozen=True)
class Checked:
    """A dependency and what it resolved to: the exact version or tag verified, else ``None``."""

    dependency: Dependency
    resolved: str | None = None


@dataclass(frozen=True)
class Report:
    """Everything one audit found, in file and line order.

    ``registry_failed`` is true when some reference could not be verified because a registry did
    not answer (exit code 3); ``files`` every file read, includes too.
    """

    files: tuple[str, ...] = ()
    dependencies: tuple[Checked, ...] = ()
    findings: tuple[Finding, ...] = ()
    registry_failed: bool = False
    static: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    def __repr__(self) -> str:
        # A summary, not every dependency: asyncio.run formats the task it ran, result included,
        # when it restores the SIGINT handler (Python 3.11's signal.getsignal builds a ValueError
        # message from it), and the full repr of a 10,000-line audit took 0.3 s of every run.
        return (
            f"Report(files={len(self.files)}, dependencies={len(self.dependencies)},"
            f" findings={len(self.findings)}, registry_failed={self.registry_failed},"
            f" static={self.static})"
        )

    def counts(self) -> dict[Severity, int]:
        """How many findings of each severity, every severity present (zero when none)."""
        counter = Counter(finding.severity for finding in self.findings)
        return {
            severity: counter.get(severity, 0)
            for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        }

    def failing(self, threshold: Severity | None) -> list[Finding]:
        """The findings at or above ``threshold`` (``None``: never fail)."""
        if threshold is None:
            return []
        return [finding for finding in self.findings if finding.severity >= threshold]
