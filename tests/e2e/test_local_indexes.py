"""The real CLI with a local ``file:`` index as the extra index, beside the fake registry on loopback as
the index: the way pip is often set up with a wheelhouse (``extra-index-url = file:///.../simple``).

The local index is laid out as pip's wheelhouses are (``simple/<name>/index.html`` whose links point
at ``../../files/``) and holds ``acme-tools`` 1.0.0 and 1.2.0 (a private project the index does not
have) and ``httpx`` 0.28.1 (one of the many releases the index has).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import Cli, Run


def write_project(simple: Path, name: str, *filenames: str) -> None:
    """``simple/<name>/index.html`` linking each file in ``files/`` beside ``simple/``, with its hash."""
    files = simple.parent / "files"
    files.mkdir(parents=True, exist_ok=True)
    links = []
    for number, filename in enumerate(filenames, start=1):
        (files / filename).write_bytes(b"")
        links.append(f'<a href="../../files/{filename}#sha256={number:064x}">{filename}</a>')
    (simple / name).mkdir(parents=True)
    (simple / name / "index.html").write_text(
        "<!DOCTYPE html><html><body>\n" + "\n".join(links) + "\n</body></html>\n"
    )


@pytest.fixture
def simple(tmp_path: Path) -> Path:
    root = tmp_path / "wheelhouse" / "simple"
    write_project(
        root, "acme-tools", "acme_tools-1.0.0-py3-none-any.whl", "acme_tools-1.2.0-py3-none-any.whl"
    )
    write_project(root, "httpx", "httpx-0.28.1-py3-none-any.whl")
    return root


def audit(cli: Cli, simple: Path, *args: str) -> Run:
    return cli("audit", "--format", "json", "--python", "3.12", "--extra-index-url", simple.as_uri(), *args)


def findings(run: Run) -> list[tuple[int, str, str, str | None, str]]:
    return [
        (f["line"], f["rule"], f["severity"], f["suggestion"], f["message"]) for f in run.json()["findings"]
    ]


def resolved(run: Run) -> list[tuple[int, str, str | None]]:
    return [(d["line"], d["current"], d["resolved"]) for d in run.json()["dependencies"]]


def test_a_project_only_on_the_local_index_is_found(cli: Cli, simple: Path) -> None:
    (cli.cwd / "requirements.txt").write_text("acme-tools==1.2.0\nacme-tools==1.0.0\n")

    run = audit(cli, simple)

    assert run.returncode == 0, run.stderr  # info alone does not fail the run
    assert findings(run) == [
        (2, "outdated", "info", "1.2.0", "acme-tools==1.0.0 is 1 release behind 1.2.0"),
    ]
    assert resolved(run) == [(1, "acme-tools==1.2.0", "1.2.0"), (2, "acme-tools==1.0.0", "1.0.0")]
    assert cli.registry.count("/simple/acme-tools/") == 1


def test_a_local_index_holding_some_of_the_index_versions_is_no_confusion(cli: Cli, simple: Path) -> None:
    (cli.cwd / "requirements.txt").write_text("httpx==0.28.1\n")

    run = audit(cli, simple, "--fail-on", "info")

    assert (run.returncode, findings(run)) == (0, []), run.stderr
    assert resolved(run) == [(1, "httpx==0.28.1", "0.28.1")]


def test_a_local_index_with_a_version_the_index_lacks_is_reported(cli: Cli, simple: Path) -> None:
    (simple / "httpx" / "index.html").unlink()
    (simple / "httpx").rmdir()
    write_project(simple, "httpx", "httpx-0.28.1-py3-none-any.whl", "httpx-0.28.1+acme-py3-none-any.whl")
    (cli.cwd / "requirements.txt").write_text("httpx==0.28.1+acme\n")

    run = audit(cli, simple)

    assert run.returncode == 0, run.stderr
    assert findings(run) == [
        (
            1,
            "index-confusion",
            "warning",
            None,
            f"httpx is on {cli.registry.index_url} (highest 1.0.dev6) and on the extra index "
            f"{simple.as_uri()} (highest 0.28.1+acme; not on the index: 0.28.1+acme): pip installs the "
            "highest version from any of them, so a higher version published on one index takes over the "
            "install (dependency confusion)",
        )
    ]
    assert resolved(run) == [(1, "httpx==0.28.1+acme", "0.28.1+acme")]


def test_a_project_on_neither_index_is_unknown(cli: Cli, simple: Path) -> None:
    (cli.cwd / "requirements.txt").write_text("acme-tols==1.2.0\n")

    run = audit(cli, simple)

    assert run.returncode == 1, run.stderr
    assert [(line, rule) for line, rule, *_ in findings(run)] == [(1, "unknown-package")]
    assert simple.as_uri() in findings(run)[0][4]


def test_a_local_page_that_is_not_utf8_is_a_registry_error_naming_it(cli: Cli, simple: Path) -> None:
    page = simple / "acme-tools" / "index.html"
    page.write_bytes(b"<a href='../../files/acme_tools-1.2.0.tar.gz'>caf\xe9</a>")
    (cli.cwd / "requirements.txt").write_text("acme-tools==1.2.0\nhttpx==0.28.1\n")

    run = audit(cli, simple)

    assert run.returncode == 3, run.stderr
    assert findings(run) == [
        (
            1,
            "registry-error",
            "error",
            None,
            f"acme-tools was not verified: PyPI ({simple.as_uri()}) could not answer: cannot read {page}: "
            "not UTF-8 (byte 49: invalid continuation byte)",
        )
    ]
    assert resolved(run) == [(1, "acme-tools==1.2.0", None), (2, "httpx==0.28.1", "0.28.1")]


def test_a_directory_in_place_of_a_local_page_is_a_registry_error_naming_it(cli: Cli, simple: Path) -> None:
    page = simple / "acme-lib" / "index.html"
    page.mkdir(parents=True)
    (cli.cwd / "requirements.txt").write_text("acme-lib==1.0\n")

    run = audit(cli, simple)

    assert run.returncode == 3, run.stderr
    assert [message for *_, message in findings(run)] == [
        f"acme-lib was not verified: PyPI ({simple.as_uri()}) could not answer: cannot read {page}: Is a directory"
    ]


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="file modes do not stop root")
def test_a_local_page_that_may_not_be_read_is_a_registry_error_naming_it(cli: Cli, simple: Path) -> None:
    page = simple / "acme-tools" / "index.html"
    page.chmod(0)
    (cli.cwd / "requirements.txt").write_text("acme-tools==1.2.0\n")
    try:
        run = audit(cli, simple)
    finally:
        page.chmod(0o644)

    assert run.returncode == 3, run.stderr
    assert [message for *_, message in findings(run)] == [
        f"acme-tools was not verified: PyPI ({simple.as_uri()}) could not answer: cannot read {page}: "
        "Permission denied"
    ]


def test_pips_configured_local_extra_index_is_read(cli: Cli, simple: Path) -> None:
    # depcheck told no index takes pip's, extra indexes included: a file: one must not fail the run.
    (cli.cwd / "requirements.txt").write_text("acme-tools==1.2.0\nhttpx==0.28.1\n")
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("PIP_")},
        "NO_COLOR": "1",
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_INDEX_URL": cli.registry.index_url,
        "PIP_EXTRA_INDEX_URL": f"{simple.as_uri()} file://localhost{simple}/",
        "DOCKER_CONFIG": str(cli.cwd / ".no-docker-config"),
    }
    environment.pop("DEPCHECK_DOCKER_HUB_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "depcheck", "audit", "--format", "json", "--python", "3.12", "--no-cache"],
        cwd=cli.cwd,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    run = Run(result.returncode, result.stdout, result.stderr)

    assert "Traceback" not in run.stderr, run.stderr
    assert (run.returncode, findings(run)) == (0, []), run.stderr
    assert resolved(run) == [(1, "acme-tools==1.2.0", "1.2.0"), (2, "httpx==0.28.1", "0.28.1")]
