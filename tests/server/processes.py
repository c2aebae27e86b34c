"""``depcheck serve`` as a separate process, for the tests that need real processes (a fleet
sharing a Redis cache, SIGTERM during a request, JSON logs)."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

_SERVING = re.compile(r"serving on (http://\S+)")


@dataclass
class ServeProcess:
    """A running ``depcheck serve``; ``lines`` collects its stderr as it arrives."""

    process: subprocess.Popen[str]
    url: str = ""
    lines: list[str] = field(default_factory=list)

    def stop(self, timeout: float = 30.0) -> int:
        if self.process.poll() is None:
            self.process.terminate()
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=timeout)

    def json_lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.lines if line.startswith("{")]


def start_serve(
    arguments: Sequence[str], environ: Mapping[str, str] | None = None, *, timeout: float = 30.0
) -> ServeProcess:
    """Start ``python -m depcheck serve --port 0 ARGUMENTS`` and wait until it listens."""
    env = {**os.environ, "DEPCHECK_RATE_LIMIT": "0", **(environ or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "depcheck", "serve", "--port", "0", *arguments],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    served = ServeProcess(process)
    found: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            served.lines.append(line.rstrip("\n"))
            match = _SERVING.search(line)
            if match:
                found.put(match.group(1))
        found.put(None)

    threading.Thread(target=read, name="serve-stderr", daemon=True).start()
    try:
        url = found.get(timeout=timeout)
    except queue.Empty:
        url = None
    if url is None:
        served.stop()
        raise AssertionError("depcheck serve did not start:\n" + "\n".join(served.lines))
    served.url = url.rstrip('",}')
    return served
