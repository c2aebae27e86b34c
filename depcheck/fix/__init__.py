"""``depcheck fix``: apply the findings' replacements to the files, touching nothing but the versions.

:func:`fix_files` is the whole pipeline for one run: plan the edits (:mod:`depcheck.fix.edits`),
then for each file read it again, splice, check that a TOML or YAML file still reads back as
intended (:mod:`depcheck.fix.readback`), compute the diff (:mod:`depcheck.fix.diff`) and, unless
it is a dry run, write it atomically (:mod:`depcheck.fix.writer`). A file that cannot be fixed
(changed since it was read, read-only, broken by the splice) is left exactly as it was and
reported; the other files are still fixed. Every selected finding ends up either in
:attr:`FixResult.applied` or in :attr:`FixResult.skipped` with its reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from depcheck.fix.diff import unified_diff
from depcheck.fix.edits import (
    DEFAULT_RULES,
    FIXABLE_RULES,
    Edit,
    Plan,
    Reader,
    Skipped,
    apply_edits,
    plan_edits,
    select_rules,
)
from depcheck.fix.errors import FixError, ReadbackError, StaleFileError, WriteError
from depcheck.fix.hashes import HashLookup, lookup_from_facts, release_hashes
from depcheck.fix.readback import check_readback
from depcheck.fix.writer import write_atomic
from depcheck.model import Dependency, Finding, SpanRole

__all__ = [
    "DEFAULT_RULES",
    "FIXABLE_RULES",
    "Edit",
    "FixError",
    "FixResult",
    "HashLookup",
    "Plan",
    "ReadbackError",
    "Skipped",
    "StaleFileError",
    "WriteError",
    "Writer",
    "apply_edits",
    "fix_files",
    "hashed_dependencies",
    "lookup_from_facts",
    "plan_edits",
    "read_local",
    "release_hashes",
    "select_rules",
    "write_local",
]

logger = logging.getLogger(__name__)

Writer = Callable[[str, bytes, bytes], None]
"""Writes ``new`` bytes to a file by its shown path, given the ``expected`` bytes it replaces."""


def read_local(path: str) -> bytes:
    """The bytes of ``path`` on the local disk (relative paths from the working directory)."""
    return Path(path).read_bytes()


def write_local(path: str, new: bytes, expected: bytes) -> None:
    """Atomically replace ``path`` on the local disk, refusing if it no longer holds ``expected``."""
    write_atomic(Path(path), new, expected=expected, shown=path)


@dataclass(frozen=True)
class FixResult:
    """What one ``depcheck fix`` run changed (or, in a dry run, would change).

    ``diffs`` maps each changed file to its unified diff, in file order; ``applied`` lists the
    findings fixed; ``skipped`` the selected findings left alone, with reasons; ``errors`` the files
    that could not be read, checked or written (each left untouched).
    """

    changed_files: tuple[str, ...] = ()
    diffs: Mapping[str, str] = field(default_factory=dict)
    applied: tuple[Finding, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    errors: tuple[FixError, ...] = ()
    dry_run: bool = False

    @property
    def diff(self) -> str:
        """Every file's diff, one after the other: what ``--dry-run`` prints."""
        return "".join(self.diffs[path] for path in self.changed_files)

    @property
    def failed(self) -> bool:
        """Whether something that should have been fixed was not (a file error or a failed fix)."""
        return bool(self.errors) or any(skip.error for skip in self.skipped)


def hashed_dependencies(findings: Iterable[Finding], rules: Iterable[str] | None = None) -> list[Dependency]:
    """The hashed requirements a fix of ``findings`` will need new ``--hash`` values for.

    The caller looks their projects up (each once) and passes the answers to :func:`fix_files`
    as ``hashes``, for example through :func:`lookup_from_facts`.
    """
    chosen = DEFAULT_RULES if rules is None else frozenset(rules)
    found: dict[Dependency, None] = {}
    for finding in findings:
        dependency = finding.dependency
        if (
            finding.rule in chosen
            and finding.replacement is not None
            and finding.location.span_role is SpanRole.REQUIREMENT
            and dependency is not None
            and dependency.hashes
        ):
            found[dependency] = None
    return list(found)


def fix_files(
    findings: Iterable[Finding],
    *,
    rules: Iterable[str] | None = None,
    dry_run: bool = False,
    hashes: HashLookup | None = None,
    read: Reader = read_local,
    write: Writer = write_local,
) -> FixResult:
    """Apply the replacements of ``findings`` of the selected ``rules`` to their files.

    ``rules`` defaults to :data:`DEFAULT_RULES` (build it with :func:`select_rules` from
    ``--rules``/``--upgrade``). ``hashes`` answers for hashed requirements; ``read`` and ``write``
    default to the local disk, paths being the ``location.file`` of the findings (for a tag set in
    ``.env``, that file: ``location.span_elsewhere``). With ``dry_run`` nothing is written, and the
    result says what would change.
    """
    plan = plan_edits(findings, rules, read=read, hashes=hashes)
    changed: list[str] = []
    diffs: dict[str, str] = {}
    applied: list[Finding] = []
    skipped = list(plan.skipped)
    errors = list(plan.errors)
    for path in sorted(plan.edits):
        edits = plan.edits[path]
        try:
            try:
                # Read again: the plan may have been made from the bytes the audit parsed, and
                # the file may have been edited since.
                current = read(path)
            except OSError as exc:
                raise FixError(path, f"cannot read it: {exc.strerror or exc}") from exc
            new = apply_edits(current, edits)
            check_readback(path, current, new, edits)
            if not dry_run:
                write(path, new, current)
        except FixError as exc:
            logger.error("%s", exc)
            errors.append(exc)
            skipped.extend(Skipped(finding, str(exc), error=True) for finding in plan.findings(path))
            continue
        changed.append(path)
        diffs[path] = unified_diff(path, current, new)
        applied.extend(plan.findings(path))
    return FixResult(
        changed_files=tuple(changed),
        diffs=diffs,
        applied=tuple(applied),
        skipped=tuple(skipped),
        errors=tuple(errors),
        dry_run=dry_run,
    )
