"""``depcheck pr`` end to end: a real git repository with a local bare remote, the fake registry and
a loopback fake of the GitHub pull request endpoints, the real CLI in a subprocess.

Also the pure pieces a user meets in the pull request: the remote URL forms, the release links,
the hidden marker that makes reruns idempotent.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from depcheck.model import Ecosystem, Finding, Location, Severity
from depcheck.pr import (
    branch_name,
    group_findings,
    image_page,
    parse_remote_url,
    project_page,
    read_marker,
    title_for,
)
from depcheck.testing.fake_github import FakeGitHub
from depcheck.testing.fake_registry import FakeRegistry

REQUIREMENTS = "# app\nrequests>=2.31  # HTTP client\nclick[extra]\ncertifi==2026.7.22\n"
DOCKERFILE = "FROM python:3.12-slim\nRUN true\n"
FIXED_REQUIREMENTS = "# app\nrequests==2.34.2  # HTTP client\nclick[extra]==8.5.1\ncertifi==2026.7.22\n"
FIXED_DOCKERFILE = "FROM python:3.12.7-slim\nRUN true\n"


@pytest.fixture(scope="module")
def registry() -> Iterator[FakeRegistry]:
    fake = FakeRegistry()
    _url, stop = fake.run_in_thread()
    yield fake
    stop()


def git(cwd: Path, *args: str) -> str:
    completed = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return completed.stdout.strip()


def has_branch(repository: Path, branch: str) -> bool:
    completed = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}"],
        cwd=repository,
        capture_output=True,
        check=False,
    )
    return completed.returncode == 0


@dataclass
class Setup:
    work: Path
    remote: Path
    github: FakeGitHub
    api_url: str
    registry: FakeRegistry

    def pr(self, *args: str, token: str = "test-token") -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "NO_COLOR": "1", "GITHUB_TOKEN": token}
        for name in (
            "GITHUB_API_URL",
            "DEPCHECK_DOCKER_HUB_URL",
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
        ):
            environment.pop(name, None)
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "depcheck",
                "pr",
                "--repo",
                "octo/app",
                "--api-url",
                self.api_url,
                "--no-cache",
                "--python",
                "3.12",
                "--index-url",
                self.registry.index_url,
                "--docker-hub-url",
                self.registry.url,
                *args,
            ],
            cwd=self.work,
            capture_output=True,
            text=True,
            env=environment,
            timeout=180,
            check=False,
        )

    def commit(self, message: str) -> None:
        git(self.work, "add", "-A")
        git(self.work, "commit", "-q", "-m", message)

    def remote_file(self, branch: str, path: str) -> str:
        return git(self.remote, "show", f"{branch}:{path}") + "\n"


@pytest.fixture
def setup(tmp_path: Path, registry: FakeRegistry) -> Iterator[Setup]:
    remote = tmp_path / "remote.git"
    work = tmp_path / "work"
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(remote)], check=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True)
    git(work, "config", "user.name", "Test Bot")
    git(work, "config", "user.email", "bot@example.com")
    git(work, "config", "commit.gpgsign", "false")
    (work / "requirements.txt").write_text(REQUIREMENTS)
    (work / "Dockerfile").write_text(DOCKERFILE)
    setup = Setup(work, remote, FakeGitHub(owner="octo", repo="app", remote=remote), "", registry)
    setup.commit("initial")
    git(work, "remote", "add", "origin", str(remote))
    git(work, "push", "-q", "origin", "main")
    setup.api_url, stop = setup.github.run_in_thread()
    yield setup
    stop()


def assert_untouched(setup: Setup) -> None:
    """The user's checkout: still on main, files as committed, nothing to commit."""
    assert git(setup.work, "symbolic-ref", "--short", "HEAD") == "main"
    assert git(setup.work, "status", "--porcelain") == ""
    assert (setup.work / "requirements.txt").read_text() == REQUIREMENTS


