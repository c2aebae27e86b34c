"""The registry rules for PyPI references, over the recorded and synthesized cassettes."""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import json
from pathlib import Path

from packaging.version import Version
from pypi_simple import ProjectPage

from depcheck.model import Dependency, Ecosystem, Location, Role, Severity, Span, SpanRole
from depcheck.policy import Policy
from depcheck.registries.interface import ProjectFacts
from depcheck.rules.pypi import check_pypi, replacement_for
from depcheck.sources.document import Document
from depcheck.sources.pep508 import requirement_dependency
from tests.pypi_simple_oracle import facts_from_project_page

CASSETTES = Path(__file__).resolve().parents[2] / "cassettes" / "pypi"
INDEX = "http://index.example/simple"
POLICY = Policy(python=Version("3.12"), now=dt.datetime(2026, 11, 27, tzinfo=dt.UTC))
DJANGO_YANK = "Release files have Windows end-of-line characters and are missing executable bits."


@functools.cache
def facts(name: str) -> ProjectFacts:
    plain = CASSETTES / f"{name}.json"
    raw = (
        plain.read_bytes()
        if plain.exists()
        else gzip.decompress((CASSETTES / f"{name}.json.gz").read_bytes())
    )
    return facts_from_project_page(name, ProjectPage.from_json_data(json.loads(raw)), INDEX)


def requirement(text: str) -> Dependency:
    return requirement_dependency(Document.from_text("requirements.txt", text + "\n"), 0, text)


def check(
    text: str, policy: Policy = POLICY, requires_python: str | None = None
) -> list[tuple[str, str, str | None, str | None]]:
    dependency = requirement(text)
    verdict = check_pypi(dependency, facts(dependency.name), policy, requires_python)
    return [
        (finding.rule, finding.message, finding.suggestion, finding.replacement)
        for finding in verdict.findings
    ]


def test_unpinned_gets_the_newest_final_release() -> None:
    assert check("httpx") == [
        (
            "unpinned",
            "httpx has no version; pin it to an exact release",
            "0.28.1",
            "httpx==0.28.1",
        )
    ]


def test_the_replacement_keeps_name_and_extras_as_written() -> None:
    assert check("HTTPX [http2, brotli] >=0.27") == [
        (
            "ranged",
            "HTTPX [http2, brotli] >=0.27 allows a range of versions; pin one exact version",
            "0.28.1",
            "HTTPX [http2, brotli]==0.28.1",
        )
    ]


def test_ranged_stays_inside_the_range() -> None:
    assert check("Django>=4.2,<5") == [
        (
            "ranged",
            "Django>=4.2,<5 allows a range of versions; pin one exact version",
            "4.2.30",
            "Django==4.2.30",
        )
    ]


def test_a_range_nothing_satisfies_says_so() -> None:
    assert check("flask>=99") == [
        (
            "ranged",
            "flask>=99 allows a range of versions; pin one exact version; no published release satisfies >=99",
            None,
            None,
        )
    ]


def test_only_pre_releases_are_suggested_when_nothing_else_exists() -> None:
    assert check("synthetic-only-prereleases") == [
        (
            "unpinned",
            "synthetic-only-prereleases has no version; pin it to an exact release",
            "0.2.0.dev1",
            "synthetic-only-prereleases==0.2.0.dev1",
        )
    ]


def test_an_unknown_package() -> None:
    dependency = requirement("reqeusts==2.31.0")
    verdict = check_pypi(dependency, ProjectFacts(name="reqeusts", found=False, index=INDEX), POLICY, None)
    assert [(finding.rule, finding.severity, finding.message) for finding in verdict.findings] == [
        (
            "unknown-package",
            Severity.ERROR,
            "reqeusts does not exist on http://index.example/simple: no such project (a misspelt or invented "
            "name, or one private to another index)",
        )
    ]
    assert verdict.resolved is None


def test_an_unpinned_unknown_package_reports_both() -> None:
    dependency = requirement("reqeusts")
    verdict = check_pypi(dependency, ProjectFacts(name="reqeusts", found=False, index=INDEX), POLICY, None)
    assert [finding.rule for finding in verdict.findings] == ["unpinned", "unknown-package"]


def test_an_unknown_version() -> None:
    assert check("flask==9.9") == [
        (
            "unknown-version",
            "flask==9.9 is not published; the newest release is flask==3.1.3",
            "3.1.3",
            "flask==3.1.3",
        )
    ]


def test_a_pin_matches_by_version_equality_not_text() -> None:
    dependency = requirement("requests==2.31")
    verdict = check_pypi(dependency, facts("requests"), POLICY, None)
    assert verdict.resolved == "2.31.0"
    assert [finding.rule for finding in verdict.findings] == ["outdated"]


def test_outdated_says_how_far_behind() -> None:
    # Between 2.31.0 and 2.34.2: nine releases (2.32.0 and 2.32.1 are yanked, 2.34.0.dev1 is a
    # dev release), 2023-05-22 to 2026-05-14.
    assert check("requests==2.31.0") == [
        (
            "outdated",
            "requests==2.31.0 is 9 releases and 1088 days behind 2.34.2",
            "2.34.2",
            "requests==2.34.2",
        )
    ]


