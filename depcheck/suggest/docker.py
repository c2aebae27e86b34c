"""Docker tag parsing and ordering, and the choice of the exact tag a reference should name.

Tags follow Renovate's ``docker`` versioning (see registry-apis.md D): strip a leading ``v``, split
at the first ``-`` into a version and a suffix, read the version as release numbers plus an
optional trailing word (``3.13.0rc2`` is ``[3, 13, 0]`` + ``rc2``). The suffix names the variant
(``slim-bookworm``, ``alpine3.20``) and is kept identical: ``3.12.4-slim-bookworm`` only ever
moves to another ``X.Y.Z-slim-bookworm``. Dependabot's pre-release words (``rc``, ``beta``,
``nightly``...) mark a pre-release wherever they stand, so ``v0.70.0-rc3`` is a pre-release of
the suffix-less variant rather than a variant of its own.

Everything here is pure: it reads an :class:`~depcheck.registries.interface.ImageFacts` and a
:class:`~depcheck.policy.Policy` and never the network. Digests, when the registry gave them,
tell which exact tag a floating one (``3.12-slim``, ``latest``) points at today.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from depcheck.policy import Policy
from depcheck.registries.interface import ImageFacts, TagInfo
from depcheck.rules import is_word_tag
from depcheck.suggest.memo import PerAnswer

__all__ = [
    "DockerTag",
    "is_floating",
    "latest_tag",
    "newer_tags",
    "parse_tag",
    "suggest_tag",
]

_VERSION = re.compile(r"^(\d+(?:\.\d+)*)([._][\w.]+|[A-Za-z][\w.]*)?$")
# A git commit abbreviation (7 to 40 hex digits) names a build, not a version; all-digit tags
# (dates, build numbers) are versions.
_COMMIT = re.compile(r"^[0-9a-f]{7,40}$")
_PRE_WORD = re.compile(
    r"^(alpha|beta|rc|pre|preview|dev|nightly|snapshot|canary)(?:[._]?\d+)*$", re.IGNORECASE
)
# PEP 440 short forms glued to the numbers (``1.0b1``, ``2.0a3``, ``1.0c1``) need a number,
# otherwise ``b`` or ``c`` alone would be read as a pre-release.
_PRE_LETTER = re.compile(r"^(a|b|c)(?:[._]?\d+)+$", re.IGNORECASE)
_PRE_RANK = {
    "dev": 0,
    "nightly": 0,
    "snapshot": 0,
    "canary": 0,
    "a": 1,
    "alpha": 1,
    "b": 2,
    "beta": 2,
    "pre": 3,
    "preview": 3,
    "c": 4,
    "rc": 4,
}
_DIGITS = re.compile(r"\d+")

_ALPINE = re.compile(r"^alpine(\d+(?:\.\d+)*)$")
# Release order of the distribution codenames seen in official image suffixes; only used when
# ``Policy.cross_os`` allows a suggestion to move to a newer OS release.
_CODENAMES: dict[str, tuple[str, int]] = {
    **{
        name: ("debian", rank)
        for rank, name in enumerate(
            ("jessie", "stretch", "buster", "bullseye", "bookworm", "trixie", "forky", "duke")
        )
    },
    **{
        name: ("ubuntu", rank)
        for rank, name in enumerate(
            ("xenial", "bionic", "focal", "jammy", "noble", "oracular", "plucky", "questing")
        )
    },
}


def _is_prerelease_word(word: str) -> bool:
    return bool(_PRE_WORD.match(word) or _PRE_LETTER.match(word))


def _os_component(component: str) -> tuple[str, tuple[int, ...]] | None:
    """``("alpine", (3, 20))`` for ``alpine3.20``, ``("debian", (4,))`` for ``bookworm``, else None."""
    alpine = _ALPINE.match(component)
    if alpine:
        return "alpine", tuple(int(part) for part in alpine.group(1).split("."))
    codename = _CODENAMES.get(component)
    if codename:
        return codename[0], (codename[1],)
    return None


@dataclass(frozen=True)
class DockerTag:
    """A tag read as a version: ``3.12.7-slim-bookworm`` is release ``(3, 12, 7)``, suffix ``slim-bookworm``.

    ``prerelease`` is the pre-release part (``rc2``; empty when stable), taken from the word
    glued to the numbers or from suffix components; ``word`` is a glued word that is not a
    pre-release (``4.40_large_disk`` -> ``_large_disk``) and so belongs to the variant.
    """

    text: str
    release: tuple[int, ...]
    prerelease: str = ""
    suffix: str = ""
    word: str = ""
    v_prefix: bool = False
    _os: tuple[tuple[str, tuple[int, ...]] | None, ...] = field(default=(), repr=False, compare=False)

    @property
    def stable(self) -> bool:
        return not self.prerelease

    @property
    def variant(self) -> tuple[bool, str, str]:
        """What must be identical for two tags to be interchangeable builds of one image."""
        return self.v_prefix, self.word, self.suffix

    @property
    def family(self) -> tuple[bool, str, tuple[str, ...]]:
        """The variant with OS releases blurred (``alpine3.20`` ~ ``alpine3.21``), for ``cross_os``."""
        components = self.suffix.split("-") if self.suffix else []
        blurred = tuple(
            component if os is None else f"<{os[0]}>"
            for component, os in zip(components, self._os or (None,) * len(components), strict=True)
        )
        return self.v_prefix, self.word, blurred

    @property
    def os_rank(self) -> tuple[tuple[int, ...], ...]:
        """The OS releases named in the suffix, in order; newer sorts higher."""
        return tuple(os[1] for os in self._os if os is not None)

    @property
    def order(self) -> tuple[object, ...]:
        """Sort key: release numbers, then stable above pre-release, then the pre-release, then OS."""
        return (self.release, self.stable, _prerelease_key(self.prerelease), self.os_rank)

    def extends(self, other: DockerTag) -> bool:
        """Whether this tag is a more specific build of ``other``'s line (same variant, longer release)."""
        return (
            self.variant == other.variant
            and len(self.release) > len(other.release)
            and self.release[: len(other.release)] == other.release
        )


