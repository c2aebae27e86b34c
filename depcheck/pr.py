"""``depcheck pr``: a fix as a commit on a branch, pushed, and a GitHub pull request opened or kept current.

For each pull request (one, or one per file or per ecosystem with ``--group``) :func:`publish`
runs these steps, each named in the error when it fails:

1. look up the open pull request whose head is the branch (``GET /repos/{o}/{r}/pulls?head=o:branch``)
   and the branch's commit on the remote (``git ls-remote``). When the pull request's hidden
   marker lists exactly the pins of this run and the branch is still there, nothing is done;
2. build the commit with git's plumbing (``hash-object``, a temporary index, ``write-tree``,
   ``commit-tree``) on top of ``HEAD``, and point the local branch at it (created, or reset if it
   exists);
3. push it with ``--force-with-lease`` against the remote commit read in step 1, so a branch
   someone else moved in between is never overwritten;
4. open the pull request, or rewrite the title and body of the open one (``POST``/``PATCH``).

Plumbing rather than ``git checkout``: the fix never touches the working tree or the current
branch, so a run that fails or is interrupted cannot leave the checkout on another branch or
with half-applied files (returning to the original branch is automatic), and several branches
(``--group``) are built from the same ``HEAD`` without switching back and forth. Paths are
committed with the attributes ``git add`` would apply (``hash-object --path``) and keep their
mode from ``HEAD``.

On a failure the local branch is put back as it was (deleted when this run created it) and
:class:`PublishError` says which step failed, with the HTTP status or git's own message, and
exactly what is left: a branch already pushed stays pushed (deleting it could close a pull
request someone else opened on it) and the message says so; the next run reuses it.

GitHub's API is reached through ``httpx`` at :data:`DEFAULT_GITHUB_API_URL`, ``GITHUB_API_URL`` or
``--api-url`` (GitHub Enterprise: ``https://HOST/api/v3``). Links in the body point at the PyPI
project page derived from the configured index (only when its URL ends in ``/simple``) and at
:data:`DOCKER_HUB_PAGES` for Docker Hub images.
"""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from depcheck import __version__
from depcheck.fix.pins import change_text
from depcheck.model import Ecosystem, Finding

logger = logging.getLogger(__name__)

DEFAULT_GITHUB_API_URL = "https://api.github.com"
"""The public GitHub REST API; ``GITHUB_API_URL`` or ``--api-url`` replace it (GitHub Enterprise)."""

DOCKER_HUB_PAGES = "https://hub.docker.com"
"""Where Docker Hub shows an image to people (``/_/<name>`` official, ``/r/<ns>/<name>`` others).

Docker Hub's web pages, not a package index: the tags API depcheck asks is configured separately
(``--docker-hub-url``)."""

GITHUB_API_VERSION = "2022-11-28"
MARKER_PREFIX = "<!-- depcheck:pins "
MARKER_SUFFIX = " -->"
_MARKER = re.compile(re.escape(MARKER_PREFIX) + r"(?P<json>.*?)" + re.escape(MARKER_SUFFIX), re.DOTALL)
_SCP_LIKE = re.compile(r"^(?:[^@/:]+@)?(?P<host>[^/:]{2,}):(?P<path>[^/].*)$")

GROUPS = ("all", "file", "ecosystem")


# --- what a pull request changes ------------------------------------------------------------


@dataclass(frozen=True)
class Pin:
    """One change as a reviewer reads it: ``name: old -> new (rule) in file``.

    ``replacement`` is the exact text written (it identifies the pin in the marker); ``link``
    the release or image page, when one can be named.
    """

    name: str
    file: str
    old: str
    new: str
    rule: str
    ecosystem: Ecosystem | None
    replacement: str
    link: str | None = None

    def line(self) -> str:
        return f"{self.name}: {self.old} -> {self.new} ({self.rule}) in {self.file}"

    def identity(self) -> list[str]:
        return [self.file, self.name, self.rule, self.old, self.replacement]


def project_page(index_url: str | None, name: str, version: str) -> str | None:
    """``<index without /simple>/project/<name>/<version>/``, or ``None`` for an index not ending in ``/simple``.

    The Simple API has no page for people; an index served at ``<root>/simple`` (PyPI and its
    look-alikes) shows one at ``<root>/project/...``. Elsewhere no link is better than a wrong one.
    """
    if not index_url:
        return None
    root = index_url.rstrip("/")
    if not root.endswith("/simple"):
        return None
    return f"{root[: -len('/simple')]}/project/{quote(name)}/{quote(version)}/"


