"""fix_files end to end on real files: diffs, writes, skips and errors a user would see."""

from __future__ import annotations

import os

import pytest

from depcheck.fix import FixResult, fix_files, hashed_dependencies, select_rules
from depcheck.model import SpanRole
from tests.fix.findings import finding_at

REQUIREMENTS = b"\xef\xbb\xbf# pinned by hand\r\nhttpx>=0.27  # client\r\nmylib @ git+https://example.invalid/o/mylib.git\r\nrich==13.0.0"
DOCKERFILE = b"ARG PY=3.12\nFROM python:${PY}-slim AS base\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "requirements.txt").write_bytes(REQUIREMENTS)
    (tmp_path / "Dockerfile").write_bytes(DOCKERFILE)
    return tmp_path


def findings():
    return [
        finding_at("requirements.txt", REQUIREMENTS, "httpx>=0.27", "httpx==0.28.1", name="httpx"),
        finding_at(
            "requirements.txt",
            REQUIREMENTS,
            "mylib @ git+https://example.invalid/o/mylib.git",
            None,
            rule="unpinned",
            url="git+https://example.invalid/o/mylib.git",
        ),
        finding_at("requirements.txt", REQUIREMENTS, "rich==13.0.0", "rich==13.9.4", rule="outdated"),
        finding_at("Dockerfile", DOCKERFILE, "3.12", "3.12.7", rule="floating-tag", role=SpanRole.TAG),
    ]


def test_dry_run_reports_the_diff_and_writes_nothing(project):
    result = fix_files(findings(), dry_run=True)

    assert result.changed_files == ("Dockerfile", "requirements.txt")
    assert result.diff == (
        "--- a/Dockerfile\n"
        "+++ b/Dockerfile\n"
        "@@ -1,2 +1,2 @@\n"
        "-ARG PY=3.12\n"
        "+ARG PY=3.12.7\n"
        " FROM python:${PY}-slim AS base\n"
        "--- a/requirements.txt\n"
        "+++ b/requirements.txt\n"
        "@@ -1,4 +1,4 @@\n"
        " \ufeff# pinned by hand\r\n"
        "-httpx>=0.27  # client\r\n"
        "+httpx==0.28.1  # client\r\n"
        " mylib @ git+https://example.invalid/o/mylib.git\r\n"
        " rich==13.0.0\n"
        "\\ No newline at end of file\n"
    )
    assert [finding.name for finding in result.applied] == ["pkg", "httpx"]
    assert [(skip.finding.rule, skip.reason) for skip in result.skipped] == [
        ("unpinned", "left alone: VCS requirement without a ref; pin it to a full commit hash by hand")
    ]
    assert result.dry_run
    assert not result.failed
    assert (project / "requirements.txt").read_bytes() == REQUIREMENTS
    assert (project / "Dockerfile").read_bytes() == DOCKERFILE


def test_fix_writes_only_the_versions_keeping_bom_crlf_and_missing_final_newline(project):
    (project / "requirements.txt").chmod(0o600)

    result = fix_files(findings(), rules=select_rules(upgrade=True))

    assert result.changed_files == ("Dockerfile", "requirements.txt")
    assert (project / "requirements.txt").read_bytes() == (
        b"\xef\xbb\xbf# pinned by hand\r\nhttpx==0.28.1  # client\r\n"
        b"mylib @ git+https://example.invalid/o/mylib.git\r\nrich==13.9.4"
    )
    assert (project / "Dockerfile").read_bytes() == b"ARG PY=3.12.7\nFROM python:${PY}-slim AS base\n"
    assert os.stat(project / "requirements.txt").st_mode & 0o777 == 0o600
    assert sorted(path.name for path in project.iterdir()) == ["Dockerfile", "requirements.txt"]


def test_a_second_run_over_the_fixed_files_changes_nothing(project):
    fix_files(findings())
    fixed = (project / "requirements.txt").read_bytes()
    again = [
        finding_at("requirements.txt", fixed, "httpx==0.28.1", "httpx==0.28.1", rule="yanked", name="httpx"),
    ]

    result = fix_files(again)

    assert result.changed_files == ()
    assert result.diff == ""
    assert (project / "requirements.txt").read_bytes() == fixed


def test_a_read_only_file_is_an_error_and_the_other_files_are_still_fixed(project):
    (project / "Dockerfile").chmod(0o444)

    result = fix_files(findings())

    assert result.changed_files == ("requirements.txt",)
    assert [str(error) for error in result.errors] == [
        "Dockerfile: read-only file: no write permission, so it was left unchanged"
    ]
    assert result.failed
    assert [(skip.finding.rule, skip.error) for skip in result.skipped][-1] == ("floating-tag", True)
    assert (project / "Dockerfile").read_bytes() == DOCKERFILE


def test_a_file_edited_after_the_plan_is_left_alone(project):
    reads = {"count": 0}

    def read(path: str) -> bytes:
        data = (project / path).read_bytes()
        if path == "requirements.txt":
            reads["count"] += 1
            if reads["count"] == 2:  # someone saves the file between plan and write
                return data.replace(b"httpx>=0.27", b"httpx>=0.26")
        return data

    result = fix_files(findings(), read=read)

    assert result.changed_files == ("Dockerfile",)
    assert [str(error) for error in result.errors] == [
        "requirements.txt:2: changed since it was read: expected 'httpx>=0.27', found 'httpx>=0.26'; "
        "run depcheck again"
    ]
    assert (project / "requirements.txt").read_bytes() == REQUIREMENTS


def test_a_broken_toml_splice_is_not_written(project):
    raw = b'[project]\ndependencies = ["pkg>=1"]\n'
    (project / "pyproject.toml").write_bytes(raw)
    bad = finding_at("pyproject.toml", raw, "pkg>=1", 'pkg==1.2"')

    result = fix_files([bad])

    assert result.changed_files == ()
    assert str(result.errors[0]).startswith("pyproject.toml: would not be valid TOML after the fix")
    assert (project / "pyproject.toml").read_bytes() == raw


def test_every_selected_finding_is_applied_or_skipped(project):
    result = fix_files(findings(), dry_run=True)

    selected = [finding for finding in findings() if finding.rule != "outdated"]
    assert {*result.applied, *(skip.finding for skip in result.skipped)} == set(selected)


def test_hashed_dependencies_lists_what_needs_a_lookup():
    raw = b"a==1 --hash=sha256:" + b"a" * 64 + b"\nb>=2\n"
    hashed = finding_at(
        "r.txt", raw, "a==1", "a==1.1", rule="yanked", name="a", hashes=("sha256:" + "a" * 64,)
    )
    plain = finding_at("r.txt", raw, "b>=2", "b==2.1", name="b")

    assert hashed_dependencies([hashed, plain, hashed]) == [hashed.dependency]


def test_an_empty_result():
    assert FixResult().diff == ""
    assert not FixResult().failed
