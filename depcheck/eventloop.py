"""Running the registry code without an event loop when nothing has to wait.

A warm audit answers every lookup from the cache: nothing is sent, nothing waits, yet starting
asyncio meant importing it (with ssl, socket, subprocess and concurrent.futures: 45-60 ms, a tenth
of a warm run) and running a loop. The lookups are coroutines; :func:`run_without_loop` drives
one to its end directly, and whatever would have to wait (a request to send, a stale cache entry
to revalidate) raises :class:`NeedsLoop` instead, before doing anything. The command then runs the
same coroutine in an event loop (``asyncio.run``), where everything behaves as before; answers
already read from the cache are read again from it, and nothing was sent or written in between.

The pieces that take part: :meth:`depcheck.registries.http.HttpClient.request` answers from the
cache without a task when no loop runs, and :func:`gather` awaits one awaitable after the other
instead of asking asyncio to run them together. Code that only runs on the network path imports
asyncio where it needs it.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal, TypeVar, overload

T = TypeVar("T")
C = TypeVar("C")

logger = logging.getLogger(__name__)


class NeedsLoop(Exception):
    """Raised, with no event loop running, where the answer needs one (a request, a wait)."""


def running() -> bool:
    """Whether this thread runs an asyncio event loop (never when asyncio was not even imported)."""
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_without_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to its end without an event loop; :class:`NeedsLoop` if it would have to wait.

    A coroutine waits by yielding to its loop; with none to yield to, it is closed at that point
    (its ``finally`` blocks run) and :class:`NeedsLoop` is raised, as it is when the code itself
    found that it needs the loop.
    """
    try:
        coroutine.send(None)
    except StopIteration as finished:
        return finished.value  # type: ignore[no-any-return]
    coroutine.close()
    raise NeedsLoop("a coroutine waited for its event loop")


def run_within(
    opened: AbstractAsyncContextManager[C],
    attempt: Callable[[C], Coroutine[Any, Any, T]],
    online: Callable[[C], Coroutine[Any, Any, T]] | None = None,
) -> T:
    """Enter ``opened`` (registry clients), run ``attempt`` over it without an event loop, and
    leave it; when the attempt needs the loop, run ``online`` (default: ``attempt`` again) in one
    instead, leaving ``opened`` from inside that loop, where its network client was made.

    ``opened`` must be entered and left without waiting (so are depcheck's registry clients when
    no request was sent); an error leaves it as ``async with`` would.
    """
    value = run_without_loop(opened.__aenter__())
    try:
        result = run_without_loop(attempt(value))
    except NeedsLoop as reason:
        logger.debug("answering from the network: %s", reason)
    except BaseException as exc:
        run_without_loop(opened.__aexit__(type(exc), exc, exc.__traceback__))
        raise
    else:
        run_without_loop(opened.__aexit__(None, None, None))
        return result

    async def in_loop() -> T:
        try:
            found = await (online or attempt)(value)
        except BaseException as exc:
            await opened.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        await opened.__aexit__(None, None, None)
        return found

    return run_in_loop(in_loop())


def run_in_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coroutine)``, without Python 3.11's costly look at the value it returns.

    On its way out, ``asyncio.run`` asks ``signal.getsignal`` about the Ctrl+C handler it
    installed, a partial naming the main task; ``signal`` turns the handler into a ``Handlers``
    member when it can, and the ``ValueError`` it builds (and drops) when it cannot spells out the
    handler's repr, with the task's, with the repr of the task's result (CPython issue 112559).
    For an audit that result holds every finding and every release of every project: its repr
    took 20-30 ms of a one-second cold run, twice over. The main task here returns nothing; the
    value comes back through a closure instead.
    """
    import asyncio

    box: list[T] = []

    async def main() -> None:
        box.append(await coroutine)

    asyncio.run(main())
    return box[0]


@overload
async def gather(*awaitables: Awaitable[T], return_exceptions: Literal[False] = False) -> list[T]: ...


@overload
async def gather(*awaitables: Awaitable[T], return_exceptions: Literal[True]) -> list[T | BaseException]: ...


async def gather(
    *awaitables: Awaitable[T], return_exceptions: bool = False
) -> list[T] | list[T | BaseException]:
    """``asyncio.gather(*awaitables)`` in an event loop; without one, each awaited in turn.

    Without a loop, an awaitable that raises ends the gathering (unless ``return_exceptions``
    keeps the error as its result, as asyncio does; :class:`NeedsLoop` always ends it), and the
    coroutines not yet awaited are closed, not left "never awaited".
    """
    if running():
        import asyncio

        return list(await asyncio.gather(*awaitables, return_exceptions=return_exceptions))
    results: list[T | BaseException] = []
    pending = list(awaitables)
    try:
        while pending:
            awaitable = pending.pop(0)
            try:
                results.append(await awaitable)
            except NeedsLoop:
                raise
            except Exception as exc:
                if not return_exceptions:
                    raise
                results.append(exc)
    finally:
        for left in pending:
            if isinstance(left, Coroutine):
                left.close()
    return results
