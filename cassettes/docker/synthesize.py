"""Write the Docker cassettes: Hub tag lists and OCI tag lists synthesized from the documented formats.

Nothing here was recorded. The shapes follow the Docker Hub API's ``paginated_tags`` example and
the OCI distribution spec (registry-apis.md B.3, B.5, C.1); the tag sets are plausible, invented
snapshots chosen so that tests have fixed expected answers (``python:3.12-slim`` ->
``3.12.7-slim``), and digests are sha256 sums of made-up strings, except where a file in the
shared corpus pins a digest (then that digest is used, so the reference resolves). Run
``python cassettes/docker/synthesize.py`` to write them again; the output is deterministic.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
SOURCE = (
    "synthesized from the documented format (registry-apis.md B.3 / B.5 / C.1); "
    "fake data for tests, not a recording of any registry"
)
INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"


def digest_of(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def number_of(text: str, modulo: int) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:12], 16) % modulo


@dataclass
class Build:
    """One pushed image (one digest) and every tag pointing at it."""

    tags: list[str]
    date: str
    digest: str | None = None
    status: str = "active"
    legacy: bool = False
    """An old tag as the Hub still lists them: no ``digest`` nor ``media_type``."""
    platforms: Sequence[str] = ("amd64",)


# --- official-image tag expansion ---------------------------------------------------------------


@dataclass
class Release:
    """One version of an official image and the variants it is published in."""

    version: str
    date: str
    dists: Sequence[str] = ()
    default_dist: str | None = None
    alpines: Sequence[str] = ()
    slim: bool = True
    words: Sequence[str] = ()
    """Word aliases (``latest``, ``lts``, ``iron``) pointing at this release's builds."""
    prerelease: bool = False
    status: str = "active"
    legacy: bool = False


