"""The real CLI with two indexes on loopback: the fake registry as the index, and a second fake serving
only private projects as the extra index (``--extra-index-url`` in the file, on the command line, or
pip's ``PIP_EXTRA_INDEX_URL``). pip installs from both, so depcheck checks against both.

The private projects are written out here: ``acme-tools`` 1.0.0 (2025-01-10) and 1.2.0
(2025-03-01) on the extra index; in the confusion case, someone else's ``acme-tools`` 99.0.0
(2025-06-01) on the index.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from depcheck.testing import FakeRegistry
from tests.e2e.conftest import Cli, Run

UPLOADED = {"1.0.0": "2025-01-10T09:00:00.000000Z", "1.2.0": "2025-03-01T09:00:00.000000Z"}


def page(name: str, uploads: dict[str, str]) -> dict[str, Any]:
    """A PEP 691 page with one wheel per version."""
    stem = name.replace("-", "_")
    return {
        "meta": {"api-version": "1.1"},
        "name": name,
        "versions": list(uploads),
        "files": [
            {
                "filename": f"{stem}-{version}-py3-none-any.whl",
                "url": f"../../packages/{stem}-{version}-py3-none-any.whl",
                "hashes": {"sha256": f"{index:064x}"},
                "requires-python": ">=3.9",
                "upload-time": uploaded,
                "yanked": False,
            }
            for index, (version, uploaded) in enumerate(uploads.items(), start=1)
        ],
    }


@pytest.fixture
def private(tmp_path: Path) -> Iterator[FakeRegistry]:
    """The extra index: no cassettes, only the projects a test adds (anything else is a 404)."""
    fake = FakeRegistry(cassettes=tmp_path / "no-cassettes")
    fake.add_project("acme-tools", page("acme-tools", UPLOADED))
    _url, stop = fake.run_in_thread()
    try:
        yield fake
    finally:
        stop()


def host(registry: FakeRegistry) -> str:
    return registry.url.removeprefix("http://")


def audit(cli: Cli, *args: str) -> Run:
    return cli("audit", "--format", "json", "--python", "3.12", *args)


def findings(run: Run) -> list[tuple[int, str, str, str | None, str]]:
    return [
        (f["line"], f["rule"], f["severity"], f["suggestion"], f["message"]) for f in run.json()["findings"]
    ]


def resolved(run: Run) -> list[tuple[int, str, str | None]]:
    return [(d["line"], d["current"], d["resolved"]) for d in run.json()["dependencies"]]


# --- a private package on the extra index ------------------------------------------------------------


def test_a_private_package_only_on_the_extra_index_passes(cli: Cli, private: FakeRegistry) -> None:
    (cli.cwd / "requirements.txt").write_text(
        f"--extra-index-url {private.index_url}\nacme-tools==1.2.0\nhttpx==0.28.1\n"
    )

    run = audit(cli)

    assert run.returncode == 0, run.stderr
    assert findings(run) == []
    assert resolved(run) == [(2, "acme-tools==1.2.0", "1.2.0"), (3, "httpx==0.28.1", "0.28.1")]
    # Each project asked of each index once: httpx is not on the extra index, acme-tools not on the index.
    assert private.count("/simple/acme-tools/") == 1
    assert private.count("/simple/httpx/") == 1
    assert cli.registry.count("/simple/acme-tools/") == 1


def test_a_private_package_gets_its_real_findings(cli: Cli, private: FakeRegistry) -> None:
    (cli.cwd / "requirements.txt").write_text("acme-tools==1.0.0\nacme-tools==1.9.0\nacme-tools\n")

    run = audit(cli, "--extra-index-url", private.index_url)

    assert run.returncode == 1, run.stderr
    assert findings(run) == [
        (1, "outdated", "info", "1.2.0", "acme-tools==1.0.0 is 1 release and 50 days behind 1.2.0"),
        (
            2,
            "unknown-version",
            "error",
            "1.2.0",
            "acme-tools==1.9.0 is not published; the newest release is acme-tools==1.2.0",
        ),
        (3, "unpinned", "error", "1.2.0", "acme-tools has no version; pin it to an exact release"),
    ]


def test_without_the_extra_index_the_private_package_looks_invented(cli: Cli, private: FakeRegistry) -> None:
    (cli.cwd / "requirements.txt").write_text("acme-tools==1.2.0\n")

    run = audit(cli)

    assert run.returncode == 1
    assert [(line, rule) for line, rule, *_ in findings(run)] == [(1, "unknown-package")]
    assert private.count() == 0


# --- an extra index that cannot answer ---------------------------------------------------------------


def test_an_extra_index_that_returns_500_is_a_registry_error_and_exit_3(
    cli: Cli, private: FakeRegistry
) -> None:
    private.fail("/simple/*", 500, times=None)
    (cli.cwd / "requirements.txt").write_text("acme-tools==1.2.0\n")

    run = audit(cli, "--extra-index-url", private.index_url)

    assert run.returncode == 3, run.stderr
    assert findings(run) == [
        (
            1,
            "registry-error",
            "error",
            None,
            f"acme-tools was not verified: PyPI ({host(private)}) could not answer: HTTP 500 after 4 attempts",
        )
    ]
    assert resolved(run) == [(1, "acme-tools==1.2.0", None)]
    assert private.count("/simple/acme-tools/") == 4


# --- pip's own configuration ---------------------------------------------------------------------------


def run_with_pips_configuration(cli: Cli, *args: str, env: dict[str, str]) -> Run:
    """The CLI told no index at all: pip's configuration (here its environment) names them."""
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("PIP_")},
        "NO_COLOR": "1",
        "PIP_CONFIG_FILE": os.devnull,
        "DOCKER_CONFIG": str(cli.cwd / ".no-docker-config"),
        **env,
    }
    environment.pop("DEPCHECK_DOCKER_HUB_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "depcheck", *args, "--no-cache", "--docker-hub-url", cli.registry.url],
        cwd=cli.cwd,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert "Traceback" not in result.stderr, result.stderr
    return Run(result.returncode, result.stdout, result.stderr)


def test_pips_extra_index_url_is_honoured(cli: Cli, private: FakeRegistry) -> None:
    (cli.cwd / "requirements.txt").write_text("acme-tools==1.2.0\nhttpx==0.28.1\n")

    run = run_with_pips_configuration(
        cli,
        "audit",
        "--format",
        "json",
        "--python",
        "3.12",
        env={"PIP_INDEX_URL": cli.registry.index_url, "PIP_EXTRA_INDEX_URL": private.index_url},
    )

    assert run.returncode == 0, run.stderr
    assert findings(run) == []
    assert resolved(run) == [(1, "acme-tools==1.2.0", "1.2.0"), (2, "httpx==0.28.1", "0.28.1")]
    assert private.count("/simple/acme-tools/") == 1


# --- dependency confusion ------------------------------------------------------------------------------


def test_the_same_name_on_the_index_and_the_extra_index_is_reported(cli: Cli, private: FakeRegistry) -> None:
    cli.registry.add_project("acme-tools", page("acme-tools", {"99.0.0": "2025-06-01T09:00:00.000000Z"}))
    (cli.cwd / "requirements.txt").write_text(f"--extra-index-url {private.index_url}\nacme-tools==1.2.0\n")

    run = audit(cli, "--fail-on", "warning")

    assert run.returncode == 1, run.stderr
    assert findings(run) == [
        (
            2,
            "index-confusion",
            "warning",
            None,
            f"acme-tools is on {cli.registry.index_url} (highest 99.0.0) and on the extra index "
            f"{private.index_url} (highest 1.2.0; not on the index: 1.2.0, 1.0.0): pip installs the highest "
            "version from any of them, so a higher version published on one index takes over the install "
            "(dependency confusion)",
        ),
        # pip's view: 99.0.0 is the newest release of acme-tools it can see, whoever published it.
        (2, "outdated", "info", "99.0.0", "acme-tools==1.2.0 is 1 release and 92 days behind 99.0.0"),
    ]


def test_the_confusion_rule_can_be_silenced_inline(cli: Cli, private: FakeRegistry) -> None:
    cli.registry.add_project("acme-tools", page("acme-tools", {"99.0.0": "2025-06-01T09:00:00.000000Z"}))
    (cli.cwd / "requirements.txt").write_text(
        f"--extra-index-url {private.index_url}\n"
        "acme-tools==1.2.0  # depcheck: ignore[index-confusion,outdated]\n"
    )

    run = audit(cli, "--fail-on", "warning")

    assert (run.returncode, findings(run)) == (0, []), run.stderr


# --- depcheck latest -------------------------------------------------------------------------------------


def test_latest_considers_the_extra_index(cli: Cli, private: FakeRegistry) -> None:
    run = cli("latest", "acme-tools", "httpx", "--extra-index-url", private.index_url)

    assert (run.returncode, run.stdout, run.stderr) == (0, "acme-tools==1.2.0\nhttpx==0.28.1\n", "")


def test_latest_with_an_extra_index_down_exits_3(cli: Cli, private: FakeRegistry) -> None:
    private.fail("/simple/*", 503, times=None)

    run = cli("latest", "acme-tools", "--extra-index-url", private.index_url)

    assert (run.returncode, run.stdout) == (3, "")
    assert run.stderr.endswith(
        f"depcheck: error: acme-tools: PyPI ({host(private)}) could not answer: HTTP 503 after 4 attempts\n"
    )


# --- fix --hash with an extra index -----------------------------------------------------------------


def test_fix_takes_the_new_hashes_from_the_index_that_offers_the_release(
    cli: Cli, private: FakeRegistry
) -> None:
    """A hashed private package moves to 1.2.0 with the sha256 of the extra index's file (the index
    has no such project), and nothing else in the file changes."""
    old = "0" * 63 + "1"
    text = f"--extra-index-url {private.index_url}\nacme-tools==1.0.0 \\\n    --hash=sha256:{old}\n"
    (cli.cwd / "requirements.txt").write_text(text)

    run = cli("fix", "--upgrade", "--python", "3.12")

    assert run.returncode == 0, run.stderr
    assert (cli.cwd / "requirements.txt").read_text() == (
        f"--extra-index-url {private.index_url}\nacme-tools==1.2.0 \\\n    --hash=sha256:{'0' * 63 + '2'}\n"
    )


def test_fix_lists_the_hashes_of_every_index_offering_the_release(cli: Cli, private: FakeRegistry) -> None:
    """pip may take the file from either index, so both files' hashes are listed."""
    cli.registry.add_project("acme-tools", page("acme-tools", {"1.2.0": UPLOADED["1.2.0"]}))
    # The index's own file differs: another sha256 for the same version.
    index_page = page("acme-tools", {"1.2.0": UPLOADED["1.2.0"]})
    index_page["files"][0]["hashes"] = {"sha256": "f" * 64}
    cli.registry.add_project("acme-tools", index_page)
    (cli.cwd / "requirements.txt").write_text(
        f"--extra-index-url {private.index_url}\nacme-tools==1.0.0 --hash=sha256:{'0' * 63 + '1'}\n"
    )

    run = cli("fix", "--upgrade", "--python", "3.12")

    assert run.returncode == 0, run.stderr
    assert (cli.cwd / "requirements.txt").read_text() == (
        f"--extra-index-url {private.index_url}\n"
        f"acme-tools==1.2.0 --hash=sha256:{'0' * 63 + '2'} --hash=sha256:{'f' * 64}\n"
    )


def test_a_warm_latest_warns_of_dependency_confusion_once(
    cli: Cli, private: FakeRegistry, tmp_path: Path
) -> None:
    """Answered from the cache without an event loop, the projects are looked up before they are
    judged: the warning comes from the judging only."""
    cli.registry.add_project("acme-tools", page("acme-tools", {"99.0.0": "2025-06-01T09:00:00.000000Z"}))
    cache = tmp_path / "cache"
    cold = cli("latest", "acme-tools", "--extra-index-url", private.index_url, cache=cache)

    warm = cli("latest", "acme-tools", "--extra-index-url", private.index_url, cache=cache)

    assert (warm.returncode, warm.stdout) == (cold.returncode, cold.stdout) == (0, "acme-tools==99.0.0\n")
    assert cold.stderr.count("(dependency confusion)") == warm.stderr.count("(dependency confusion)") == 1
