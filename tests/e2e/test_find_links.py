"""The real CLI with pip's --find-links: a wheelhouse folder beside the requirements file, or named
on the command line. pip installs from it as well as from the index, so depcheck checks both.

The wheelhouse holds ``acme-tools`` 1.0.0 and 1.2.0 (on no index) and ``attrs`` 25.4.0+cpu, a local
build of a project the index (the recorded cassettes) offers up to 26.1.0.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from tests.e2e.conftest import Cli, Run

FILES = (
    "acme_tools-1.0.0-py3-none-any.whl",
    "acme_tools-1.2.0-py3-none-any.whl",
    "attrs-25.4.0+cpu-py3-none-any.whl",
)


def wheelhouse(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in FILES:
        (folder / name).write_bytes(b"")
    return folder


def audit(cli: Cli, *args: str) -> Run:
    return cli("audit", "--format", "json", "--python", "3.12", *args)


def findings(run: Run) -> list[tuple[str, int, str, str | None]]:
    report: Any = run.json()
    return [(f["file"], f["line"], f["rule"], f["suggestion"]) for f in report["findings"]]


def resolved(run: Run) -> list[tuple[str, str | None]]:
    return [(d["current"], d["resolved"]) for d in run.json()["dependencies"]]


def test_a_wheelhouse_named_in_the_file_is_read_beside_the_file(cli: Cli) -> None:
    """``-f wheels`` is taken from the requirements file's folder (as pip does when it exists
    there), though the audit runs from the project root."""
    wheelhouse(cli.cwd / "deploy" / "wheels")
    (cli.cwd / "deploy" / "requirements.txt").write_text("-f wheels\nacme-tools==1.2.0\nattrs==25.4.0+cpu\n")

    run = audit(cli)

    assert run.returncode == 0, run.stderr
    assert findings(run) == [("deploy/requirements.txt", 3, "outdated", "26.1.0")]
    assert resolved(run) == [("acme-tools==1.2.0", "1.2.0"), ("attrs==25.4.0+cpu", "25.4.0+cpu")]


def test_without_the_wheelhouse_its_packages_are_reported(cli: Cli) -> None:
    (cli.cwd / "requirements.txt").write_text("acme-tools==1.2.0\nattrs==25.4.0+cpu\n")

    run = audit(cli)

    assert run.returncode == 1
    assert [(line, rule) for _, line, rule, _ in findings(run)] == [
        (1, "unknown-package"),
        (2, "unknown-version"),
    ]


def test_find_links_on_the_command_line(cli: Cli) -> None:
    wheels = wheelhouse(cli.cwd.parent / "wheels")
    (cli.cwd / "requirements.txt").write_text("acme-tools==1.0.0\n")

    run = audit(cli, "--find-links", str(wheels))

    assert run.returncode == 0, run.stderr
    assert findings(run) == [("requirements.txt", 1, "outdated", "1.2.0")]


def test_find_links_in_the_configuration_are_read_from_the_files_folder(cli: Cli) -> None:
    """``find-links = ["wheels"]`` means the folder beside the configuration file, not one beside
    wherever the audit runs (here the folder above the project)."""
    app = cli.cwd / "app"
    wheelhouse(app / "wheels")
    (app / "depcheck.toml").write_text('find-links = ["wheels"]\n')
    (app / "requirements.txt").write_text("acme-tools==1.0.0\n")

    run = audit(cli, "app")

    assert run.returncode == 0, run.stderr
    assert findings(run) == [("app/requirements.txt", 1, "outdated", "1.2.0")]


def test_a_missing_wheelhouse_is_skipped_with_a_warning_as_pip_skips_it(cli: Cli) -> None:
    (cli.cwd / "requirements.txt").write_text("-f ./no-such-folder\nacme-tools==1.2.0\n")

    run = audit(cli)

    assert run.returncode == 1
    assert [rule for _, _, rule, _ in findings(run)] == ["unknown-package"]
    assert "--find-links ./no-such-folder does not exist; skipped, as pip skips it" in run.stderr


def test_fix_moves_a_wheelhouse_package_to_its_newest_release(cli: Cli) -> None:
    wheelhouse(cli.cwd / "wheels")
    (cli.cwd / "requirements.txt").write_text("--find-links wheels\nacme-tools==1.0.0  # pinned\n")

    run = cli("fix", "--upgrade", "--python", "3.12")

    assert run.returncode == 0, run.stderr
    assert (cli.cwd / "requirements.txt").read_text() == "--find-links wheels\nacme-tools==1.2.0  # pinned\n"


def test_fix_moves_a_hashed_wheelhouse_package_with_the_hash_of_its_file(cli: Cli) -> None:
    """The folder's files carry no #sha256=: pip hashes them itself under --require-hashes, and the
    fix writes the sha256 of the 1.2.0 file, read from the disk."""
    wheels = wheelhouse(cli.cwd / "wheels")
    (wheels / "acme_tools-1.2.0-py3-none-any.whl").write_bytes(b"acme-tools 1.2.0, built here")
    new = hashlib.sha256(b"acme-tools 1.2.0, built here").hexdigest()
    old = hashlib.sha256(b"").hexdigest()
    (cli.cwd / "requirements.txt").write_text(
        f"--find-links wheels\nacme-tools==1.0.0 \\\n    --hash=sha256:{old}\n"
    )

    run = cli("fix", "--upgrade", "--python", "3.12")

    assert run.returncode == 0, run.stderr
    assert (cli.cwd / "requirements.txt").read_text() == (
        f"--find-links wheels\nacme-tools==1.2.0 \\\n    --hash=sha256:{new}\n"
    )
