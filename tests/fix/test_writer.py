"""Atomic writes: the old file or the new one, never half of one, mode kept, read-only refused."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from depcheck.fix.errors import StaleFileError, WriteError
from depcheck.fix.writer import write_atomic


def leftovers(folder):
    return sorted(path.name for path in folder.iterdir())


def test_content_is_replaced_and_mode_kept(tmp_path):
    target = tmp_path / "requirements.txt"
    target.write_bytes(b"pkg>=1\r\n")
    target.chmod(0o640)

    write_atomic(target, b"pkg==1.4\r\n", expected=b"pkg>=1\r\n")

    assert target.read_bytes() == b"pkg==1.4\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == ["requirements.txt"]


def test_an_executable_script_stays_executable(tmp_path):
    target = tmp_path / "Dockerfile"
    target.write_bytes(b"FROM python:3.12\n")
    target.chmod(0o755)

    write_atomic(target, b"FROM python:3.12.7\n")

    assert stat.S_IMODE(target.stat().st_mode) == 0o755


def test_a_read_only_file_is_refused_and_left_as_it_was(tmp_path):
    target = tmp_path / "requirements.txt"
    target.write_bytes(b"pkg>=1\n")
    target.chmod(0o444)

    with pytest.raises(WriteError) as caught:
        write_atomic(target, b"pkg==1.4\n", shown="requirements.txt")

    assert (
        str(caught.value) == "requirements.txt: read-only file: no write permission, so it was left unchanged"
    )
    assert target.read_bytes() == b"pkg>=1\n"
    assert leftovers(tmp_path) == ["requirements.txt"]


def test_a_file_we_may_not_write_is_refused(tmp_path, monkeypatch):
    # As root every file is writable to os.access; pretend to be a user without permission.
    target = tmp_path / "requirements.txt"
    target.write_bytes(b"pkg>=1\n")
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda path, mode: False if mode == os.W_OK else real_access(path, mode)
    )

    with pytest.raises(WriteError, match="read-only file"):
        write_atomic(target, b"pkg==1.4\n")

    assert target.read_bytes() == b"pkg>=1\n"


def test_a_failing_rename_removes_the_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "pyproject.toml"
    target.write_bytes(b'dependencies = ["pkg>=1"]\n')

    def refuse(source, destination):
        raise PermissionError(errno.EACCES, "Permission denied", str(destination))

    monkeypatch.setattr(os, "replace", refuse)

    with pytest.raises(WriteError) as caught:
        write_atomic(target, b'dependencies = ["pkg==1.4"]\n', shown="pyproject.toml")

    assert str(caught.value) == (
        f"pyproject.toml: could not write it, left unchanged: permission denied (Permission denied): "
        f"cannot replace it in {tmp_path}"
    )
    assert target.read_bytes() == b'dependencies = ["pkg>=1"]\n'
    assert leftovers(tmp_path) == ["pyproject.toml"]


def test_a_full_disk_removes_the_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "Dockerfile"
    target.write_bytes(b"FROM python:3.12\n")

    def full(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)

    with pytest.raises(WriteError, match="No space left on device"):
        write_atomic(target, b"FROM python:3.12.7\n", shown="Dockerfile")

    assert target.read_bytes() == b"FROM python:3.12\n"
    assert leftovers(tmp_path) == ["Dockerfile"]


def test_an_interrupt_during_the_write_leaves_the_original_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "Dockerfile"
    target.write_bytes(b"FROM python:3.12\n")

    def interrupted(source, destination):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)

    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"FROM python:3.12.7\n")

    assert target.read_bytes() == b"FROM python:3.12\n"
    assert leftovers(tmp_path) == ["Dockerfile"]


def test_a_file_changed_since_it_was_read_is_refused_with_the_line(tmp_path):
    target = tmp_path / "requirements.txt"
    target.write_bytes(b"a==1\nb>=2\n")

    with pytest.raises(StaleFileError) as caught:
        write_atomic(target, b"a==1\nb==2.1\n", expected=b"a==1\nb>=1\n", shown="requirements.txt")

    assert str(caught.value) == (
        "requirements.txt:2: changed since it was read; nothing was written, run depcheck again"
    )
    assert target.read_bytes() == b"a==1\nb>=2\n"


def test_a_symlink_stays_a_link_and_its_target_is_fixed(tmp_path):
    real = tmp_path / "real.txt"
    real.write_bytes(b"pkg>=1\n")
    link = tmp_path / "requirements.txt"
    link.symlink_to(real.name)

    write_atomic(link, b"pkg==1.4\n")

    assert link.is_symlink()
    assert real.read_bytes() == b"pkg==1.4\n"


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(WriteError, match="no such file"):
        write_atomic(tmp_path / "gone.txt", b"x\n", shown="gone.txt")
    assert leftovers(tmp_path) == []
