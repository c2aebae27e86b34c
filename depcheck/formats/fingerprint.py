"""Stable identities for findings, for the formats that let a CI system track issues across runs.

SARIF's ``partialFingerprints`` and GitLab's ``fingerprint`` let code scanning recognise the same
finding in the next run, and baselines depend on that. The identity therefore leaves the line
out (adding a line above a pin must not make its finding "new") and is built from the rule, the
file, the dependency name and the text as written. A file-level finding has neither name nor
text, so its message (the parser's reason) stands in for them. Two findings that still share an
identity (the same pin twice in one file) are told apart by their order of appearance, because
GitLab drops all but one issue per fingerprint.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

from depcheck.model import Finding


def _identity(finding: Finding) -> str:
    if finding.name is None and finding.current is None:
        parts = (finding.rule, finding.location.file, "", "", finding.message)
    else:
        parts = (finding.rule, finding.location.file, finding.name or "", finding.current or "", "")
    # NUL cannot appear in a path, a name or a pin, so the joined parts cannot collide.
    return "\0".join(parts)


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """A hex SHA-256 identity for each finding, in the same order as ``findings``."""
    seen: Counter[str] = Counter()
    result = []
    for finding in findings:
        identity = _identity(finding)
        occurrence = seen[identity]
        seen[identity] += 1
        if occurrence:
            identity = f"{identity}\0{occurrence}"
        result.append(hashlib.sha256(identity.encode("utf-8")).hexdigest())
    return result
