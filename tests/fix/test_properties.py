"""Property tests: a fix changes the replaced spans and not one other byte.

Two levels. On synthetic spans, any set of non-overlapping edits over any bytes leaves every byte
outside them where the offset mapping says it must be. On requirements files built from pieces
(names, extras, specifiers, markers, comments, CRLF or LF, a BOM, blank and option lines,
requirements continued over lines, inline and continued ``--hash`` options) and parsed by the real
parser, fixing every pin keeps every byte outside the replaced spans, and parsing the result
again finds each new exact pin, with its new hashes, at the place the offset mapping predicts,
with nothing left for the registry-free rules to flag.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from depcheck.fix.edits import Edit, apply_edits, plan_edits, select_rules
from depcheck.model import Dependency, Finding, Span
from depcheck.rules import RULES, check_static, exact_version
from depcheck.sources.document import Document
from depcheck.sources.interface import MemoryFileReader, ParseContext
from depcheck.sources.requirements import RequirementsSource

PATH = "requirements.txt"


def unchanged_outside(raw: bytes, fixed: bytes, edits: list[Edit]) -> None:
    """Assert that ``fixed`` is ``raw`` with each edit's span replaced, by walking the offsets."""
    shift = 0
    previous_end = 0
    for edit in sorted(edits, key=lambda edit: edit.span.start):
        gap = raw[previous_end : edit.span.start]
        assert fixed[previous_end + shift : edit.span.start + shift] == gap
        start = edit.span.start + shift
        assert fixed[start : start + len(edit.new)] == edit.new
        shift += len(edit.new) - (edit.span.end - edit.span.start)
        previous_end = edit.span.end
    assert fixed[previous_end + shift :] == raw[previous_end:]
    assert len(fixed) == len(raw) + shift


def shifted(offset: int, edits: list[Edit]) -> int:
    """Where byte ``offset`` of the original (not inside an edit) lands in the fixed file."""
    return offset + sum(
        len(edit.new) - (edit.span.end - edit.span.start) for edit in edits if edit.span.end <= offset
    )


# --- synthetic spans ------------------------------------------------------------------------------


@st.composite
def spliced(draw):
    raw = draw(st.binary(max_size=200))
    cuts = sorted(draw(st.lists(st.integers(0, len(raw)), max_size=12)))
    edits = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if edits and edits[-1].span.end == start == end:
            continue  # two insertions at one point conflict by design
        new = draw(st.binary(max_size=12))
        edits.append(Edit(PATH, Span(start, end), raw[start:end], new, finding=None))  # type: ignore[arg-type]
    return raw, edits


@given(spliced())
def test_bytes_outside_the_spans_never_change(case):
    raw, edits = case

    fixed = apply_edits(raw, edits)

    unchanged_outside(raw, fixed, edits)


# --- requirements files built from pieces --------------------------------------------------------

NAMES = ["Django", "requests", "zope.interface", "typing_extensions", "PyYAML", "a", "x-y"]
SPECIFIERS = ["", "==1.0", ">=1.2", "~=2.31", ">= 1.0 , < 2", "==1.*", "===1.0", " >=0.1"]
MARKERS = ["", ' ; python_version >= "3.9"', "; sys_platform == 'linux'", " ;python_version<'4'"]
COMMENTS = ["", "  # a comment", " # via -r requirements.in"]
VERSIONS = ["1.0.0", "2.32.3", "0.28.1", "1.2"]


def sha256s(name: str, version: str) -> list[str]:
    seed = f"{name}-{version}"
    count = int(hashlib.sha256(seed.encode()).hexdigest(), 16) % 3 + 1
    return [hashlib.sha256(f"{seed}-{index}".encode()).hexdigest() for index in range(count)]


@dataclass(frozen=True)
class Line:
    text: str
    requirement: str | None = None  # the name and extras as written, for requirement lines
    version: str | None = None
    hashed: bool = False


