"""Record PyPI Simple API answers (PEP 691 JSON) as cassettes for the fake registry.

Usage::

    .venv/bin/python cassettes/record_pypi.py httpx django ...        # the index pip is configured with
    .venv/bin/python cassettes/record_pypi.py --index-url URL httpx    # another index
    .venv/bin/python cassettes/record_pypi.py --names-file names.txt   # one name a line, # comments
    .venv/bin/python cassettes/record_pypi.py --from-report report.json --first glowingkitty__OpenMates
    .venv/bin/python cassettes/record_pypi.py --from-report report.json --list > names.txt  # no recording

``--from-report`` takes a ``depcheck audit --format json`` report and records every PyPI project
it names (``dependencies[].name`` and the ``name`` of findings, for the ``pypi`` ecosystem): first
those referenced from a file whose path contains a ``--first`` text (in the order given), then the
rest by name. Strings that are not project names (paths, URLs, shell variables a static audit
reports) are skipped with a message.

Each project's answer is written to ``cassettes/pypi/<name>.json`` exactly as served except that
every file URL becomes relative (``../../packages/<filename>``, and a provenance URL
``../../packages/<filename>.provenance``), so no host name is stored (answers over ``--gzip-over``
bytes are stored as ``<name>.json.gz``); the headers that matter
(``content-type``, ``etag`` when the index sent one) go to ``<name>.headers.json``. Nothing else
is dropped or trimmed. A project whose stored cassette would exceed ``--max-bytes`` (its gzipped
size when it is stored gzipped) is skipped with a message, and so is every project left once the
output folder has reached ``--budget`` bytes. A project the index does not know (404) is not
recorded: the fake registry answers 404 for it too, which is the truth. The run ends with a
summary of what was recorded, missing, too big and left over.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from packaging.utils import canonicalize_name

from depcheck import __version__
from depcheck.registries.cache import strip_credentials
from depcheck.registries.config import default_index_url

logger = logging.getLogger("record_pypi")

ACCEPT = "application/vnd.pypi.simple.v1+json"
HERE = Path(__file__).resolve().parent
# A valid project name (the core metadata spec's regex); anything else in a report is a path,
# a URL or an unexpanded variable that no index can answer for.
PROJECT_NAME = re.compile(r"^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$", re.IGNORECASE)


@dataclass
class Outcome:
    """What a run did, by normalised name."""

    recorded: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """The index answered 404: no such project."""
    too_big: list[tuple[str, int]] = field(default_factory=list)
    over_budget: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def relative_urls(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with every file's ``url`` (and ``provenance``) made relative to the project page."""
    for file in data.get("files", []):
        file["url"] = f"../../packages/{file['filename']}"
        if isinstance(file.get("provenance"), str):
            file["provenance"] = f"../../packages/{file['filename']}.provenance"
    return data


def dump(data: dict[str, Any]) -> str:
    """Compact JSON with one file per line, so that a re-recording diffs readably."""
    head = {key: value for key, value in data.items() if key != "files"}
    files = data.get("files", [])
    lines = [json.dumps(file, sort_keys=True, separators=(",", ":")) for file in files]
    opening = json.dumps(head, sort_keys=True, separators=(",", ":"))[:-1]
    return opening + ',"files":[\n' + ",\n".join(lines) + "\n]}\n"


def names_from_report(path: Path, first: Sequence[str] = ()) -> list[str]:
    """The PyPI names a depcheck JSON report mentions: those from files matching ``first`` first."""
    report = json.loads(path.read_text(encoding="utf-8"))
    entries = [*report.get("dependencies", []), *report.get("findings", [])]
    ranked: dict[str, int] = {}
    for entry in entries:
        name = entry.get("name")
        if entry.get("ecosystem") != "pypi" or not name:
            continue
        file = str(entry.get("file", ""))
        rank = next((index for index, text in enumerate(first) if text in file), len(first))
        ranked[name] = min(rank, ranked.get(name, rank))
    return sorted(ranked, key=lambda name: (ranked[name], canonicalize_name(name)))


