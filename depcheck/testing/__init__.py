"""Test support shipped with depcheck: a fake registry on loopback that tests and benchmarks share.

See :mod:`depcheck.testing.fake_registry`. Nothing here is imported by depcheck itself.
"""

from __future__ import annotations

from depcheck.testing.fake_registry import FakeRegistry, Fault, RecordedRequest, RegistryState

__all__ = ["FakeRegistry", "Fault", "RecordedRequest", "RegistryState"]
