"""The registry clients load their heavy helpers only when a run needs them.

A warm audit answers every lookup from the cache: it must not pay for the event loop (asyncio,
see depcheck.eventloop), the HTTP stack (httpx, h2, anyio, ssl contexts), the HTML page reader
(html.parser), the PEP 691 decoder (msgspec), the ``file:`` index reader (urllib.request and
http.client) or pypi-simple. Each is imported where it is first used; this guards that a
later change does not bring one of them back to start-up.
"""

from __future__ import annotations

import json

from tests.fresh_python import run_fresh

NOT_AT_START_UP = (
    "asyncio",
    "depcheck.registries.local_index",
    "depcheck.registries.pep503",
    "html.parser",
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
        "import depcheck.registries.find_links, depcheck.commands.audit\n"
        f"print(json.dumps([m for m in {list(NOT_AT_START_UP)!r} if m in sys.modules]))\n"
    )
    assert json.loads(run_fresh(script)) == []


def test_requests_do_not_search_for_a_module_again_and_again() -> None:
    """httpcore imports ``sniffio`` inside every lock and cancellation shield it makes; were it
    missing, each of those would search ``sys.path`` anew (200 searches, 28 ms, in a cold audit of
    28 projects). Once the first requests have loaded the HTTP stack, twenty more must search for
    no module at all."""
    script = (
        "import asyncio, collections, json, sys\n"
        "from depcheck.registries.http import HttpClient\n"
        "from depcheck.testing import FakeRegistry\n"
        "searched = collections.Counter()\n"
        "class Watch:\n"
        "    @staticmethod\n"
        "    def find_spec(name, path=None, target=None):\n"
        "        searched[name] += 1\n"
        "        return None\n"
        "async def main():\n"
        "    async with FakeRegistry() as registry, HttpClient() as http:\n"
        "        for run, name in enumerate(['httpx', 'attrs', 'requests', 'numpy', 'boto3'] * 5):\n"
        "            if run == 5:\n"
        "                sys.meta_path.insert(0, Watch)\n"
        "            response = await http.get(f'{registry.index_url}/{name}/', headers={'X-Run': str(run)})\n"
        "            assert response.status == 200, response.status\n"
        "asyncio.run(main())\n"
        "print(json.dumps(searched))\n"
    )
    assert json.loads(run_fresh(script)) == {}
