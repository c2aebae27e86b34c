"""``python -m depcheck.testing``: serve the fake registry on loopback (see :mod:`.fake_registry`).

Running ``python -m depcheck.testing.fake_registry`` would load that module twice (as
``__main__`` and by its package), giving the Docker routes a different application key than the
server; this entry point imports it once.
"""

from __future__ import annotations

from depcheck.testing.fake_registry import _main

_main()