@st.composite
def requirement_lines(draw, eol: str) -> Line:
    name = draw(st.sampled_from(NAMES))
    extras = draw(st.sampled_from(["", "[socks]", "[http2,brotli]"]))
    specifier = draw(st.sampled_from(SPECIFIERS))
    marker = draw(st.sampled_from(MARKERS))
    comment = draw(st.sampled_from(COMMENTS))
    layout = draw(st.sampled_from(["plain", "continued", "inline-hashes", "continued-hashes"]))
    version = draw(st.sampled_from(VERSIONS))
    old_hashes = [f"--hash=sha256:{digest}" for digest in sha256s(name, "0.0.1" + specifier)]
    if layout == "continued" and specifier.strip():
        text = f"{name}{extras} \\{eol}    {specifier.strip()}{marker}{comment}"
    elif layout == "inline-hashes":
        text = f"{name}{extras}{specifier}{marker} " + "  ".join(old_hashes) + comment
    elif layout == "continued-hashes":
        indent = draw(st.sampled_from(["    ", "  ", " "]))  # pip splits options on spaces only
        text = (
            f"{name}{extras}{specifier}{marker} \\{eol}{indent}"
            + f" \\{eol}{indent}".join(old_hashes)
            + comment
        )
    else:
        text = f"{name}{extras}{specifier}{marker}{comment}"
    return Line(text, f"{name}{extras}", version, hashed=layout.endswith("hashes"))


OTHER_LINES = st.sampled_from(
    [
        Line(""),
        Line("# a comment line"),
        Line("--index-url https://index.example/simple"),
        Line("   # indented comment"),
        Line("-e ./local/path"),
    ]
)


@st.composite
def requirements_files(draw) -> tuple[bytes, list[Line]]:
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    lines = draw(st.lists(st.one_of(requirement_lines(eol), OTHER_LINES), min_size=1, max_size=12))
    text = eol.join(line.text for line in lines)
    if draw(st.booleans()):
        text += eol
    raw = text.encode()
    if draw(st.booleans()):
        raw = b"\xef\xbb\xbf" + raw
    return raw, [line for line in lines if line.requirement is not None]


def parse(raw: bytes) -> list[Dependency]:
    context = ParseContext(reader=MemoryFileReader({PATH: raw}))
    result = RequirementsSource().parse(Document.from_bytes(PATH, raw), PurePosixPath(PATH), context)
    assert not [finding for finding in result.findings if finding.rule == "invalid"], result.findings
    return [dependency for dependency in result.dependencies if not dependency.editable]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requirements_files())
def test_fixing_a_requirements_file_changes_only_the_pins_and_reads_back(case):
    raw, lines = case
    dependencies = parse(raw)
    assert len(dependencies) == len(lines)
    findings = [
        Finding.about(
            dependency,
            "ranged",
            RULES["ranged"].severity,
            "pin it",
            replacement=f"{line.requirement}=={line.version}",
        )
        for dependency, line in zip(dependencies, lines, strict=True)
    ]
    hashes = {dependency.name: {} for dependency in dependencies}
    for dependency, line in zip(dependencies, lines, strict=True):
        assert line.version is not None
        hashes[dependency.name][line.version] = sha256s(dependency.name, line.version)

    plan = plan_edits(
        findings, select_rules(), read=lambda path: raw, hashes=lambda dependency: hashes[dependency.name]
    )
    assert plan.skipped == [skip for skip in plan.skipped if "already holds" in skip.reason]
    edits = plan.edits.get(PATH, [])
    fixed = apply_edits(raw, edits)

    unchanged_outside(raw, fixed, edits)
    fixed_dependencies = parse(fixed)
    assert len(fixed_dependencies) == len(dependencies)
    for before, after, line in zip(dependencies, fixed_dependencies, lines, strict=True):
        assert before.location.span is not None
        assert after.location.span is not None
        assert after.location.span.start == shifted(before.location.span.start, edits)
        assert after.text == f"{line.requirement}=={line.version}"
        assert exact_version(after.specifier) == line.version
        assert after.marker == before.marker
        assert after.extras == before.extras
        if line.hashed:
            assert after.hashes == tuple(
                f"sha256:{digest}" for digest in sorted(sha256s(after.name, line.version))
            )
        assert check_static(after) == []
