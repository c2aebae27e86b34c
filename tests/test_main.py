"""The command line's entry point and the cyclic collector.

One-shot commands run with the collector off (:func:`depcheck.__main__.entry`, and
:func:`depcheck.cli.main` for the length of the command); ``depcheck serve`` runs with it on; a
caller that runs :func:`~depcheck.cli.main` in its own process finds the collector as it left it.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

from depcheck.cli import main


def test_main_in_a_callers_process_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("httpx==0.28.1\n")
    assert gc.isenabled()
    code = main(
        ["audit", "--static", "-q", "--format", "json", "-o", str(tmp_path / "r.json"), str(tmp_path)]
    )
    assert code == 0
    assert gc.isenabled()


def test_a_one_shot_command_runs_with_the_collector_off_and_serve_turns_it_on() -> None:
    script = (
        "import gc, sys\n"
        "import depcheck.commands as commands\n"
        "seen = []\n"
        "commands.run = lambda args: seen.append((args.command, gc.isenabled())) or 0\n"
        "from depcheck.__main__ import entry\n"
        "sys.argv = ['depcheck', 'audit', '--static', '.']\n"
        "entry()\n"
        "sys.argv = ['depcheck', 'serve']\n"
        "entry()\n"
        "print(seen)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "[('audit', False), ('serve', True)]"
