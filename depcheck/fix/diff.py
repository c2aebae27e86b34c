"""The unified diff ``depcheck fix --dry-run`` prints: what a fix would change, byte for byte.

Lines are split on ``\\n`` only and keep their own ending, so a CRLF file shows its ``\\r`` on every
line it touches (as ``git diff`` does) and the diff applies with ``git apply`` or ``patch``; a last
line without a newline gets the ``\\ No newline at end of file`` marker. Headers carry ``a/`` and
``b/`` prefixes.
"""

from __future__ import annotations

import difflib

NO_NEWLINE = "\\ No newline at end of file\n"


def _lines(data: bytes) -> list[str]:
    """``data`` as text lines, each keeping its ending (the last may have none)."""
    text = data.decode("utf-8")
    if not text:
        return []
    lines = [line + "\n" for line in text.split("\n")]
    last = lines.pop()
    if last != "\n":
        lines.append(last[:-1])
    return lines


def unified_diff(path: str, old: bytes, new: bytes, *, context: int = 3) -> str:
    """The unified diff from ``old`` to ``new`` for the file shown as ``path``; ``""`` when equal."""
    if old == new:
        return ""
    name = path.lstrip("/")
    out = []
    for line in difflib.unified_diff(_lines(old), _lines(new), f"a/{name}", f"b/{name}", n=context):
        if line.endswith("\n"):
            out.append(line)
        else:
            out.append(line + "\n" + NO_NEWLINE)
    return "".join(out)
