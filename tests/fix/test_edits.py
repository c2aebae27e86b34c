"""Planning and splicing edits: only the spans change, conflicts and stale files are refused."""

from __future__ import annotations

import pytest

from depcheck.errors import UsageError
from depcheck.fix.edits import (
    DEFAULT_RULES,
    Edit,
    apply_edits,
    plan_edits,
    select_rules,
)
from depcheck.fix.errors import StaleFileError
from depcheck.model import Dependency, Ecosystem, FileSpan, Finding, Location, Span, SpanRole
from depcheck.rules import RULES
from tests.fix.findings import finding_at, span_of

PATH = "requirements.txt"


def reader(files: dict[str, bytes]):
    def read(path: str) -> bytes:
        try:
            return files[path]
        except KeyError:
            raise FileNotFoundError(2, "No such file or directory", path) from None

    return read


def test_a_requirement_is_replaced_and_nothing_else():
    raw = b'# top\r\nhttpx[http2]>=0.27 ; python_version > "3.8"  # keep me\r\nrich==13.0.0\r\n'
    finding = finding_at(PATH, raw, "httpx[http2]>=0.27", "httpx[http2]==0.28.1")

    plan = plan_edits([finding], read=reader({PATH: raw}))
    [edit] = plan.edits[PATH]

    assert edit == Edit(PATH, Span(7, 25), b"httpx[http2]>=0.27", b"httpx[http2]==0.28.1", finding)
    assert apply_edits(raw, plan.edits[PATH]) == (
        b'# top\r\nhttpx[http2]==0.28.1 ; python_version > "3.8"  # keep me\r\nrich==13.0.0\r\n'
    )


def test_replacement_is_encoded_as_utf8_and_offsets_count_the_bom():
    raw = "\ufeff# café\nPkg>=1\n".encode()
    finding = finding_at(PATH, raw, "Pkg>=1", "Pkg==1.4 ")

    plan = plan_edits([finding], read=reader({PATH: raw}))

    assert plan.edits[PATH][0].span == Span(11, 17)
    assert apply_edits(raw, plan.edits[PATH]) == "\ufeff# café\nPkg==1.4 \n".encode()


def test_edits_are_spliced_right_to_left_so_length_changes_do_not_shift_later_ones():
    raw = b"a>=1\nbb>=2\nccc>=3\n"
    findings = [
        finding_at(PATH, raw, "a>=1", "a==1.0.0"),
        finding_at(PATH, raw, "bb>=2", "bb==2"),
        finding_at(PATH, raw, "ccc>=3", "ccc==3.10.2"),
    ]

    plan = plan_edits(findings, read=reader({PATH: raw}))

    assert apply_edits(raw, plan.edits[PATH]) == b"a==1.0.0\nbb==2\nccc==3.10.2\n"


def test_default_rules_leave_outdated_alone_and_upgrade_adds_it():
    raw = b"a==1.0\nb>=2\n"
    outdated = finding_at(PATH, raw, "a==1.0", "a==1.5", rule="outdated")
    ranged = finding_at(PATH, raw, "b>=2", "b==2.3")

    default = plan_edits([outdated, ranged], read=reader({PATH: raw}))
    upgrade = plan_edits([outdated, ranged], select_rules(upgrade=True), read=reader({PATH: raw}))

    assert [edit.new for edit in default.edits[PATH]] == [b"b==2.3"]
    assert default.skipped == []
    assert [edit.new for edit in upgrade.edits[PATH]] == [b"a==1.5", b"b==2.3"]


def test_select_rules():
    assert "outdated" not in DEFAULT_RULES
    assert select_rules(["ranged"]) == frozenset({"ranged"})
    assert select_rules(["ranged"], upgrade=True) == frozenset({"ranged", "outdated"})
    with pytest.raises(UsageError, match="no such rule rangd"):
        select_rules(["rangd"])
    with pytest.raises(UsageError, match="invalid findings have no replacement"):
        select_rules(["invalid"])


def test_identical_edits_from_two_findings_collapse_into_one():
    raw = b"pkg==1.0\n"
    yanked = finding_at(PATH, raw, "pkg==1.0", "pkg==1.1", rule="yanked")
    outdated = finding_at(PATH, raw, "pkg==1.0", "pkg==1.1", rule="outdated")

    plan = plan_edits([yanked, outdated], select_rules(upgrade=True), read=reader({PATH: raw}))

    [edit] = plan.edits[PATH]
    assert edit.findings == (yanked, outdated)
    assert plan.findings(PATH) == [yanked, outdated]
    assert apply_edits(raw, plan.edits[PATH]) == b"pkg==1.1\n"


