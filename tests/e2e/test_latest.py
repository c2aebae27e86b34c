"""The real ``depcheck latest`` against the fake registry on loopback: the line to paste, JSON, exit codes.

Expected versions come from the cassettes (``cassettes/README.md``). ``--python`` (or a project
declaring its Python) is given wherever the answer depends on the target Python, so the tests do
not depend on the interpreter that runs them (django 6 needs Python 3.12; ``synthetic-requires-python`` has 1.0.0 for 3.8+,
1.5.0 for 3.10+ and 2.0.0 for 3.13+).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from depcheck.testing import FakeRegistry
from tests.e2e.conftest import LOOP_PROBE, Cli


def test_one_name_prints_exactly_the_line_to_write(cli: Cli) -> None:
    run = cli("latest", "httpx")

    assert (run.returncode, run.stdout, run.stderr) == (0, "httpx==0.28.1\n", "")


def test_several_names_one_line_each_as_written(cli: Cli) -> None:
    run = cli("latest", "httpx", "Django", "rich[jupyter]", "--python", "3.12")

    assert run.returncode == 0, run.stderr
    assert run.stdout == "httpx==0.28.1\nDjango==6.1.3\nrich[jupyter]==15.0.0\n"


@pytest.mark.parametrize(
    ("python", "expected"),
    [
        ("3.9", "django==4.2.30\nsynthetic-requires-python==1.0.0\n"),
        ("3.12", "django==6.1.3\nsynthetic-requires-python==1.5.0\n"),
        ("3.13", "django==6.1.3\nsynthetic-requires-python==2.0.0\n"),
    ],
)
def test_python_picks_the_newest_release_that_supports_it(cli: Cli, python: str, expected: str) -> None:
    run = cli("latest", "django", "synthetic-requires-python", "--python", python)

    assert (run.returncode, run.stdout) == (0, expected), run.stderr


def test_no_release_for_that_python_exits_1_and_says_why(cli: Cli) -> None:
    run = cli("latest", "httpx", "synthetic-requires-python", "--python", "3.7")

    assert run.returncode == 1
    assert run.stdout == "httpx==0.24.1\n"  # the last httpx that supports Python 3.7
    assert run.stderr == "depcheck: error: synthetic-requires-python: no release supports Python 3.7\n"


def test_min_age_is_honoured(cli: Cli) -> None:
    young = cli("latest", "httpx", "--min-age", "1d")
    too_old = cli("latest", "httpx", "--min-age", "36500d")

    assert (young.returncode, young.stdout) == (0, "httpx==0.28.1\n")
    assert (too_old.returncode, too_old.stdout) == (1, "")
    assert too_old.stderr == "depcheck: error: httpx: no release is older than --min-age (36500 days)\n"


def test_yanked_newest_is_skipped(cli: Cli) -> None:
    # 1.2.0 is yanked; 1.1.0 is the newest release pip would install.
    run = cli("latest", "synthetic-yanked-newest")

    assert (run.returncode, run.stdout) == (0, "synthetic-yanked-newest==1.1.0\n"), run.stderr


def test_only_prereleases_gives_the_newest_one_with_a_warning(cli: Cli) -> None:
    run = cli("latest", "synthetic-only-prereleases")

    assert (run.returncode, run.stdout) == (0, "synthetic-only-prereleases==0.2.0.dev1\n")
    assert "synthetic-only-prereleases has no final release that qualifies; 0.2.0.dev1 is a pre-release" in (
        run.stderr
    )


def test_an_invented_name_exits_1_naming_the_index(cli: Cli) -> None:
    run = cli("latest", "httpx", "requestz-toolbelt-pro")

    assert run.returncode == 1
    assert run.stdout == "httpx==0.28.1\n"
    assert run.stderr == (
        f"depcheck: error: requestz-toolbelt-pro: no such project on {cli.registry.index_url}\n"
    )


def test_json_lists_every_answer(cli: Cli) -> None:
    run = cli(
        "latest", "httpx", "rich[jupyter]", "requestz-toolbelt-pro", "--format", "json", "--python", "3.12"
    )

    assert run.returncode == 1
    assert run.json() == [
        {
            "name": "httpx",
            "ecosystem": "pypi",
            "version": "0.28.1",
            "requirement": "httpx==0.28.1",
            "error": None,
            "python": "3.12",
            "python_from": "--python",
        },
        {
            "name": "rich",
            "ecosystem": "pypi",
            "version": "15.0.0",
            "requirement": "rich[jupyter]==15.0.0",
            "error": None,
            "python": "3.12",
            "python_from": "--python",
        },
        {
            "name": "requestz-toolbelt-pro",
            "ecosystem": "pypi",
            "version": None,
            "requirement": None,
            "error": f"no such project on {cli.registry.index_url}",
            "python": "3.12",
            "python_from": "--python",
        },
    ]


@pytest.mark.parametrize(
    "argument",
    ["httpx==0.28.1", "httpx>=0.27", "httpx; python_version < '3.12'", "not a name"],
)
def test_anything_but_a_project_name_is_a_usage_error(
    cli: Cli, registry: FakeRegistry, argument: str
) -> None:
    run = cli("latest", "rich", argument)

    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.startswith("depcheck: error: latest: ")
    assert registry.requests == []  # a usage error stops the command before any lookup


def test_no_name_is_a_usage_error(cli: Cli) -> None:
    run = cli("latest")

    assert run.returncode == 2
    assert "the following arguments are required: NAME" in run.stderr


# --- the project's Python -----------------------------------------------------------------------
#
# Inside a project, answers fit the lowest Python its pyproject.toml allows (django: 4.2.30 up to
# 3.9, 5.2.19 for 3.10 and 3.11, 6.1.3 from 3.12). The notes on stderr say when that differs from
# what the running interpreter would get; the interpreter running these tests is 3.10 or newer, so
# for a project on 3.8 or 3.9 it always does.


def project(cli: Cli, pyproject: str, folder: str = "") -> Path:
    """A repository top at ``cli.cwd`` with ``pyproject`` written in ``folder`` of it."""
    (cli.cwd / ".git").mkdir(exist_ok=True)
    path = cli.cwd / folder / "pyproject.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(pyproject, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("requires_python", "expected"),
    [
        (">=3.9", "django==4.2.30\nsynthetic-requires-python==1.0.0\n"),
        (">=3.10", "django==5.2.19\nsynthetic-requires-python==1.5.0\n"),
        (">=3.12,<4", "django==6.1.3\nsynthetic-requires-python==1.5.0\n"),
        (">=3.13", "django==6.1.3\nsynthetic-requires-python==2.0.0\n"),
    ],
)
def test_inside_a_project_answers_fit_its_lowest_python(
    cli: Cli, requires_python: str, expected: str
) -> None:
    project(cli, f'[project]\nname = "app"\nrequires-python = "{requires_python}"\n')

    run = cli("latest", "django", "synthetic-requires-python")

    assert (run.returncode, run.stdout) == (0, expected), run.stderr


def test_a_note_says_when_the_projects_python_changed_the_answer(cli: Cli) -> None:
    project(cli, '[project]\nname = "app"\nrequires-python = ">=3.8"\n')

    run = cli("latest", "django", "httpx")

    assert (run.returncode, run.stdout) == (0, "django==4.2.30\nhttpx==0.28.1\n")
    # httpx 0.28.1 supports 3.8: the same answer as for the running interpreter, so no note.
    assert run.stderr == "depcheck: django: Python 3.8 (requires-python >=3.8 in pyproject.toml) -> 4.2.30\n"


def test_quiet_leaves_the_note_out(cli: Cli) -> None:
    project(cli, '[project]\nname = "app"\nrequires-python = ">=3.8"\n')

    run = cli("latest", "django", "-q")

    assert (run.returncode, run.stdout, run.stderr) == (0, "django==4.2.30\n", "")


def test_the_project_is_found_upward_from_a_subfolder(cli: Cli) -> None:
    project(cli, '[project]\nname = "app"\nrequires-python = ">=3.9"\n')
    below = Cli(cli.registry, cli.cwd / "src" / "app")
    below.cwd.mkdir(parents=True)

    run = below("latest", "django", "--format", "json")

    assert run.returncode == 0, run.stderr
    assert run.json() == [
        {
            "name": "django",
            "ecosystem": "pypi",
            "version": "4.2.30",
            "requirement": "django==4.2.30",
            "error": None,
            "python": "3.9",
            "python_from": "../../pyproject.toml",
        }
    ]
    assert run.stderr == (
        "depcheck: django: Python 3.9 (requires-python >=3.9 in ../../pyproject.toml) -> 4.2.30\n"
    )


def test_a_pyproject_above_the_repository_is_not_the_projects(cli: Cli) -> None:
    project(cli, '[project]\nname = "outer"\nrequires-python = ">=3.9"\n')
    inner = Cli(cli.registry, cli.cwd / "vendor" / "tool")
    (inner.cwd / ".git").mkdir(parents=True)

    run = inner("latest", "synthetic-requires-python", "--format", "json")

    assert run.returncode == 0, run.stderr
    (answer,) = run.json()
    assert answer["python_from"] == "interpreter"


def test_poetry_python_counts_as_the_projects_python(cli: Cli) -> None:
    project(cli, '[tool.poetry]\nname = "app"\n\n[tool.poetry.dependencies]\npython = "^3.9"\n')

    run = cli("latest", "django")

    assert (run.returncode, run.stdout) == (0, "django==4.2.30\n")
    assert run.stderr == (
        "depcheck: django: Python 3.9 (tool.poetry.dependencies.python ^3.9 in pyproject.toml) -> 4.2.30\n"
    )


def test_project_names_the_pyproject_or_its_folder(cli: Cli) -> None:
    project(cli, '[project]\nname = "api"\nrequires-python = ">=3.10"\n', folder="services/api")

    by_folder = cli("latest", "django", "--project", "services/api", "--format", "json")
    by_file = cli("latest", "django", "--project", "services/api/pyproject.toml", "--format", "json")

    assert by_folder.returncode == by_file.returncode == 0, by_folder.stderr
    assert (
        by_folder.json()
        == by_file.json()
        == [
            {
                "name": "django",
                "ecosystem": "pypi",
                "version": "5.2.19",
                "requirement": "django==5.2.19",
                "error": None,
                "python": "3.10",
                "python_from": "services/api/pyproject.toml",
            }
        ]
    )


def test_python_option_and_configuration_win_over_the_project(cli: Cli) -> None:
    project(cli, '[project]\nname = "app"\nrequires-python = ">=3.9"\n')

    option = cli("latest", "django", "--python", "3.13", "--format", "json")
    (cli.cwd / "depcheck.toml").write_text('python = "3.12"\n', encoding="utf-8")
    configured = cli("latest", "django", "--format", "json")

    assert option.returncode == configured.returncode == 0, option.stderr + configured.stderr
    assert [(a["version"], a["python"], a["python_from"]) for a in option.json()] == [
        ("6.1.3", "3.13", "--python")
    ]
    assert [(a["version"], a["python"], a["python_from"]) for a in configured.json()] == [
        ("6.1.3", "3.12", "depcheck.toml")
    ]
    assert option.stderr == configured.stderr == ""


def test_no_release_for_the_projects_python_says_where_that_python_came_from(cli: Cli) -> None:
    project(cli, '[project]\nname = "legacy"\nrequires-python = ">=3.7"\n')

    run = cli("latest", "synthetic-requires-python")

    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == (
        "depcheck: error: synthetic-requires-python: no release supports Python 3.7 "
        "(requires-python >=3.7 in pyproject.toml)\n"
    )


@pytest.mark.parametrize(
    ("pyproject", "message"),
    [
        (
            '[project]\nname = "app"\nrequires-python = ">=3.1O"\n',
            "depcheck: error: pyproject.toml:3: project.requires-python: '>=3.1O' is not a version "
            "specifier: Invalid specifier: '>=3.1O'\n",
        ),
        (
            '[tool.poetry.dependencies]\npython = "three"\n',
            "depcheck: error: pyproject.toml:2: tool.poetry.dependencies.python: 'three' is not a Poetry "
            "version constraint: 'three' is not a version\n",
        ),
    ],
)
def test_an_unreadable_python_is_a_usage_error_naming_file_and_line(
    cli: Cli, registry: FakeRegistry, pyproject: str, message: str
) -> None:
    project(cli, pyproject)

    run = cli("latest", "django")

    assert (run.returncode, run.stdout, run.stderr) == (2, "", message)
    assert registry.requests == []  # nothing is looked up for a guessed Python


def test_a_pyproject_that_is_not_toml_is_a_usage_error(cli: Cli, registry: FakeRegistry) -> None:
    project(cli, '[project\nrequires-python = ">=3.10"\n')

    run = cli("latest", "django")

    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.endswith(
        "depcheck: error: pyproject.toml:1: not valid TOML: Expected ']' at the end of a table "
        "declaration (at line 1, column 9)\n"
    )
    assert registry.requests == []


def test_docker_answers_do_not_read_the_pyproject(cli: Cli) -> None:
    project(cli, '[project]\nname = "app"\nrequires-python = ">=3.1O"\n')

    run = cli("latest", "--docker", "python:3.12-slim", "--format", "json")

    assert run.returncode == 0, run.stderr
    assert run.json()[0]["requirement"] == "python:3.12.7-slim"
    assert "python_from" not in run.json()[0]


# --- Docker -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ("python:3.12-slim", "python:3.12.7-slim"),
        ("python", "python:3.14.7"),
        ("python:latest", "python:3.14.7"),
        ("python:3.12-slim-bookworm", "python:3.12.7-slim-bookworm"),
        ("python:3.13-alpine3.20", "python:3.13.1-alpine3.20"),
        ("python:3.12.4-slim-bookworm", "python:3.14.7-slim-bookworm"),
        ("docker.io/library/python:3.12-slim", "docker.io/library/python:3.12.7-slim"),
        ("postgres:17", "postgres:17.7"),  # two-part versions: 17 floats, 17.7 is exact
    ],
)
def test_docker_prints_the_most_specific_tag_keeping_the_name(cli: Cli, image: str, expected: str) -> None:
    run = cli("latest", "--docker", image)

    assert (run.returncode, run.stdout, run.stderr) == (0, f"{expected}\n", "")


def test_docker_several_images(cli: Cli) -> None:
    run = cli("latest", "--docker", "python:3.12-slim", "node:22", "redis")

    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "python:3.12.7-slim"
    assert len(run.stdout.splitlines()) == 3


def test_docker_unpublished_tag_goes_to_the_nearest_line_with_a_warning(cli: Cli) -> None:
    run = cli("latest", "--docker", "python:3.12.99-slim")

    assert (run.returncode, run.stdout) == (0, "python:3.12.7-slim\n")
    assert (
        "python:3.12.99-slim is not a published tag; 3.12.7-slim is the nearest published one" in run.stderr
    )


def test_docker_oci_registry_keeps_its_prefix_and_matches_digests(cli: Cli) -> None:
    # OCI tags/list has no digests: latest's build is found by asking for a few manifests.
    (cli.cwd / "depcheck.toml").write_text(
        f'[registries."ghcr.io"]\nurl = "{cli.registry.url}/oci/ghcr.io"\ncredentials = "none"\n'
    )
    run = cli(
        "latest",
        "--docker",
        "ghcr.io/astral-sh/uv",
        "ghcr.io/astral-sh/uv:0.11-alpine",
        "ghcr.io/astral-sh/uv:alpine",
        f"{cli.host}/team/app:1.2",
        "--format",
        "json",
    )

    assert run.returncode == 0, run.stderr
    assert run.json() == [
        {
            "name": "ghcr.io/astral-sh/uv",
            "ecosystem": "docker",
            "tag": "0.11.32",
            "digest": "sha256:87fb35b77ee9a27a06ac6fc37d503521b7fa4d4047e8b34152848f092e378025",
            "requirement": "ghcr.io/astral-sh/uv:0.11.32",
            "error": None,
        },
        {
            "name": "ghcr.io/astral-sh/uv",
            "ecosystem": "docker",
            "tag": "0.11.32-alpine",
            "digest": "sha256:62d1923ad1edd93261a2373438a2c0c04ba9a8800e961771d41941ae6527abde",
            "requirement": "ghcr.io/astral-sh/uv:0.11.32-alpine",
            "error": None,
        },
        {
            "name": "ghcr.io/astral-sh/uv",
            "ecosystem": "docker",
            "tag": "0.11.32-alpine",
            "digest": "sha256:62d1923ad1edd93261a2373438a2c0c04ba9a8800e961771d41941ae6527abde",
            "requirement": "ghcr.io/astral-sh/uv:0.11.32-alpine",
            "error": None,
        },
        {
            "name": f"{cli.host}/team/app",
            "ecosystem": "docker",
            "tag": "1.2.3",
            "digest": "sha256:b98cf92fb15ccfafe5cba599056d172c537821b16330a31844f0798faaefdbbe",
            "requirement": f"{cli.host}/team/app:1.2.3",
            "error": None,
        },
    ]


def test_docker_a_digest_stays_pinned_to_the_new_tags_build(cli: Cli) -> None:
    digest = "sha256:b98cf92fb15ccfafe5cba599056d172c537821b16330a31844f0798faaefdbbe"
    run = cli("latest", "--docker", f"{cli.host}/team/app@{digest}")

    assert (run.returncode, run.stdout) == (0, f"{cli.host}/team/app:1.2.3@{digest}\n"), run.stderr


def test_docker_unknown_image_exits_1(cli: Cli) -> None:
    run = cli("latest", "--docker", "python:3.12-slim", "nosuch/image")

    assert run.returncode == 1
    assert run.stdout == "python:3.12.7-slim\n"
    assert (
        run.stderr == "depcheck: error: nosuch/image: no such image repository on Docker Hub (nosuch/image)\n"
    )


def test_docker_invalid_reference_is_a_usage_error(cli: Cli) -> None:
    run = cli("latest", "--docker", "Python:3.12")

    assert run.returncode == 2
    assert (
        run.stderr
        == "depcheck: error: latest --docker: repository name 'Python' must be lowercase ('Python:3.12')\n"
    )


# --- registry failures --------------------------------------------------------------------------


def test_a_failing_index_exits_3_and_answers_the_rest(cli: Cli, registry: FakeRegistry) -> None:
    registry.fail("/simple/httpx/", 500, times=None)

    run = cli("latest", "httpx", "rich", "requestz-toolbelt-pro")

    assert run.returncode == 3  # wins over the unknown name's 1
    assert run.stdout == "rich==15.0.0\n"
    assert (
        f"depcheck: error: httpx: PyPI ({cli.host}) could not answer: HTTP 500 after 4 attempts\n"
        in run.stderr
    )
    assert "depcheck: error: requestz-toolbelt-pro: no such project on" in run.stderr


@pytest.mark.parametrize("fault", ["hang", "reset", "truncate", "wrong_shape", "throttle"])
def test_every_fault_is_exit_3_without_a_traceback(cli: Cli, registry: FakeRegistry, fault: str) -> None:
    path = "/v2/namespaces/library/repositories/python/tags"
    if fault == "hang":
        registry.hang(path, seconds=30, times=None)
    elif fault == "throttle":
        registry.throttle(path, retry_after="0", times=None)
    else:
        getattr(registry, fault)(path, times=None)

    run = cli(
        "latest", "--docker", "python:3.12-slim", "--format", "json", env={"DEPCHECK_HTTP_TIMEOUT": "0.5"}
    )

    assert run.returncode == 3
    (answer,) = run.json()
    assert answer["tag"] is None
    assert answer["requirement"] is None
    assert answer["error"].startswith("the image registry (Docker Hub) could not answer: ")


def test_offline_answers_from_a_warm_cache(cli: Cli, registry: FakeRegistry, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cli("latest", "httpx", cache=cache)
    cli("latest", "--docker", "python:3.12-slim", cache=cache)
    registry.clear_requests()

    pypi = cli("latest", "httpx", "--offline", cache=cache)
    docker = cli("latest", "--docker", "python:3.12-slim", "--offline", cache=cache)
    cold = cli("latest", "rich", "--offline", cache=cache)

    assert registry.requests == []
    assert (pypi.returncode, pypi.stdout) == (0, "httpx==0.28.1\n")
    assert (docker.returncode, docker.stdout) == (0, "python:3.12.7-slim\n")
    assert cold.returncode == 3
    assert cold.stderr == (
        f"depcheck: error: rich: PyPI ({cli.host}) could not answer: offline and no cached answer for "
        f"{cli.registry.index_url}/rich/\n"
    )


def test_a_warm_latest_answers_without_an_event_loop(
    cli: Cli, registry: FakeRegistry, tmp_path: Path
) -> None:
    """The command a coding agent runs over and over: answered from the cache, asyncio never loaded."""
    cache = tmp_path / "cache"
    cold = cli("latest", "httpx", "Django", "--python", "3.12", cache=cache)
    registry.clear_requests()
    script = LOOP_PROBE
    warm = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            "latest",
            "httpx",
            "Django",
            "--python",
            "3.12",
            *cli.registry_options(cache=cache),
        ],
        cwd=cli.cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (
        (warm.returncode, warm.stdout)
        == (cold.returncode, cold.stdout)
        == (0, "httpx==0.28.1\nDjango==6.1.3\n")
    )
    assert warm.stderr.splitlines()[-1] == "event loop: False"
    assert registry.requests == []


def test_a_partly_warm_latest_asks_only_for_what_the_cache_lacks(
    cli: Cli, registry: FakeRegistry, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cli("latest", "httpx", cache=cache)
    registry.clear_requests()

    run = cli("latest", "httpx", "attrs", "--python", "3.12", cache=cache)

    assert (run.returncode, run.stdout) == (0, "httpx==0.28.1\nattrs==26.1.0\n")
    assert [request.path for request in registry.requests] == ["/simple/attrs/"]
