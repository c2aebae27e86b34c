"""The command line's entry point: the cyclic collector, and leaving without the teardown.

One-shot commands run with the collector off (:func:`depcheck.__main__.entry`, and
:func:`depcheck.cli.main` for the length of the command); ``depcheck serve`` runs with it on; a
caller that runs :func:`~depcheck.cli.main` in its own process finds the collector as it left it.
:func:`depcheck.__main__.leave` ends the process without tearing the interpreter down, and
loses nothing a normal exit would have written.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from depcheck.cli import main


def run_python(script: str, **options: object) -> subprocess.CompletedProcess[str]:
    settings: dict[str, object] = {"capture_output": True, "text": True, "timeout": 120}
    settings.update(options)
    return subprocess.run([sys.executable, "-c", script], check=False, **settings)  # type: ignore[call-overload, no-any-return]


def test_main_in_a_callers_process_leaves_the_collector_as_it_found_it(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("httpx==0.28.1\n")
    assert gc.isenabled()
    code = main(
        ["audit", "--static", "-q", "--format", "json", "-o", str(tmp_path / "r.json"), str(tmp_path)]
    )
    assert code == 0
    assert gc.isenabled()


@pytest.mark.parametrize(("command", "collector"), [("audit", False), ("serve", True)])
def test_a_one_shot_command_runs_with_the_collector_off_and_serve_turns_it_on(
    command: str, collector: bool
) -> None:
    script = (
        "import gc, sys\n"
        "import depcheck.commands as commands\n"
        "commands.run = lambda args: print(args.command, gc.isenabled()) or 5\n"
        "from depcheck.__main__ import entry\n"
        f"sys.argv = ['depcheck', {command!r}]\n"
        "entry()\n"
        "print('entry returned')\n"
    )
    result = run_python(script)
    assert (result.returncode, result.stdout) == (5, f"{command} {collector}\n")


def test_leave_flushes_what_was_written_and_exits_with_the_code() -> None:
    script = (
        "import logging, sys\n"
        "from depcheck.__main__ import leave\n"
        "logging.basicConfig(stream=sys.stderr, format='%(message)s')\n"
        "sys.stdout.write('report without a newline')\n"
        "sys.stderr.write('summary; ')\n"
        "logging.getLogger('depcheck').warning('last warning')\n"
        "leave(3)\n"
    )
    result = run_python(script)
    assert (result.returncode, result.stdout, result.stderr) == (
        3,
        "report without a newline",
        "summary; last warning\n",
    )


def test_leave_runs_the_atexit_functions() -> None:
    script = (
        "import atexit\n"
        "from depcheck.__main__ import leave\n"
        "atexit.register(print, 'saved at exit')\n"
        "leave(0)\n"
    )
    result = run_python(script)
    assert (result.returncode, result.stdout) == (0, "saved at exit\n")


def test_leave_waits_for_a_thread_still_running() -> None:
    script = (
        "import threading, time\n"
        "from depcheck.__main__ import leave\n"
        "threading.Thread(target=lambda: (time.sleep(0.2), print('thread finished'))).start()\n"
        "leave(1)\n"
    )
    result = run_python(script)
    assert (result.returncode, result.stdout) == (1, "thread finished\n")


def test_output_that_cannot_be_written_is_an_error_not_a_pass() -> None:
    """The reader of standard output went away (``depcheck audit | head`` that stopped early)."""
    script = (
        "import sys, time\n"
        "from depcheck.__main__ import leave\n"
        "time.sleep(0.3)\n"
        "sys.stdout.write('x' * 100)\n"
        "leave(0)\n"
    )
    # Buffered, as standard output to a pipe is unless PYTHONUNBUFFERED says otherwise.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    assert child.stderr is not None
    child.stdout.close()
    stderr = child.stderr.read()
    assert child.wait(timeout=120) == 120
    assert stderr == "depcheck: error: could not write to standard output: [Errno 32] Broken pipe\n"


def test_the_depcheck_command_ends_through_leave(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("httpx\n")
    result = subprocess.run(
        [sys.executable, "-m", "depcheck", "audit", "--static", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout.endswith("}\n")
    assert '"rule": "unpinned"' in result.stdout


def test_a_report_whose_reader_went_away_is_a_usage_error_not_a_traceback(tmp_path: Path) -> None:
    """``depcheck audit | head -c 10``: the report (over a pipe's 64 KiB) cannot all be written."""
    (tmp_path / "requirements.txt").write_text("".join(f"package-{n}\n" for n in range(2000)))
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    child = subprocess.Popen(
        [sys.executable, "-m", "depcheck", "audit", "--static", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert child.stdout is not None
    assert child.stderr is not None
    assert len(child.stdout.read(10)) == 10
    child.stdout.close()
    stderr = child.stderr.read()
    assert child.wait(timeout=120) == 2
    assert stderr == "depcheck: error: cannot write to standard output: Broken pipe\n"