def _prerelease_key(prerelease: str) -> tuple[int, tuple[int, ...]]:
    # A stable tag already sorts above by the ``stable`` flag; among pre-releases dev < alpha <
    # beta < rc, then by number, so that rc10 is newer than rc2 (Renovate's localeCompare is not).
    if not prerelease:
        return (99, ())
    word = re.match(r"[A-Za-z]+", prerelease)
    rank = _PRE_RANK.get(word.group(0).lower(), 0) if word else 0
    return rank, tuple(int(number) for number in _DIGITS.findall(prerelease))


@functools.lru_cache(maxsize=65536)
def parse_tag(tag: str) -> DockerTag | None:
    """Read ``tag`` as a version, or ``None`` for a word tag (``latest``, ``slim``) or a commit hash.

    Cached: one audit parses the same tag lists once per reference to the image.
    """
    body = tag
    v_prefix = len(tag) > 1 and tag[0] in "vV" and tag[1].isdigit()
    if v_prefix:
        body = tag[1:]
    version, _, suffix = body.partition("-")
    match = _VERSION.match(version)
    if match is None:
        return None
    if _COMMIT.match(tag) and not tag.isdigit():
        return None
    release = tuple(int(part) for part in match.group(1).split("."))
    glued = match.group(2) or ""
    prerelease_parts: list[str] = []
    word = ""
    if glued:
        if _is_prerelease_word(glued.lstrip("._")):
            prerelease_parts.append(glued.lstrip("._"))
        else:
            word = glued
    variant_parts: list[str] = []
    for component in suffix.split("-") if suffix else []:
        if _is_prerelease_word(component):
            prerelease_parts.append(component)
        else:
            variant_parts.append(component)
    return DockerTag(
        text=tag,
        release=release,
        prerelease="-".join(prerelease_parts),
        suffix="-".join(variant_parts),
        word=word,
        v_prefix=v_prefix,
        _os=tuple(_os_component(component) for component in variant_parts),
    )


@dataclass(frozen=True)
class _Entry:
    tag: DockerTag
    info: TagInfo


class _Catalogue:
    """An image's tags read as versions (word tags and commit hashes left out), in the registry's
    order, worked out once per :class:`ImageFacts` object (an audit names one image on many
    lines); ``floating`` and ``pools`` remember :func:`is_floating` and :func:`_pool` answers."""

    __slots__ = ("entries", "floating", "pools")

    def __init__(self, facts: ImageFacts) -> None:
        entries = []
        for name, info in facts.tags.items():
            parsed = parse_tag(name)
            if parsed is not None:
                entries.append(_Entry(parsed, info))
        self.entries = tuple(entries)
        self.floating: dict[str, bool] = {}
        self.pools: dict[Hashable, tuple[_Entry, ...]] = {}


_catalogue = PerAnswer(_Catalogue)