def image_page(registry: str | None, repository: str | None) -> str | None:
    """The Docker Hub page of an image; ``None`` for other registries (their pages differ)."""
    if registry is not None or not repository:
        return None
    namespace, _, name = repository.partition("/")
    if namespace == "library" and name:
        return f"{DOCKER_HUB_PAGES}/_/{quote(name)}"
    return f"{DOCKER_HUB_PAGES}/r/{quote(repository)}"


def pin_of(finding: Finding, index_url: str | None) -> Pin:
    """The :class:`Pin` a fixed finding makes (``index_url``: the index that answered)."""
    old, new = change_text(finding)
    dependency = finding.dependency
    link = None
    if dependency is not None and dependency.ecosystem is Ecosystem.PYPI and finding.suggestion:
        link = project_page(dependency.index_url or index_url, dependency.name, finding.suggestion)
    elif dependency is not None and dependency.ecosystem is Ecosystem.DOCKER:
        link = image_page(dependency.registry, dependency.repository)
    return Pin(
        name=finding.name or finding.current or "?",
        file=finding.location.file,
        old=old,
        new=new,
        rule=finding.rule,
        ecosystem=finding.ecosystem,
        replacement=finding.replacement or "",
        link=link,
    )


def slugify(text: str) -> str:
    """A branch-name-safe slug: lower case, runs of anything else than ``a-z0-9`` become ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def group_key(finding: Finding, group: str) -> str:
    """The slug of the pull request ``finding`` belongs to (``""`` for ``--group all``)."""
    if group == "file":
        return slugify(finding.location.file)
    if group == "ecosystem":
        return finding.ecosystem.value if finding.ecosystem is not None else "other"
    return ""


def group_findings(findings: Iterable[Finding], group: str) -> dict[str, list[Finding]]:
    """``findings`` split by pull request, in first-seen order (``{"": all}`` for ``--group all``)."""
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}")
    groups: dict[str, list[Finding]] = {}
    for finding in findings:
        groups.setdefault(group_key(finding, group), []).append(finding)
    return groups


def branch_name(base: str, slug: str) -> str:
    return f"{base}-{slug}" if slug else base


def title_for(group: str, slug: str, files: Sequence[str]) -> str:
    if group == "file" and files:
        return f"depcheck: pin dependency versions in {files[0]}"
    if group == "ecosystem":
        return (
            "depcheck: pin Docker image tags"
            if slug == "docker"
            else "depcheck: pin PyPI dependency versions"
        )
    return "depcheck: pin dependency versions"


@dataclass(frozen=True)
class Change:
    """One pull request's worth of fix: the branch, the pins, the new file contents and the diff.

    ``files`` maps each file as reports show it to its new bytes; ``notes`` are references left
    alone, with reasons, listed in the body for the reviewer.
    """

    branch: str
    title: str
    pins: tuple[Pin, ...]
    files: Mapping[str, bytes]
    diff: str
    notes: tuple[str, ...] = ()

    @property
    def marker(self) -> str:
        """The hidden comment that lists the pins, so a later run can tell whether they moved."""
        return MARKER_PREFIX + json.dumps(pins_identity(self.pins), separators=(",", ":")) + MARKER_SUFFIX

    def message(self) -> str:
        """The commit message: the title, then one ``name: from -> to (rule) in file`` line per change."""
        lines = [self.title, "", *(f"- {pin.line()}" for pin in self.pins), ""]
        return "\n".join(lines)

    def body(self) -> str:
        return render_body(self)


def pins_identity(pins: Iterable[Pin]) -> list[list[str]]:
    return sorted(pin.identity() for pin in pins)


def read_marker(body: str | None) -> list[list[str]] | None:
    """The pins listed in a pull request body's marker, or ``None`` when it has none (or a broken one)."""
    if not body:
        return None
    match = _MARKER.search(body)
    if match is None:
        return None
    try:
        value = json.loads(match.group("json"))
    except ValueError:
        return None
    if not isinstance(value, list) or not all(
        isinstance(item, list) and all(isinstance(part, str) for part in item) for item in value
    ):
        return None
    return value


def _cell(text: str) -> str:
    """``text`` as inline code in a table cell: backticks fenced, pipes escaped (GFM tables)."""
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}".replace("|", "\\|")


