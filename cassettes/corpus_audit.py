"""Run depcheck over the shared corpus (or any path) against the cassettes on a loopback fake registry.

Usage::

    .venv/bin/python cassettes/corpus_audit.py /work/shared/corpus                  # depcheck audit
    .venv/bin/python cassettes/corpus_audit.py audit --format json -o r.json /work/shared/corpus
    .venv/bin/python cassettes/corpus_audit.py fix --dry-run /work/shared/corpus

The first argument may name the command (``audit``, the default, or ``fix``); every other
argument goes to depcheck unchanged. The script starts :class:`~depcheck.testing.FakeRegistry`
on a free port, writes a temporary ``depcheck.toml`` whose ``[registries]`` table sends every OCI
host that has cassettes (``cassettes/docker/oci/<host>``) to ``http://127.0.0.1:PORT/oci/<host>``,
and runs ``depcheck`` with ``--index-url``, ``--docker-hub-url``, ``--config`` pointing at them
and ``--no-cache`` (a cache filled from the real registries must not answer for the fake). A
``--config`` given explicitly replaces the generated one, so it is refused here. depcheck's exit
code is this script's.

A run over the whole corpus (767 projects) takes about 15 s.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from depcheck.testing import FakeRegistry

logger = logging.getLogger("corpus_audit")

HERE = Path(__file__).resolve().parent
COMMANDS = ("audit", "fix")


def oci_hosts(cassettes: Path) -> list[str]:
    """Every OCI registry host the cassettes hold repositories for."""
    return sorted(path.name for path in (cassettes / "docker" / "oci").iterdir() if path.is_dir())


def config_text(url: str, hosts: list[str]) -> str:
    """A ``depcheck.toml`` mapping each of ``hosts`` to its place under the fake at ``url``."""
    lines = ["# Written by cassettes/corpus_audit.py for one run against the loopback fake registry.", ""]
    for host in hosts:
        lines += [f'[registries."{host}"]', f'url = "{url}/oci/{host}"', 'credentials = "none"', ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # one line per request otherwise
    command, arguments = (argv[0], argv[1:]) if argv and argv[0] in COMMANDS else ("audit", argv)
    if any(argument == "--config" or argument.startswith("--config=") for argument in arguments):
        logger.error("corpus_audit.py writes its own --config; leave it out")
        return 2
    depcheck = Path(sys.executable).with_name("depcheck")
    url, stop = FakeRegistry(HERE).run_in_thread()
    try:
        with tempfile.TemporaryDirectory(prefix="depcheck-corpus-") as folder:
            config = Path(folder) / "depcheck.toml"
            config.write_text(config_text(url, oci_hosts(HERE)), encoding="utf-8")
            logger.info("fake registry at %s; configuration %s", url, config)
            # Docker Hub is reached through --docker-hub-url; the environment variable would win
            # over nothing here, but a stale one in the caller's shell must not point elsewhere.
            environment = {
                key: value for key, value in os.environ.items() if key != "DEPCHECK_DOCKER_HUB_URL"
            }
            completed = subprocess.run(
                [
                    str(depcheck),
                    command,
                    "--index-url",
                    f"{url}/simple",
                    "--docker-hub-url",
                    url,
                    "--config",
                    str(config),
                    "--no-cache",
                    *arguments,
                ],
                env=environment,
                check=False,
            )
    finally:
        stop()
    return completed.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