def test_outdated_is_info() -> None:
    dependency = requirement("requests==2.31.0")
    verdict = check_pypi(dependency, facts("requests"), POLICY, None)
    assert verdict.findings[0].severity is Severity.INFO


def test_the_newest_pin_has_no_finding() -> None:
    dependency = requirement("httpx==0.28.1")
    verdict = check_pypi(dependency, facts("httpx"), POLICY, None)
    assert verdict.findings == ()
    assert verdict.resolved == "0.28.1"


def test_a_yanked_pin_quotes_the_reason() -> None:
    assert check("Django==5.0.5") == [
        (
            "yanked",
            f'django==5.0.5 is yanked ("{DJANGO_YANK}"); use django==6.1.3',
            "6.1.3",
            "Django==6.1.3",
        )
    ]


def test_a_yanked_pin_on_an_older_python() -> None:
    older = Policy(python=Version("3.10"), now=POLICY.now)
    assert check("django==4.2.12", older) == [
        (
            "yanked",
            f'django==4.2.12 is yanked ("{DJANGO_YANK}"); use django==5.2.19',
            "5.2.19",
            "django==5.2.19",
        )
    ]


def test_a_yank_without_a_reason() -> None:
    assert check("synthetic-yanked-newest==1.2.0") == [
        (
            "yanked",
            'synthetic-yanked-newest==1.2.0 is yanked ("Broken wheel: imports fail on import"); '
            "use synthetic-yanked-newest==1.1.0",
            "1.1.0",
            "synthetic-yanked-newest==1.1.0",
        )
    ]
    assert check("requests==2.32.0")[0][1] == (
        'requests==2.32.0 is yanked ("Yanked due to conflicts with CVE-2024-35195 mitigation"); use requests==2.34.2'
    )


def test_a_pre_release_pin_is_a_warning_pointing_at_the_final_release() -> None:
    dependency = requirement("django==6.1rc1")
    verdict = check_pypi(dependency, facts("django"), POLICY, None)
    assert [
        (finding.rule, finding.severity, finding.message, finding.replacement) for finding in verdict.findings
    ] == [
        (
            "prerelease",
            Severity.WARNING,
            "django==6.1rc1 is a pre-release; pin a final release: django==6.1.3",
            "django==6.1.3",
        )
    ]
    assert verdict.resolved == "6.1rc1"


def test_a_pre_release_with_no_final_release_yet() -> None:
    assert check("httpx==1.0.dev3") == [
        ("prerelease", "httpx==1.0.dev3 is a pre-release; no newer final release exists yet", None, None)
    ]


def test_a_pre_release_whose_final_release_needs_a_newer_python() -> None:
    older = Policy(python=Version("3.11"), now=POLICY.now)
    assert check("django==6.1rc1", older) == [
        ("prerelease", "django==6.1rc1 is a pre-release; no newer final release fits Python 3.11", None, None)
    ]


def test_the_projects_requires_python_shapes_the_suggestion() -> None:
    unset = Policy(now=POLICY.now)
    assert check("synthetic-requires-python", unset, ">=3.11")[0][2] == "1.5.0"


def test_arbitrary_equality_is_kept() -> None:
    assert check("requests===2.31.0")[0][3] == "requests===2.34.2"


def test_a_poetry_version_span_gets_a_bare_version() -> None:
    dependency = Dependency(
        Ecosystem.PYPI,
        "httpx",
        "^0.27",
        Location("pyproject.toml", 12, 9, Span(200, 207), SpanRole.VERSION),
        specifier=">=0.27,<0.28",
    )
    verdict = check_pypi(dependency, facts("httpx"), POLICY, None)
    assert [(finding.rule, finding.suggestion, finding.replacement) for finding in verdict.findings] == [
        ("ranged", "0.27.2", "0.27.2")
    ]
    assert replacement_for(dependency, "0.28.1") == "0.28.1"


def test_a_reference_without_a_span_gets_no_replacement() -> None:
    dependency = Dependency(Ecosystem.PYPI, "httpx", "httpx", Location("Dockerfile", 4))
    verdict = check_pypi(dependency, facts("httpx"), POLICY, None)
    assert [(finding.suggestion, finding.replacement) for finding in verdict.findings] == [("0.28.1", None)]


def test_an_interpreter_constraint_is_not_checked() -> None:
    dependency = Dependency(
        Ecosystem.PYPI,
        "python",
        "^3.11",
        Location("pyproject.toml", 9),
        role=Role.INTERPRETER,
        specifier=">=3.11,<4",
    )
    verdict = check_pypi(dependency, ProjectFacts(name="python", found=False), POLICY, None)
    assert verdict.findings == ()


def test_a_url_requirement_keeps_only_its_static_findings() -> None:
    dependency = requirement("httpx @ https://files.example/httpx-0.28.1.tar.gz")
    verdict = check_pypi(dependency, facts("httpx"), POLICY, None)
    assert [finding.rule for finding in verdict.findings] == ["unpinned"]
    assert verdict.findings[0].suggestion is None