def test_overlapping_edits_are_refused_for_both_findings_and_the_rest_still_applies():
    raw = b"pkg==1.0\nother>=2\n"
    yanked = finding_at(PATH, raw, "pkg==1.0", "pkg==1.1", rule="yanked")
    outdated = finding_at(PATH, raw, "pkg==1.0", "pkg==3.0", rule="outdated")
    other = finding_at(PATH, raw, "other>=2", "other==2.5")

    plan = plan_edits([yanked, outdated, other], select_rules(upgrade=True), read=reader({PATH: raw}))

    assert [edit.new for edit in plan.edits[PATH]] == [b"other==2.5"]
    assert [(skip.finding.rule, skip.error) for skip in plan.skipped] == [
        ("yanked", True),
        ("outdated", True),
    ]
    assert plan.skipped[0].reason == (
        "conflicts with the outdated fix at line 1: both rewrite the same text "
        "('pkg==1.0' -> 'pkg==3.0'); fix them one at a time"
    )


def test_partly_overlapping_spans_conflict_but_adjacent_ones_do_not():
    raw = b"FROM python:3.12-slim\n"
    whole = finding_at("Dockerfile", raw, "python:3.12-slim", "python:3.12.7-slim", rule="floating-tag")
    tag = finding_at("Dockerfile", raw, "3.12-slim", "3.12.8-slim", rule="floating-tag", role=SpanRole.TAG)
    conflicting = plan_edits([whole, tag], read=reader({"Dockerfile": raw}))
    assert conflicting.edits == {}
    assert len(conflicting.skipped) == 2

    image = finding_at("Dockerfile", raw, "python:", "docker.io/library/python:", rule="floating-tag")
    adjacent = plan_edits([image, tag], read=reader({"Dockerfile": raw}))
    assert adjacent.skipped == []
    assert apply_edits(raw, adjacent.edits["Dockerfile"]) == b"FROM docker.io/library/python:3.12.8-slim\n"


def test_two_different_insertions_at_one_point_conflict():
    raw = b"FROM python\n"
    first = finding_at("Dockerfile", raw, "python", ":3.12.7", rule="untagged-image")
    second = finding_at("Dockerfile", raw, "python", ":3.13.0", rule="untagged-image")
    first = _empty_span_at(first, 11)
    second = _empty_span_at(second, 11)

    plan = plan_edits([first, second], read=reader({"Dockerfile": raw}))

    assert plan.edits == {}
    assert len(plan.skipped) == 2


def _empty_span_at(finding, offset):
    from dataclasses import replace

    location = replace(finding.location, span=Span(offset, offset), span_role=SpanRole.TAG)
    dependency = replace(finding.dependency, text="", location=location)
    return replace(finding, location=location, dependency=dependency)


def test_unpinned_vcs_requirement_is_left_alone_and_reported():
    raw = b"mylib @ git+https://example.invalid/org/mylib.git\n"
    finding = finding_at(
        PATH,
        raw,
        "mylib @ git+https://example.invalid/org/mylib.git",
        None,
        rule="unpinned",
        url="git+https://example.invalid/org/mylib.git",
    )

    plan = plan_edits([finding], read=reader({}))

    assert plan.edits == {}
    assert plan.skipped[0].reason == (
        "left alone: VCS requirement without a ref; pin it to a full commit hash by hand"
    )
    assert plan.skipped[0].error is False


def test_vcs_requirement_on_a_branch_is_left_alone_and_says_which_ref():
    url = "git+https://example.invalid/org/mylib.git@main"
    raw = f"mylib @ {url}\n".encode()
    finding = finding_at(PATH, raw, f"mylib @ {url}", None, rule="unpinned", url=url)

    plan = plan_edits([finding], read=reader({PATH: raw}))

    assert plan.skipped[0].reason == (
        "left alone: VCS requirement on the moving ref 'main'; pin it to a full commit hash by hand"
    )


