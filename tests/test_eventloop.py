"""Running registry coroutines without an event loop while nothing has to wait (depcheck.eventloop)."""

from __future__ import annotations

import asyncio

import pytest

from depcheck.eventloop import NeedsLoop, gather, run_in_loop, run_within, run_without_loop, running


async def answer(value: int) -> int:
    return value


async def waits() -> int:
    await asyncio.sleep(0)
    return 1


async def needs() -> int:
    raise NeedsLoop("a request to send")


def test_a_coroutine_that_never_waits_runs_to_its_value() -> None:
    assert run_without_loop(answer(7)) == 7


def test_a_coroutine_that_waits_is_closed_and_needs_the_loop() -> None:
    closed = []

    async def tidy() -> int:
        try:
            return await waits()
        finally:
            closed.append(True)

    with pytest.raises(NeedsLoop, match="waited for its event loop"):
        run_without_loop(tidy())
    assert closed == [True]


def test_gather_without_a_loop_awaits_each_in_turn() -> None:
    assert running() is False
    assert run_without_loop(gather(answer(1), answer(2), answer(3))) == [1, 2, 3]


def test_gather_without_a_loop_stops_at_the_first_that_needs_the_loop_and_closes_the_rest() -> None:
    later = answer(3)
    with pytest.raises(NeedsLoop, match="a request to send"):
        run_without_loop(gather(answer(1), needs(), later))
    assert later.cr_frame is None  # closed, not left "never awaited"


def test_gather_without_a_loop_keeps_errors_when_asked_but_never_needs_loop() -> None:
    async def fails() -> int:
        raise ValueError("bad page")

    results = run_without_loop(gather(answer(1), fails(), return_exceptions=True))
    assert results[0] == 1
    assert isinstance(results[1], ValueError)
    with pytest.raises(NeedsLoop):
        run_without_loop(gather(answer(1), needs(), return_exceptions=True))


def test_in_an_event_loop_gather_is_asyncios() -> None:
    async def main() -> list[int]:
        assert running() is True
        return await gather(waits(), answer(2))

    assert asyncio.run(main()) == [1, 2]


class Clients:
    """An async context manager recording how it was entered and left, and in which mode."""

    def __init__(self) -> None:
        self.events: list[str] = []

    async def __aenter__(self) -> Clients:
        self.events.append(f"enter, loop={running()}")
        return self

    async def __aexit__(self, kind: object, error: object, trace: object) -> None:
        self.events.append(f"exit {getattr(kind, '__name__', None)}, loop={running()}")


def test_run_within_answers_without_a_loop_when_nothing_waits() -> None:
    clients = Clients()
    assert run_within(clients, lambda _: answer(5)) == 5
    assert clients.events == ["enter, loop=False", "exit None, loop=False"]


def test_run_within_runs_online_in_a_loop_and_leaves_from_inside_it() -> None:
    clients = Clients()

    async def online(_: Clients) -> int:
        return await waits() + 1

    assert run_within(clients, lambda _: needs(), online) == 2
    assert clients.events == ["enter, loop=False", "exit None, loop=True"]


def test_run_within_leaves_with_the_error_that_ended_the_attempt() -> None:
    clients = Clients()

    async def broken(_: Clients) -> int:
        raise KeyError("registry")

    with pytest.raises(KeyError):
        run_within(clients, broken)
    assert clients.events == ["enter, loop=False", "exit KeyError, loop=False"]


class Costly:
    """A result whose repr is expensive (an audit's: every finding, every release): counted."""

    def __init__(self) -> None:
        self.reprs = 0

    def __repr__(self) -> str:
        self.reprs += 1
        return "Costly()"


def test_run_in_loop_gives_the_value_without_ever_taking_its_repr() -> None:
    # asyncio.run on Python 3.11 takes the main task's result's repr twice on its way out
    # (CPython issue 112559); an audit's result made that 20-30 ms of a cold run.
    costly = Costly()

    async def audit() -> Costly:
        await asyncio.sleep(0)
        return costly

    assert run_in_loop(audit()) is costly
    assert costly.reprs == 0


def test_run_in_loop_raises_what_the_coroutine_raised() -> None:
    async def broken() -> int:
        await asyncio.sleep(0)
        raise KeyError("registry")

    with pytest.raises(KeyError, match="registry"):
        run_in_loop(broken())


def test_run_within_online_takes_no_repr_of_the_answer() -> None:
    costly = Costly()

    async def online(_: Clients) -> Costly:
        await waits()
        return costly

    assert run_within(Clients(), lambda _: needs(), online) is costly
    assert costly.reprs == 0
