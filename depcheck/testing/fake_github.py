"""A fake of the GitHub REST API endpoints ``depcheck pr`` uses, on loopback, for tests.

:class:`FakeGitHub` is an ``aiohttp`` application serving one repository's pull requests:
``GET /repos/{owner}/{repo}/pulls`` (filtered by ``head=owner:branch`` and ``state``),
``POST /repos/{owner}/{repo}/pulls`` and ``PATCH /repos/{owner}/{repo}/pulls/{number}``. It
answers as GitHub documents: ``401 Bad credentials`` for a wrong token, ``422 Validation Failed``
with an ``errors`` list when a pull request for the head already exists or when the head branch
is not on the remote (given ``remote``, a bare repository it asks with ``git``), ``404`` for an
unknown repository or number. Every request is recorded (:attr:`FakeGitHub.calls`, with the
JSON body) and faults are injected per method and path glob (:meth:`FakeGitHub.fail`).

Use it as ``url, stop = FakeGitHub(owner="octo", repo="app").run_in_thread()`` and point
``depcheck pr --api-url`` at ``url``.
"""

from __future__ import annotations

import asyncio
import fnmatch
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

DEFAULT_TOKEN = "test-token"


@dataclass
class Call:
    """One request the fake answered: method, path, query and JSON body (``None`` when none)."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 0


@dataclass
class ApiFault:
    """Answer ``status`` with ``message`` (and ``errors``) to ``method`` on paths matching ``glob``."""

    method: str
    glob: str
    status: int
    message: str
    errors: list[dict[str, str]] | None = None
    times: int | None = None


@dataclass
class _State:
    pulls: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    faults: list[ApiFault] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakeGitHub:
    """The fake; ``url`` is the API base URL once started (``http://127.0.0.1:<port>``)."""

    def __init__(
        self,
        *,
        owner: str = "octo",
        repo: str = "app",
        token: str = DEFAULT_TOKEN,
        remote: Path | None = None,
        host: str = "127.0.0.1",
    ) -> None:
        self.owner = owner
        self.repo = repo
        self.token = token
        self.remote = remote
        self.host = host
        self.url = ""
        self.state = _State()
        self.app = web.Application()
        base = f"/repos/{owner}/{repo}/pulls"
        self.app.router.add_get(base, self._list)
        self.app.router.add_post(base, self._create)
        self.app.router.add_patch(base + "/{number}", self._update)
        self.app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner: web.AppRunner | None = None

    # --- observation and faults ----------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self.state.lock:
            return list(self.state.calls)

    def calls_of(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    @property
    def pulls(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return [dict(pull) for pull in self.state.pulls]

    def add_pull(self, *, head: str, base: str = "main", title: str = "t", body: str = "") -> dict[str, Any]:
        """An open pull request made by someone else (or an earlier run)."""
        with self.state.lock:
            return self._new_pull(head, base, title, body)

    def fail(
        self,
        method: str,
        glob: str,
        status: int,
        message: str,
        *,
        errors: list[dict[str, str]] | None = None,
        times: int | None = None,
    ) -> None:
        with self.state.lock:
            self.state.faults.append(ApiFault(method, glob, status, message, errors, times))

    def clear(self) -> None:
        """Forget recorded calls and faults (pull requests stay)."""
        with self.state.lock:
            self.state.calls.clear()
            self.state.faults.clear()

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self) -> str:
        self._runner = web.AppRunner(self.app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        server = site._server  # aiohttp keeps the bound port only on the asyncio server
        assert isinstance(server, asyncio.base_events.Server)
        self.url = f"http://{self.host}:{server.sockets[0].getsockname()[1]}"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def run_in_thread(self) -> tuple[str, Callable[[], None]]:
        """Serve from a background thread; return the URL and a function that stops the server."""
        loop = asyncio.new_event_loop()
        started = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(self.start())
            started.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        thread = threading.Thread(target=serve, name="fake-github", daemon=True)
        thread.start()
        if not started.wait(timeout=30):
            raise RuntimeError("the fake GitHub did not start")

        def stop() -> None:
            if thread.is_alive():
                loop.call_soon_threadsafe(loop.stop)
                thread.join(timeout=30)

        return self.url, stop

    # --- handlers ------------------------------------------------------------------------

    async def _begin(self, request: web.Request) -> tuple[Call, web.Response | None]:
        body: Any = None
        if request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                body = await request.text()
        call = Call(request.method, request.path, dict(request.query), body)
        with self.state.lock:
            self.state.calls.append(call)
            for fault in self.state.faults:
                if fault.method == request.method and fnmatch.fnmatchcase(request.path, fault.glob):
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self.state.faults.remove(fault)
                    payload: dict[str, Any] = {"message": fault.message}
                    if fault.errors is not None:
                        payload["errors"] = fault.errors
                    return call, self._answer(call, payload, fault.status)
        authorization = request.headers.get("Authorization", "")
        if authorization not in (f"Bearer {self.token}", f"token {self.token}"):
            return call, self._answer(call, {"message": "Bad credentials"}, 401)
        return call, None

    def _answer(self, call: Call, payload: Any, status: int) -> web.Response:
        call.status = status
        return web.json_response(payload, status=status)

    def _new_pull(self, head: str, base: str, title: str, body: str) -> dict[str, Any]:
        number = len(self.state.pulls) + 1
        pull = {
            "number": number,
            "state": "open",
            "title": title,
            "body": body,
            "html_url": f"https://github.example/{self.owner}/{self.repo}/pull/{number}",
            "head": {"ref": head, "label": f"{self.owner}:{head}"},
            "base": {"ref": base},
        }
        self.state.pulls.append(pull)
        return pull

    def _branch_exists(self, branch: str) -> bool:
        if self.remote is None:
            return True
        completed = subprocess.run(
            ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
            cwd=self.remote,
            capture_output=True,
            check=False,
        )
        return completed.returncode == 0

    async def _list(self, request: web.Request) -> web.StreamResponse:
        call, refused = await self._begin(request)
        if refused is not None:
            return refused
        head = request.query.get("head")
        state = request.query.get("state", "open")
        with self.state.lock:
            pulls = [
                pull
                for pull in self.state.pulls
                if (head is None or pull["head"]["label"] == head)
                and (state == "all" or pull["state"] == state)
            ]
        return self._answer(call, pulls, 200)

    async def _create(self, request: web.Request) -> web.StreamResponse:
        call, refused = await self._begin(request)
        if refused is not None:
            return refused
        data = call.body if isinstance(call.body, dict) else {}
        missing = [key for key in ("title", "head", "base") if not isinstance(data.get(key), str)]
        if missing:
            errors = [{"resource": "PullRequest", "field": key, "code": "missing_field"} for key in missing]
            return self._answer(call, {"message": "Validation Failed", "errors": errors}, 422)
        head, base = data["head"], data["base"]
        if not self._branch_exists(head):
            errors = [{"resource": "PullRequest", "field": "head", "code": "invalid"}]
            return self._answer(call, {"message": "Validation Failed", "errors": errors}, 422)
        with self.state.lock:
            if any(pull["head"]["ref"] == head and pull["state"] == "open" for pull in self.state.pulls):
                errors = [
                    {
                        "resource": "PullRequest",
                        "code": "custom",
                        "message": f"A pull request already exists for {self.owner}:{head}.",
                    }
                ]
                return self._answer(call, {"message": "Validation Failed", "errors": errors}, 422)
            pull = self._new_pull(head, base, data["title"], str(data.get("body") or ""))
        return self._answer(call, pull, 201)

    async def _update(self, request: web.Request) -> web.StreamResponse:
        call, refused = await self._begin(request)
        if refused is not None:
            return refused
        data = call.body if isinstance(call.body, dict) else {}
        number = request.match_info["number"]
        with self.state.lock:
            for pull in self.state.pulls:
                if str(pull["number"]) == number:
                    for key in ("title", "body", "state"):
                        if isinstance(data.get(key), str):
                            pull[key] = data[key]
                    return self._answer(call, dict(pull), 200)
        return self._answer(call, {"message": "Not Found"}, 404)

    async def _not_found(self, request: web.Request) -> web.StreamResponse:
        call, refused = await self._begin(request)
        if refused is not None:
            return refused
        return self._answer(call, {"message": "Not Found"}, 404)
