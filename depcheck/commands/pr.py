"""``depcheck pr``: the fix on a branch, committed, pushed, and a pull request opened or kept current.

The checks that make the command meaningless come first and are usage errors (exit 2): not a
git repository, a dirty working tree (listed), a detached ``HEAD`` without ``--base``, the
current branch being the one to rewrite, no repository name, no ``GITHUB_TOKEN``. Then the audit
and the fix run as for ``depcheck fix`` (exit 3 when a registry failed, and nothing is touched),
the edits are kept in memory per pull request (``--group``), and :func:`depcheck.pr.publish` turns
each into a commit, a push and a pull request. ``--dry-run`` prints what would be committed,
pushed and opened and touches nothing: no branch, no push, no API call.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx

from depcheck.commands.common import write_out
from depcheck.commands.fix import PreparedFix, load_fix_settings, run_prepare, write_failures, write_summary
from depcheck.errors import UsageError
from depcheck.exitcodes import EXIT_FINDINGS, EXIT_OK, EXIT_REGISTRY
from depcheck.fix import FixResult
from depcheck.fix.errors import StaleFileError, WriteError
from depcheck.pr import (
    Change,
    Git,
    GitError,
    GitHub,
    PublishError,
    Repository,
    api_url_from,
    branch_name,
    group_findings,
    group_key,
    parse_remote_url,
    pin_of,
    publish,
    title_for,
    token_from,
)

logger = logging.getLogger(__name__)

API_TIMEOUT = 30.0
"""Seconds one GitHub API call may take."""


class CommitWriter:
    """A fix ``write`` that keeps the new bytes for a commit instead of writing the working tree.

    The file on disk must still hold the bytes the fix was computed from, as the atomic writer
    requires: the commit is built on ``HEAD``, which the clean working tree equals.
    """

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def __call__(self, path: str, new: bytes, expected: bytes) -> None:
        try:
            current = Path(path).read_bytes()
        except OSError as exc:
            raise WriteError(path, f"cannot read it again before committing: {exc.strerror or exc}") from exc
        if current != expected:
            raise StaleFileError(path, "changed since it was read; nothing was committed, run depcheck again")
        self.files[path] = new


@dataclass(frozen=True)
class Planned:
    """One pull request to make: the change, and the fix result it came from (for the summary)."""

    change: Change
    result: FixResult


def plan_changes(prepared: PreparedFix, *, group: str, branch: str) -> tuple[list[Planned], list[FixResult]]:
    """One :class:`~depcheck.pr.Change` per pull request, and every group's fix result."""
    selected = [finding for finding in prepared.findings if finding.rule in prepared.rules]
    planned: list[Planned] = []
    results: list[FixResult] = []
    for slug, findings in group_findings(selected, group).items():
        writer = CommitWriter()
        result = prepared.fix(dry_run=False, write=writer, only=findings)
        results.append(result)
        if not result.changed_files:
            continue
        notes = [
            f"{skip.finding.location.file}:{skip.finding.location.line}: {skip.finding.name}: {skip.reason}"
            for skip in (*prepared.notes, *result.skipped)
            if not skip.error and group_key(skip.finding, group) == slug
        ]
        change = Change(
            branch=branch_name(branch, slug),
            title=title_for(group, slug, result.changed_files),
            pins=tuple(pin_of(finding, prepared.index_url) for finding in result.applied),
            files={path: writer.files[path] for path in result.changed_files},
            diff=result.diff,
            notes=tuple(dict.fromkeys(notes)),
        )
        planned.append(Planned(change, result))
    return planned, results


