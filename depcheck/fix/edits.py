"""Findings with a replacement turned into byte-exact edits, and edits spliced into bytes.

Every fixable finding carries ``location.span`` (a byte range of the file as read, BOM included)
and ``replacement`` (the exact text to write there), so a fix is a splice: the bytes outside the
spans are never decoded, re-encoded or re-serialised, and comments, quoting, line endings and the
final newline stay as they were by construction. This module is pure apart from the ``read``
callback: :func:`plan_edits` turns findings into :class:`Edit` records (taking the "old" bytes of
each span from the file when the plan is made, collapsing identical duplicates and refusing
overlapping ones per finding), and :func:`apply_edits` checks that every span still holds its old
bytes before splicing, so a file edited in between is never half-fixed.

The span is usually in the finding's own file; a compose image whose tag is set in the ``.env``
beside it is fixed in ``.env`` (``Location.span_elsewhere``), so the edit is that file's.

A span may be text that several references share: an ``ARG PY=3.12`` default that two ``FROM``
lines use, a ``.env`` value that several compose images use. Two findings that need the same new text there are one edit; two that need different
texts conflict and are both refused; and an edit is refused when a line the text also feeds
(``Location.span_shared_with``: a ``FROM`` with no such finding, a stage's ``ARG PY``) does not
get the very same edit, since rewriting the default would silently change that line too. Those
lines are lines of the finding's own file.
"""

from __future__ import annotations

import itertools
import logging
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from packaging.requirements import InvalidRequirement, Requirement

from depcheck.errors import UsageError
from depcheck.fix.errors import FixError, StaleFileError
from depcheck.fix.hashes import HashLayoutError, HashLookup, find_hash_options, hashes_for, render_hashes
from depcheck.model import Dependency, Finding, Span, SpanRole
from depcheck.rules import RULES, exact_version, vcs_ref
from depcheck.rules.docker import unplaceable

logger = logging.getLogger(__name__)

FIXABLE_RULES = frozenset(
    {
        "unpinned",
        "ranged",
        "untagged-image",
        "latest-tag",
        "floating-tag",
        "unknown-version",
        "yanked",
        "prerelease",
        "outdated",
    }
)
"""The rules whose findings can carry a replacement."""

DEFAULT_RULES = FIXABLE_RULES - {"outdated"}
"""What ``depcheck fix`` applies unless told otherwise: moving a valid pin forward is opt-in."""

Reader = Callable[[str], bytes]
"""Reads a file by its path as reports show it; raises :class:`OSError` when it cannot."""

_VCS_SCHEMES = ("git+", "hg+", "svn+", "bzr+")


def select_rules(rules: Iterable[str] | None = None, *, upgrade: bool = False) -> frozenset[str]:
    """The rules to fix: ``rules`` (``--rules``) or :data:`DEFAULT_RULES`, plus ``outdated`` with ``upgrade``.

    Raises :class:`~depcheck.errors.UsageError` for a rule id that does not exist or whose
    findings never carry a replacement, so a typo in ``--rules`` is not a silent no-op.
    """
    chosen = DEFAULT_RULES if rules is None else frozenset(rules)
    unknown = sorted(chosen - RULES.keys())
    if unknown:
        raise UsageError(f"--rules: no such rule {', '.join(unknown)}; rules are {', '.join(sorted(RULES))}")
    unfixable = sorted(chosen - FIXABLE_RULES)
    if unfixable:
        raise UsageError(
            f"--rules: {', '.join(unfixable)} findings have no replacement to apply; "
            f"fixable rules are {', '.join(sorted(FIXABLE_RULES))}"
        )
    return chosen | {"outdated"} if upgrade else chosen


@dataclass(frozen=True)
class Edit:
    """Write ``new`` over ``span`` of ``path``, which held ``old`` when the plan was made.

    ``finding`` is the finding this edit fixes; ``merged`` the other findings whose identical edit
    was collapsed into this one. A finding may own several edits (a hashed requirement: the
    requirement and its ``--hash`` options).
    """

    path: str
    span: Span
    old: bytes
    new: bytes
    finding: Finding = field(compare=False)
    merged: tuple[Finding, ...] = field(default=(), compare=False)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return (self.finding, *self.merged)

    @property
    def key(self) -> tuple[Span, bytes, bytes]:
        return (self.span, self.old, self.new)


@dataclass(frozen=True)
class Skipped:
    """A selected finding that was not fixed, and why.

    ``error`` is true when the fix should have been possible but failed (two fixes over the same
    text, hashes that could not be found, a file that changed or could not be written); false when
    depcheck leaves the reference alone by design (a VCS URL without a ref).
    """

    finding: Finding
    reason: str
    error: bool = False


