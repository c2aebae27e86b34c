"""Replace a file's content atomically: an interrupted fix leaves the old file or the new one.

The new bytes go to a temporary file in the same folder (so the final rename stays on one file
system and is atomic), are flushed and fsynced, get the original file's mode (and owner, where
the operating system lets us), and then ``os.replace`` puts them in place. On any failure the
temporary file is removed and the original is untouched. Line endings, encoding, BOM and the final
newline need no care here: the fixer only splices spans, so the bytes it hands over already have
them.

Two refusals happen before anything is written. A read-only file (no write bit for anyone, or no
write permission for us) is refused even though a rename would succeed, since the rename only
needs the folder's permission and would silently defeat the file's protection. A file whose
bytes are no longer the ones the fix was computed from is refused as stale.
"""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from pathlib import Path

from depcheck.fix.edits import line_at
from depcheck.fix.errors import StaleFileError, WriteError

logger = logging.getLogger(__name__)

_ANY_WRITE = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH


def _first_difference(old: bytes, new: bytes) -> int:
    for index, (left, right) in enumerate(zip(old, new, strict=False)):
        if left != right:
            return index
    return min(len(old), len(new))


def _keep_owner(temporary: str, original: os.stat_result, shown: str) -> None:
    """Give the temporary file the original's owner and group when they differ from ours."""
    mine = os.stat(temporary)
    if (mine.st_uid, mine.st_gid) == (original.st_uid, original.st_gid) or not hasattr(os, "chown"):
        return
    try:
        os.chown(temporary, original.st_uid, original.st_gid)
    except PermissionError:
        # Only root may give a file away; an ordinary user rewriting a file owned by someone else
        # (in a group-writable folder) ends up owning the new file. Say so rather than fail.
        logger.warning(
            "%s: could not keep its owner %d:%d; the fixed file is owned by %d:%d",
            shown,
            original.st_uid,
            original.st_gid,
            mine.st_uid,
            mine.st_gid,
        )


def _remove(temporary: str, shown: str) -> None:
    """Remove a temporary file after a failure; the failure itself is what the caller reports."""
    try:
        os.unlink(temporary)
    except FileNotFoundError:
        pass
    except OSError as exc:
        logger.error("%s: could not remove the temporary file %s: %s", shown, temporary, exc)


def _sync_folder(folder: Path, shown: str) -> None:
    """Make the rename itself durable; not every platform can open a folder for that."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError as exc:
        logger.debug("%s: cannot open its folder to sync the rename: %s", shown, exc)
        return
    try:
        os.fsync(descriptor)
    except OSError as exc:
        logger.debug("%s: cannot sync its folder after the rename: %s", shown, exc)
    finally:
        os.close(descriptor)


def write_atomic(path: Path, data: bytes, *, expected: bytes | None = None, shown: str | None = None) -> None:
    """Replace the content of the existing file ``path`` with ``data``, atomically.

    ``expected`` is the content the new bytes were computed from: when given, the file is read
    again just before writing and a difference raises :class:`StaleFileError`. A symlink is
    followed, so the file it names is rewritten and the link stays a link. Raises
    :class:`WriteError` (read-only file, unwritable folder, full disk) with the file's original
    content intact and no temporary file left behind. ``shown`` is the name used in messages.
    """
    shown = shown if shown is not None else str(path)
    target = Path(os.path.realpath(path))
    try:
        original = target.stat()
        if not stat.S_ISREG(original.st_mode):
            raise WriteError(shown, "not a regular file")
        if not original.st_mode & _ANY_WRITE or not os.access(target, os.W_OK):
            raise WriteError(shown, "read-only file: no write permission, so it was left unchanged")
        if expected is not None:
            current = target.read_bytes()
            if current != expected:
                raise StaleFileError(
                    shown,
                    "changed since it was read; nothing was written, run depcheck again",
                    line_at(current, _first_difference(current, expected)),
                )
    except FileNotFoundError as exc:
        raise WriteError(shown, "no such file (it was removed after it was read)") from exc
    except PermissionError as exc:
        raise WriteError(shown, "permission denied while checking it; it was left unchanged") from exc
    temporary: str | None = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=target.parent, prefix=f".{target.name}.", suffix=".depcheck-tmp", delete=False
        ) as handle:
            temporary = handle.name
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(original.st_mode))
        _keep_owner(temporary, original, shown)
        os.replace(temporary, target)
        temporary = None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        if isinstance(exc, PermissionError):
            reason = f"permission denied ({reason}): cannot replace it in {target.parent}"
        raise WriteError(shown, f"could not write it, left unchanged: {reason}") from exc
    finally:
        if temporary is not None:
            _remove(temporary, shown)
    _sync_folder(target.parent, shown)
    logger.info("%s: written (%d bytes)", shown, len(data))