def render_body(change: Change) -> str:
    """The pull request description: a table of the pins, notes, and the hidden marker."""
    count = len(change.pins)
    lines = [
        f"depcheck pinned {count} dependenc{'y' if count == 1 else 'ies'} to exact, published versions. "
        "Only the versions change; every other byte of the files is as it was.",
        "",
        "| Name | File | From | To | Rule |",
        "|---|---|---|---|---|",
    ]
    for pin in change.pins:
        new = _cell(pin.new)
        if pin.link:
            new = f"[{new}]({pin.link})"
        lines.append(f"| {pin.name} | {_cell(pin.file)} | {_cell(pin.old)} | {new} | {pin.rule} |")
    if change.notes:
        lines += ["", "Left alone:", ""]
        lines += [f"- {note}" for note in change.notes]
    lines += ["", f"_Opened by `depcheck pr` {__version__}; rerun it to keep this pull request current._", ""]
    lines.append(change.marker)
    return "\n".join(lines) + "\n"


# --- git --------------------------------------------------------------------------------------


class GitError(Exception):
    """A git command failed; the message is git's own."""

    def __init__(self, arguments: Sequence[str], returncode: int, stderr: str) -> None:
        detail = stderr.strip() or f"exit status {returncode}"
        super().__init__(f"git {' '.join(arguments)}: {detail}")
        self.arguments = tuple(arguments)
        self.returncode = returncode
        self.stderr = stderr
        self.detail = detail


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    path: str