def test_opens_a_pull_request_with_the_pins_in_a_table(setup: Setup) -> None:
    result = setup.pr()
    assert result.returncode == 0, result.stderr
    assert "depcheck: opened pull request #1 for depcheck/pins: https://github.example/octo/app/pull/1\n" in (
        result.stderr
    )
    [post] = setup.github.calls_of("POST")
    assert post.path == "/repos/octo/app/pulls"
    assert (post.body["title"], post.body["head"], post.body["base"]) == (
        "depcheck: pin dependency versions",
        "depcheck/pins",
        "main",
    )
    body = post.body["body"]
    index = setup.registry.url
    assert "| Name | File | From | To | Rule |\n|---|---|---|---|---|\n" in body
    assert (
        "| python | `Dockerfile` | `3.12-slim` | [`3.12.7-slim`](https://hub.docker.com/_/python) | floating-tag |\n"
        in body
    )
    assert (
        f"| requests | `requirements.txt` | `>=2.31` | [`2.34.2`]({index}/project/requests/2.34.2/) | ranged |\n"
    ) in body
    assert (
        f"| click | `requirements.txt` | `(none)` | [`8.5.1`]({index}/project/click/8.5.1/) | unpinned |\n"
        in body
    )
    assert read_marker(body) == [
        ["Dockerfile", "python", "floating-tag", "3.12-slim", "python:3.12.7-slim"],
        ["requirements.txt", "click", "unpinned", "(none)", "click[extra]==8.5.1"],
        ["requirements.txt", "requests", "ranged", ">=2.31", "requests==2.34.2"],
    ]
    # The branch on the remote: one commit on main's HEAD with only the versions changed.
    assert setup.remote_file("depcheck/pins", "requirements.txt") == FIXED_REQUIREMENTS
    assert setup.remote_file("depcheck/pins", "Dockerfile") == FIXED_DOCKERFILE
    assert git(setup.remote, "rev-parse", "depcheck/pins^") == git(setup.work, "rev-parse", "main")
    assert git(setup.remote, "log", "-1", "--format=%B", "depcheck/pins") == (
        "depcheck: pin dependency versions\n\n"
        "- python: 3.12-slim -> 3.12.7-slim (floating-tag) in Dockerfile\n"
        "- requests: >=2.31 -> 2.34.2 (ranged) in requirements.txt\n"
        "- click: (none) -> 8.5.1 (unpinned) in requirements.txt"
    )
    assert git(setup.work, "rev-parse", "depcheck/pins") == git(setup.remote, "rev-parse", "depcheck/pins")
    assert_untouched(setup)


def test_a_second_run_with_the_same_pins_leaves_the_pull_request_alone(setup: Setup) -> None:
    assert setup.pr().returncode == 0
    pushed = git(setup.remote, "rev-parse", "depcheck/pins")
    setup.github.clear()
    second = setup.pr()
    assert second.returncode == 0, second.stderr
    assert (
        "depcheck: pull request #1 for depcheck/pins already has these pins; left as it is: "
        "https://github.example/octo/app/pull/1\n"
    ) in second.stderr
    assert [call.method for call in setup.github.calls] == ["GET"]
    assert git(setup.remote, "rev-parse", "depcheck/pins") == pushed
    assert len(setup.github.pulls) == 1


def test_moved_pins_update_the_branch_and_the_body(setup: Setup) -> None:
    assert setup.pr().returncode == 0
    first_commit = git(setup.remote, "rev-parse", "depcheck/pins")
    (setup.work / "requirements.txt").write_text(REQUIREMENTS + "flask>=3\n")
    setup.commit("add flask")
    setup.github.clear()
    result = setup.pr()
    assert result.returncode == 0, result.stderr
    assert "depcheck: updated pull request #1 for depcheck/pins" in result.stderr
    assert setup.github.calls_of("POST") == []
    [patch] = setup.github.calls_of("PATCH")
    assert patch.path == "/repos/octo/app/pulls/1"
    index = setup.registry.url
    assert (
        f"| flask | `requirements.txt` | `>=3` | [`3.1.3`]({index}/project/flask/3.1.3/) | ranged |\n"
        in (patch.body["body"])
    )
    assert setup.github.pulls[0]["body"] == patch.body["body"]
    assert len(setup.github.pulls) == 1
    assert setup.remote_file("depcheck/pins", "requirements.txt") == FIXED_REQUIREMENTS + "flask==3.1.3\n"
    assert git(setup.remote, "rev-parse", "depcheck/pins^") == git(setup.work, "rev-parse", "main")
    assert git(setup.remote, "rev-parse", "depcheck/pins") != first_commit


def test_401_is_reported_with_its_step_and_nothing_is_left(setup: Setup) -> None:
    result = setup.pr(token="wrong-token")
    assert result.returncode == 1
    assert (
        "depcheck: error: could not look up the open pull request for depcheck/pins: "
        "HTTP 401 Bad credentials (GET /repos/octo/app/pulls)\n"
        "depcheck: nothing was committed or pushed\n"
    ) in result.stderr
    assert not has_branch(setup.work, "depcheck/pins")
    assert not has_branch(setup.remote, "depcheck/pins")
    assert_untouched(setup)


