"""The registry clients load their heavy helpers only when a run needs them.

A warm audit answers every lookup from the cache: it must not pay for the HTTP stack (httpx, h2,
anyio, ssl contexts), the PEP 691 decoder (msgspec), the ``file:`` index reader (urllib.request
and http.client) or pypi-simple. Each is imported where it is first used; this guards that a
later change does not bring one of them back to start-up.
"""

from __future__ import annotations

import json
import subprocess
import sys

NOT_AT_START_UP = (
    "depcheck.registries.local_index",
    "depcheck.registries.pep691",
    "httpx",
    "msgspec",
    "pypi_simple",
    "urllib.request",
)


def test_the_registry_clients_and_the_verifier_load_no_heavy_helper_at_import() -> None:
    script = (
        "import json, sys\n"
        "import depcheck.registries.docker, depcheck.registries.pypi, depcheck.verify, depcheck.commands.common\n"
        f"print(json.dumps([m for m in {list(NOT_AT_START_UP)!r} if m in sys.modules]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert json.loads(result.stdout) == []