def test_a_finding_without_a_span_is_reported_not_guessed():
    raw = b"FROM python:${MAJOR}.${MINOR}\n"
    finding = finding_at(
        "Dockerfile", raw, "python:${MAJOR}.${MINOR}", "python:3.12.7", rule="floating-tag", with_span=False
    )

    plan = plan_edits([finding], read=reader({"Dockerfile": raw}))

    assert plan.edits == {}
    assert plan.skipped[0].reason == (
        "no single piece of the file holds its text (it is assembled from a variable and literal text, "
        "set by --build-arg, or escaped), so it cannot be rewritten in place; change it by hand"
    )


ARG_FED = b"ARG PY=3.12\nFROM python:${PY} AS a\nFROM python:${PY}-slim AS b\nARG PY\n"


def arg_fed(
    line: int,
    tag: str,
    suggestion: str,
    replacement: str | None,
    affixes: tuple[str, str] = ("", ""),
    shared_with: tuple[int, ...] = (),
) -> Finding:
    """A floating-tag finding about the FROM at ``line`` whose tag ARG PY's default feeds."""
    location = Location(
        "Dockerfile",
        line,
        6,
        span_of(ARG_FED, "3.12"),
        SpanRole.TAG,
        span_affixes=affixes,
        span_source="ARG PY",
        span_shared_with=shared_with,
    )
    dependency = Dependency(Ecosystem.DOCKER, "python", f"python:{tag}", location, tag=tag)
    return Finding.about(
        dependency,
        "floating-tag",
        RULES["floating-tag"].severity,
        "floating",
        suggestion=suggestion,
        replacement=replacement,
    )


def test_from_lines_sharing_an_arg_with_the_same_need_make_one_edit():
    plain = arg_fed(2, "3.12", "3.12.7", "3.12.7", shared_with=(3,))
    slim = arg_fed(3, "3.12-slim", "3.12.7-slim", "3.12.7", ("", "-slim"), shared_with=(2,))

    plan = plan_edits([plain, slim], read=reader({"Dockerfile": ARG_FED}))

    [edit] = plan.edits["Dockerfile"]
    assert edit.findings == (plain, slim)
    assert plan.skipped == []
    assert apply_edits(ARG_FED, [edit]).startswith(b"ARG PY=3.12.7\nFROM python:${PY} AS a\n")


def test_from_lines_sharing_an_arg_with_different_needs_are_both_refused_saying_so():
    plain = arg_fed(2, "3.12", "3.12.7", "3.12.7", shared_with=(3,))
    slim = arg_fed(3, "3.12-slim", "3.12.6-slim", "3.12.6", ("", "-slim"), shared_with=(2,))

    plan = plan_edits([plain, slim], read=reader({"Dockerfile": ARG_FED}))

    assert plan.edits == {}
    assert [(skip.reason, skip.error) for skip in plan.skipped] == [
        (
            "ARG PY feeds several FROM lines that need different tags: line 2 needs '3.12.7', "
            "line 3 needs '3.12.6'; change them by hand",
            True,
        ),
        (
            "ARG PY feeds several FROM lines that need different tags: line 3 needs '3.12.6', "
            "line 2 needs '3.12.7'; change them by hand",
            True,
        ),
    ]


def test_an_arg_that_also_feeds_lines_without_the_same_fix_is_left_alone():
    slim = arg_fed(3, "3.12-slim", "3.12.7-slim", "3.12.7", ("", "-slim"), shared_with=(2, 4))

    plan = plan_edits([slim], read=reader({"Dockerfile": ARG_FED}))

    assert plan.edits == {}
    assert [(skip.reason, skip.error) for skip in plan.skipped] == [
        (
            "ARG PY also feeds lines 2, 4, which have no fix to the same tag: rewriting it would change "
            "those lines too; change it by hand",
            False,
        )
    ]


def test_a_suggestion_that_changes_the_literal_part_of_the_tag_says_why_it_is_left_alone():
    slim = arg_fed(3, "3.12-slim", "3.12.7-alpine", None, ("", "-slim"))

    plan = plan_edits([slim], read=reader({"Dockerfile": ARG_FED}))

    assert plan.edits == {}
    assert [(skip.reason, skip.error) for skip in plan.skipped] == [
        (
            "the tag is assembled from ARG PY and literal text that would have to change "
            "(3.12.7-alpine does not read ...-slim); change it by hand",
            False,
        )
    ]


