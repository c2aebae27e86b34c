"""The real ``depcheck audit`` against the fake registry on loopback: every registry rule, every
fault a registry can commit, the cache and ``--offline``, checked through exit codes and JSON reports.

Expected versions come from the cassettes (see ``cassettes/README.md``): httpx's newest final is
``0.28.1``, django ``5.0.5`` is yanked, python ``3.12-slim`` is ``3.12.7-slim`` today and
``latest`` is ``3.14.7``. ``--python 3.12`` keeps the choices independent of the interpreter that
runs the tests (django 6 needs Python 3.12).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from depcheck.testing import FakeRegistry
from tests.e2e.conftest import LOOP_PROBE, Cli, Run

REQUIREMENTS = """\
httpx==0.99.0
django==5.0.5
packaging==26.0rc1
httpx==1.0.dev3
requestz-toolbelt-pro==1.0
requests==2.31.0
rich==15.0.0
"""

DOCKERFILE = """\
FROM python:3.12-slim AS base
FROM python:latest
FROM python
FROM python:3.12-slim-bookworm
FROM python:3.12.4-slim-bookworm
FROM python:3.13-alpine3.20
FROM python:3.13.1-alpine3.20
FROM python:3.12.99-slim
FROM {host}/team/app:1.2
"""


def findings(data: dict[str, Any]) -> list[tuple[str, int, str, str, str | None, str | None]]:
    return [
        (f["file"], f["line"], f["rule"], f["severity"], f["suggestion"], f["replacement"])
        for f in data["findings"]
    ]


def resolved(data: dict[str, Any]) -> list[tuple[str, int, str, str | None]]:
    return [(d["file"], d["line"], d["current"], d["resolved"]) for d in data["dependencies"]]


def message(data: dict[str, Any], file: str, line: int) -> str:
    (found,) = [f["message"] for f in data["findings"] if (f["file"], f["line"]) == (file, line)]
    text: str = found
    return text


def audit(cli: Cli, *args: str, cache: Path | None = None, env: dict[str, str] | None = None) -> Run:
    return cli("audit", "--format", "json", "--python", "3.12", *args, cache=cache, env=env)


# --- every registry rule ------------------------------------------------------------------------


def test_audit_reports_every_registry_rule_with_the_exact_version(cli: Cli) -> None:
    (cli.cwd / "requirements.txt").write_text(REQUIREMENTS)
    (cli.cwd / "Dockerfile").write_text(DOCKERFILE.format(host=cli.host))

    run = audit(cli)

    assert run.returncode == 1, run.stderr
    data = run.json()
    assert data["summary"] == {"files": 2, "dependencies": 16, "error": 10, "warning": 2, "info": 2}
    assert findings(data) == [
        ("Dockerfile", 1, "floating-tag", "error", "3.12.7-slim", "python:3.12.7-slim"),
        ("Dockerfile", 2, "latest-tag", "error", "3.14.7", "python:3.14.7"),
        ("Dockerfile", 3, "untagged-image", "error", "3.14.7", "python:3.14.7"),
        # The -slim-bookworm variant is kept, whether the tag floats or is behind.
        ("Dockerfile", 4, "floating-tag", "error", "3.12.7-slim-bookworm", "python:3.12.7-slim-bookworm"),
        ("Dockerfile", 5, "outdated", "info", "3.14.7-slim-bookworm", "python:3.14.7-slim-bookworm"),
        # alpine3.20 stays alpine3.20 although 3.14.7-alpine3.22 exists; line 7 is the newest
        # alpine3.20 build, so it has no finding at all.
        ("Dockerfile", 6, "floating-tag", "error", "3.13.1-alpine3.20", "python:3.13.1-alpine3.20"),
        ("Dockerfile", 8, "unknown-version", "error", "3.12.7-slim", "python:3.12.7-slim"),
        ("Dockerfile", 9, "floating-tag", "error", "1.2.3", f"{cli.host}/team/app:1.2.3"),
        ("requirements.txt", 1, "unknown-version", "error", "0.28.1", "httpx==0.28.1"),
        ("requirements.txt", 2, "yanked", "error", "6.1.3", "django==6.1.3"),
        ("requirements.txt", 3, "prerelease", "warning", "26.4", "packaging==26.4"),
        ("requirements.txt", 4, "prerelease", "warning", None, None),
        ("requirements.txt", 5, "unknown-package", "error", None, None),
        ("requirements.txt", 6, "outdated", "info", "2.34.2", "requests==2.34.2"),
    ]
    assert resolved(data) == [
        ("Dockerfile", 1, "python:3.12-slim", "3.12.7-slim"),
        ("Dockerfile", 2, "python:latest", "3.14.7"),
        ("Dockerfile", 3, "python", "3.14.7"),
        ("Dockerfile", 4, "python:3.12-slim-bookworm", "3.12.7-slim-bookworm"),
        ("Dockerfile", 5, "python:3.12.4-slim-bookworm", "3.12.4-slim-bookworm"),
        ("Dockerfile", 6, "python:3.13-alpine3.20", "3.13.1-alpine3.20"),
        ("Dockerfile", 7, "python:3.13.1-alpine3.20", "3.13.1-alpine3.20"),
        ("Dockerfile", 8, "python:3.12.99-slim", None),
        ("Dockerfile", 9, f"{cli.host}/team/app:1.2", "1.2.3"),
        ("requirements.txt", 1, "httpx==0.99.0", None),
        ("requirements.txt", 2, "django==5.0.5", "5.0.5"),
        ("requirements.txt", 3, "packaging==26.0rc1", "26.0rc1"),
        ("requirements.txt", 4, "httpx==1.0.dev3", "1.0.dev3"),
        ("requirements.txt", 5, "requestz-toolbelt-pro==1.0", None),
        ("requirements.txt", 6, "requests==2.31.0", "2.31.0"),
        ("requirements.txt", 7, "rich==15.0.0", "15.0.0"),
    ]
    assert message(data, "requirements.txt", 1) == (
        "httpx==0.99.0 is not published; the newest release is httpx==0.28.1"
    )
    assert message(data, "requirements.txt", 2) == (
        'django==5.0.5 is yanked ("Release files have Windows end-of-line characters and are missing '
        'executable bits."); use django==6.1.3'
    )
    assert message(data, "requirements.txt", 3) == (
        "packaging==26.0rc1 is a pre-release; pin a final release: packaging==26.4"
    )
    assert message(data, "requirements.txt", 5) == (
        f"requestz-toolbelt-pro does not exist on {cli.registry.index_url}: no such project "
        "(a misspelt or invented name, or one private to another index)"
    )
    assert (
        message(data, "requirements.txt", 6) == "requests==2.31.0 is 9 releases and 1088 days behind 2.34.2"
    )
    assert message(data, "Dockerfile", 1) == (
        "python:3.12-slim is a floating tag that moves to new builds; "
        "3.12.7-slim is the most specific tag of that line"
    )
    assert message(data, "Dockerfile", 8) == (
        "python:3.12.99-slim is not a published tag of library/python on Docker Hub; "
        "the nearest published tag is 3.12.7-slim"
    )


def test_each_distinct_lookup_is_made_once(cli: Cli, registry: FakeRegistry) -> None:
    (cli.cwd / "requirements.txt").write_text(REQUIREMENTS)
    (cli.cwd / "Dockerfile").write_text(DOCKERFILE.format(host=cli.host))

    audit(cli)

    assert registry.count("/simple/httpx/") == 1  # named on two lines
    assert registry.count("/v2/namespaces/library/repositories/python/tags") == 2  # two pages of 100
    assert registry.count("/simple/*") == 6


def test_a_clean_file_exits_0_with_every_pin_resolved(cli: Cli) -> None:
    (cli.cwd / "requirements.txt").write_text("httpx==0.28.1\nrich==15.0.0\n")
    (cli.cwd / "Dockerfile").write_text("FROM python:3.14.7-slim\n")

    run = audit(cli)

    assert run.returncode == 0, run.stderr
    data = run.json()
    assert data["findings"] == []
    assert resolved(data) == [
        ("Dockerfile", 1, "python:3.14.7-slim", "3.14.7-slim"),
        ("requirements.txt", 1, "httpx==0.28.1", "0.28.1"),
        ("requirements.txt", 2, "rich==15.0.0", "15.0.0"),
    ]


def test_a_requirements_file_is_judged_for_its_projects_python(cli: Cli) -> None:
    # The project supports Python 3.8, so the Django to write is the last one that installs there
    # (4.2.x), not the newest for the interpreter running the audit; the Dockerfile's pip install
    # runs on the image's Python and is judged for the run's target (no --python here).
    (cli.cwd / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "1"\nrequires-python = ">=3.8"\n'
    )
    (cli.cwd / "requirements.txt").write_text("django\n")

    run = cli("audit", "--format", "json", "requirements.txt", "pyproject.toml")

    data = run.json()
    assert [(f["file"], f["rule"], f["replacement"]) for f in data["findings"]] == [
        ("requirements.txt", "unpinned", "django==4.2.30"),
    ]


def test_a_requirements_file_named_alone_is_still_judged_for_its_projects_python(cli: Cli) -> None:
    # A pre-commit hook passes only the changed file: the project's pyproject.toml is read from disk.
    (cli.cwd / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "1"\nrequires-python = ">=3.8"\n'
    )
    (cli.cwd / "requirements.txt").write_text("django\n")

    run = cli("audit", "--format", "json", "requirements.txt")

    assert [(f["file"], f["rule"], f["replacement"]) for f in run.json()["findings"]] == [
        ("requirements.txt", "unpinned", "django==4.2.30"),
    ]


def test_an_unreadable_project_beside_a_requirements_file_is_a_warning_not_a_guess(cli: Cli) -> None:
    (cli.cwd / "pyproject.toml").write_text("[project\n")
    (cli.cwd / "requirements.txt").write_text("django\n")

    run = cli("audit", "--format", "json", "--python", "3.12", "requirements.txt")

    assert [(f["file"], f["rule"], f["replacement"]) for f in run.json()["findings"]] == [
        ("requirements.txt", "unpinned", "django==6.1.3"),
    ]
    assert "pyproject.toml:1: " in run.stderr
    assert "files beside it are judged for the run's target Python" in run.stderr


# --- faults: retried, then registry-error, exit 3, nothing verified -----------------------------

FAULTY = "httpx==0.28.1\nrich==15.0.0\n"


def _pypi_fault_report(cli: Cli, env: dict[str, str] | None = None) -> tuple[Run, dict[str, Any]]:
    (cli.cwd / "requirements.txt").write_text(FAULTY)
    run = audit(cli, env=env)
    assert run.returncode == 3, run.stderr
    data = run.json()
    # The failing project is not verified; the other one is, and reported as such.
    assert resolved(data) == [
        ("requirements.txt", 1, "httpx==0.28.1", None),
        ("requirements.txt", 2, "rich==15.0.0", "15.0.0"),
    ]
    assert [(f["line"], f["rule"], f["severity"]) for f in data["findings"]] == [
        (1, "registry-error", "error")
    ]
    return run, data


def test_a_500_is_retried_then_reported_as_registry_error(cli: Cli, registry: FakeRegistry) -> None:
    registry.fail("/simple/httpx/", 500, times=None)

    run, data = _pypi_fault_report(cli)

    assert message(data, "requirements.txt", 1) == (
        f"httpx was not verified: PyPI ({cli.host}) could not answer: HTTP 500 after 4 attempts"
    )
    assert registry.count("/simple/httpx/") == 4
    assert f"{cli.host}: HTTP 500 after 4 attempts" in run.stderr


def test_a_single_500_is_retried_and_the_answer_used(cli: Cli, registry: FakeRegistry) -> None:
    registry.fail("/simple/httpx/", 503, times=1)
    (cli.cwd / "requirements.txt").write_text(FAULTY)

    run = audit(cli)

    assert run.returncode == 0, run.stderr
    assert resolved(run.json())[0] == ("requirements.txt", 1, "httpx==0.28.1", "0.28.1")
    assert registry.count("/simple/httpx/") == 2


def test_a_429_waits_as_long_as_retry_after_says(cli: Cli, registry: FakeRegistry) -> None:
    registry.throttle("/simple/httpx/", retry_after="1", times=1)
    (cli.cwd / "requirements.txt").write_text(FAULTY)

    run = audit(cli, "-v")

    assert run.returncode == 0, run.stderr
    assert resolved(run.json())[0] == ("requirements.txt", 1, "httpx==0.28.1", "0.28.1")
    httpx = [request for request in registry.requests if request.path == "/simple/httpx/"]
    assert len(httpx) == 2
    assert f"{cli.host}: HTTP 429 (attempt 1 of 4); retrying in 1.00 s" in run.stderr


def test_a_429_that_lasts_is_a_registry_error(cli: Cli, registry: FakeRegistry) -> None:
    registry.throttle("/simple/httpx/", retry_after="1", times=None)

    _run, data = _pypi_fault_report(cli)

    assert message(data, "requirements.txt", 1) == (
        f"httpx was not verified: PyPI ({cli.host}) could not answer: HTTP 429 after 4 attempts"
    )
    assert registry.count("/simple/httpx/") == 4


def test_a_registry_that_hangs_past_the_timeout(cli: Cli, registry: FakeRegistry) -> None:
    registry.hang("/simple/httpx/", seconds=30, times=None)

    _run, data = _pypi_fault_report(cli, env={"DEPCHECK_HTTP_TIMEOUT": "0.5"})

    assert message(data, "requirements.txt", 1) == (
        f"httpx was not verified: PyPI ({cli.host}) could not answer: timed out after 0.5 s (4 attempts)"
    )
    assert registry.count("/simple/httpx/") == 4


def test_a_connection_reset(cli: Cli, registry: FakeRegistry) -> None:
    registry.reset("/simple/httpx/", times=None)

    _run, data = _pypi_fault_report(cli)

    assert message(data, "requirements.txt", 1).startswith(
        f"httpx was not verified: PyPI ({cli.host}) could not answer: connection reset"
    )
    assert message(data, "requirements.txt", 1).endswith("(4 attempts)")
    assert registry.count("/simple/httpx/") == 4


def test_truncated_json(cli: Cli, registry: FakeRegistry) -> None:
    registry.truncate("/simple/httpx/", times=None)

    _run, data = _pypi_fault_report(cli)

    text = message(data, "requirements.txt", 1)
    assert text.startswith(
        f"httpx was not verified: PyPI ({cli.host}) could not answer: "
        f"invalid JSON from {cli.registry.index_url}/httpx/: "
    )
    assert text.endswith(" after 4 attempts")
    assert registry.count("/simple/httpx/") == 4


def test_wrongly_shaped_json(cli: Cli, registry: FakeRegistry) -> None:
    registry.wrong_shape("/simple/httpx/", times=None)

    _run, data = _pypi_fault_report(cli)

    assert message(data, "requirements.txt", 1) == (
        f"httpx was not verified: PyPI ({cli.host}) could not answer: "
        f"unexpected JSON from {cli.registry.index_url}/httpx/: Object missing required field `meta` after 4 attempts"
    )


@pytest.mark.parametrize(
    ("inject", "reason"),
    [
        (lambda registry, path: registry.fail(path, 502, times=None), "HTTP 502 after 4 attempts"),
        (
            lambda registry, path: registry.wrong_shape(path, times=None),
            "Docker Hub tags page without a results list from {url} after 4 attempts",
        ),
    ],
    ids=["502", "wrong-shape"],
)
def test_docker_hub_faults_are_registry_errors(
    cli: Cli, registry: FakeRegistry, inject: Any, reason: str
) -> None:
    path = "/v2/namespaces/library/repositories/python/tags"
    inject(registry, path)
    (cli.cwd / "Dockerfile").write_text("FROM python:3.12-slim\nFROM redis:8.2.3\n")

    run = audit(cli)

    assert run.returncode == 3, run.stderr
    data = run.json()
    url = f"{registry.url}{path}?page_size=100"
    assert [(f["line"], f["rule"], f["message"]) for f in data["findings"]] == [
        (
            1,
            "registry-error",
            "python was not verified: the image registry (Docker Hub) could not answer: "
            + reason.format(url=url),
        )
    ]
    assert [d["resolved"] for d in data["dependencies"]] == [None, "8.2.3"]


# --- the cache and --offline --------------------------------------------------------------------


def test_a_warm_cache_run_makes_no_request_and_reports_the_same(
    cli: Cli, registry: FakeRegistry, tmp_path: Path
) -> None:
    (cli.cwd / "requirements.txt").write_text(REQUIREMENTS)
    (cli.cwd / "Dockerfile").write_text(DOCKERFILE.format(host=cli.host))
    cache = tmp_path / "cache"
    cold = audit(cli, cache=cache)
    assert registry.count() > 0

    registry.clear_requests()
    warm = audit(cli, cache=cache)

    assert registry.requests == []
    assert warm.returncode == cold.returncode == 1
    assert warm.json() == cold.json()


def test_a_warm_run_answers_without_an_event_loop(cli: Cli, registry: FakeRegistry, tmp_path: Path) -> None:
    """Every answer in the cache: nothing waits, so asyncio (45-60 ms to import) is never loaded;
    the report is the one the cold run made in an event loop."""
    (cli.cwd / "requirements.txt").write_text(REQUIREMENTS)
    (cli.cwd / "Dockerfile").write_text(DOCKERFILE.format(host=cli.host))
    cache = tmp_path / "cache"
    cold = audit(cli, cache=cache)
    script = LOOP_PROBE
    options = ["--format", "json", "--python", "3.12", *cli.registry_options(cache=cache)]
    warm = subprocess.run(
        [sys.executable, "-c", script, "audit", *options],
        cwd=cli.cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert warm.returncode == cold.returncode == 1
    assert json.loads(warm.stdout) == cold.json()
    assert warm.stderr.splitlines()[-1] == "event loop: False"


def test_a_partly_warm_cache_is_completed_in_an_event_loop(
    cli: Cli, registry: FakeRegistry, tmp_path: Path
) -> None:
    """One project is not in the cache: the loop-less attempt stops there, and the run asks the
    registry for that one project only, reporting what a cold run reports, each finding once."""
    cache = tmp_path / "cache"
    (cli.cwd / "requirements.txt").write_text("httpx==0.28.1\nattrs==25.1.0\n")
    audit(cli, cache=cache)
    (cli.cwd / "requirements.txt").write_text("httpx==0.28.1\nattrs==25.1.0\nrequests\n")
    registry.clear_requests()

    partly = audit(cli, cache=cache)

    assert [request.path for request in registry.requests] == ["/simple/requests/"]
    cold = audit(cli, cache=tmp_path / "cold")
    assert partly.json() == cold.json()
    assert [f["rule"] for f in partly.json()["findings"]].count("unpinned") == 1


def test_offline_with_a_warm_cache_answers(cli: Cli, registry: FakeRegistry, tmp_path: Path) -> None:
    (cli.cwd / "requirements.txt").write_text(REQUIREMENTS)
    (cli.cwd / "Dockerfile").write_text("FROM python:3.12-slim\n")
    cache = tmp_path / "cache"
    online = audit(cli, cache=cache)
    registry.clear_requests()

    offline = audit(cli, "--offline", cache=cache)

    assert registry.requests == []
    assert offline.returncode == 1, offline.stderr
    assert offline.json() == online.json()


def test_offline_with_a_cold_cache_says_what_it_could_not_answer(
    cli: Cli, registry: FakeRegistry, tmp_path: Path
) -> None:
    (cli.cwd / "requirements.txt").write_text("httpx==0.28.1\n")
    (cli.cwd / "Dockerfile").write_text("FROM python:3.12.7-slim\n")
    cache = tmp_path / "cache"
    # Warm the cache for httpx only.
    (cli.cwd / "warm.txt").write_text("httpx==0.28.1\n")
    audit(cli, "warm.txt", cache=cache)
    (cli.cwd / "warm.txt").unlink()
    registry.clear_requests()

    run = audit(cli, "--offline", cache=cache)

    assert registry.requests == []
    assert run.returncode == 3, run.stderr
    data = run.json()
    assert resolved(data) == [
        ("Dockerfile", 1, "python:3.12.7-slim", None),
        ("requirements.txt", 1, "httpx==0.28.1", "0.28.1"),
    ]
    assert [(f["file"], f["rule"], f["message"]) for f in data["findings"]] == [
        (
            "Dockerfile",
            "registry-error",
            "python was not verified: the image registry (Docker Hub) could not answer: offline and "
            f"no cached answer for {registry.url}/v2/namespaces/library/repositories/python/tags?page_size=100",
        )
    ]


@pytest.mark.parametrize("value", ["soon", "0", "-1", "nan"])
def test_a_bad_http_timeout_is_a_usage_error(cli: Cli, registry: FakeRegistry, value: str) -> None:
    (cli.cwd / "requirements.txt").write_text("httpx==0.28.1\n")

    run = audit(cli, env={"DEPCHECK_HTTP_TIMEOUT": value})

    assert run.returncode == 2
    assert run.stderr == (
        f"depcheck: error: DEPCHECK_HTTP_TIMEOUT: expected a positive number of seconds, got {value!r}\n"
    )
    assert registry.requests == []