@dataclass
class Plan:
    """What :func:`plan_edits` decided.

    ``edits`` maps each file to its edits in span order; ``originals`` holds the bytes each file had
    when its edits were planned; ``errors`` the files that could not even be read.
    """

    edits: dict[str, list[Edit]] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)
    originals: dict[str, bytes] = field(default_factory=dict)
    errors: list[FixError] = field(default_factory=list)

    def findings(self, path: str) -> list[Finding]:
        """Every finding the edits of ``path`` fix, each once, in span order."""
        return list(dict.fromkeys(finding for edit in self.edits.get(path, ()) for finding in edit.findings))


class Unfixable(Exception):
    """Why one finding yields no edit; :func:`plan_edits` carries it into :class:`Skipped`."""

    def __init__(self, reason: str, error: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.error = error


def line_at(raw: bytes, offset: int) -> int:
    """The 1-based line holding byte ``offset`` of ``raw``."""
    return raw.count(b"\n", 0, offset) + 1


def _shown(data: bytes) -> str:
    return repr(data.decode("utf-8", "backslashreplace"))


_NO_SPAN = (
    "no single piece of the file holds its text (it is assembled from a variable and literal text, "
    "set by --build-arg, or escaped), so it cannot be rewritten in place; change it by hand"
)


def _without_replacement(finding: Finding) -> str:
    """Why a selected finding has no replacement (a VCS URL is left alone on purpose)."""
    dependency = finding.dependency
    url = dependency.url if dependency is not None else None
    if url is not None and url.startswith(_VCS_SCHEMES):
        ref = vcs_ref(url)
        if ref is None:
            return "left alone: VCS requirement without a ref; pin it to a full commit hash by hand"
        return f"left alone: VCS requirement on the moving ref {ref!r}; pin it to a full commit hash by hand"
    if url is not None:
        return "left alone: URL requirement; add a --hash or #sha256= by hand"
    if (
        finding.suggestion is not None
        and finding.location.span is None
        and finding.location.span_elsewhere is None
    ):
        return _NO_SPAN
    if finding.suggestion is not None:
        reason = unplaceable(finding.location, finding.suggestion)
        if reason is not None:
            prefix, suffix = finding.location.span_affixes
            return f"{reason} ({finding.suggestion} does not read {prefix}...{suffix}); change it by hand"
    return "no exact version or tag to suggest, so nothing to write"


def _hash_edit(
    finding: Finding,
    dependency: Dependency,
    replacement: str,
    raw: bytes,
    span: Span,
    lookup: HashLookup | None,
) -> Edit | None:
    """The edit that replaces the ``--hash`` options after ``span``, or ``None`` if they are current."""
    try:
        options = find_hash_options(raw, span.end)
    except HashLayoutError as exc:
        raise Unfixable(f"cannot rewrite its hashes: {exc}", error=True) from exc
    if options is None:
        raise Unfixable("it has hashes, but no --hash option was found after it in the file", error=True)
    try:
        version = exact_version(str(Requirement(replacement).specifier))
    except InvalidRequirement as exc:
        raise Unfixable(f"the replacement {replacement!r} is not a requirement: {exc}", error=True) from exc
    if version is None:
        raise Unfixable(
            f"the replacement {replacement!r} is not one exact version, so it has no hashes", error=True
        )
    by_version = lookup(dependency) if lookup is not None else None
    if by_version is None:
        raise Unfixable(
            f"its --hash options need the hashes of {dependency.name} {version}, which were not looked up",
            error=True,
        )
    try:
        digests = hashes_for(version, by_version)
        if digests is None:
            raise Unfixable(
                f"the index lists no complete set of sha256 hashes for {dependency.name} {version}",
                error=True,
            )
        new = render_hashes(options, digests)
    except HashLayoutError as exc:
        raise Unfixable(f"cannot rewrite its hashes: {exc}", error=True) from exc
    old = raw[options.span.start : options.span.end]
    if old == new:
        return None
    return Edit(finding.location.file, options.span, old, new, finding)


# Spans whose bytes are the dependency's text as written (a requirement, a Poetry version string),
# give or take pip's backslash-newline joins: anything else means the file was edited between the
# audit and this plan. Image spans are not compared: their text may be assembled from an ARG.
_TEXT_SPANS = frozenset({SpanRole.REQUIREMENT, SpanRole.VERSION})
_CONTINUATION = re.compile(rb"\\\r?\n")


def _holds(old: bytes, text: str) -> bool:
    expected = text.encode("utf-8")
    return old == expected or _CONTINUATION.sub(b"", old) == expected


def _target(finding: Finding) -> tuple[str, Span, str]:
    """The file, span and replacement of ``finding``; :class:`Unfixable` when one is missing.

    The file is the finding's own, or the one its text lives in (``Location.span_elsewhere``).
    """
    if finding.replacement is None:
        raise Unfixable(_without_replacement(finding), error=False)
    location = finding.location
    if location.span is not None:
        return location.file, location.span, finding.replacement
    if location.span_elsewhere is not None:
        return location.span_elsewhere.file, location.span_elsewhere.span, finding.replacement
    raise Unfixable(_NO_SPAN, error=False)


def edits_for(finding: Finding, raw: bytes, hashes: HashLookup | None = None) -> list[Edit]:
    """The edits that fix ``finding`` in ``raw`` (the file's bytes), no-ops left out.

    Raises :class:`Unfixable` with the reason when the finding cannot be fixed.
    """
    path, span, replacement = _target(finding)
    if span.end > len(raw):
        raise Unfixable(
            f"{path} changed since it was read: it is shorter than the span at line {finding.location.line}",
            error=True,
        )
    old = raw[span.start : span.end]
    dependency = finding.dependency
    role = finding.location.span_role
    if role in _TEXT_SPANS and dependency is not None and not _holds(old, dependency.text):
        raise Unfixable(
            f"{path} changed since it was read: line {line_at(raw, span.start)} no longer holds "
            f"{dependency.text!r} (found {_shown(old)})",
            error=True,
        )
    edits = []
    new = replacement.encode("utf-8")
    if old != new:
        edits.append(Edit(path, span, old, new, finding))
    if role is SpanRole.REQUIREMENT and dependency is not None and dependency.hashes:
        hash_edit = _hash_edit(finding, dependency, replacement, raw, span, hashes)
        if hash_edit is not None:
            edits.append(hash_edit)
    return edits


def _conflicts(a: Edit, b: Edit) -> bool:
    """Whether ``b`` (sorted after ``a``) writes over text ``a`` writes over, or at the same point."""
    if b.span.start < a.span.end:
        return True
    return a.span.start == a.span.end == b.span.start == b.span.end


def _resolve(
    path: str, raw: bytes, changes: list[tuple[Finding, list[Edit]]]
) -> tuple[list[Edit], list[Skipped]]:
    """Collapse identical edits and drop every finding whose edits overlap another finding's."""
    owners: dict[tuple[Span, bytes, bytes], list[Finding]] = defaultdict(list)
    unique: dict[tuple[Span, bytes, bytes], Edit] = {}
    for finding, edits in changes:
        for edit in edits:
            unique.setdefault(edit.key, edit)
            if finding not in owners[edit.key]:
                owners[edit.key].append(finding)
    ordered = sorted(unique.values(), key=lambda edit: (edit.span.start, edit.span.end))
    blocked: dict[Finding, tuple[Edit, Edit]] = {}  # the finding's own edit, and the one in its way
    for index, first in enumerate(ordered):
        for later in range(index + 1, len(ordered)):
            second = ordered[later]
            if second.span.start > first.span.end or (
                second.span.start == first.span.end and first.span.start != first.span.end
            ):
                break
            if _conflicts(first, second):
                for finding in owners[first.key]:
                    blocked.setdefault(finding, (first, second))
                for finding in owners[second.key]:
                    blocked.setdefault(finding, (second, first))
    skipped = []
    for finding, (mine, other) in blocked.items():
        reason = _conflict_reason(finding, mine, other, owners[other.key][0], raw)
        skipped.append(Skipped(finding, reason, error=True))
        logger.warning("%s: %s", path, skipped[-1].reason)
    refused: set[Finding] = set(blocked)
    for edit in ordered:
        alive = [finding for finding in owners[edit.key] if finding not in refused]
        unshared = _unshared(alive)
        if unshared is not None:
            for finding in alive:
                skipped.append(Skipped(finding, unshared))
                logger.info("%s: %s", path, unshared)
            refused.update(alive)
    kept = []
    for edit in ordered:
        alive = [finding for finding in owners[edit.key] if finding not in refused]
        if alive:
            kept.append(Edit(path, edit.span, edit.old, edit.new, alive[0], tuple(alive[1:])))
    return kept, skipped


def _conflict_reason(finding: Finding, mine: Edit, other: Edit, rival: Finding, raw: bytes) -> str:
    """Why ``finding`` (edit ``mine``) is refused: ``rival``'s edit ``other`` rewrites the same text."""
    source = finding.location.span_source
    if source is not None and source == rival.location.span_source and source.startswith("ARG "):
        return (
            f"{source} feeds several FROM lines that need different tags: line {finding.location.line} "
            f"needs {_shown(mine.new)}, line {rival.location.line} needs {_shown(other.new)}; "
            "change them by hand"
        )
    if source is not None and source == rival.location.span_source and finding.location.span_elsewhere:
        return (
            f"{source} feeds several images that need different tags: {_place(finding)} needs "
            f"{_shown(mine.new)}, {_place(rival)} needs {_shown(other.new)}; change them by hand"
        )
    return (
        f"conflicts with the {rival.rule} fix at line {line_at(raw, other.span.start)}: both rewrite "
        f"the same text ({_shown(other.old)} -> {_shown(other.new)}); fix them one at a time"
    )


def _place(finding: Finding) -> str:
    return f"{finding.location.file} line {finding.location.line}"


def _unshared(owners: Sequence[Finding]) -> str | None:
    """Why one edit is refused: its text also feeds a line that does not get the same edit.

    ``owners`` are the findings whose edit it is; every line their span feeds
    (``Location.span_shared_with``, lines of the finding's own file) must be the line of one of
    them. Owners may sit in several files (compose files sharing one ``.env`` value).
    """
    fixed = {(finding.location.file, finding.location.line) for finding in owners}
    shared = {
        (finding.location.file, line) for finding in owners for line in finding.location.span_shared_with
    }
    others = sorted(shared - fixed)
    if not others:
        return None
    source = next((finding.location.span_source for finding in owners if finding.location.span_source), None)
    if len({file for file, _ in fixed | shared}) == 1:
        lines = f"line{'s' if len(others) > 1 else ''} " + ", ".join(str(line) for _, line in others)
    else:
        lines = ", ".join(f"{file} line {line}" for file, line in others)
    return (
        f"{source or 'its text'} also feeds {lines}, which "
        f"{'have' if len(others) > 1 else 'has'} no fix to the same tag: rewriting it would change "
        f"{'those lines' if len(others) > 1 else 'that line'} too; change it by hand"
    )


def plan_edits(
    findings: Iterable[Finding],
    rules: Iterable[str] | None = None,
    *,
    read: Reader,
    hashes: HashLookup | None = None,
) -> Plan:
    """The edits that fix ``findings`` of the selected ``rules`` (default :data:`DEFAULT_RULES`).

    Files are read once each through ``read``; the old bytes of every span are taken from what it
    returns. Findings of other rules are ignored; selected findings that cannot be fixed, and
    findings whose edits overlap another finding's, are returned in :attr:`Plan.skipped` with the
    reason. ``hashes`` supplies the new ``--hash`` values of hashed requirements.
    """
    chosen = DEFAULT_RULES if rules is None else frozenset(rules)
    plan = Plan()
    unreadable: dict[str, FixError] = {}
    changes: dict[str, list[tuple[Finding, list[Edit]]]] = defaultdict(list)
    for finding in dict.fromkeys(findings):
        if finding.rule not in chosen:
            continue
        try:
            path = _target(finding)[0]  # before reading: a finding with nothing to write needs no file
            if path in unreadable:
                raise Unfixable(str(unreadable[path]), error=True)
            if path not in plan.originals:
                try:
                    plan.originals[path] = read(path)
                except OSError as exc:
                    error = FixError(path, f"cannot read it: {exc.strerror or exc}")
                    unreadable[path] = error
                    plan.errors.append(error)
                    raise Unfixable(str(error), error=True) from exc
            edits = edits_for(finding, plan.originals[path], hashes)
        except Unfixable as exc:
            plan.skipped.append(Skipped(finding, exc.reason, exc.error))
            continue
        if not edits:
            plan.skipped.append(Skipped(finding, f"the file already holds {finding.replacement!r}"))
            continue
        changes[path].append((finding, edits))
    for path, file_changes in changes.items():
        kept, skipped = _resolve(path, plan.originals[path], file_changes)
        plan.skipped.extend(skipped)
        if kept:
            plan.edits[path] = kept
    return plan


def apply_edits(raw: bytes, edits: Sequence[Edit]) -> bytes:
    """``raw`` with every edit spliced in, right to left so earlier offsets stay valid.

    Raises :class:`StaleFileError` naming the file and line when a span no longer holds the bytes
    the plan was made from (the file was edited since), and :class:`ValueError` for overlapping
    edits, which :func:`plan_edits` never returns.
    """
    ordered = sorted(edits, key=lambda edit: (edit.span.start, edit.span.end))
    for first, second in itertools.pairwise(ordered):
        if first.path == second.path and _conflicts(first, second):
            raise ValueError(f"{first.path}: overlapping edits at bytes {first.span} and {second.span}")
    for edit in ordered:
        found = raw[edit.span.start : edit.span.end]
        if edit.span.end > len(raw) or found != edit.old:
            raise StaleFileError(
                edit.path,
                f"changed since it was read: expected {_shown(edit.old)}, found {_shown(found)}; "
                "run depcheck again",
                line_at(raw, min(edit.span.start, len(raw))),
            )
    spliced = bytearray(raw)
    for edit in reversed(ordered):
        spliced[edit.span.start : edit.span.end] = edit.new
    return bytes(spliced)
