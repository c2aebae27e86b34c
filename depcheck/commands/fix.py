"""``depcheck fix``: audit through the registries, then write each suggestion into its file.

The audit runs exactly as ``depcheck audit`` does (configuration, inline ignores and
``--changed-since`` applied), with every file read through a
:class:`~depcheck.fix.snapshot.SnapshotReader`, so the edits are planned on the bytes the audit
parsed and a file saved again in between is refused rather than half-fixed. Hashed requirements
get the hashes of their new version from the same index client (each project is asked once per
run), and with ``--pin-digest`` image references get their tag's digest. A fix is never made from
a partial audit: when a registry did not answer, nothing is written and the exit code is 3.

:func:`prepare_fix` is shared with ``depcheck pr``, which writes the same edits into a commit
instead of the working tree.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from depcheck.audit import repository_root, run_audit
from depcheck.commands.common import Settings, load_settings, open_registries, registry_verifier, write_out
from depcheck.discovery import DiscoveryError
from depcheck.errors import UsageError
from depcheck.eventloop import run_in_loop
from depcheck.exitcodes import EXIT_FINDINGS, EXIT_OK, EXIT_REGISTRY
from depcheck.fix import (
    FixResult,
    HashLookup,
    Skipped,
    Writer,
    fix_files,
    hashed_dependencies,
    lookup_from_facts,
    select_rules,
    write_local,
)
from depcheck.fix.digests import PIN_DIGEST, DigestKey, apply_digests, digest_requests
from depcheck.fix.pins import describe
from depcheck.fix.snapshot import SnapshotReader
from depcheck.model import Dependency, Finding
from depcheck.registries.cache import strip_credentials
from depcheck.registries.docker import DockerRegistry
from depcheck.registries.interface import ProjectFacts, RegistryError
from depcheck.registries.merge import merge_facts
from depcheck.registries.pypi import SimpleIndex
from depcheck.report import Report
from depcheck.sources.interface import LocalFileReader
from depcheck.verify import RegistryVerifier

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreparedFix:
    """Everything a fix needs once the registries have answered.

    ``findings`` are the audit's findings after configuration and ignores, with ``--pin-digest``
    digests written into image replacements and its ``pin-digest`` findings added; ``rules`` the
    rules to apply (``pin-digest`` included with ``--pin-digest``); ``notes`` references left
    alone before any file is touched (a digest that cannot be written in place); ``failures``
    what the registries could not answer (then nothing may be fixed); ``index_url`` the PyPI index
    that answered, without credentials, for links.
    """

    report: Report
    findings: tuple[Finding, ...]
    rules: frozenset[str]
    hashes: HashLookup
    snapshot: SnapshotReader
    notes: tuple[Skipped, ...] = ()
    failures: tuple[str, ...] = ()
    index_url: str | None = None

    def fix(
        self, *, dry_run: bool, write: Writer = write_local, only: Iterable[Finding] | None = None
    ) -> FixResult:
        """Apply the fix to the files the audit read, as they were read.

        ``write`` replaces the local disk (``depcheck pr`` writes into a commit); ``only`` limits
        the fix to some of the findings (one pull request per file or ecosystem).
        """
        return fix_files(
            self.findings if only is None else only,
            rules=self.rules,
            dry_run=dry_run,
            hashes=self.hashes,
            read=self.snapshot.read_bytes,
            write=write,
        )


def chosen_rules(args: argparse.Namespace) -> frozenset[str]:
    """The rules ``--rules`` and ``--upgrade`` select (a usage error for an unknown or unfixable rule)."""
    text = getattr(args, "rules", None)
    rules = [rule.strip() for rule in text.split(",") if rule.strip()] if text else None
    if text is not None and not rules:
        raise UsageError("--rules: name at least one rule")
    return select_rules(rules, upgrade=bool(getattr(args, "upgrade", False)))


def audit_reader(paths: Sequence[Path]) -> SnapshotReader:
    """One reader for every path: rooted at their common repository (or folder) so includes resolve."""
    roots = {repository_root(path) for path in paths}
    root = roots.pop() if len(roots) == 1 else Path(os.path.commonpath([str(root) for root in roots]))
    return SnapshotReader(LocalFileReader(root=root))


async def _hash_facts(
    index: SimpleIndex, verifier: RegistryVerifier, findings: Iterable[Finding], rules: frozenset[str]
) -> dict[Dependency, ProjectFacts]:
    """What pip's indexes say, with files, about every hashed requirement the fix will move.

    The audit read release summaries only; these projects are read again with their files (from
    the cache when a fix has read them before), since the new hashes are those of the files. Each
    requirement is looked up on every index pip would ask for it (its own or the configured index,
    and the extra ones: :meth:`RegistryVerifier.plan`), each (project, index) once, and the answers
    merged: pip may take the file from any of them, so the hashes of all their files are listed.
    """
    plans = {dependency: verifier.plan(dependency) for dependency in hashed_dependencies(findings, rules)}
    keys = sorted({key for plan in plans.values() for key in plan}, key=str)
    if not keys:
        return {}
    with_files = index.with_files()
    answers = await asyncio.gather(*(verifier.lookup(key, with_files) for key in keys))
    by_key = dict(zip(keys, answers, strict=True))
    return {dependency: merge_facts([by_key[key] for key in plan]) for dependency, plan in plans.items()}


async def _digests(images: DockerRegistry, keys: Iterable[DigestKey]) -> dict[DigestKey, str | None]:
    unique = sorted(set(keys), key=lambda key: (key[0] or "", key[1], key[2]))
    answers = await asyncio.gather(
        *(images.digest(registry, repository, tag) for registry, repository, tag in unique)
    )
    return dict(zip(unique, answers, strict=True))


def _registry_failures(report: Report) -> tuple[str, ...]:
    failures = tuple(
        f"{finding.location.file}:{finding.location.line}: {finding.message}"
        for finding in report.findings
        if finding.rule == "registry-error"
    )
    return failures or ("a registry could not answer, so some references were not verified",)


async def prepare_fix(settings: Settings, *, rules: frozenset[str], pin_digest: bool = False) -> PreparedFix:
    """Audit through the registries and gather what the fix needs (hashes, digests)."""
    snapshot = audit_reader(settings.options.paths)
    async with open_registries(settings) as (index, images):
        # One HTTP client for the audit, the hash and the digest lookups: each URL is fetched once.
        verifier = registry_verifier(settings, index, images)
        report = await run_audit(settings.options, verifier, reader=snapshot)
        report = settings.post_process(report)
        if report.registry_failed:
            return PreparedFix(
                report,
                report.findings,
                rules,
                lookup_from_facts({}),
                snapshot,
                failures=_registry_failures(report),
            )
        findings = list(report.findings)
        chosen = frozenset(rules)
        notes: list[Skipped] = []
        try:
            facts = await _hash_facts(index, verifier, findings, chosen)
            if pin_digest:
                requests, skipped = digest_requests(findings, report.dependencies, chosen)
                digests = await _digests(images, (request.key for request in requests))
                findings, added, digest_skips = apply_digests(findings, requests, digests)
                # The new findings obey the configuration, inline ignores and --changed-since too.
                kept = settings.post_process(Report(findings=tuple(added)))
                findings.extend(finding for finding in kept.findings if finding.rule == PIN_DIGEST)
                notes.extend([*skipped, *digest_skips])
                chosen = chosen | {PIN_DIGEST}
        except RegistryError as exc:
            logger.error("%s", exc)
            return PreparedFix(
                report, report.findings, rules, lookup_from_facts({}), snapshot, failures=(str(exc),)
            )
        index_url = strip_credentials(index.index_url) if index.index_url else None
    return PreparedFix(
        report=report,
        findings=tuple(findings),
        rules=chosen,
        hashes=lookup_from_facts(facts),
        snapshot=snapshot,
        notes=tuple(notes),
        index_url=index_url,
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def write_summary(
    result: FixResult,
    prepared: PreparedFix,
    stream: TextIO,
    *,
    quiet: bool = False,
) -> None:
    """What was fixed, left alone (with reasons) and could not be fixed, for a person on stderr."""
    errors = [skip for skip in result.skipped if skip.error]
    alone = [skip for skip in result.skipped if not skip.error]
    if not quiet:
        verb = "would pin" if result.dry_run else "pinned"
        if result.applied:
            stream.write(
                f"depcheck: {verb} {_plural(len(result.applied), 'reference')} "
                f"in {_plural(len(result.changed_files), 'file')}\n"
            )
        elif not errors:
            stream.write("depcheck: nothing to fix\n")
        for finding in result.applied:
            stream.write(f"  {finding.location.file}:{finding.location.line}: {describe(finding)}\n")
        if alone:
            stream.write(f"depcheck: left {_plural(len(alone), 'reference')} alone:\n")
            for skip in alone:
                where = f"{skip.finding.location.file}:{skip.finding.location.line}"
                stream.write(f"  {where}: {skip.finding.name}: {skip.reason}\n")
        for note in prepared.notes:
            where = f"{note.finding.location.file}:{note.finding.location.line}"
            stream.write(f"depcheck: note: {where}: {note.finding.name}: {note.reason}\n")
        held = _held_back(prepared.findings, prepared.rules)
        if held:
            stream.write(
                f"depcheck: {_plural(held, 'outdated pin')} left as written (pass --upgrade to move them)\n"
            )
    # A file that could not be fixed (stale, read-only, broken by the splice) is logged as an
    # error by fix_files itself, which -q still shows; its findings are not listed again here.
    reported = {str(error) for error in result.errors}
    if result.errors and not quiet:
        stream.write(
            f"depcheck: {_plural(len(result.errors), 'file')} left unchanged because of the errors above\n"
        )
    for skip in errors:
        if skip.reason in reported:
            continue
        where = f"{skip.finding.location.file}:{skip.finding.location.line}"
        stream.write(f"depcheck: error: {where}: {skip.finding.name}: could not fix: {skip.reason}\n")
    stream.flush()


def _held_back(findings: Iterable[Finding], rules: frozenset[str]) -> int:
    return sum(
        1
        for finding in findings
        if finding.rule == "outdated" and "outdated" not in rules and finding.replacement is not None
    )


def write_failures(failures: Sequence[str], stream: TextIO) -> None:
    stream.write("depcheck: error: nothing was fixed, because a registry could not answer:\n")
    for failure in failures:
        stream.write(f"  {failure}\n")
    stream.write(
        "depcheck: a fix is only made from a complete audit; try again, or --exclude the files it cannot check\n"
    )
    stream.flush()


def load_fix_settings(args: argparse.Namespace) -> tuple[Settings, frozenset[str]]:
    """Settings and rules for ``fix`` and ``pr``; ``--static`` is refused, a fix needs the registries."""
    if getattr(args, "static", False):
        raise UsageError("--static: a fix needs the registries' suggestions, so it always asks them")
    rules = chosen_rules(args)
    return load_settings(args), rules


def run_prepare(settings: Settings, rules: frozenset[str], pin_digest: bool) -> PreparedFix:
    try:
        return run_in_loop(prepare_fix(settings, rules=rules, pin_digest=pin_digest))
    except DiscoveryError as exc:
        raise UsageError(str(exc)) from exc


def run_fix_command(args: argparse.Namespace) -> int:
    settings, rules = load_fix_settings(args)
    prepared = run_prepare(settings, rules, bool(args.pin_digest))
    if prepared.failures:
        write_failures(prepared.failures, sys.stderr)
        return EXIT_REGISTRY
    result = prepared.fix(dry_run=bool(args.dry_run))
    if args.dry_run:
        write_out(result.diff, sys.stdout)
    write_summary(result, prepared, sys.stderr, quiet=bool(getattr(args, "quiet", False)))
    if result.failed:
        return EXIT_FINDINGS
    if args.dry_run and result.changed_files:
        return EXIT_FINDINGS
    return EXIT_OK