def test_a_file_already_holding_the_replacement_needs_no_edit():
    raw = b"pkg==1.1\n"
    finding = finding_at(PATH, raw, "pkg==1.1", "pkg==1.1", rule="yanked")

    plan = plan_edits([finding], read=reader({PATH: raw}))

    assert plan.edits == {}
    assert plan.skipped[0].reason == "the file already holds 'pkg==1.1'"
    assert plan.skipped[0].error is False


def test_a_file_edited_between_audit_and_plan_is_noticed():
    audited = b"pkg>=1\n"
    finding = finding_at(PATH, audited, "pkg>=1", "pkg==1.4")

    plan = plan_edits([finding], read=reader({PATH: b"pkg>=2\n"}))

    assert plan.edits == {}
    assert plan.skipped[0].reason == (
        "requirements.txt changed since it was read: line 1 no longer holds 'pkg>=1' (found 'pkg>=2')"
    )
    assert plan.skipped[0].error is True


def test_a_file_that_cannot_be_read_is_an_error_for_each_of_its_findings():
    raw = b"a>=1\nb>=2\n"
    findings = [finding_at(PATH, raw, "a>=1", "a==1.1"), finding_at(PATH, raw, "b>=2", "b==2.1")]

    plan = plan_edits(findings, read=reader({}))

    assert [str(error) for error in plan.errors] == [
        "requirements.txt: cannot read it: No such file or directory"
    ]
    assert [skip.reason for skip in plan.skipped] == [
        "requirements.txt: cannot read it: No such file or directory"
    ] * 2


def test_apply_refuses_a_span_that_no_longer_holds_the_old_bytes():
    raw = b"first\npkg>=1\n"
    plan = plan_edits([finding_at(PATH, raw, "pkg>=1", "pkg==1.4")], read=reader({PATH: raw}))

    with pytest.raises(StaleFileError) as caught:
        apply_edits(b"first\npkg>=2\n", plan.edits[PATH])

    assert str(caught.value) == (
        "requirements.txt:2: changed since it was read: expected 'pkg>=1', found 'pkg>=2'; run depcheck again"
    )
    assert caught.value.line == 2


def test_applying_the_same_plan_to_its_own_output_is_refused_as_stale():
    raw = b"pkg>=1\nother\n"
    plan = plan_edits([finding_at(PATH, raw, "pkg>=1", "pkg==1.4")], read=reader({PATH: raw}))
    fixed = apply_edits(raw, plan.edits[PATH])

    with pytest.raises(StaleFileError):
        apply_edits(fixed, plan.edits[PATH])


def test_a_second_plan_over_the_fixed_file_changes_nothing():
    raw = b"pkg>=1\nother>=2\n"
    findings = [finding_at(PATH, raw, "pkg>=1", "pkg==1.4"), finding_at(PATH, raw, "other>=2", "other==2.0")]
    fixed = apply_edits(raw, plan_edits(findings, read=reader({PATH: raw})).edits[PATH])
    # The audit of the fixed file would find these exact pins; the rules raise nothing fixable, and
    # a replacement equal to the text (the worst a rule could do) plans no edit.
    again = [
        finding_at(PATH, fixed, "pkg==1.4", "pkg==1.4"),
        finding_at(PATH, fixed, "other==2.0", "other==2.0"),
    ]

    plan = plan_edits(again, read=reader({PATH: fixed}))

    assert fixed == b"pkg==1.4\nother==2.0\n"
    assert plan.edits == {}


def test_apply_refuses_a_span_past_the_end_of_a_shortened_file():
    raw = b"first\npkg>=1\n"
    plan = plan_edits([finding_at(PATH, raw, "pkg>=1", "pkg==1.4")], read=reader({PATH: raw}))

    with pytest.raises(StaleFileError, match=r"requirements\.txt:1: changed since it was read"):
        apply_edits(b"first", plan.edits[PATH])


# --- a tag set in .env ----------------------------------------------------------------------------

ENV = b"# images\nTAG=1.4  # release\nPY=3.12\n"


