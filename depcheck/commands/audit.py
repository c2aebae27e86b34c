"""``depcheck audit``: check files or folders and report, with the exit code a CI gate needs."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from depcheck.audit import run_audit
from depcheck.commands.common import Settings, load_settings, open_verifier, write_report
from depcheck.discovery import DiscoveryError
from depcheck.errors import UsageError
from depcheck.exitcodes import exit_code
from depcheck.report import Report

logger = logging.getLogger(__name__)


def run_audit_command(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    try:
        report = asyncio.run(_audit(settings))
    except DiscoveryError as exc:
        raise UsageError(str(exc)) from exc
    report = settings.post_process(report)
    write_report(report, settings, output=Path(args.output) if args.output else None, stream=sys.stdout)
    return exit_code(report, settings.fail_on)


async def _audit(settings: Settings) -> Report:
    if settings.options.static:
        return await run_audit(settings.options)
    async with open_verifier(settings) as verifier:
        return await run_audit(settings.options, verifier)
