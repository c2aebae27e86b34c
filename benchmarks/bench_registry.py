"""How fast depcheck verifies a project against the registries, beside pur and a ``pip index`` loop.

The project: 500 PyPI requirement lines (one ``requirements.txt``) and 100 image references
(ten Dockerfiles and a compose file), all naming what the fake registry serves from
``cassettes/``: the 28 recorded PyPI projects repeated with different pins, extras, markers and
ranges, and the 36 Docker Hub repositories with exact, floating, ``latest`` and missing tags. What
costs is the *distinct* lookups (28 projects, 36 repositories, 47 tag pages), not the lines: each
tool is free to ask once per name.

The registry: :class:`~depcheck.testing.FakeRegistry` on loopback, in a thread of this process,
with 20 ms added to every answer (``--latency``) to stand for a real network. Its request
counter gives each tool's requests.

The runs, one after the other, each a fresh process timed from start to exit (wall clock):

- ``depcheck audit`` with a cold cache (a new ``--cache-dir``), the whole project; the median of
  ``--repeat`` runs;
- the same with the cache the first cold run filled (warm): the re-audit a developer or a
  pre-commit hook repeats; ``--warm-per-cold`` runs after each cold run (3 by default), so that
  the warm runs are many and spread over the same minutes as the cold ones; their median;
- ``depcheck audit`` of ``requirements.txt`` alone, cold (the median of ``--repeat`` runs), the
  like-for-like row for the tools that only read requirements files: pur's ratio is taken
  against it;
- ``pur -r requirements.txt --dry-run --index-url ...`` (pur 7.4.0, installed by this script in
  a throwaway venv under ``/tmp``, never in depcheck's own dependencies), with an empty cache
  folder;
- ``pip index versions NAME --index-url ... --no-cache-dir`` for the first ``--pip-lines``
  lines of ``requirements.txt`` (50 by default), as a shell loop over the file would run it;
  its time and requests are multiplied by 500 / 50 (stated in the table);
- ``python -c "import depcheck.commands.audit, ..."``: the interpreter and depcheck's imports
  with no work, the floor under every depcheck row (median of ``--repeat`` runs);
- a reference: the same pure-Python loop after each batch of warm runs, whose spread from its
  best time is the machine's own (a shared machine here ran it in 0.32 to 0.84 s within a minute).

pip's own configuration is switched off for pur and pip (``PIP_CONFIG_FILE=/dev/null`` and no
``PIP_*`` variables), so that they ask the fake registry and nothing else. Run::

    .venv/bin/python benchmarks/bench_registry.py              # the table
    .venv/bin/python benchmarks/bench_registry.py --no-pur     # depcheck alone, no venv to create

Targets (issue 3): cold at least 20 times faster than pur; a warm re-audit under 0.5 s.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from depcheck.testing import FakeRegistry
from depcheck.testing.fake_registry import DEFAULT_CASSETTES

PUR_VENV = Path(tempfile.gettempdir()) / "depcheck-bench-pur"
PUR_PINS = ("pur==7.4.0", "click==8.5.1")
"""pur and its one dependency, pinned (``pip index versions pur`` said 7.4.0 was the newest)."""

REQUIREMENT_LINES = 500
IMAGE_REFERENCES = 100


# --- the project --------------------------------------------------------------------------------


PROJECTS = (
    "aiohttp", "attrs", "black", "boto3", "celery", "certifi", "click", "cryptography", "django",
    "fastapi", "flask", "gunicorn", "httpx", "idna", "jinja2", "numpy", "packaging", "psycopg2-binary",
    "pydantic", "pytest", "pyyaml", "redis", "requests", "rich", "setuptools", "sqlalchemy", "urllib3",
    "uvicorn",
)  # fmt: skip
"""The projects the requirements name: popular ones, a few with thousands of files (boto3, numpy)."""


def recorded_projects(cassettes: Path) -> list[str]:
    """:data:`PROJECTS` that have a cassette (all of them, unless the cassettes were re-recorded)."""
    folder = cassettes / "pypi"
    return [
        name
        for name in PROJECTS
        if (folder / f"{name}.json").is_file() or (folder / f"{name}.json.gz").is_file()
    ]


def _versions(cassettes: Path, name: str) -> list[str]:
    plain = cassettes / "pypi" / f"{name}.json"
    if plain.is_file():
        data = json.loads(plain.read_bytes())
    else:
        import gzip

        data = json.loads(gzip.decompress((cassettes / "pypi" / f"{name}.json.gz").read_bytes()))
    versions: list[str] = data.get("versions") or []
    return versions


def requirement_lines(cassettes: Path) -> list[str]:
    """500 lines over the recorded projects: pins old and new, extras, markers, ranges, bare names."""
    projects = recorded_projects(cassettes)
    versions = {name: _versions(cassettes, name) for name in projects}
    lines = []
    for index in range(REQUIREMENT_LINES):
        name = projects[index % len(projects)]
        known = versions[name] or ["1.0"]
        version = known[(index * 7) % len(known)]
        kind = (index // len(projects)) % 6
        if kind == 0:
            lines.append(f"{name}=={version}")
        elif kind == 1:
            lines.append(f"{name}[extra]=={version}")
        elif kind == 2:
            lines.append(f'{name}=={version} ; python_version >= "3.8"')
        elif kind == 3:
            lines.append(f"{name}>={known[len(known) // 2]}")
        elif kind == 4:
            lines.append(f"{name}=={known[-1]}  # newest")
        else:
            lines.append(name)
    return lines


def hub_repositories(cassettes: Path) -> dict[str, list[str]]:
    """Docker Hub repositories served by the fake (``library/python`` as ``python``) and their tags."""
    found = {}
    for path in sorted((cassettes / "docker" / "hub").glob("*/*.json")):
        namespace, name = path.parent.name, path.stem
        shown = name if namespace == "library" else f"{namespace}/{name}"
        found[shown] = [item["name"] for item in json.loads(path.read_text())["results"]]
    return found


def image_references(cassettes: Path) -> list[str]:
    """100 references: exact, floating and word tags, ``latest``, untagged and one missing tag each."""
    repositories = hub_repositories(cassettes)
    names = list(repositories)
    references = []
    for index in range(IMAGE_REFERENCES):
        name = names[index % len(names)]
        tags = repositories[name]
        kind = index // len(names)
        if kind == 0:
            references.append(f"{name}:{tags[len(tags) // 2]}")
        elif kind == 1:
            references.append(f"{name}:{tags[-1]}" if index % 2 else name)
        else:
            references.append(f"{name}:{tags[0]}" if index % 3 else f"{name}:0.0.0-missing")
    return references


def build_project(root: Path, cassettes: Path) -> tuple[int, int]:
    """Write the project under ``root``; return the number of requirement lines and image references."""
    root.mkdir(parents=True, exist_ok=True)
    lines = requirement_lines(cassettes)
    (root / "requirements.txt").write_text("\n".join(lines) + "\n")
    references = image_references(cassettes)
    dockerfiles, compose = references[:90], references[90:]
    for index in range(10):
        folder = root / f"service{index}"
        folder.mkdir(exist_ok=True)
        froms = dockerfiles[index * 9 : (index + 1) * 9]
        (folder / "Dockerfile").write_text(
            "".join(f"FROM {image} AS stage{n}\n" for n, image in enumerate(froms))
        )
    services = "".join(f"  svc{index}:\n    image: {image}\n" for index, image in enumerate(compose))
    (root / "compose.yaml").write_text(f"services:\n{services}")
    return len(lines), len(references)


# --- running and timing -------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    tool: str
    seconds: float
    """The median of the runs (the one run when there was one)."""
    requests: int
    note: str = ""
    best: float | None = None
    """The fastest run, when there were several."""


REFERENCE = "total = 0\nfor number in range(3_000_000):\n    total += number\n"
"""A fixed pure-Python workload (about 0.3 s), timed beside the warm runs: the same work every
time, so the spread of its times is the machine's, and tells how far any row's median may sit
from its best for reasons that are not the tool's (``timeit`` advises the best of several runs
for the same reason)."""


def row(tool: str, runs: Sequence[tuple[float, int]], note: str = "") -> Row:
    """A row of several runs: their median and best times, and the requests of the last."""
    times = [seconds for seconds, _ in runs]
    return Row(tool, statistics.median(times), runs[-1][1], note, min(times) if len(times) > 1 else None)


def timed(command: Sequence[str], *, env: dict[str, str], cwd: Path, ok: Sequence[int] = (0,)) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode not in ok:
        raise SystemExit(f"{' '.join(command[:4])}... exited {result.returncode}:\n{result.stderr[-2000:]}")
    return elapsed


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without pip's or depcheck's settings, so each tool asks only the fake."""
    # PYTHONDONTWRITEBYTECODE (set on this workplace's machines) would make every run compile
    # every module from source again; an installed tool has its bytecode, so it is dropped here
    # for every tool alike.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PIP_", "DEPCHECK_")) and key not in ("VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")
    }
    env.update({"PIP_CONFIG_FILE": os.devnull, "NO_COLOR": "1", **extra})
    return env


