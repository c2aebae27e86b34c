"""Record PyPI Simple API answers (PEP 691 JSON) as cassettes for the fake registry.

Usage::

    .venv/bin/python cassettes/record_pypi.py httpx django ...        # the index pip is configured with
    .venv/bin/python cassettes/record_pypi.py --index-url URL httpx    # another index

Each project's answer is written to ``cassettes/pypi/<name>.json`` exactly as served except that
every file URL becomes relative (``../../packages/<filename>``, and a provenance URL
``../../packages/<filename>.provenance``), so no host name is stored (answers over ``--gzip-over``
bytes are stored as ``<name>.json.gz``); the headers that matter
(``content-type``, ``etag`` when the index sent one) go to ``<name>.headers.json``. Nothing else
is dropped or trimmed. A project whose answer exceeds ``--max-bytes`` is skipped with a message.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import sys
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


def record(client: httpx.Client, index: str, name: str, out: Path, max_bytes: int, gzip_over: int) -> bool:
    normalised = canonicalize_name(name)
    response = client.get(f"{index.rstrip('/')}/{normalised}/", headers={"Accept": ACCEPT})
    if response.status_code != 200:
        logger.error("%s: HTTP %d", normalised, response.status_code)
        return False
    content_type = response.headers.get("content-type", "")
    if "json" not in content_type:
        logger.error("%s: the index answered %s, not PEP 691 JSON", normalised, content_type)
        return False
    if len(response.content) > max_bytes:
        logger.warning(
            "%s: %d bytes, over --max-bytes %d; skipped", normalised, len(response.content), max_bytes
        )
        return False
    data = relative_urls(response.json())
    headers: dict[str, str] = {"content-type": content_type}
    if "etag" in response.headers:
        headers["etag"] = response.headers["etag"]
    out.mkdir(parents=True, exist_ok=True)
    text = dump(data)
    for stale in (out / f"{normalised}.json", out / f"{normalised}.json.gz"):
        stale.unlink(missing_ok=True)
    if len(text) > gzip_over:
        # Large answers are kept gzipped (about a fifth of the size); the fake registry reads both.
        (out / f"{normalised}.json.gz").write_bytes(gzip.compress(text.encode(), mtime=0))
    else:
        (out / f"{normalised}.json").write_text(text, encoding="utf-8")
    (out / f"{normalised}.headers.json").write_text(json.dumps(headers, indent=2) + "\n", encoding="utf-8")
    logger.info(
        "%s: %d files, %d versions", normalised, len(data.get("files", [])), len(data.get("versions", []))
    )
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("names", nargs="+")
    parser.add_argument("--index-url", help="default: the index pip is configured with")
    parser.add_argument("--out", type=Path, default=HERE / "pypi")
    parser.add_argument("--max-bytes", type=int, default=6_000_000, help="skip answers larger than this")
    parser.add_argument("--gzip-over", type=int, default=1_000_000, help="store larger cassettes as .json.gz")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    index = args.index_url or default_index_url()
    logger.info("recording from %s", strip_credentials(index))
    failed = 0
    with httpx.Client(
        http2=True,
        timeout=60,
        follow_redirects=True,
        headers={"User-Agent": f"depcheck/{__version__} (cassettes)"},
    ) as client:
        for name in args.names:
            if not record(client, index, name, args.out, args.max_bytes, args.gzip_over):
                failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
