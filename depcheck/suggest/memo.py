"""What the suggestion code works out from one registry answer, remembered while that answer lives.

An audit judges the same project or image once per line that names it (500 lines may name 28
projects), and each judgement starts from the same derived data: every version parsed and put
in order, a tag catalogue. :class:`PerAnswer` derives that data once per answer object and hands
it back on every later call with the same object.

The answers (:class:`~depcheck.registries.interface.ProjectFacts`,
:class:`~depcheck.registries.interface.ImageFacts`) are frozen records holding dicts, so they
cannot be dict keys themselves: they are remembered by identity, through a weak reference whose
callback forgets the entry when the answer is freed. An identity is therefore never mistaken for
a later object's, nothing outlives the answer it came from (the service keeps no stale data), and
no size limit makes a large audit work anything out twice.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

Answer = TypeVar("Answer")
Derived = TypeVar("Derived")


class PerAnswer(Generic[Answer, Derived]):
    """``derive(answer)``, worked out once per live ``answer`` object."""

    def __init__(self, derive: Callable[[Answer], Derived]) -> None:
        self._derive = derive
        self._known: dict[int, tuple[weakref.ref[Answer], Derived]] = {}

    def __call__(self, answer: Answer) -> Derived:
        key = id(answer)
        found = self._known.get(key)
        if found is not None and found[0]() is answer:
            return found[1]
        derived = self._derive(answer)
        known = self._known

        def forget(_: object, key: int = key) -> None:
            # Runs while ``answer`` is being freed, before its identity can be given to another object.
            known.pop(key, None)

        self._known[key] = (weakref.ref(answer, forget), derived)
        return derived

    def __len__(self) -> int:
        """How many answers are remembered now (for tests)."""
        return len(self._known)