def _parts(version: str) -> tuple[int, ...]:
    """The release numbers of ``version``: ``3.15.0a2`` -> ``(3, 15, 0)``."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    assert match is not None, version
    return tuple(int(part) for part in match.group(0).split("."))


def _word_tag(word: str, variant: str) -> str:
    if word == "latest":
        return variant.lstrip("-") or "latest"
    return word + variant


@dataclass
class Official:
    """Expands releases into builds the way the official images tag them."""

    releases: list[Release]
    slim_first: bool = True
    """``-slim-bookworm`` (python) rather than ``-bookworm-slim`` (node)."""
    extra: list[Build] = field(default_factory=list)

    def variants(self, release: Release) -> list[list[str]]:
        """Each build of ``release`` as the list of variant suffixes that share its digest."""
        builds: list[list[str]] = []
        for dist in release.dists:
            default = dist == release.default_dist
            builds.append(["", f"-{dist}"] if default else [f"-{dist}"])
            if release.slim:
                dist_slim = f"-slim-{dist}" if self.slim_first else f"-{dist}-slim"
                builds.append(["-slim", dist_slim] if default else [dist_slim])
        for index, alpine in enumerate(release.alpines):
            newest = index == len(release.alpines) - 1
            builds.append(["-alpine", f"-alpine{alpine}"] if newest else [f"-alpine{alpine}"])
        return builds

    def builds(self) -> list[Build]:
        heads: dict[tuple[str, tuple[int, ...]], Release] = {}
        for release in self.releases:
            if release.prerelease:
                continue
            parts = _parts(release.version)
            for variant in {variant for build in self.variants(release) for variant in build}:
                for length in range(1, len(parts)):
                    key = (variant, parts[:length])
                    current = heads.get(key)
                    if current is None or _parts(current.version) < parts:
                        heads[key] = release
        result: list[Build] = []
        for release in self.releases:
            parts = _parts(release.version)
            for variants in self.variants(release):
                tags: list[str] = []
                for variant in variants:
                    tags.append(release.version + variant)
                    if release.prerelease:
                        tags.append(f"{parts[0]}.{parts[1]}-rc{variant}")
                    for length in range(1, len(parts)):
                        if heads.get((variant, parts[:length])) is release:
                            tags.append(".".join(str(part) for part in parts[:length]) + variant)
                    tags.extend(_word_tag(word, variant) for word in release.words)
                result.append(
                    Build(
                        tags=list(dict.fromkeys(tags)),
                        date=release.date,
                        status=release.status,
                        legacy=release.legacy,
                    )
                )
        return result + self.extra


# --- Hub answers ----------------------------------------------------------------------------------


def hub_results(repository: str, builds: Iterable[Build]) -> list[dict[str, Any]]:
    repository_id = number_of(repository, 900_000) + 1000
    entries: list[dict[str, Any]] = []
    for build in builds:
        digest = build.digest or digest_of(f"{repository}@{build.tags[0]}@{build.date}")
        size = 20_000_000 + number_of(digest, 400_000_000)
        images = []
        for platform in build.platforms:
            images.append(
                {
                    "architecture": platform,
                    "features": "",
                    "variant": "v8" if platform == "arm64" else None,
                    "digest": digest_of(f"{digest}/{platform}"),
                    "os": "linux",
                    "os_features": "",
                    "os_version": None,
                    "size": size + number_of(platform, 1_000_000),
                    "status": build.status,
                    "last_pulled": "2026-11-20T08:14:02.118233Z",
                    "last_pushed": f"{build.date}T06:12:40.531114Z" if build.date else None,
                }
            )
        for tag in build.tags:
            entry: dict[str, Any] = {
                "creator": 7,
                "id": number_of(f"{repository}:{tag}", 900_000_000) + 1_000_000,
                "images": images,
                "last_updated": f"{build.date}T06:12:41.964233Z" if build.date else None,
                "last_updater": 4242,
                "last_updater_username": "official-images-bot",
                "name": tag,
                "repository": repository_id,
                "full_size": size,
                "v2": True,
                "tag_status": build.status,
                "tag_last_pulled": "2026-11-20T08:14:02.118233Z",
                "tag_last_pushed": f"{build.date}T06:12:41.964233Z" if build.date else None,
                "media_type": INDEX,
                "content_type": "image",
                "digest": digest,
            }
            if build.legacy:
                # Old tags as the Hub lists them: no digest, no media type, sometimes no status.
                del entry["digest"], entry["media_type"], entry["tag_status"]
            entries.append(entry)
    entries.sort(key=lambda entry: (entry["last_updated"] or "", entry["name"]), reverse=True)
    return entries


def write_hub(repository: str, builds: Iterable[Build]) -> None:
    results = hub_results(repository, builds)
    names = [entry["name"] for entry in results]
    if len(names) != len(set(names)):
        duplicates = sorted({name for name in names if names.count(name) > 1})
        raise ValueError(f"{repository}: duplicate tags {duplicates}")
    path = HERE / "hub" / f"{repository}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    # One tag per line: readable in a diff, a third of the size of an indented dump.
    lines = ",\n".join("  " + json.dumps(entry, separators=(",", ":")) for entry in results)
    text = f'{{"_source": {json.dumps(SOURCE)},\n "count": {len(results)},\n "results": [\n{lines}\n]}}\n'
    json.loads(text)
    path.write_text(text, encoding="utf-8")


def write_oci(
    host: str,
    repository: str,
    builds: Iterable[Build],
    *,
    private: bool = False,
    credentials: tuple[str, str] | None = None,
) -> None:
    tags: dict[str, str] = {}
    for build in builds:
        digest = build.digest or digest_of(f"{host}/{repository}@{build.tags[0]}@{build.date}")
        for tag in build.tags:
            if tag in tags:
                raise ValueError(f"{host}/{repository}: duplicate tag {tag}")
            tags[tag] = digest
    payload: dict[str, Any] = {
        "_source": SOURCE,
        "name": repository,
        "private": private,
        "tags": dict(sorted(tags.items())),
    }
    if credentials is not None:
        payload["credentials"] = {"username": credentials[0], "password": credentials[1]}
    path = HERE / "oci" / host / f"{repository}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=1) + "\n", encoding="utf-8")


def simple(*groups: tuple[str, ...]) -> list[Build]:
    """Builds from ``("tag tag tag", "date"[, "digest"])`` tuples."""
    builds = []
    for group in groups:
        tags, date = group[0], group[1]
        digest = group[2] if len(group) > 2 else None
        builds.append(Build(tags=tags.split(), date=date, digest=digest))
    return builds


# --- the images -----------------------------------------------------------------------------------


def python() -> list[Build]:
    # 3.12 and 3.13 default to bookworm, 3.14 to trixie; 3.12.7 is the newest 3.12 in this fake.
    bookworm = ("bookworm", "bullseye")
    releases = [
        Release("2.7.18", "", dists=("buster",), default_dist="buster", status="inactive", legacy=True),
        Release("3.10.16", "2024-12-04", dists=("bookworm",), default_dist="bookworm", alpines=("3.21",)),
        Release("3.11.11", "2024-12-04", dists=("bookworm",), default_dist="bookworm", alpines=("3.21",)),
        Release("3.12.4", "2024-06-07", dists=bookworm, default_dist="bookworm", alpines=("3.20",)),
        Release("3.12.5", "2024-08-07", dists=bookworm, default_dist="bookworm", alpines=("3.20",)),
        Release("3.12.6", "2024-09-07", dists=bookworm, default_dist="bookworm", alpines=("3.20",)),
        Release("3.12.7", "2024-10-02", dists=bookworm, default_dist="bookworm", alpines=("3.20", "3.21")),
        Release(
            "3.13.0rc2",
            "2024-09-07",
            dists=("bookworm",),
            default_dist="bookworm",
            alpines=("3.20",),
            prerelease=True,
        ),
        Release("3.13.0", "2024-10-08", dists=("bookworm",), default_dist="bookworm", alpines=("3.20",)),
        Release(
            "3.13.1", "2024-12-04", dists=("bookworm",), default_dist="bookworm", alpines=("3.20", "3.21")
        ),
        Release(
            "3.14.6", "2025-10-15", dists=("trixie", "bookworm"), default_dist="trixie", alpines=("3.22",)
        ),
        Release(
            "3.14.7",
            "2025-11-20",
            dists=("trixie", "bookworm"),
            default_dist="trixie",
            alpines=("3.21", "3.22"),
            words=("latest",),
        ),
        Release("3.15.0a1", "2025-10-16", dists=("trixie",), default_dist="trixie", prerelease=True),
        Release("3.15.0a2", "2025-11-20", dists=("trixie",), default_dist="trixie", prerelease=True),
    ]
    builds = Official(releases).builds()
    for build in builds:
        build.platforms = ("amd64", "arm64")
    # The pre-release floating tags follow the newest pre-release only.
    seen: set[str] = set()
    for build in reversed(builds):
        build.tags = [tag for tag in build.tags if tag not in seen]
        seen.update(build.tags)
    return [build for build in builds if build.tags]


def node() -> list[Build]:
    releases = [
        Release(
            "18.20.5",
            "2024-11-12",
            dists=("bookworm", "bullseye"),
            default_dist="bookworm",
            alpines=("3.20", "3.21"),
            words=("hydrogen",),
        ),
        Release(
            "20.18.0",
            "2024-10-03",
            dists=("bookworm", "bullseye"),
            default_dist="bookworm",
            alpines=("3.20",),
        ),
        Release(
            "20.18.1",
            "2024-11-20",
            dists=("bookworm", "bullseye"),
            default_dist="bookworm",
            alpines=("3.20", "3.21"),
            words=("iron",),
        ),
        Release(
            "22.12.0",
            "2024-12-03",
            dists=("bookworm",),
            default_dist="bookworm",
            alpines=("3.21",),
            words=("jod",),
        ),
        Release(
            "24.11.0", "2025-10-28", dists=("trixie", "bookworm"), default_dist="trixie", alpines=("3.22",)
        ),
        Release(
            "24.11.1",
            "2025-11-12",
            dists=("trixie", "bookworm"),
            default_dist="trixie",
            alpines=("3.21", "3.22"),
            words=("lts", "krypton"),
        ),
        Release(
            "26.7.0",
            "2026-11-10",
            dists=("trixie",),
            default_dist="trixie",
            alpines=("3.22",),
            words=("latest", "current"),
        ),
    ]
    return Official(releases, slim_first=False).builds()


def postgres() -> list[Build]:
    # Postgres versions have two parts (17.5): ``17`` floats, ``17.5`` is exact.
    releases = [
        Release(
            "13.18",
            "2024-11-21",
            dists=("bookworm",),
            default_dist="bookworm",
            alpines=("3.20", "3.21"),
            slim=False,
        ),
        Release(
            "14.23", "2025-08-14", dists=("bookworm",), default_dist="bookworm", alpines=("3.22",), slim=False
        ),
        Release(
            "14.24",
            "2025-11-13",
            dists=("bookworm", "trixie"),
            default_dist="bookworm",
            alpines=("3.22",),
            slim=False,
        ),
        Release(
            "16.6", "2024-11-21", dists=("bookworm",), default_dist="bookworm", alpines=("3.21",), slim=False
        ),
        Release(
            "16.11",
            "2025-11-13",
            dists=("bookworm", "trixie"),
            default_dist="trixie",
            alpines=("3.22",),
            slim=False,
        ),
        Release(
            "17.4", "2025-02-20", dists=("bookworm",), default_dist="bookworm", alpines=("3.21",), slim=False
        ),
        Release(
            "17.5",
            "2025-05-08",
            dists=("bookworm",),
            default_dist="bookworm",
            alpines=("3.21", "3.22"),
            slim=False,
        ),
        Release(
            "17.7",
            "2025-11-13",
            dists=("bookworm", "trixie"),
            default_dist="trixie",
            alpines=("3.22",),
            slim=False,
        ),
        Release(
            "18.0", "2025-09-25", dists=("trixie",), default_dist="trixie", alpines=("3.22",), slim=False
        ),
        Release(
            "18.1",
            "2025-11-13",
            dists=("trixie", "bookworm"),
            default_dist="trixie",
            alpines=("3.22",),
            slim=False,
            words=("latest",),
        ),
    ]
    return Official(releases).builds()


def redis() -> list[Build]:
    releases = [
        Release(
            "7.0.15",
            "2024-01-09",
            dists=("bookworm",),
            default_dist="bookworm",
            alpines=("3.19",),
            slim=False,
        ),
        Release(
            "7.2.6", "2024-10-03", dists=("bookworm",), default_dist="bookworm", alpines=("3.20",), slim=False
        ),
        Release(
            "7.4.1", "2024-10-03", dists=("bookworm",), default_dist="bookworm", alpines=("3.20",), slim=False
        ),
        Release(
            "7.4.2", "2025-01-07", dists=("bookworm",), default_dist="bookworm", alpines=("3.21",), slim=False
        ),
        Release(
            "8.2.3",
            "2025-11-04",
            dists=("bookworm", "trixie"),
            default_dist="bookworm",
            alpines=("3.22",),
            slim=False,
            words=("latest",),
        ),
    ]
    return Official(releases).builds()


def nginx() -> list[Build]:
    releases = [
        Release(
            "1.30.1",
            "2026-05-20",
            dists=("trixie",),
            default_dist="trixie",
            alpines=("3.22",),
            slim=False,
            words=("stable",),
        ),
        Release(
            "1.31.2", "2026-08-12", dists=("trixie",), default_dist="trixie", alpines=("3.22",), slim=False
        ),
        Release(
            "1.31.3",
            "2026-10-14",
            dists=("trixie",),
            default_dist="trixie",
            alpines=("3.22",),
            slim=False,
            words=("latest", "mainline"),
        ),
    ]
    extra = simple(
        ("1.31.3-alpine-slim 1.31-alpine-slim 1-alpine-slim alpine-slim mainline-alpine-slim", "2026-10-14"),
        ("1.31.3-perl 1.31-perl 1-perl perl mainline-perl", "2026-10-14"),
        ("1.30.1-alpine-slim 1.30-alpine-slim stable-alpine-slim", "2026-05-20"),
    )
    return Official(releases, extra=extra).builds()


def alpine() -> list[Build]:
    return simple(
        ("3.19.4 3.19", "2024-09-06"),
        ("3.20.3 3.20", "2024-09-06"),
        ("3.21.2 3.21", "2025-01-08"),
        ("3.22.2 3.22 3 latest", "2025-10-08"),
        ("edge 20251007", "2025-10-07"),
    )


def debian() -> list[Build]:
    return simple(
        ("11.11 11 bullseye bullseye-20251117 oldoldstable", "2025-11-17"),
        ("11.11-slim 11-slim bullseye-slim bullseye-20251117-slim oldoldstable-slim", "2025-11-17"),
        ("12.12 12 bookworm bookworm-20251117 oldstable", "2025-11-17"),
        ("12.12-slim 12-slim bookworm-slim bookworm-20251117-slim oldstable-slim", "2025-11-17"),
        ("12.11 bookworm-20250811", "2025-08-11"),
        ("13.2 13 trixie trixie-20251117 stable latest", "2025-11-17"),
        ("13.2-slim 13-slim trixie-slim trixie-20251117-slim stable-slim", "2025-11-17"),
        ("forky testing forky-20251117", "2025-11-17"),
        ("sid unstable sid-20251117", "2025-11-17"),
    )


def ubuntu() -> list[Build]:
    return simple(
        ("22.04 jammy jammy-20251013", "2025-10-13"),
        ("24.04 noble noble-20251013 latest", "2025-10-13"),
        ("24.04-old noble-20250925", "2025-09-25"),
        ("25.10 questing questing-20251017 rolling", "2025-10-17"),
    )


def small_hub_images() -> dict[str, list[Build]]:
    """The other images the shared corpus names, with invented but plausible tag sets."""
    return {
        "library/traefik": simple(
            ("v3.5.4 3.5.4 v3.5 3.5", "2025-10-24"),
            ("v3.6.1 3.6.1", "2025-11-12"),
            ("v3.6.2 3.6.2 v3.6 3.6 v3 3 ramequin latest", "2025-11-18"),
        ),
        "library/memcached": simple(
            ("1.6.44 1.6.44-bookworm", "2025-09-30"),
            ("1.6.44-alpine 1.6.44-alpine3.22", "2025-09-30"),
            ("1.6.45 1.6 1 1.6.45-bookworm 1.6-bookworm 1-bookworm bookworm latest", "2025-11-05"),
            (
                "1.6.45-alpine 1.6-alpine 1-alpine alpine 1.6.45-alpine3.22 1.6-alpine3.22 1-alpine3.22 alpine3.22",
                "2025-11-05",
            ),
        ),
        "library/adminer": simple(
            ("4.8.1 4.8 4", "2024-06-12"),
            ("4.8.1-standalone 4.8-standalone 4-standalone", "2024-06-12"),
            ("5.4.1 5.4 5 latest", "2025-10-03"),
            ("5.4.1-standalone 5.4-standalone 5-standalone standalone", "2025-10-03"),
            ("5.4.1-fastcgi 5.4-fastcgi 5-fastcgi fastcgi", "2025-10-03"),
        ),
        "library/mongo": simple(
            ("7.0.25 7.0 7 7.0.25-jammy 7.0-jammy 7-jammy", "2025-10-09"),
            ("8.0.16 8.0 8 latest 8.0.16-noble 8.0-noble 8-noble noble", "2025-11-06"),
        ),
        "hashicorp/vault": simple(
            ("1.19.4", "2025-05-30"),
            ("1.19.5 1.19", "2025-06-24"),
            ("1.20.4 1.20 latest", "2025-10-01"),
        ),
        "valkey/valkey": simple(
            ("8.0.5 8.0.5-bookworm", "2025-08-20"),
            ("8.0.6 8.0 8.0.6-bookworm 8.0-bookworm", "2025-10-06"),
            ("8.0.6-alpine 8.0-alpine 8.0.6-alpine3.22 8.0-alpine3.22", "2025-10-06"),
            ("8.1.8-alpine 8.1.8-alpine3.22", "2025-10-06"),
            ("8.1.9 8.1 8 8.1.9-bookworm 8.1-bookworm 8-bookworm", "2025-11-03"),
            ("8.1.9-alpine 8.1-alpine 8-alpine 8.1.9-alpine3.22 8.1-alpine3.22 8-alpine3.22", "2025-11-03"),
            ("9.0.1 9.0 9 latest 9.0.1-trixie 9.0-trixie 9-trixie trixie", "2025-11-03"),
            (
                "9.0.1-alpine 9.0-alpine 9-alpine alpine 9.0.1-alpine3.22 9.0-alpine3.22 9-alpine3.22 alpine3.22",
                "2025-11-03",
            ),
        ),
        "apache/tika": simple(
            ("3.2.2.0", "2025-08-11"),
            ("3.2.2.0-full", "2025-08-11"),
            ("3.2.3.0 latest", "2025-09-29"),
            ("3.2.3.0-full latest-full", "2025-09-29"),
        ),
        "splunk/splunk": simple(
            ("8.2.11", "2023-06-01"),
            ("8.2.12 8.2", "2023-08-30"),
            ("9.4.3 9.4 latest", "2025-06-03"),
        ),
        "jaegertracing/all-in-one": simple(
            ("1.75.0", "2025-11-04"),
            ("1.76.0 latest", "2025-11-22"),
        ),
        "grafana/pyroscope": simple(
            ("1.15.1", "2025-09-30"),
            ("1.16.0 latest", "2025-11-06"),
        ),
        "grafana/promtail": simple(
            ("3.4.2", "2025-02-10"),
            ("3.5.8 latest", "2025-11-07"),
            ("main", "2025-11-21"),
        ),
        "gotenberg/gotenberg": simple(
            ("8.17.2", "2025-02-14"),
            ("8.17.3 8.17", "2025-03-05"),
            ("8.17.3-cloudrun 8.17-cloudrun", "2025-03-05"),
            ("8.34.0", "2026-10-01"),
            ("8.34.1 8.34 8 latest", "2026-10-20"),
            ("8.34.1-cloudrun 8.34-cloudrun 8-cloudrun latest-cloudrun", "2026-10-20"),
        ),
        "axllent/mailpit": simple(
            ("v1.30.3", "2026-09-02"),
            ("v1.30.4 v1.30 v1 latest", "2026-10-11"),
            ("edge", "2026-11-19"),
        ),
        "389ds/dirsrv": simple(
            ("3.0 3.0.6", "2025-01-20"),
            ("3.1 3.1.3 latest", "2025-08-05"),
        ),
        "clamav/clamav-debian": simple(
            ("1.4.2 1.4.2_base", "2025-01-22"),
            ("1.4.3 1.4 stable latest", "2025-06-18"),
            ("1.4.3_base 1.4_base stable_base latest_base", "2025-06-18"),
            ("unstable", "2025-11-20"),
        ),
        "directus/directus": simple(
            ("11.5.0", "2025-02-28"),
            ("11.5.1 11.5", "2025-03-05"),
            ("11.12.0 11.12 11 latest", "2025-10-15"),
        ),
        "stripe/stripe-mock": simple(
            ("v0.162.0", "2023-06-20"),
            ("v0.194.0 latest", "2025-11-05"),
        ),
        "pypa/warehouse-camo": simple(
            ("2.0.0", "2023-03-16"),
            ("2.0.1 latest", "2024-05-02"),
        ),
        "prom/prometheus": simple(
            ("v3.2.0", "2025-02-17"),
            ("v3.2.1", "2025-02-25"),
            ("v3.7.3 latest", "2025-10-29"),
            ("main", "2025-11-21"),
        ),
        "prom/alertmanager": simple(
            ("v0.31.0", "2026-03-10"),
            ("v0.31.1", "2026-04-02"),
            ("v0.32.0 latest", "2026-10-07"),
            ("main", "2026-11-20"),
        ),
        "dxflrs/garage": simple(  # publishes no latest tag
            ("v1.0.1", "2024-09-23"),
            ("v1.3.0", "2025-08-19"),
            ("v2.1.0", "2025-09-15"),
        ),
        "ewjoachim/notgithub-token-scanning": simple(("latest", "2021-04-12")),
        "confluentinc/cp-kafka": simple(
            ("7.6.12", "2025-08-14"),
            ("7.6.13", "2025-10-09"),
            ("7.9.4", "2025-10-09"),
            ("8.1.0 latest", "2025-10-21"),
        ),
        "edoburu/pgbouncer": simple(
            ("v1.24.1-p1", "2025-06-10"),
            ("v1.25.1-p0", "2025-11-12"),
            ("v1.25.2-p0 latest", "2026-01-15"),
        ),
        "chrislusf/seaweedfs": simple(
            ("4.40", "2026-10-02"),
            (
                "4.40_large_disk",
                "2026-10-02",
                "sha256:d07aa1dae03c687e0737b86130ded1b18474211a09e85d737fbe5508b8805139",
            ),
            ("4.41 latest", "2026-11-01"),
            ("4.41_large_disk latest_large_disk", "2026-11-01"),
        ),
        "oven/bun": simple(
            ("1.3.2 1.3.2-debian", "2025-11-08"),
            ("1.3.3 1.3 1 latest 1.3.3-debian 1.3-debian 1-debian debian", "2025-11-21"),
            ("1.3.3-alpine 1.3-alpine 1-alpine alpine", "2025-11-21"),
            ("1.3.3-slim 1.3-slim 1-slim slim", "2025-11-21"),
            ("canary", "2025-11-22"),
        ),
        "docker/dockerfile": simple(
            ("1.18.0 1.18", "2025-09-03"),
            ("1.19.0 1.19 1 latest", "2025-10-20"),
            ("1.19.0-labs 1.19-labs 1-labs labs", "2025-10-20"),
        ),
        "netboxcommunity/netbox": simple(
            ("v4.1.11-3.0.2 v4.1-3.0.2", "2025-01-06"),
            ("v4.1.10-3.0.2", "2024-12-10"),
            ("v4.4.6-3.4.1", "2025-11-04"),
            ("v4.4.7-3.4.2 v4.4-3.4.2 v4.4.7 v4.4 latest", "2025-11-25"),
            ("snapshot-3.4.2", "2025-11-26"),
        ),
    }


# --- OCI registries -------------------------------------------------------------------------------


def oci_images() -> list[tuple[str, str, list[Build], dict[str, Any]]]:
    openmates = simple(
        ("v0.13.0", "2026-08-01"),
        ("v0.14.0", "2026-09-15"),
        ("v0.15.2 latest", "2026-11-02"),
        ("dev", "2026-11-21"),
    )
    images: list[tuple[str, str, list[Build], dict[str, Any]]] = [
        (
            "ghcr.io",
            "astral-sh/uv",
            simple(
                ("0.9.10", "2025-11-17"),
                ("0.9.26", "2026-01-20"),
                ("0.11.31 0.11.31-python3.12-trixie-slim", "2026-10-28"),
                ("0.11.32 0.11 latest", "2026-11-10"),
                (
                    "0.11.32-python3.12-trixie-slim 0.11-python3.12-trixie-slim python3.12-trixie-slim",
                    "2026-11-10",
                ),
                (
                    "0.11.32-python3.12-bookworm-slim 0.11-python3.12-bookworm-slim python3.12-bookworm-slim",
                    "2026-11-10",
                ),
                ("0.11.32-alpine 0.11-alpine alpine", "2026-11-10"),
                ("0.11.32-debian 0.11-debian debian", "2026-11-10"),
            ),
            {},
        ),
        (
            "ghcr.io",
            "paperless-ngx/paperless-ngx",
            simple(
                ("2.18.3", "2025-10-20"),
                ("2.18.4 2.18 2 latest", "2025-11-05"),
                ("dev", "2025-11-20"),
                ("beta", "2025-11-01"),
            ),
            {},
        ),
        (
            "ghcr.io",
            "repository-service-tuf/repository-service-tuf-worker",
            simple(
                ("v0.14.0b1", "2023-09-18"),
                ("v0.14.0", "2023-10-12"),
                ("v0.16.0 latest", "2024-05-02"),
                ("dev", "2025-11-12"),
            ),
            {},
        ),
        (
            "ghcr.io",
            "repository-service-tuf/repository-service-tuf-api",
            simple(
                ("v0.12.0b1", "2023-09-18"),
                ("v0.12.0", "2023-10-12"),
                ("v0.13.1 latest", "2024-05-02"),
                ("dev", "2025-11-12"),
            ),
            {},
        ),
        *[
            ("ghcr.io", f"glowingkitty/openmates-{name}", openmates, {})
            for name in ("api", "webapp", "vault-setup", "docs-worker", "cms-setup", "admin-sidecar")
        ],
        (
            "ghcr.io",
            "example-org/private-app",
            simple(("1.4.0", "2026-06-01"), ("1.4.2 1.4 latest", "2026-10-01")),
            {"private": True, "credentials": ("ci-bot", "s3cr3t-pat")},
        ),
        (
            "quay.io",
            "projectquay/clair",
            simple(
                ("4.7.2", "2023-10-30"),
                ("4.7.4", "2024-04-30"),
                ("4.8.0 latest", "2024-11-05"),
                ("nightly", "2025-11-20"),
            ),
            {},
        ),
        (
            "quay.io",
            "keycloak/keycloak",
            simple(
                ("26.2.4", "2025-05-08"),
                ("26.2.5 26.2", "2025-05-28"),
                ("26.4.4", "2025-11-05"),
                ("26.4.5 26.4 26 latest", "2025-11-19"),
                ("nightly", "2025-11-21"),
            ),
            {},
        ),
        ("quay.io", "quay/busybox", simple(("latest", "2023-02-01")), {}),
        (
            "gcr.io",
            "cadvisor/cadvisor",
            simple(("v0.47.2", "2023-06-12"), ("v0.49.1", "2024-04-03"), ("v0.52.1 latest", "2025-03-11")),
            {},
        ),
        (
            "gcr.io",
            "distroless/python3-debian12",
            simple(
                ("latest", "2025-11-20"),
                ("nonroot", "2025-11-20"),
                ("debug", "2025-11-20"),
                ("debug-nonroot", "2025-11-20"),
            ),
            {},
        ),
        (
            "gcr.io",
            "distroless/static-debian12",
            simple(("latest", "2025-11-20"), ("nonroot", "2025-11-20"), ("debug", "2025-11-20")),
            {},
        ),
        (
            "public.ecr.aws",
            "zinclabs/openobserve",
            simple(
                ("v0.60.1", "2025-10-02"), ("v0.70.0-rc3", "2026-05-11"), ("v0.70.0 latest", "2026-06-01")
            ),
            {},
        ),
        (
            "mcr.microsoft.com",
            "playwright",
            simple(
                ("v1.62.0-noble", "2026-09-10"),
                ("v1.62.1-noble", "2026-10-01"),
                ("v1.62.1-jammy", "2026-10-01"),
                ("v1.63.0-noble v1.63.0 latest", "2026-11-12"),
                ("v1.63.0-jammy", "2026-11-12"),
            ),
            {},
        ),
        (
            "docker.dragonflydb.io",
            "dragonflydb/dragonfly",
            simple(("v1.34.2", "2025-10-02"), ("v1.35.0 latest", "2025-11-18")),
            {},
        ),
        (
            "registry.gitlab.com",
            "egos-tech/smtp",
            simple(("1.1.2", "2024-11-12"), ("1.1.3 latest", "2025-03-02")),
            {},
        ),
        (
            "us-west1-docker.pkg.dev",
            "cloud-workstations-images/predefined/base",
            simple(("latest public-image-20251118", "2025-11-18"), ("public-image-20251021", "2025-10-21")),
            {},
        ),
        (
            "registry.access.redhat.com",
            "ubi9/ubi-minimal",
            simple(
                ("9.7 9.7-1758184547", "2025-09-18"),
                (
                    "9.8",
                    "2026-11-04",
                    "sha256:8eb2830d0936237fc13a1f2f7e45aecf90d69043380ad167fad0343632937f41",
                ),
                ("9.8-1762180022 latest", "2026-11-18"),
            ),
            {},
        ),
        (
            "registry.access.redhat.com",
            "ubi9/nodejs-22-minimal",
            simple(
                (
                    "9.8",
                    "2026-11-04",
                    "sha256:fc8e8ebdb189d074d6448db56baf78edb4f26e7017dcb1c235bf9420eb028cd1",
                ),
                ("9.8-1762180311 latest", "2026-11-18"),
            ),
            {},
        ),
        (
            "registry.access.redhat.com",
            "ubi9/python-312-minimal",
            simple(
                (
                    "9.8",
                    "2026-11-04",
                    "sha256:0682a7aa239c28eaad5187914699612daaa3b1fa63abddaee7ba46f5b76c3361",
                ),
                ("9.8-1762180401 latest", "2026-11-18"),
            ),
            {},
        ),
        (
            "registry.access.redhat.com",
            "ubi9/go-toolset",
            simple(
                (
                    "9.8",
                    "2026-11-04",
                    "sha256:9ef42b045aaabcaff14b76c75c086ec1479fbc7502c0587efdcedb2d721c46e5",
                ),
                ("9.8-1762180533 1.24.6 latest", "2026-11-18"),
            ),
            {},
        ),
        # What a registry on a developer's machine (``localhost:5000/team/app``) or the fake's
        # own root serves.
        ("localhost", "team/app", simple(("1.2.0", "2026-01-10"), ("1.2.3 1.2 latest", "2026-02-02")), {}),
    ]
    return images


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    hub = {
        "library/python": python(),
        "library/node": node(),
        "library/postgres": postgres(),
        "library/redis": redis(),
        "library/nginx": nginx(),
        "library/alpine": alpine(),
        "library/debian": debian(),
        "library/ubuntu": ubuntu(),
        **small_hub_images(),
    }
    for repository, builds in hub.items():
        if builds:
            write_hub(repository, builds)
            logger.info("hub %s", repository)
    for host, repository, builds, options in oci_images():
        write_oci(
            host,
            repository,
            builds,
            private=options.get("private", False),
            credentials=options.get("credentials"),
        )
        logger.info("oci %s/%s", host, repository)


if __name__ == "__main__":
    main()
