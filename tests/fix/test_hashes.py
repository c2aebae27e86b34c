"""Hashed requirements: the ``--hash`` options move with the version, in the file's own layout."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from depcheck.fix.edits import apply_edits, plan_edits
from depcheck.fix.hashes import (
    HashLayoutError,
    HashOptions,
    find_hash_options,
    hashes_for,
    lookup_from_facts,
    release_hashes,
)
from depcheck.model import Span
from depcheck.registries.interface import ProjectFacts, Release, ReleaseFile
from tests.fix.findings import finding_at

PATH = "requirements.txt"
A, B, C, D, E = ("a" * 64, "b" * 64, "c" * 64, "d" * 64, "e" * 64)


def hashed(raw: bytes, text: str, replacement: str, hashes: tuple[str, ...], rule: str = "yanked"):
    return finding_at(
        PATH, raw, text, replacement, rule=rule, name=text.partition("=")[0].lower(), hashes=hashes
    )


def fix(raw: bytes, findings, by_version):
    plan = plan_edits(findings, read=lambda path: raw, hashes=lambda dependency: by_version)
    return plan, apply_edits(raw, plan.edits.get(PATH, []))


def test_pip_compile_layout_keeps_one_hash_per_continuation_line():
    raw = (
        b"django==4.2.1 \\\n"
        b"    --hash=sha256:" + A.encode() + b" \\\n"
        b"    --hash=sha256:" + B.encode() + b"\n"
        b"    # via -r requirements.in\n"
        b"sqlparse==0.4.4 \\\n"
        b"    --hash=sha256:" + C.encode() + b"\n"
    )
    finding = hashed(raw, "django==4.2.1", "django==4.2.2", (f"sha256:{A}", f"sha256:{B}"))

    plan, fixed = fix(raw, [finding], {"4.2.2": [E, D, C]})

    assert plan.skipped == []
    assert fixed == (
        b"django==4.2.2 \\\n"
        b"    --hash=sha256:" + C.encode() + b" \\\n"
        b"    --hash=sha256:" + D.encode() + b" \\\n"
        b"    --hash=sha256:" + E.encode() + b"\n"
        b"    # via -r requirements.in\n"
        b"sqlparse==0.4.4 \\\n"
        b"    --hash=sha256:" + C.encode() + b"\n"
    )


def test_crlf_continuations_keep_their_crlf():
    raw = b"pkg==1.0 ; python_version >= '3.9' \\\r\n\t--hash=sha256:" + A.encode() + b"\r\nnext==1\r\n"
    finding = hashed(raw, "pkg==1.0", "pkg==1.1", (f"sha256:{A}",))

    _, fixed = fix(raw, [finding], {"1.1": [C, B]})

    assert fixed == (
        b"pkg==1.1 ; python_version >= '3.9' \\\r\n"
        b"\t--hash=sha256:" + B.encode() + b" \\\r\n"
        b"\t--hash=sha256:" + C.encode() + b"\r\n"
        b"next==1\r\n"
    )


def test_inline_hashes_stay_inline_with_their_spacing():
    raw = b"pytest==3.2.3 --hash=sha256:" + A.encode() + b"  --hash=sha256:" + B.encode() + b"  # tests\n"
    finding = hashed(raw, "pytest==3.2.3", "pytest==3.2.5", (f"sha256:{A}", f"sha256:{B}"))

    _, fixed = fix(raw, [finding], {"3.2.5": [D, C, E]})

    assert fixed == (
        b"pytest==3.2.5 --hash=sha256:"
        + C.encode()
        + b"  --hash=sha256:"
        + D.encode()
        + b"  --hash=sha256:"
        + E.encode()
        + b"  # tests\n"
    )


def test_a_single_inline_hash_with_the_space_spelling():
    raw = b"pkg==1.0 --hash sha256:" + A.encode()
    finding = hashed(raw, "pkg==1.0", "pkg==2.0", (f"sha256:{A}",))

    _, fixed = fix(raw, [finding], {"2.0": [B, C]})

    assert fixed == b"pkg==2.0 --hash sha256:" + B.encode() + b" --hash sha256:" + C.encode()


def test_other_algorithms_are_replaced_by_sha256():
    raw = b"pkg==1.0 \\\n  --hash=sha512:" + b"f" * 128 + b"\n"
    finding = hashed(raw, "pkg==1.0", "pkg==1.1", ("sha512:" + "f" * 128,))

    _, fixed = fix(raw, [finding], {"1.1": [A]})

    assert fixed == b"pkg==1.1 \\\n  --hash=sha256:" + A.encode() + b"\n"


def test_the_version_is_matched_as_a_pep440_version():
    assert hashes_for("2.0", {"2.0.0": [A.upper()]}) == (A,)
    assert hashes_for("2.0", {"2.1": [A]}) is None
    with pytest.raises(HashLayoutError, match="is not a sha256 hash"):
        hashes_for("2.0", {"2.0": ["abc"]})


def test_missing_hashes_leave_the_requirement_alone_with_an_error():
    raw = b"pkg==1.0 --hash=sha256:" + A.encode() + b"\n"
    finding = hashed(raw, "pkg==1.0", "pkg==1.1", (f"sha256:{A}",))

    not_looked_up = plan_edits([finding], read=lambda path: raw)
    unknown_version = plan_edits([finding], read=lambda path: raw, hashes=lambda dependency: {"1.0": [A]})

    assert not_looked_up.edits == {}
    assert not_looked_up.skipped[0].reason == (
        "its --hash options need the hashes of pkg 1.1, which were not looked up"
    )
    assert not_looked_up.skipped[0].error is True
    assert unknown_version.skipped[0].reason == "the index lists no complete set of sha256 hashes for pkg 1.1"


def test_hashes_with_another_option_between_them_are_not_rewritten():
    raw = (
        b"pkg==1.0 --hash=sha256:"
        + A.encode()
        + b" --config-settings=x=y --hash=sha256:"
        + B.encode()
        + b"\n"
    )
    finding = hashed(raw, "pkg==1.0", "pkg==1.1", (f"sha256:{A}", f"sha256:{B}"))

    plan, _ = fix(raw, [finding], {"1.1": [C]})

    assert plan.edits == {}
    assert plan.skipped[0].reason == (
        "cannot rewrite its hashes: other text stands between its --hash options: --config-settings=x=y"
    )


def test_a_comment_line_ends_the_logical_line():
    raw = (
        b"pkg==1.0 \\\n  --hash=sha256:"
        + A.encode()
        + b" \\\n# a comment\n  --hash=sha256:"
        + B.encode()
        + b"\n"
    )

    options = find_hash_options(raw, len(b"pkg==1.0"))

    assert options == HashOptions(
        span=Span(13, 13 + len(b"--hash=sha256:") + 64),
        values=(f"sha256:{A}",),
        spelling=b"--hash=",
        separator=b" \\\n  ",
    )


def test_hashes_behind_a_comment_are_not_options():
    raw = b"pkg==1.0  # --hash=sha256:" + A.encode() + b"\n"

    assert find_hash_options(raw, len(b"pkg==1.0")) is None


def test_the_same_hashes_plan_only_the_version_edit():
    raw = b"pkg==1.0 --hash=sha256:" + A.encode() + b"\n"
    finding = hashed(raw, "pkg==1.0", "pkg===1.0", (f"sha256:{A}",))

    plan, fixed = fix(raw, [finding], {"1.0": [A]})

    assert [edit.new for edit in plan.edits[PATH]] == [b"pkg===1.0"]
    assert fixed == b"pkg===1.0 --hash=sha256:" + A.encode() + b"\n"


def test_release_hashes_from_registry_facts_leave_out_incomplete_releases():
    when = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    facts = ProjectFacts(
        name="pkg",
        found=True,
        releases={
            "1.0": Release(
                "1.0",
                (
                    ReleaseFile("pkg-1.0.tar.gz", B, upload_time=when),
                    ReleaseFile("pkg-1.0-py3-none-any.whl", A),
                ),
            ),
            "1.1": Release(
                "1.1", (ReleaseFile("pkg-1.1.tar.gz", C), ReleaseFile("pkg-1.1-py3-none-any.whl", None))
            ),
        },
    )

    assert release_hashes(facts) == {"1.0": (A, B)}
    raw = b"pkg==0.9 --hash=sha256:" + E.encode() + b"\n"
    finding = hashed(raw, "pkg==0.9", "pkg==1.0", (f"sha256:{E}",))
    other = hashed(b"pkg==0.8 --hash=sha256:" + E.encode() + b"\n", "pkg==0.8", "pkg==1.0", (f"sha256:{E}",))
    lookup = lookup_from_facts({finding.dependency: facts})
    assert lookup(finding.dependency) == {"1.0": (A, B)}
    # Another requirement of the project was not looked up: no answer, rather than this one's.
    assert lookup(other.dependency) is None


def test_facts_read_without_files_are_refused_rather_than_read_as_hashless():
    facts = ProjectFacts(name="demo", found=True, releases={"1.0": Release(version="1.0")}, files_read=False)
    with pytest.raises(ValueError, match=r"demo: the index was read without files"):
        release_hashes(facts)


def test_files_on_this_machine_are_hashed_from_the_disk_and_only_when_asked(tmp_path: Path):
    """pip hashes a find-links file that carries no #sha256= itself; so does the fix, reading only
    the version it moves to (a wheelhouse may hold gigabytes no fix needs)."""
    wheel = tmp_path / "pkg-1.1-py3-none-any.whl"
    wheel.write_bytes(b"the 1.1 wheel")
    gone = tmp_path / "pkg-1.0-py3-none-any.whl"  # listed, then deleted: never read below
    facts = ProjectFacts(
        name="pkg",
        found=True,
        releases={
            "1.0": Release("1.0", (ReleaseFile(gone.name, local_url=gone.as_uri()),)),
            "1.1": Release(
                "1.1",
                (ReleaseFile(wheel.name, local_url=wheel.as_uri()), ReleaseFile("pkg-1.1.tar.gz", C)),
            ),
            "1.2": Release("1.2", (ReleaseFile("pkg-1.2.tar.gz", None),)),  # a remote file, no hash
        },
    )

    hashes = release_hashes(facts)

    assert sorted(hashes) == ["1.0", "1.1"]
    assert hashes_for("1.1.0", hashes) == tuple(sorted((hashlib.sha256(b"the 1.1 wheel").hexdigest(), C)))
    with pytest.raises(HashLayoutError, match=r"cannot hash file://.*pkg-1.0-py3-none-any.whl: No such file"):
        hashes_for("1.0", hashes)