def _repository(args: argparse.Namespace, git: Git) -> tuple[Repository, str, str]:
    """The repository state and ``(owner, name)``; every problem here is a usage error."""
    try:
        toplevel = git.toplevel()
    except GitError as exc:
        raise UsageError(f"depcheck pr runs in a git repository: {exc.detail}") from exc
    dirty = git.dirty()
    if dirty:
        listed = "\n".join(f"  {line}" for line in dirty)
        raise UsageError(f"the working tree has uncommitted changes; commit or stash them first:\n{listed}")
    try:
        head = git.head()
    except GitError as exc:
        raise UsageError(f"the repository has no commit to build on: {exc.detail}") from exc
    current = git.current_branch()
    base = args.base or current
    if base is None:
        raise UsageError("HEAD is detached: pass --base with the branch the pull request should target")
    if current is not None and (current == args.branch or current.startswith(f"{args.branch}-")):
        raise UsageError(
            f"the current branch {current} is the one depcheck pr rewrites; switch to the base branch first"
        )
    if args.repo:
        owner, _, name = args.repo.partition("/")
        if not owner or not name or "/" in name:
            raise UsageError(f"--repo: expected OWNER/NAME, got {args.repo!r}")
    else:
        try:
            url = git.remote_url(args.remote)
        except GitError as exc:
            raise UsageError(f"--remote {args.remote}: {exc.detail}") from exc
        parsed = parse_remote_url(url)
        if parsed is None:
            raise UsageError(
                f"cannot tell the GitHub repository from the URL of {args.remote} ({url}); pass --repo OWNER/NAME"
            )
        owner, name = parsed
    repository = Repository(
        git=git, toplevel=toplevel, remote=args.remote, base=base, head=head, cwd=Path.cwd()
    )
    return repository, owner, name


def _dry_run_text(planned: list[Planned], repository: Repository, owner: str, name: str) -> str:
    """What ``depcheck pr --dry-run`` prints: each change's commit, push, pull request and diff."""
    out = io.StringIO()
    for item in planned:
        change = item.change
        out.write(f"== {change.branch}\n")
        out.write(f"would commit on {repository.head[:12]} ({repository.base}):\n")
        out.write("".join(f"    {line}\n" if line else "\n" for line in change.message().splitlines()))
        out.write(
            f"would push {change.branch} to {repository.remote} (with --force-with-lease when it exists there)\n"
        )
        out.write(
            f"would open a pull request on {owner}/{name} from {change.branch} into {repository.base}, "
            "or update the open one:\n"
        )
        out.write(f"    title: {change.title}\n")
        out.write("".join(f"    {line}\n" if line else "\n" for line in change.body().splitlines()))
        out.write("diff:\n")
        out.write(change.diff)
    return out.getvalue()


def run_pr_command(args: argparse.Namespace) -> int:
    settings, rules = load_fix_settings(args)
    git = Git(Path.cwd())
    repository, owner, name = _repository(args, git)
    token = token_from(os.environ)
    if token is None and not args.dry_run:
        raise UsageError(
            "GITHUB_TOKEN is not set: depcheck pr needs a token that may push and open pull requests"
        )
    api_url = api_url_from(args.api_url, os.environ)

    prepared = run_prepare(settings, rules, bool(getattr(args, "pin_digest", False)))
    if prepared.failures:
        write_failures(prepared.failures, sys.stderr)
        return EXIT_REGISTRY
    planned, results = plan_changes(prepared, group=args.group, branch=args.branch)
    combined = FixResult(
        changed_files=tuple(dict.fromkeys(path for result in results for path in result.changed_files)),
        applied=tuple(finding for result in results for finding in result.applied),
        skipped=tuple(skip for result in results for skip in result.skipped),
        errors=tuple(error for result in results for error in result.errors),
        dry_run=bool(args.dry_run),
    )
    write_summary(combined, prepared, sys.stderr, quiet=bool(getattr(args, "quiet", False)))
    fix_failed = combined.failed
    if not planned:
        print("depcheck: no pull request to open: nothing to fix", file=sys.stderr)
        return EXIT_FINDINGS if fix_failed else EXIT_OK
    if args.dry_run:
        write_out(_dry_run_text(planned, repository, owner, name), sys.stdout)
        return EXIT_FINDINGS if fix_failed else EXIT_OK

    assert token is not None
    failed = False
    with httpx.Client(timeout=API_TIMEOUT) as client:
        github = GitHub(client, api_url, token, owner, name)
        for item in planned:
            change = item.change
            try:
                outcome = publish(change, repository, github)
            except PublishError as exc:
                failed = True
                print(f"depcheck: error: {exc}", file=sys.stderr)
                print(f"depcheck: {exc.remains}", file=sys.stderr)
                continue
            if outcome.action == "unchanged":
                message = (
                    f"pull request #{outcome.number} for {outcome.branch} already has these pins; "
                    f"left as it is: {outcome.url}"
                )
            else:
                message = (
                    f"{outcome.action} pull request #{outcome.number} for {outcome.branch}: {outcome.url}"
                )
            print(f"depcheck: {message}", file=sys.stderr)
    return EXIT_FINDINGS if failed or fix_failed else EXIT_OK