def test_422_after_the_push_says_the_branch_was_pushed_and_a_rerun_finishes(setup: Setup) -> None:
    setup.github.fail(
        "POST",
        "/repos/octo/app/pulls",
        422,
        "Validation Failed",
        errors=[
            {
                "resource": "PullRequest",
                "code": "custom",
                "message": "No commits between main and depcheck/pins",
            }
        ],
        times=1,
    )
    result = setup.pr()
    assert result.returncode == 1
    pushed = git(setup.remote, "rev-parse", "depcheck/pins")
    assert (
        "depcheck: error: could not open the pull request for depcheck/pins: HTTP 422 Validation Failed: "
        "No commits between main and depcheck/pins (POST /repos/octo/app/pulls)\n"
    ) in result.stderr
    assert (
        f"depcheck: the branch depcheck/pins was pushed to origin ({pushed[:12]}) but the pull request could "
        "not be opened: HTTP 422 Validation Failed: No commits between main and depcheck/pins "
        "(POST /repos/octo/app/pulls); the local branch depcheck/pins created by this run was deleted; "
        "rerun to finish\n"
    ) in result.stderr
    assert not has_branch(setup.work, "depcheck/pins")
    assert setup.github.pulls == []
    assert_untouched(setup)

    again = setup.pr()
    assert again.returncode == 0, again.stderr
    assert "depcheck: opened pull request #1 for depcheck/pins" in again.stderr
    assert setup.remote_file("depcheck/pins", "requirements.txt") == FIXED_REQUIREMENTS


def test_500_on_update_puts_the_local_branch_back(setup: Setup) -> None:
    assert setup.pr().returncode == 0
    before = git(setup.work, "rev-parse", "depcheck/pins")
    (setup.work / "requirements.txt").write_text(REQUIREMENTS + "flask>=3\n")
    setup.commit("add flask")
    setup.github.fail("PATCH", "/repos/octo/app/pulls/*", 500, "Server Error", times=1)
    result = setup.pr()
    assert result.returncode == 1
    pushed = git(setup.remote, "rev-parse", "depcheck/pins")
    assert (
        "depcheck: error: could not update the pull request for depcheck/pins: HTTP 500 Server Error "
        "(PATCH /repos/octo/app/pulls/1)\n"
    ) in result.stderr
    assert (
        f"depcheck: the branch depcheck/pins was pushed to origin ({pushed[:12]}) but pull request #1 now shows "
        "the new commit, but its description could not be updated: HTTP 500 Server Error "
        f"(PATCH /repos/octo/app/pulls/1); the local branch depcheck/pins was put back at {before[:12]}; "
        "rerun to finish\n"
    ) in result.stderr
    assert git(setup.work, "rev-parse", "depcheck/pins") == before


def test_a_rejected_push_is_reported_and_the_new_branch_removed(setup: Setup) -> None:
    hook = setup.remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are frozen' >&2\nexit 1\n")
    hook.chmod(0o755)
    result = setup.pr()
    assert result.returncode == 1
    assert "depcheck: error: could not push depcheck/pins to origin: " in result.stderr
    assert "pushes are frozen" in result.stderr
    assert (
        "depcheck: nothing was pushed; the local branch depcheck/pins created by this run was deleted\n"
        in (result.stderr)
    )
    assert not has_branch(setup.work, "depcheck/pins")
    assert not has_branch(setup.remote, "depcheck/pins")
    assert setup.github.calls_of("POST") == []
    assert_untouched(setup)


def test_a_dirty_tree_is_refused_with_the_files_listed(setup: Setup) -> None:
    (setup.work / "requirements.txt").write_text(REQUIREMENTS + "flask\n")
    (setup.work / "notes.txt").write_text("todo\n")
    result = setup.pr()
    assert result.returncode == 2
    assert result.stderr == (
        "depcheck: error: the working tree has uncommitted changes; commit or stash them first:\n"
        "   M requirements.txt\n"
        "  ?? notes.txt\n"
    )
    assert setup.github.calls == []
    assert not has_branch(setup.work, "depcheck/pins")


def test_group_file_opens_one_pull_request_per_file(setup: Setup) -> None:
    result = setup.pr("--group", "file")
    assert result.returncode == 0, result.stderr
    posts = setup.github.calls_of("POST")
    assert [(post.body["head"], post.body["title"]) for post in posts] == [
        ("depcheck/pins-dockerfile", "depcheck: pin dependency versions in Dockerfile"),
        ("depcheck/pins-requirements-txt", "depcheck: pin dependency versions in requirements.txt"),
    ]
    assert "| python | `Dockerfile` |" in posts[0].body["body"]
    assert "requirements.txt" not in posts[0].body["body"]
    assert "| requests | `requirements.txt` |" in posts[1].body["body"]
    assert "Dockerfile" not in posts[1].body["body"]
    assert setup.remote_file("depcheck/pins-dockerfile", "requirements.txt") == REQUIREMENTS
    assert setup.remote_file("depcheck/pins-dockerfile", "Dockerfile") == FIXED_DOCKERFILE
    assert setup.remote_file("depcheck/pins-requirements-txt", "requirements.txt") == FIXED_REQUIREMENTS
    assert setup.remote_file("depcheck/pins-requirements-txt", "Dockerfile") == DOCKERFILE

    setup.github.clear()
    again = setup.pr("--group", "file")
    assert again.returncode == 0, again.stderr
    assert [call.method for call in setup.github.calls] == ["GET", "GET"]


