"""One module per subcommand; :func:`run` dispatches the parsed command line to it."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    """Run the subcommand ``args.command`` and return its exit code."""
    if args.command == "audit":
        from depcheck.commands.audit import run_audit_command

        return run_audit_command(args)
    if args.command == "latest":
        from depcheck.commands.latest import run_latest_command

        return run_latest_command(args)
    if args.command == "fix":
        from depcheck.commands.fix import run_fix_command

        return run_fix_command(args)
    if args.command == "pr":
        from depcheck.commands.pr import run_pr_command

        return run_pr_command(args)
    if args.command == "serve":
        from depcheck.commands.serve import run_serve_command

        return run_serve_command(args)
    raise AssertionError(f"unknown command {args.command!r}")
