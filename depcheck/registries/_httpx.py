"""``httpx``, imported without its command-line tool (click, rich and pygments: 60 ms).

``httpx``'s package imports its ``_main`` module (the ``httpx`` command) when it can, and falls
back to a stub when that import fails, as it does when the ``cli`` extra is not installed.
depcheck never runs that command, so while ``httpx`` is first imported here, ``httpx._main`` is
marked as unimportable (``None`` in :data:`sys.modules`); the mark is taken away at once, so
anything that imports ``httpx._main`` itself later still gets it. Import ``httpx`` from here
(``from depcheck.registries._httpx import httpx``) on the paths where start-up time counts.
"""

from __future__ import annotations

import sys

_CLI = "httpx._main"
_blocked = "httpx" not in sys.modules and _CLI not in sys.modules
if _blocked:
    sys.modules[_CLI] = None  # type: ignore[assignment]
try:
    import httpx
finally:
    if _blocked and _CLI in sys.modules and sys.modules[_CLI] is None:
        del sys.modules[_CLI]

__all__ = ["httpx"]