def env_fed(
    file: str,
    line: int,
    suggestion: str,
    replacement: str | None,
    *,
    value: str = "1.4",
    source: str = "TAG in .env",
    shared_with: tuple[int, ...] = (),
    affixes: tuple[str, str] = ("", ""),
) -> Finding:
    """A floating-tag finding about the compose image at ``file:line`` whose tag ``.env`` sets."""
    location = Location(
        file,
        line,
        12,
        None,
        SpanRole.TAG,
        span_affixes=affixes,
        span_source=source,
        span_shared_with=shared_with,
        span_elsewhere=FileSpan(".env", span_of(ENV, value)),
    )
    dependency = Dependency(Ecosystem.DOCKER, "myorg/api", f"myorg/api:{value}", location, tag=value)
    return Finding.about(
        dependency,
        "floating-tag",
        RULES["floating-tag"].severity,
        "floating",
        suggestion=suggestion,
        replacement=replacement,
    )


def test_a_tag_set_in_env_is_rewritten_in_env_and_the_compose_file_is_not_read() -> None:
    finding = env_fed("compose.yml", 3, "1.4.2", "1.4.2")

    plan = plan_edits([finding], read=reader({".env": ENV}))

    assert list(plan.edits) == [".env"]
    [edit] = plan.edits[".env"]
    assert (edit.old, edit.new, edit.finding) == (b"1.4", b"1.4.2", finding)
    assert apply_edits(ENV, [edit]) == b"# images\nTAG=1.4.2  # release\nPY=3.12\n"
    assert list(plan.originals) == [".env"]


def test_images_of_several_compose_files_sharing_a_value_with_the_same_need_make_one_edit() -> None:
    api = env_fed("compose.yml", 3, "1.4.2", "1.4.2", shared_with=(5,))
    worker = env_fed("compose.yml", 5, "1.4.2", "1.4.2", shared_with=(3,))
    prod = env_fed("compose.prod.yml", 3, "1.4.2", "1.4.2")

    plan = plan_edits([api, worker, prod], read=reader({".env": ENV}))

    [edit] = plan.edits[".env"]
    assert edit.findings == (api, worker, prod)
    assert plan.skipped == []


def test_images_sharing_a_value_with_different_needs_are_both_refused_naming_their_files() -> None:
    api = env_fed("compose.yml", 3, "1.4.2", "1.4.2")
    prod = env_fed("compose.prod.yml", 7, "1.4.1", "1.4.1")

    plan = plan_edits([api, prod], read=reader({".env": ENV}))

    assert plan.edits == {}
    assert [(skip.reason, skip.error) for skip in plan.skipped] == [
        (
            "TAG in .env feeds several images that need different tags: compose.yml line 3 needs "
            "'1.4.2', compose.prod.yml line 7 needs '1.4.1'; change them by hand",
            True,
        ),
        (
            "TAG in .env feeds several images that need different tags: compose.prod.yml line 7 needs "
            "'1.4.1', compose.yml line 3 needs '1.4.2'; change them by hand",
            True,
        ),
    ]


def test_a_value_the_compose_file_also_uses_elsewhere_is_left_alone() -> None:
    api = env_fed("compose.yml", 3, "1.4.2", "1.4.2", shared_with=(5, 9))
    worker = env_fed("compose.yml", 5, "1.4.2", "1.4.2", shared_with=(3, 9))
    prod = env_fed("compose.prod.yml", 2, "1.4.2", "1.4.2", shared_with=(4,))

    alone = plan_edits([api, worker], read=reader({".env": ENV}))
    across = plan_edits([api, worker, prod], read=reader({".env": ENV}))

    assert alone.edits == across.edits == {}
    assert [(skip.reason, skip.error) for skip in alone.skipped] == [
        (
            "TAG in .env also feeds line 9, which has no fix to the same tag: rewriting it would change "
            "that line too; change it by hand",
            False,
        )
    ] * 2
    assert {skip.reason for skip in across.skipped} == {
        "TAG in .env also feeds compose.prod.yml line 4, compose.yml line 9, which have no fix to the "
        "same tag: rewriting it would change those lines too; change it by hand"
    }


def test_an_env_value_that_cannot_hold_the_suggested_tag_says_why() -> None:
    finding = env_fed(
        "compose.yml", 3, "3.12.7-alpine", None, value="3.12", source="PY in .env", affixes=("", "-slim")
    )

    plan = plan_edits([finding], read=reader({".env": ENV}))

    assert plan.edits == {}
    assert [(skip.reason, skip.error) for skip in plan.skipped] == [
        (
            "the tag is assembled from PY in .env and literal text that would have to change "
            "(3.12.7-alpine does not read ...-slim); change it by hand",
            False,
        )
    ]