def _pool(
    catalogue: _Catalogue, current: DockerTag | None, policy: Policy, *, prereleases: bool
) -> Sequence[_Entry]:
    """Active tags a suggestion may name: the current variant (or OS family when allowed); remembered."""
    if current is None:
        same: object = None
    else:
        same = ("family", current.family) if policy.cross_os else ("variant", current.variant)
    key = (same, prereleases)
    known = catalogue.pools.get(key)
    if known is not None:
        return known
    chosen = []
    for entry in catalogue.entries:
        if not entry.info.active or (not prereleases and not entry.tag.stable):
            continue
        if current is not None:
            alike = (
                entry.tag.family == current.family
                if policy.cross_os
                else entry.tag.variant == current.variant
            )
            if not alike:
                continue
        chosen.append(entry)
    catalogue.pools[key] = pool = tuple(chosen)
    return pool


def _most_specific(entries: Sequence[_Entry]) -> list[_Entry]:
    """The entries no other entry makes more specific: ``3.12.7`` stays, ``3.12`` and ``3`` go."""
    return [entry for entry in entries if not any(other.tag.extends(entry.tag) for other in entries)]


def _best(entries: Sequence[_Entry], anchor: str | None) -> _Entry | None:
    """The newest entry, preferring those whose digest is ``anchor`` (what the current tag is today)."""
    if not entries:
        return None
    if anchor is not None:
        sharing = [entry for entry in entries if entry.info.digest == anchor]
        if sharing:
            return max(sharing, key=lambda entry: entry.tag.order)
    return max(entries, key=lambda entry: entry.tag.order)


def _anchor(facts: ImageFacts, tag: str, current_digest: str | None) -> str | None:
    """The digest that says which build the reference means: its own digest if a tag carries it."""
    if current_digest is not None and any(info.digest == current_digest for info in facts.tags.values()):
        return current_digest
    info = facts.tags.get(tag)
    return info.digest if info is not None else None


def is_floating(tag: str, facts: ImageFacts) -> bool:
    """Whether ``tag`` moves: a word tag, or fewer version parts than the most specific tags of its line.

    ``3.12-slim`` floats when ``3.12.7-slim`` exists; ``17.5`` does not when the image never
    publishes three-part tags. Pre-release tags only make a pre-release line more specific.
    """
    if is_word_tag(tag):
        return True
    parsed = parse_tag(tag)
    if parsed is None:
        return False
    catalogue = _catalogue(facts)
    known = catalogue.floating.get(tag)
    if known is None:
        known = catalogue.floating[tag] = any(
            entry.tag.extends(parsed) and (entry.tag.stable or not parsed.stable)
            for entry in catalogue.entries
        )
    return known


def _for_latest(catalogue: _Catalogue, anchor: str | None, *, any_variant: bool) -> str | None:
    """``latest`` or an untagged reference: the most specific plain tag sharing its digest.

    Else the newest most specific plain tag (no suffix). ``any_variant`` lets a digest the user
    wrote (``python@sha256:...``) land on a suffixed tag, since that is the build they pinned.
    """
    stable = [entry for entry in catalogue.entries if entry.info.active and entry.tag.stable]
    plain = [entry for entry in stable if not entry.tag.suffix and not entry.tag.word]
    if anchor is not None:
        for pool in (plain, stable) if any_variant else (plain,):
            sharing = [entry for entry in pool if entry.info.digest == anchor]
            if sharing:
                return max(sharing, key=lambda entry: (len(entry.tag.release), entry.tag.order)).tag.text
    best = _best(_most_specific(plain), None)
    return best.tag.text if best else None


def _for_word(catalogue: _Catalogue, word: str, anchor: str | None) -> str | None:
    """A word tag (``slim``, ``alpine``, ``lts``, ``stable``): the most specific tag sharing its digest.

    The word is kept as the suffix when tags carry it (``alpine`` -> ``3.13.1-alpine``), else
    its trailing part (``lts-alpine`` -> ``X.Y.Z-alpine``), else no suffix (``lts`` -> ``22.12.0``).
    Without a digest only a tag carrying the word itself as suffix is safe to name.
    """
    stable = [
        entry for entry in catalogue.entries if entry.info.active and entry.tag.stable and not entry.tag.word
    ]
    components = word.split("-")
    suffixes = ["-".join(components[index:]) for index in range(len(components))] + [""]
    if anchor is not None:
        for suffix in suffixes:
            sharing = [
                entry for entry in stable if entry.tag.suffix == suffix and entry.info.digest == anchor
            ]
            if sharing:
                return max(sharing, key=lambda entry: (len(entry.tag.release), entry.tag.order)).tag.text
    same = [entry for entry in stable if entry.tag.suffix == word]
    best = _best(_most_specific(same), None)
    return best.tag.text if best else None


