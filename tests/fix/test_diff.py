"""The --dry-run diff: a/ and b/ prefixes, CRLF kept, the missing final newline marked."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from depcheck.fix.diff import unified_diff


def test_a_plain_diff():
    old = b"a==1\nb>=2\nc==3\n"
    new = b"a==1\nb==2.5\nc==3\n"

    assert unified_diff("backend/requirements.txt", old, new) == (
        "--- a/backend/requirements.txt\n"
        "+++ b/backend/requirements.txt\n"
        "@@ -1,3 +1,3 @@\n"
        " a==1\n"
        "-b>=2\n"
        "+b==2.5\n"
        " c==3\n"
    )


def test_no_change_is_no_diff():
    assert unified_diff("x", b"same\n", b"same\n") == ""


def test_crlf_lines_keep_their_carriage_return():
    old = b"a==1\r\nb>=2\r\n"
    new = b"a==1\r\nb==2.5\r\n"

    assert unified_diff("requirements.txt", old, new) == (
        "--- a/requirements.txt\n+++ b/requirements.txt\n@@ -1,2 +1,2 @@\n a==1\r\n-b>=2\r\n+b==2.5\r\n"
    )


def test_a_missing_final_newline_is_marked():
    old = b"FROM python:3.12\nRUN true"
    new = b"FROM python:3.12.7\nRUN true"

    assert unified_diff("Dockerfile", old, new) == (
        "--- a/Dockerfile\n"
        "+++ b/Dockerfile\n"
        "@@ -1,2 +1,2 @@\n"
        "-FROM python:3.12\n"
        "+FROM python:3.12.7\n"
        " RUN true\n"
        "\\ No newline at end of file\n"
    )


def test_a_changed_last_line_without_newline_is_marked_on_both_sides():
    assert unified_diff("Dockerfile", b"FROM python", b"FROM python:3.12.7") == (
        "--- a/Dockerfile\n"
        "+++ b/Dockerfile\n"
        "@@ -1 +1 @@\n"
        "-FROM python\n"
        "\\ No newline at end of file\n"
        "+FROM python:3.12.7\n"
        "\\ No newline at end of file\n"
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to apply the diff")
def test_git_apply_reproduces_the_fixed_bytes(tmp_path):
    old = "\ufeffa==1\r\nb>=2\r\n# end".encode()
    new = "\ufeffa==1\r\nb==2.5\r\n# end".encode()
    (tmp_path / "requirements.txt").write_bytes(old)
    (tmp_path / "fix.diff").write_text(
        unified_diff("requirements.txt", old, new), encoding="utf-8", newline=""
    )

    subprocess.run(["git", "apply", "fix.diff"], cwd=tmp_path, check=True, capture_output=True)

    assert (tmp_path / "requirements.txt").read_bytes() == new