class Git:
    """git through ``subprocess`` (never a shell), in one folder; prompts for credentials are off."""

    def __init__(self, cwd: Path, environ: Mapping[str, str] | None = None) -> None:
        self.cwd = cwd
        base = dict(os.environ if environ is None else environ)
        # A push that needs credentials must fail with a message, not wait for a password.
        base.setdefault("GIT_TERMINAL_PROMPT", "0")
        self.environ = base

    def run(
        self,
        *arguments: str,
        stdin: bytes | None = None,
        extra_env: Mapping[str, str] | None = None,
        ok: Iterable[int] = (0,),
    ) -> tuple[int, str]:
        """Run ``git arguments``; raise :class:`GitError` unless the exit status is in ``ok``."""
        environ = {**self.environ, **(extra_env or {})}
        try:
            completed = subprocess.run(
                ["git", *arguments],
                cwd=self.cwd,
                input=stdin,
                capture_output=True,
                env=environ,
                check=False,
            )
        except FileNotFoundError as exc:
            raise GitError(arguments, 127, "git is not installed or not on PATH") from exc
        if completed.returncode not in tuple(ok):
            raise GitError(arguments, completed.returncode, completed.stderr.decode("utf-8", "replace"))
        return completed.returncode, completed.stdout.decode("utf-8", "surrogateescape")

    def output(
        self, *arguments: str, stdin: bytes | None = None, extra_env: Mapping[str, str] | None = None
    ) -> str:
        return self.run(*arguments, stdin=stdin, extra_env=extra_env)[1].strip()

    def toplevel(self) -> Path:
        return Path(self.output("rev-parse", "--show-toplevel"))

    def dirty(self) -> list[str]:
        """``git status --porcelain`` lines for every changed, staged or untracked file."""
        _, text = self.run("status", "--porcelain=v1", "-z", "--untracked-files=normal")
        entries = text.split("\0")
        lines = []
        index = 0
        while index < len(entries):
            entry = entries[index]
            index += 1
            if not entry:
                continue
            status, path = entry[:2], entry[3:]
            if status[0] in "RC":
                index += 1  # a rename or copy is followed by its source path
            lines.append(f"{status} {path}")
        return lines

    def head(self) -> str:
        return self.output("rev-parse", "--verify", "HEAD^{commit}")

    def current_branch(self) -> str | None:
        code, text = self.run("symbolic-ref", "--quiet", "--short", "HEAD", ok=(0, 1))
        return text.strip() if code == 0 else None

    def branch_commit(self, branch: str) -> str | None:
        code, text = self.run(
            "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}^{{commit}}", ok=(0, 1)
        )
        return text.strip() if code == 0 and text.strip() else None

    def remote_url(self, remote: str) -> str:
        return self.output("remote", "get-url", remote)

    def remote_branch(self, remote: str, branch: str) -> str | None:
        """The commit ``branch`` points to on ``remote`` now, or ``None`` when it has no such branch."""
        text = self.output("ls-remote", "--heads", remote, f"refs/heads/{branch}")
        for line in text.splitlines():
            sha, _, ref = line.partition("\t")
            if ref == f"refs/heads/{branch}":
                return sha
        return None

    def tree_entry(self, commit: str, path: str) -> TreeEntry | None:
        """The mode of ``path`` (relative to the top level) in ``commit``, or ``None`` when untracked."""
        _, text = self.run("ls-tree", "-z", "--full-tree", commit, "--", path)
        for entry in text.split("\0"):
            if not entry:
                continue
            meta, _, name = entry.partition("\t")
            mode, kind, _sha = meta.split(" ")
            if name == path and kind == "blob":
                return TreeEntry(mode, name)
        return None

    def commit_files(self, parent: str, files: Mapping[str, tuple[str, bytes]], message: str) -> str:
        """A commit on ``parent`` whose tree is ``parent``'s with ``files`` (path -> mode, bytes) replaced.

        Built in a temporary index, so neither the working tree nor the real index is touched.
        """
        with tempfile.TemporaryDirectory(prefix="depcheck-pr-") as folder:
            environment = {"GIT_INDEX_FILE": str(Path(folder) / "index")}
            self.run("read-tree", parent, extra_env=environment)
            for path, (mode, data) in sorted(files.items()):
                blob = self.output("hash-object", "-w", f"--path={path}", "--stdin", stdin=data)
                self.run("update-index", "--cacheinfo", f"{mode},{blob},{path}", extra_env=environment)
            tree = self.output("write-tree", extra_env=environment)
        return self.output("commit-tree", tree, "-p", parent, "-F", "-", stdin=message.encode("utf-8"))

    def set_branch(self, branch: str, commit: str, previous: str | None) -> None:
        """Point ``branch`` at ``commit``, only if it still is at ``previous`` (``None``: does not exist)."""
        self.run("update-ref", "-m", "depcheck pr", f"refs/heads/{branch}", commit, previous or "")

    def restore_branch(self, branch: str, current: str, previous: str | None) -> None:
        """Undo :meth:`set_branch`: delete the branch this run created, or put it back at ``previous``."""
        if previous is None:
            self.run("update-ref", "-d", f"refs/heads/{branch}", current)
        else:
            self.run("update-ref", "-m", "depcheck pr: undo", f"refs/heads/{branch}", previous, current)

    def push(self, remote: str, commit: str, branch: str, lease: str | None) -> None:
        """Push ``commit`` to ``remote``'s ``branch``, refused if the branch is no longer at ``lease``."""
        ref = f"refs/heads/{branch}"
        self.run("push", "--porcelain", f"--force-with-lease={ref}:{lease or ''}", remote, f"{commit}:{ref}")


def parse_remote_url(url: str) -> tuple[str, str] | None:
    """``(owner, name)`` from a GitHub remote URL (``https://host/o/r.git``, ``git@host:o/r.git``, ``ssh://...``)."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https", "ssh", "git", "git+ssh") and parts.netloc:
        path = parts.path
    else:
        match = _SCP_LIKE.match(url)
        if match is None:
            return None
        path = match.group("path")
    segments = [segment for segment in path.strip("/").split("/") if segment]
    if len(segments) < 2:
        return None
    owner, name = segments[-2], segments[-1].removesuffix(".git")
    if not owner or not name:
        return None
    return owner, name


# --- GitHub -----------------------------------------------------------------------------------


class GitHubError(Exception):
    """A GitHub API call failed: ``status`` is the HTTP status (``None`` when no answer came)."""

    def __init__(self, method: str, path: str, status: int | None, reason: str) -> None:
        prefix = f"HTTP {status} " if status is not None else ""
        super().__init__(f"{prefix}{reason} ({method} {path})")
        self.method = method
        self.path = path
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str
    title: str
    body: str


def _api_message(response: httpx.Response) -> str:
    """GitHub's error ``message`` and the ``errors`` details it gives for a 422, in one line."""
    try:
        data = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:200] if text else response.reason_phrase
    if not isinstance(data, dict):
        return response.reason_phrase
    message = str(data.get("message") or response.reason_phrase)
    details = []
    for error in data.get("errors") or []:
        if isinstance(error, dict):
            detail = error.get("message") or " ".join(
                str(error[key]) for key in ("resource", "field", "code") if error.get(key)
            )
            if detail:
                details.append(str(detail))
        elif isinstance(error, str):
            details.append(error)
    return f"{message}: {'; '.join(details)}" if details else message


