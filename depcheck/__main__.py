"""Entry point for ``python -m depcheck``."""

from __future__ import annotations

from depcheck.cli import main

raise SystemExit(main())
