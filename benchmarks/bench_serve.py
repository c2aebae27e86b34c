"""How ``depcheck serve`` holds up under a burst: N concurrent audit requests, one upstream lookup each.

The registry: :class:`~depcheck.testing.fake_registry.FakeRegistry` on loopback, in a thread of
this process, with ``--latency`` (20 ms) added to every answer to stand for a real network. The
service: ``depcheck serve`` in its own process (so the load generator does not share its event
loop), on a free loopback port, with a fresh cache folder and rate limiting off.

The load: ``--requests`` (200) ``POST /v1/audit`` requests sent at once over as many connections.
Each request carries a ``requirements.txt`` of 12 pins and a ``Dockerfile`` of 2 images drawn
from a pool of 20 PyPI projects and 4 images, each request a different mix, so that many
requests need the same lookups at the same moment: the service must make each distinct lookup
once (concurrent requests share the lookup in flight; later ones are answered by the cache).
A second burst then repeats the load against the warm cache.

Printed at the end: throughput (requests per second over the burst's wall-clock time), p50 and
p99 latency (per request, send to full answer), and the registry's request count beside the
number of distinct requests it received (equal when every lookup was made once). Run::

    .venv/bin/python benchmarks/bench_serve.py
    .venv/bin/python benchmarks/bench_serve.py --requests 500 --latency 0.05
"""

from __future__ import annotations

import argparse
import asyncio
import os
import queue
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import httpx

from depcheck.testing.fake_registry import FakeRegistry

PROJECTS = [
    ("httpx", "0.27.0"), ("requests", "2.32.3"), ("django", "5.0.5"), ("packaging", "24.1"),
    ("flask", "3.0.3"), ("aiohttp", "3.10.5"), ("pydantic", "2.9.2"), ("fastapi", "0.115.0"),
    ("uvicorn", "0.30.6"), ("celery", "5.4.0"), ("redis", "5.0.8"), ("pytest", "8.3.3"),
    ("black", "24.8.0"), ("setuptools", "75.1.0"), ("urllib3", "2.2.3"), ("certifi", "2024.8.30"),
    ("idna", "3.10"), ("jinja2", "3.1.4"), ("click", "8.1.7"), ("attrs", "24.2.0"),
]  # fmt: skip
IMAGES = ["python:3.12-slim", "node:20-alpine", "redis:7.4", "nginx:1.27"]
PINS_PER_REQUEST = 12


def request_body(number: int) -> dict[str, object]:
    """Request ``number``'s files: a rotating window over the pools, some pins left open."""
    lines = []
    for offset in range(PINS_PER_REQUEST):
        name, version = PROJECTS[(number * 7 + offset) % len(PROJECTS)]
        lines.append(name if (number + offset) % 5 == 0 else f"{name}=={version}")
    images = [IMAGES[number % len(IMAGES)], IMAGES[(number + 1) % len(IMAGES)]]
    dockerfile = "".join(f"FROM {image} AS stage{index}\n" for index, image in enumerate(images))
    return {"files": {"requirements.txt": "\n".join(lines) + "\n", "Dockerfile": dockerfile}}


def start_service(registry: FakeRegistry, cache: str, log: list[str]) -> tuple[subprocess.Popen[str], str]:
    """``depcheck serve`` on a free port; its log lines are collected in ``log``."""
    environ = {**os.environ, "DEPCHECK_RATE_LIMIT": "0", "DEPCHECK_MAX_FILES": "10"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "depcheck",
            "serve",
            "--port",
            "0",
            "--index-url",
            registry.index_url,
            "--docker-hub-url",
            registry.url,
            "--cache",
            cache,
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**environ, "DEPCHECK_JSON_LOGS": "0"},
    )
    found: queue.Queue[str | None] = queue.Queue()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            log.append(line)
            match = re.search(r"serving on (http://\S+)", line)
            if match:
                found.put(match.group(1))
        found.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        url = found.get(timeout=120)
    except queue.Empty:
        url = None
    if url is None:
        process.terminate()
        process.wait(timeout=60)
        raise SystemExit("depcheck serve did not start:\n" + "".join(log))
    return process, url


async def burst(url: str, requests: int) -> tuple[float, list[float], list[int]]:
    """Send ``requests`` audits at once; return the wall time, each latency and each status."""
    limits = httpx.Limits(max_connections=requests, max_keepalive_connections=requests)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits, trust_env=False) as client:

        async def one(number: int) -> tuple[float, int]:
            started = time.perf_counter()
            response = await client.post("/v1/audit", json=request_body(number))
            return time.perf_counter() - started, response.status_code

        started = time.perf_counter()
        results = await asyncio.gather(*(one(number) for number in range(requests)))
        wall = time.perf_counter() - started
    return wall, [latency for latency, _ in results], [status for _, status in results]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def report(title: str, wall: float, latencies: list[float], statuses: list[int]) -> None:
    ok = sum(1 for status in statuses if status == 200)
    print(f"{title}")
    print(f"  answered 200:    {ok} of {len(statuses)}")
    print(f"  wall time:       {wall:.2f} s")
    print(f"  throughput:      {len(statuses) / wall:.1f} requests/s")
    print(f"  latency p50:     {statistics.median(latencies) * 1000:.0f} ms")
    print(f"  latency p99:     {percentile(latencies, 0.99) * 1000:.0f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="concurrent audit requests (200)")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds the fake registry adds (0.02)")
    options = parser.parse_args()

    registry = FakeRegistry(latency=options.latency)
    _registry_url, stop_registry = registry.run_in_thread()
    with tempfile.TemporaryDirectory() as cache:
        log: list[str] = []
        process, url = start_service(registry, cache, log)
        try:
            cold = asyncio.run(burst(url, options.requests))
            upstream_cold = registry.requests
            warm = asyncio.run(burst(url, options.requests))
            upstream_all = registry.requests
        finally:
            process.terminate()
            process.wait(timeout=60)
            stop_registry()
    distinct = {(request.method, request.path, request.query) for request in upstream_cold}
    print(f"{options.requests} concurrent POST /v1/audit ({PINS_PER_REQUEST} pins + 2 images each), "
          f"fake registry with {options.latency * 1000:.0f} ms latency")  # fmt: skip
    report("cold cache (first burst)", *cold)
    report("warm cache (second burst)", *warm)
    print("upstream requests")
    print(f"  first burst:     {len(upstream_cold)} ({len(distinct)} distinct: "
          f"{'each lookup once' if len(distinct) == len(upstream_cold) else 'SOME LOOKUPS REPEATED'})")  # fmt: skip
    print(f"  second burst:    {len(upstream_all) - len(upstream_cold)}")
    failed = [status for status in cold[2] + warm[2] if status != 200]
    if failed:
        problems = [line for line in log if "access" not in line]
        print("the service's log (without access lines), last 40 lines:\n" + "".join(problems[-40:]))
    return 1 if failed or len(distinct) != len(upstream_cold) else 0


if __name__ == "__main__":
    sys.exit(main())