def test_dry_run_prints_the_plan_and_touches_nothing(setup: Setup) -> None:
    result = setup.pr("--dry-run", token="")
    assert result.returncode == 0, result.stderr
    assert "== depcheck/pins\n" in result.stdout
    assert "    - requests: >=2.31 -> 2.34.2 (ranged) in requirements.txt\n" in result.stdout
    assert "would push depcheck/pins to origin" in result.stdout
    assert (
        "-requests>=2.31  # HTTP client\n-click[extra]\n+requests==2.34.2  # HTTP client\n+click[extra]==8.5.1\n"
    ) in result.stdout
    assert setup.github.calls == []
    assert not has_branch(setup.work, "depcheck/pins")
    assert not has_branch(setup.remote, "depcheck/pins")
    assert_untouched(setup)


def test_no_token_is_a_usage_error(setup: Setup) -> None:
    result = setup.pr(token="")
    assert result.returncode == 2
    assert "GITHUB_TOKEN is not set" in result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/octo/app.git", ("octo", "app")),
        ("https://github.com/octo/app", ("octo", "app")),
        ("https://x-access-token:abc@github.com/octo/app.git", ("octo", "app")),
        ("git@github.com:octo/app.git", ("octo", "app")),
        ("ssh://git@github.com/octo/app.git", ("octo", "app")),
        ("ssh://git@ghe.example:2222/team/tool.git", ("team", "tool")),
        ("/srv/git/app.git", None),
        ("https://github.com/octo", None),
    ],
)
def test_the_repository_is_read_from_the_remote_url(url: str, expected: tuple[str, str] | None) -> None:
    assert parse_remote_url(url) == expected


def test_release_links_come_from_the_index_only_when_it_ends_in_simple() -> None:
    assert project_page("https://index.example/simple/", "requests", "2.34.2") == (
        "https://index.example/project/requests/2.34.2/"
    )
    assert project_page("https://index.example/root/pypi/+simple", "requests", "2.34.2") is None
    assert image_page(None, "library/python") == "https://hub.docker.com/_/python"
    assert image_page(None, "grafana/pyroscope") == "https://hub.docker.com/r/grafana/pyroscope"
    assert image_page("ghcr.io", "astral-sh/uv") is None


def test_a_body_without_a_marker_is_never_the_same_pins() -> None:
    assert read_marker("written by hand") is None
    assert read_marker("<!-- depcheck:pins not json -->") is None
    assert read_marker('x\n<!-- depcheck:pins [["a","b","c","d","e"]] -->\n') == [["a", "b", "c", "d", "e"]]


def test_groups_split_by_file_or_ecosystem_with_slugged_branch_names() -> None:
    def finding(file: str, ecosystem: Ecosystem) -> Finding:
        return Finding("ranged", Severity.ERROR, Location(file, 1), "m", ecosystem=ecosystem, name="x")

    findings = [
        finding("requirements/dev.txt", Ecosystem.PYPI),
        finding("Dockerfile", Ecosystem.DOCKER),
        finding("Dockerfile", Ecosystem.PYPI),
    ]
    by_file = group_findings(findings, "file")
    by_ecosystem = group_findings(findings, "ecosystem")
    assert {slug: len(items) for slug, items in by_file.items()} == {
        "requirements-dev-txt": 1,
        "dockerfile": 2,
    }
    assert {slug: len(items) for slug, items in by_ecosystem.items()} == {"pypi": 2, "docker": 1}
    assert list(group_findings(findings, "all")) == [""]
    assert [branch_name("depcheck/pins", slug) for slug in ("", "pypi")] == [
        "depcheck/pins",
        "depcheck/pins-pypi",
    ]
    assert title_for("ecosystem", "docker", ["Dockerfile"]) == "depcheck: pin Docker image tags"
    assert (
        title_for("file", "dockerfile", ["Dockerfile"]) == "depcheck: pin dependency versions in Dockerfile"
    )