def _pull(data: Any) -> PullRequest:
    if not isinstance(data, dict) or not isinstance(data.get("number"), int):
        raise ValueError("not a pull request object")
    return PullRequest(
        number=data["number"],
        url=str(data.get("html_url") or ""),
        title=str(data.get("title") or ""),
        body=str(data.get("body") or ""),
    )


class GitHub:
    """The three pull request endpoints ``depcheck pr`` uses, on one repository."""

    def __init__(self, client: httpx.Client, api_url: str, token: str, owner: str, repo: str) -> None:
        self.client = client
        self.api_url = api_url.rstrip("/")
        self.owner = owner
        self.repo = repo
        self.headers = {
            "Accept": "application/vnd.github+json",
            "Authorization": f"Bearer {token}",
            "X-GitHub-Api-Version": GITHUB_API_VERSION,
            "User-Agent": f"depcheck/{__version__}",
        }

    @property
    def pulls_path(self) -> str:
        return f"/repos/{quote(self.owner)}/{quote(self.repo)}/pulls"

    def _call(
        self, method: str, path: str, *, params: Mapping[str, str] | None = None, body: Any = None
    ) -> Any:
        try:
            response = self.client.request(
                method, self.api_url + path, params=params, json=body, headers=self.headers
            )
        except httpx.HTTPError as exc:
            # Connection refused, DNS failure, timeout: no status to report, only what happened.
            raise GitHubError(method, path, None, f"no answer from {self.api_url}: {exc}") from exc
        if not response.is_success:
            raise GitHubError(method, path, response.status_code, _api_message(response))
        try:
            return response.json()
        except ValueError as exc:
            raise GitHubError(method, path, response.status_code, "the answer is not JSON") from exc

    def find_open(self, branch: str) -> PullRequest | None:
        """The open pull request whose head is ``branch`` of this repository, if any."""
        path = self.pulls_path
        data = self._call("GET", path, params={"head": f"{self.owner}:{branch}", "state": "open"})
        if not isinstance(data, list):
            raise GitHubError("GET", path, 200, "expected a list of pull requests")
        try:
            pulls = [_pull(item) for item in data]
        except ValueError as exc:
            raise GitHubError("GET", path, 200, f"unexpected answer: {exc}") from exc
        return min(pulls, key=lambda pull: pull.number) if pulls else None

    def create(self, *, title: str, head: str, base: str, body: str) -> PullRequest:
        path = self.pulls_path
        data = self._call("POST", path, body={"title": title, "head": head, "base": base, "body": body})
        try:
            return _pull(data)
        except ValueError as exc:
            raise GitHubError("POST", path, 201, f"unexpected answer: {exc}") from exc

    def update(self, number: int, *, title: str, body: str) -> PullRequest:
        path = f"{self.pulls_path}/{number}"
        data = self._call("PATCH", path, body={"title": title, "body": body})
        try:
            return _pull(data)
        except ValueError as exc:
            raise GitHubError("PATCH", path, 200, f"unexpected answer: {exc}") from exc


# --- publishing -------------------------------------------------------------------------------


class PublishError(Exception):
    """A step of :func:`publish` failed: ``step`` names it, ``remains`` says what state is left."""

    def __init__(self, step: str, reason: str, remains: str) -> None:
        super().__init__(f"{step}: {reason}")
        self.step = step
        self.reason = reason
        self.remains = remains


@dataclass(frozen=True)
class Outcome:
    """What :func:`publish` did: ``action`` is ``opened``, ``updated`` or ``unchanged``."""

    branch: str
    action: str
    number: int
    url: str


