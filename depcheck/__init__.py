"""depcheck: verify that every dependency version a project names exists and is pinned exactly."""

from __future__ import annotations

__version__ = "0.1.0"
