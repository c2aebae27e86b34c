"""A fix made from the bytes the audit parsed refuses a file saved again in between."""

from __future__ import annotations

from pathlib import Path

import pytest

from depcheck.fix import fix_files
from depcheck.fix.snapshot import SnapshotReader
from depcheck.sources.interface import LocalFileReader
from tests.fix.findings import finding_at


def test_the_plan_uses_the_audited_bytes_and_the_write_refuses_a_file_saved_since(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    audited = b"a>=1\nb>=2\n"
    (tmp_path / "requirements.txt").write_bytes(audited)
    reader = SnapshotReader(LocalFileReader(root=tmp_path, cwd=tmp_path))
    document = reader.read(Path("requirements.txt"))
    finding = finding_at(document.path, document.raw, "b>=2", "b==2.1")
    # An editor inserts a line above between the audit and the fix: every span below moved.
    (tmp_path / "requirements.txt").write_bytes(b"# new\na>=1\nb>=2\n")

    result = fix_files([finding], read=reader.read_bytes)

    assert result.changed_files == ()
    assert [str(error) for error in result.errors] == [
        "requirements.txt:1: changed since it was read; nothing was written, run depcheck again"
    ]
    assert (tmp_path / "requirements.txt").read_bytes() == b"# new\na>=1\nb>=2\n"


def test_unchanged_files_are_fixed_from_the_snapshot(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "requirements.txt").write_bytes(b"a>=1\n")
    reader = SnapshotReader(LocalFileReader(root=tmp_path, cwd=tmp_path))
    document = reader.read(Path("requirements.txt"))

    result = fix_files([finding_at(document.path, document.raw, "a>=1", "a==1.3")], read=reader.read_bytes)

    assert result.changed_files == ("requirements.txt",)
    assert (tmp_path / "requirements.txt").read_bytes() == b"a==1.3\n"
    assert reader.display(Path("requirements.txt")) == "requirements.txt"


def test_a_file_the_audit_never_read_is_not_guessed():
    reader = SnapshotReader(LocalFileReader(root=Path.cwd()))

    with pytest.raises(FileNotFoundError):
        reader.read_bytes("elsewhere.txt")
