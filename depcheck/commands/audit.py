"""``depcheck audit``: check files or folders and report, with the exit code a CI gate needs."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from depcheck.audit import Verification, parse_all, report_of
from depcheck.commands.common import Settings, load_settings, open_verifier, write_report
from depcheck.discovery import DiscoveryError
from depcheck.errors import UsageError
from depcheck.eventloop import run_within
from depcheck.exitcodes import exit_code
from depcheck.model import Dependency


def run_audit_command(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    try:
        parsed = parse_all(settings.options)
    except DiscoveryError as exc:
        raise UsageError(str(exc)) from exc
    verification = None if settings.options.static else _verify(settings, parsed.dependencies)
    report = settings.post_process(report_of(settings.options, parsed, verification))
    write_report(report, settings, output=Path(args.output) if args.output else None, stream=sys.stdout)
    return exit_code(report, settings.fail_on)


def _verify(settings: Settings, dependencies: Sequence[Dependency]) -> Verification:
    """The registries' verdicts: from the cache alone without an event loop when it holds every
    answer (a warm run imports no asyncio), else in one (see :mod:`depcheck.eventloop`)."""
    policy = settings.options.policy
    return run_within(open_verifier(settings), lambda verifier: verifier.verify(dependencies, policy))
