"""Decoded registry answers kept for a while across requests, one lookup shared by many."""

from __future__ import annotations

import asyncio

import pytest

from depcheck.server.recent import Recent


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_an_answer_is_kept_for_the_ttl_then_asked_again() -> None:
    clock = Clock()
    recent: Recent[str] = Recent(60.0, clock=clock)
    calls: list[int] = []

    async def lookup() -> str:
        calls.append(1)
        return f"answer {len(calls)}"

    assert await recent.get("httpx", lookup) == "answer 1"
    clock.now = 59.9
    assert await recent.get("httpx", lookup) == "answer 1"
    clock.now = 60.1
    assert await recent.get("httpx", lookup) == "answer 2"


async def test_concurrent_requests_share_one_lookup() -> None:
    recent: Recent[str] = Recent(60.0)
    calls: list[int] = []

    async def lookup() -> str:
        calls.append(1)
        await asyncio.sleep(0.05)
        return "facts"

    answers = await asyncio.gather(*(recent.get("django", lookup) for _ in range(50)))
    assert answers == ["facts"] * 50
    assert calls == [1]


async def test_a_failure_is_not_kept() -> None:
    recent: Recent[str] = Recent(60.0)
    outcomes = iter([RuntimeError("registry down"), "facts"])

    async def lookup() -> str:
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    with pytest.raises(RuntimeError, match="registry down"):
        await recent.get("flask", lookup)
    assert await recent.get("flask", lookup) == "facts"


async def test_ttl_zero_keeps_nothing() -> None:
    recent: Recent[int] = Recent(0.0)
    calls: list[int] = []

    async def lookup() -> int:
        calls.append(1)
        return len(calls)

    assert [await recent.get("k", lookup) for _ in range(3)] == [1, 2, 3]