def names_from_file(path: Path) -> list[str]:
    """One name a line; blank lines and ``#`` comments ignored."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line]


def project_names(names: Iterable[str]) -> list[str]:
    """Normalised, de-duplicated (first occurrence wins) valid project names from ``names``."""
    result: dict[str, None] = {}
    for name in names:
        if not PROJECT_NAME.match(name):
            logger.info("%r is not a project name; skipped", name)
            continue
        result.setdefault(canonicalize_name(name), None)
    return list(result)


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.glob("*") if path.is_file())


def record(
    client: httpx.Client, index: str, name: str, out: Path, max_bytes: int, gzip_over: int, outcome: Outcome
) -> None:
    normalised = canonicalize_name(name)
    response = client.get(f"{index.rstrip('/')}/{normalised}/", headers={"Accept": ACCEPT})
    if response.status_code == 404:
        logger.warning("%s: not on the index (404); not recorded", normalised)
        outcome.missing.append(normalised)
        return
    if response.status_code != 200:
        logger.error("%s: HTTP %d", normalised, response.status_code)
        outcome.failed.append(normalised)
        return
    content_type = response.headers.get("content-type", "")
    if "json" not in content_type:
        logger.error("%s: the index answered %s, not PEP 691 JSON", normalised, content_type)
        outcome.failed.append(normalised)
        return
    data = relative_urls(response.json())
    text = dump(data).encode()
    # Large answers are kept gzipped (about a fifth of the size; 100 KB keeps small ones diffable); the fake registry reads both.
    packed = len(text) > gzip_over
    stored = gzip.compress(text, mtime=0) if packed else text
    if len(stored) > max_bytes:
        logger.warning(
            "%s: %d bytes stored, over --max-bytes %d; skipped", normalised, len(stored), max_bytes
        )
        outcome.too_big.append((normalised, len(stored)))
        return
    headers: dict[str, str] = {"content-type": content_type}
    if "etag" in response.headers:
        headers["etag"] = response.headers["etag"]
    out.mkdir(parents=True, exist_ok=True)
    for stale in (out / f"{normalised}.json", out / f"{normalised}.json.gz"):
        stale.unlink(missing_ok=True)
    target = out / (f"{normalised}.json.gz" if packed else f"{normalised}.json")
    target.write_bytes(stored)
    (out / f"{normalised}.headers.json").write_text(json.dumps(headers, indent=2) + "\n", encoding="utf-8")
    outcome.recorded.append(normalised)
    logger.info(
        "%s: %d files, %d versions, %d bytes stored",
        normalised,
        len(data.get("files", [])),
        len(data.get("versions", [])),
        len(stored),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--names-file", type=Path, action="append", default=[], help="one name a line")
    parser.add_argument("--from-report", type=Path, help="a `depcheck audit --format json` report")
    parser.add_argument(
        "--first",
        action="append",
        default=[],
        help="with --from-report: names from files whose path contains this come first (repeatable)",
    )
    parser.add_argument("--index-url", help="default: the index pip is configured with")
    parser.add_argument("--out", type=Path, default=HERE / "pypi")
    parser.add_argument(
        "--max-bytes", type=int, default=5_000_000, help="skip projects whose stored cassette is larger"
    )
    parser.add_argument("--gzip-over", type=int, default=100_000, help="store larger cassettes as .json.gz")
    parser.add_argument(
        "--budget", type=int, help="stop recording once the output folder holds this many bytes"
    )
    parser.add_argument("--list", action="store_true", help="write the names, one a line, and record nothing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    wanted = list(args.names)
    for path in args.names_file:
        wanted += names_from_file(path)
    if args.from_report is not None:
        wanted += names_from_report(args.from_report, args.first)
    names = project_names(wanted)
    if not names:
        parser.error("no project names given (positional, --names-file or --from-report)")
    if args.list:
        sys.stdout.write("".join(f"{name}\n" for name in names))
        return 0
    index = args.index_url or default_index_url()
    logger.info("recording %d projects from %s", len(names), strip_credentials(index))
    outcome = Outcome()
    with httpx.Client(
        http2=True,
        timeout=60,
        follow_redirects=True,
        headers={"User-Agent": f"depcheck/{__version__} (cassettes)"},
    ) as client:
        for position, name in enumerate(names):
            if args.budget is not None and args.out.is_dir() and folder_size(args.out) >= args.budget:
                outcome.over_budget = names[position:]
                logger.warning(
                    "budget of %d bytes reached; %d projects left", args.budget, len(names) - position
                )
                break
            record(client, index, name, args.out, args.max_bytes, args.gzip_over, outcome)
    logger.info("recorded %d", len(outcome.recorded))
    logger.info("not on the index (%d): %s", len(outcome.missing), " ".join(outcome.missing))
    logger.info("too big (%d): %s", len(outcome.too_big), " ".join(f"{n} ({b})" for n, b in outcome.too_big))
    logger.info("over budget (%d): %s", len(outcome.over_budget), " ".join(outcome.over_budget))
    if outcome.failed:
        logger.error("failed (%d): %s", len(outcome.failed), " ".join(outcome.failed))
    return 1 if outcome.failed else 0


if __name__ == "__main__":
    sys.exit(main())