def _for_floating(
    catalogue: _Catalogue, current: DockerTag, anchor: str | None, policy: Policy
) -> str | None:
    """A floating tag: the most specific tag of its line, preferring the one it points at now."""
    length = len(current.release)
    line = [
        entry
        for entry in _pool(catalogue, current, policy, prereleases=not current.stable)
        if len(entry.tag.release) > length and entry.tag.release[:length] == current.release
    ]
    candidates = _most_specific(line)
    if policy.cross_os and candidates:
        newest_os = max(entry.tag.os_rank for entry in candidates)
        candidates = [entry for entry in candidates if entry.tag.os_rank == newest_os]
    best = _best(candidates, anchor)
    return best.tag.text if best else None


def _for_unknown(catalogue: _Catalogue, current: DockerTag, policy: Policy) -> str | None:
    """An unpublished tag: the most specific tag of the nearest published line of the same variant.

    ``3.12.99-slim`` -> the newest ``3.12.X-slim``; failing that the newest ``3.X.Y-slim``, and so on.
    """
    pool = _pool(catalogue, current, policy, prereleases=not current.stable)
    for length in range(len(current.release), -1, -1):
        line = [entry for entry in pool if entry.tag.release[:length] == current.release[:length]]
        best = _best(_most_specific(line), None)
        if best is not None:
            return best.tag.text
    return None


def _same_precision(
    catalogue: _Catalogue, current: DockerTag, policy: Policy, *, prereleases: bool
) -> list[_Entry]:
    return [
        entry
        for entry in _pool(catalogue, current, policy, prereleases=prereleases)
        if len(entry.tag.release) == len(current.release)
    ]


def newer_tags(facts: ImageFacts, tag: str, policy: Policy) -> list[str]:
    """Stable tags of the same variant and precision newer than ``tag``, newest first.

    Empty for a tag that is not a version (a word tag, a commit hash).
    """
    current = parse_tag(tag)
    if current is None:
        return []
    pool = _same_precision(_catalogue(facts), current, policy, prereleases=False)
    newer = [entry for entry in pool if entry.tag.order > current.order]
    return [entry.tag.text for entry in sorted(newer, key=lambda entry: entry.tag.order, reverse=True)]


def _for_exact(catalogue: _Catalogue, current: DockerTag, policy: Policy) -> str:
    """An exact tag: the newest tag of the same variant and precision, never an older one.

    A pre-release pin moves to the newest stable tag once one is newer than it; until then it may
    move to a newer pre-release (as pip does for a pin that already is one).
    """
    stable = _same_precision(catalogue, current, policy, prereleases=False)
    newest = _best(stable, None)
    if newest is None or (not current.stable and newest.tag.order < current.order):
        newest = _best(_same_precision(catalogue, current, policy, prereleases=True), None)
    if newest is None or newest.tag.order <= current.order:
        return current.text
    return newest.tag.text


def suggest_tag(
    facts: ImageFacts, *, current_tag: str | None, current_digest: str | None, policy: Policy
) -> str | None:
    """The exact tag to write for a reference to ``facts``'s repository, or ``None``.

    - untagged or ``latest``: the most specific suffix-less tag sharing ``latest``'s digest (or
      the reference's own digest), else the newest stable most specific suffix-less tag;
    - a floating tag (``3.12-slim``, ``20``): the most specific tag of the same line and variant,
      preferring the one whose digest the floating tag has now (``3.12.7-slim``);
    - a word tag (``alpine``, ``lts``): the most specific tag sharing its digest;
    - an unpublished tag: the most specific tag of the nearest published line;
    - an exact tag: the newest tag of the same variant and precision (itself when it is newest).

    The suffix is never changed, so an OS release is never crossed unless ``policy.cross_os``.
    """
    catalogue = _catalogue(facts)
    if current_tag is None or current_tag == "latest":
        anchor = _anchor(facts, "latest", current_digest)
        user_digest = current_digest is not None and anchor == current_digest
        return _for_latest(catalogue, anchor, any_variant=user_digest)
    current = parse_tag(current_tag)
    if current is None:
        if is_word_tag(current_tag):
            return _for_word(catalogue, current_tag, _anchor(facts, current_tag, current_digest))
        return None
    if current_tag not in facts.tags:
        return _for_unknown(catalogue, current, policy)
    if is_floating(current_tag, facts):
        return _for_floating(catalogue, current, _anchor(facts, current_tag, current_digest), policy)
    return _for_exact(catalogue, current, policy)


def latest_tag(facts: ImageFacts, current: str | None, policy: Policy) -> str | None:
    """The tag ``depcheck latest --docker`` prints: :func:`suggest_tag` for ``current``.

    ``current`` is what follows the image name: ``None`` (nothing, so ``latest``), a tag, or
    ``tag@digest`` / ``@digest``.
    """
    tag, _, digest = (current or "").partition("@")
    return suggest_tag(facts, current_tag=tag or None, current_digest=digest or None, policy=policy)