def depcheck_audit(
    registry: FakeRegistry, project: Path, cache: Path, paths: Sequence[str] = (".",)
) -> tuple[float, int]:
    registry.clear_requests()
    command = [
        sys.executable, "-m", "depcheck", "audit", *paths,
        "--index-url", registry.index_url, "--docker-hub-url", registry.url,
        "--cache-dir", str(cache), "--format", "json", "-o", os.devnull, "--fail-on", "never",
    ]  # fmt: skip
    seconds = timed(command, env=clean_env(), cwd=project)
    return seconds, registry.count()


def ensure_pur() -> Path:
    """pur in a throwaway venv under /tmp (created once; reused while its pins match)."""
    pur = PUR_VENV / "bin" / "pur"
    marker = PUR_VENV / "depcheck-bench-pins.txt"
    if pur.is_file() and marker.is_file() and marker.read_text() == "\n".join(PUR_PINS):
        return pur
    shutil.rmtree(PUR_VENV, ignore_errors=True)
    print(f"creating {PUR_VENV} with {', '.join(PUR_PINS)} ...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(PUR_VENV)], check=True)
    # The index comes from pip's own configuration here: this is an ordinary install.
    subprocess.run(
        [str(PUR_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", *PUR_PINS],
        check=True,
    )
    marker.write_text("\n".join(PUR_PINS))
    return pur


def pur_dry_run(registry: FakeRegistry, project: Path, scratch: Path) -> tuple[float, int]:
    pur = ensure_pur()
    registry.clear_requests()
    cache = scratch / "pur-cache"
    command = [str(pur), "-r", "requirements.txt", "--dry-run", "--index-url", registry.index_url]
    seconds = timed(command, env=clean_env(XDG_CACHE_HOME=str(cache), PIP_NO_CACHE_DIR="1"), cwd=project)
    return seconds, registry.count()


def pip_index_loop(registry: FakeRegistry, project: Path, lines: int) -> tuple[float, int]:
    """``pip index versions`` for the first ``lines`` requirement lines, as a loop over the file."""
    names = []
    for line in (project / "requirements.txt").read_text().splitlines()[:lines]:
        text = line.split("#", 1)[0].split(";", 1)[0].strip()
        for stop in "[=<>!~ ":
            text = text.split(stop, 1)[0]
        names.append(text)
    registry.clear_requests()
    env = clean_env()
    seconds = 0.0
    for name in names:
        command = [
            sys.executable, "-m", "pip", "index", "versions", name, "--index-url", registry.index_url,
            "--no-cache-dir", "--disable-pip-version-check",
        ]  # fmt: skip
        seconds += timed(command, env=env, cwd=project)
    return seconds, registry.count()


# --- the table ----------------------------------------------------------------------------------


def table(rows: Sequence[Row]) -> str:
    base = rows[0].seconds
    header = ("tool", "wall time (median)", "best", "requests", "vs depcheck cold")
    body = [
        (
            line.tool + (f" ({line.note})" if line.note else ""),
            f"{line.seconds:.2f} s",
            f"{line.best:.2f} s" if line.best is not None else "",
            str(line.requests),
            f"{line.seconds / base:.1f}x" if line is not rows[0] else "1.0x",
        )
        for line in rows
    ]
    widths = [max(len(line[column]) for line in (header, *body)) for column in range(len(header))]

    def render(line: Sequence[str]) -> str:
        cells = [
            line[0].ljust(widths[0]),
            *(cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)),
        ]
        return "| " + " | ".join(cells) + " |"

    rule = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([render(header), rule, *(render(line) for line in body)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--latency", type=float, default=0.02, help="seconds added to every answer (0.02)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="depcheck runs per row; the median is shown (3)"
    )
    parser.add_argument("--pip-lines", type=int, default=50, help="lines the pip index loop covers (50)")
    parser.add_argument("--pur-repeat", type=int, default=3, help="pur runs, each beside a depcheck run (3)")
    parser.add_argument(
        "--warm-per-cold", type=int, default=3, help="warm runs after each cold run of the whole project (3)"
    )
    parser.add_argument("--no-pur", action="store_true", help="skip pur (no venv is created)")
    parser.add_argument("--no-pip", action="store_true", help="skip the pip index loop")
    parser.add_argument("--cassettes", type=Path, default=DEFAULT_CASSETTES)
    args = parser.parse_args(argv)

    registry = FakeRegistry(args.cassettes, latency=args.latency)
    _url, stop = registry.run_in_thread()
    rows: list[Row] = []
    try:
        with tempfile.TemporaryDirectory(prefix="depcheck-bench-") as folder:
            scratch = Path(folder)
            project = scratch / "project"
            lines, images = build_project(project, args.cassettes)
            print(
                f"{lines} requirement lines ({len(recorded_projects(args.cassettes))} projects) and "
                f"{images} image references ({len(hub_repositories(args.cassettes))} repositories); "
                f"{args.latency * 1000:.0f} ms per request; {os.cpu_count()} CPUs",
                file=sys.stderr,
            )

            # The fake registry loads and renders each page on its first request (a real index
            # serves pages it made long before): one untimed run makes that happen before any
            # tool is timed, so that no row pays for it (pur and pip ran after a warmed server
            # in every version of this script; only depcheck's first cold run did not).
            depcheck_audit(registry, project, scratch / "cache-warm-up")
            # The fake now holds every page as millions of Python objects in this process; the
            # cyclic collector would keep walking them while the fake answers (the first timed
            # runs measured 1.2 s where later ones took 0.8 s). They live until the end: freeze them.
            gc.collect()
            gc.freeze()

            # Warm runs go between the cold ones: a shared machine's speed changes from one minute
            # to the next, and both rows should meet the same minutes.
            colds: list[tuple[float, int]] = []
            warms: list[tuple[float, int]] = []
            references: list[tuple[float, int]] = []
            for n in range(args.repeat):
                colds.append(depcheck_audit(registry, project, scratch / f"cache-{n}"))
                warms.extend(
                    depcheck_audit(registry, project, scratch / "cache-0") for _ in range(args.warm_per_cold)
                )
                references.append((timed([sys.executable, "-c", REFERENCE], env=clean_env(), cwd=project), 0))
            rows.append(row("depcheck audit, cold cache", colds))
            rows.append(row("depcheck audit, warm cache", warms))

            # The like-for-like pair, run turn about so that both meet the same moments of a
            # shared machine (the same run's CPU time varies by a third from one minute to the next).
            alone: list[tuple[float, int]] = []
            purs: list[tuple[float, int]] = []
            for attempt in range(args.repeat):
                alone.append(
                    depcheck_audit(
                        registry, project, scratch / f"cache-requirements-{attempt}", ["requirements.txt"]
                    )
                )
                if not args.no_pur and attempt < args.pur_repeat:
                    purs.append(pur_dry_run(registry, project, scratch))
            rows.append(row("depcheck audit requirements.txt only, cold", alone))

            floor = [
                (
                    timed(
                        [sys.executable, "-c", "import depcheck.commands.audit, depcheck.formats.json"],
                        env=clean_env(),
                        cwd=project,
                    ),
                    0,
                )
                for _attempt in range(args.repeat)
            ]
            rows.append(row("startup floor: python + depcheck imports", floor))
            rows.append(row("reference: the same pure-Python loop", references))
            if purs:
                rows.append(row("pur --dry-run (requirements.txt)", purs))
            if not args.no_pip:
                count = min(args.pip_lines, lines)
                seconds, requests = pip_index_loop(registry, project, count)
                factor = lines / count
                rows.append(
                    Row(
                        "pip index versions loop",
                        seconds * factor,
                        round(requests * factor),
                        f"{count} lines x {factor:g}",
                    )
                )
    finally:
        stop()

    print(table(rows))
    cold, warm = rows[0].seconds, rows[1].seconds
    reference = next(entry for entry in rows if entry.tool.startswith("reference"))
    print(
        f"\nthe machine's own speed: the reference loop's median took {reference.seconds / reference.best:.2f}x "
        f"its best ({reference.seconds:.2f} s against {reference.best:.2f} s)"
        if reference.best
        else ""
    )
    print(
        f"\nwarm re-audit: {warm:.2f} s median of {len(warms)}, {rows[1].best or warm:.2f} s best, "
        f"{sum(seconds < 0.5 for seconds, _ in warms)} of {len(warms)} under 0.5 s (target < 0.5 s); "
        f"cold runs: {', '.join(f'{seconds:.2f}' for seconds, _ in colds)} s"
    )
    like_for_like = next(entry for entry in rows if entry.tool.startswith("depcheck audit requirements.txt"))
    for line in rows:
        if line.tool.startswith("pur"):
            # pur reads requirements files only: it is compared with the run that does the same work.
            best = (
                f", best against best {line.best / like_for_like.best:.1f}x"
                if line.best is not None and like_for_like.best is not None
                else ""
            )
            # Each pur run follows a depcheck run by a few seconds: the ratio within a pair is the
            # least disturbed by the machine's changing speed.
            paired = statistics.median(
                pur_seconds / depcheck_seconds
                for (pur_seconds, _), (depcheck_seconds, _) in zip(purs, alone, strict=False)
            )
            print(
                f"pur / depcheck cold, requirements.txt only: {line.seconds / like_for_like.seconds:.1f}x "
                f"median against median (target >= 20x){best}; median of {len(purs)} back-to-back "
                f"pairs {paired:.1f}x; whole project: {line.seconds / cold:.1f}x"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