@dataclass
class Repository:
    """Where the commits go: the git work tree, the remote, the base branch and its ``HEAD``."""

    git: Git
    toplevel: Path
    remote: str
    base: str
    head: str
    cwd: Path = field(default_factory=Path.cwd)

    def tree_path(self, shown: str) -> str:
        """The path, relative to the top level, of the file reports show as ``shown``.

        Symlinks are resolved, so the file a fix rewrote is the one committed. Raises
        :class:`ValueError` for a file outside the work tree.
        """
        real = Path(os.path.realpath(self.cwd / shown))
        return real.relative_to(self.toplevel.resolve()).as_posix()

    def entries(self, files: Mapping[str, bytes]) -> dict[str, tuple[str, bytes]]:
        """``files`` keyed by tree path with the mode they have in ``HEAD`` (:class:`ValueError` if untracked)."""
        entries: dict[str, tuple[str, bytes]] = {}
        for shown, data in files.items():
            try:
                path = self.tree_path(shown)
            except ValueError as exc:
                raise ValueError(f"{shown} lies outside the git work tree {self.toplevel}") from exc
            entry = self.git.tree_entry(self.head, path)
            if entry is None:
                raise ValueError(f"{shown} is not a file tracked in HEAD, so it cannot be committed")
            entries[path] = (entry.mode, data)
        return entries


def _undo_local(repository: Repository, branch: str, commit: str, previous: str | None) -> str:
    """Put the local branch back; the words say what the local state is now."""
    try:
        repository.git.restore_branch(branch, commit, previous)
    except GitError as exc:
        logger.error("%s", exc)
        return f"the local branch {branch} could not be put back ({exc.detail}); it points at {commit[:12]}"
    if previous is None:
        return f"the local branch {branch} created by this run was deleted"
    return f"the local branch {branch} was put back at {previous[:12]}"


def publish(change: Change, repository: Repository, github: GitHub) -> Outcome:
    """Commit, push and open or update the pull request for ``change``; see the module docstring."""
    git = repository.git
    branch = change.branch
    remote = repository.remote
    nothing = "nothing was committed or pushed"
    try:
        existing = github.find_open(branch)
    except GitHubError as exc:
        raise PublishError(
            f"could not look up the open pull request for {branch}", str(exc), nothing
        ) from exc
    try:
        remote_commit = git.remote_branch(remote, branch)
    except GitError as exc:
        raise PublishError(f"could not read the branch {branch} on {remote}", exc.detail, nothing) from exc
    if (
        existing is not None
        and remote_commit is not None
        and read_marker(existing.body) == pins_identity(change.pins)
    ):
        logger.info("pull request #%d for %s already has these pins", existing.number, branch)
        return Outcome(branch, "unchanged", existing.number, existing.url)

    try:
        entries = repository.entries(change.files)
    except (ValueError, GitError) as exc:
        raise PublishError(f"could not commit to {branch}", str(exc), nothing) from exc
    previous = git.branch_commit(branch)
    try:
        commit = git.commit_files(repository.head, entries, change.message())
        git.set_branch(branch, commit, previous)
    except GitError as exc:
        raise PublishError(
            f"could not commit to {branch}", exc.detail, "nothing was pushed and no branch was changed"
        ) from exc

    try:
        git.push(remote, commit, branch, remote_commit)
    except GitError as exc:
        local = _undo_local(repository, branch, commit, previous)
        raise PublishError(
            f"could not push {branch} to {remote}", exc.detail, f"nothing was pushed; {local}"
        ) from exc

    body = change.body()
    try:
        if existing is None:
            pull = github.create(title=change.title, head=branch, base=repository.base, body=body)
            action = "opened"
        else:
            pull = github.update(existing.number, title=change.title, body=body)
            action = "updated"
    except GitHubError as exc:
        local = _undo_local(repository, branch, commit, previous)
        if existing is None:
            what = f"the pull request could not be opened: {exc}"
        else:
            what = (
                f"pull request #{existing.number} now shows the new commit, but its description "
                f"could not be updated: {exc}"
            )
        remains = (
            f"the branch {branch} was pushed to {remote} ({commit[:12]}) but {what}; {local}; rerun to finish"
        )
        step = f"could not {'open' if existing is None else 'update'} the pull request for {branch}"
        raise PublishError(step, str(exc), remains) from exc
    return Outcome(branch, action, pull.number, pull.url)


def token_from(environ: Mapping[str, str]) -> str | None:
    """The GitHub token (``GITHUB_TOKEN``), or ``None`` when unset or empty."""
    return environ.get("GITHUB_TOKEN") or None


def api_url_from(explicit: str | None, environ: Mapping[str, str]) -> str:
    """``--api-url``, else ``GITHUB_API_URL`` (set by GitHub Actions, Enterprise included), else the public API."""
    return explicit or environ.get("GITHUB_API_URL") or DEFAULT_GITHUB_API_URL
