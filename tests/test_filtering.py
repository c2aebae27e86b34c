"""Configuration and inline ignore comments applied to findings."""

from __future__ import annotations

from pathlib import Path, PurePath

import pytest

from depcheck.config import Config, Override, PathPatterns, PyprojectDependencies, load_config
from depcheck.filtering import accepts_bounded, apply_config, lower_bound, tag_allowed
from depcheck.model import Dependency, Ecosystem, Finding, Location, Severity
from depcheck.rules import RULES, STATIC_RULES, check_static
from depcheck.sources.document import Document
from depcheck.sources.interface import MemoryFileReader, ParseContext
from depcheck.sources.pyproject import PyprojectSource


def pypi(
    text: str,
    name: str,
    specifier: str = "",
    *,
    file: str = "requirements.txt",
    line: int = 1,
    section: str | None = None,
    ignored: frozenset[str] | None = None,
) -> Dependency:
    return Dependency(
        ecosystem=Ecosystem.PYPI,
        name=name,
        text=text,
        location=Location(file, line, 1, section=section),
        specifier=specifier,
        ignored_rules=ignored,
    )


def image(
    name: str,
    tag: str | None,
    *,
    file: str = "Dockerfile",
    line: int = 1,
    digest: str | None = None,
    ignored: frozenset[str] | None = None,
) -> Dependency:
    text = name + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")
    return Dependency(
        ecosystem=Ecosystem.DOCKER,
        name=name,
        text=text,
        location=Location(file, line, 6),
        tag=tag,
        digest=digest,
        ignored_rules=ignored,
    )


def audit(*dependencies: Dependency) -> list[Finding]:
    return [finding for dependency in dependencies for finding in check_static(dependency)]


def summary(findings: list[Finding]) -> list[tuple[str, str, int, str, str]]:
    return [
        (finding.rule, finding.location.file, finding.location.line, finding.severity.value, finding.message)
        for finding in findings
    ]


def rules_of(findings: list[Finding]) -> list[tuple[str, str | None]]:
    return [(finding.rule, finding.name) for finding in findings]


# --- config --------------------------------------------------------------------------------------


def test_default_config_keeps_everything() -> None:
    findings = audit(pypi("httpx", "httpx"), image("python", "latest"))

    assert apply_config(findings, Config()) == findings


def test_disabled_rule_is_dropped() -> None:
    findings = audit(pypi("httpx", "httpx"), pypi("rich>=13", "rich", ">=13", line=2))

    kept = apply_config(findings, Config().with_overrides(disable=["ranged"]))

    assert rules_of(kept) == [("unpinned", "httpx")]


def test_global_severity_then_per_path_override() -> None:
    config = Config(
        severity={"floating-tag": Severity.WARNING},
        overrides=(
            Override(
                paths=PathPatterns(None, ("docker/dev.Dockerfile",)), severity={"floating-tag": Severity.INFO}
            ),
        ),
    )
    findings = audit(
        image("node", "lts", file="Dockerfile"),
        image("node", "lts", file="docker/dev.Dockerfile"),
        pypi("httpx", "httpx"),
    )

    kept = apply_config(findings, config)

    assert [(finding.rule, finding.location.file, finding.severity) for finding in kept] == [
        ("floating-tag", "Dockerfile", Severity.WARNING),
        ("floating-tag", "docker/dev.Dockerfile", Severity.INFO),
        ("unpinned", "requirements.txt", Severity.ERROR),
    ]


def test_override_paths_are_relative_to_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "depcheck.toml").write_text('[[overrides]]\npaths = ["tests/"]\ndisable = ["unpinned"]\n')
    (tmp_path / "tests").mkdir()
    monkeypatch.chdir(tmp_path / "tests")
    config = load_config(Path("."), None)
    findings = audit(
        pypi("httpx", "httpx", file="requirements.txt"), pypi("httpx", "httpx", file="../requirements.txt")
    )

    kept = apply_config(findings, config)

    assert [finding.location.file for finding in kept] == ["../requirements.txt"]


def test_ignored_packages_match_normalised_names() -> None:
    config = Config().with_overrides(ignore_packages=["Internal_*"])
    findings = audit(pypi("internal.tools", "internal-tools"), pypi("httpx", "httpx", line=2))

    assert rules_of(apply_config(findings, config)) == [("unpinned", "httpx")]


def test_ignored_images_match_names_as_written() -> None:
    config = Config().with_overrides(ignore_images=["ghcr.io/acme/*"])
    findings = audit(image("ghcr.io/acme/base", None), image("docker.io/acme/base", None, line=2))

    assert rules_of(apply_config(findings, config)) == [("untagged-image", "docker.io/acme/base")]


def test_override_ignores_packages_only_under_its_paths() -> None:
    config = Config(overrides=(Override(paths=PathPatterns(None, ("legacy/",)), ignore_packages=("old*",)),))
    findings = audit(pypi("oldlib", "oldlib", file="legacy/requirements.txt"), pypi("oldlib", "oldlib"))

    assert [finding.location.file for finding in apply_config(findings, config)] == ["requirements.txt"]


def test_allowed_moving_tags_are_dropped() -> None:
    config = Config(allow_tags={"node": ("lts", "lts-*"), "ghcr.io/acme/*": ("latest",)})
    findings = audit(
        image("node", "lts"),
        image("node", "lts-alpine", line=2),
        image("node", "current", line=3),
        image("ghcr.io/acme/app", "latest", line=4),
        image("python", "latest", line=5),
        image("node", None, line=6),
    )

    kept = apply_config(findings, config)

    assert [(finding.rule, finding.current) for finding in kept] == [
        ("floating-tag", "node:current"),
        ("latest-tag", "python:latest"),
        ("untagged-image", "node"),
    ]


def test_tag_allowed_needs_a_tag() -> None:
    assert tag_allowed(image("node", "lts"), {"node": ["lts"]})
    assert not tag_allowed(image("node", None), {"node": ["*"]})
    assert not tag_allowed(image("nodejs", "lts"), {"node": ["lts"]})


# --- inline ignores ------------------------------------------------------------------------------


def test_ignore_comment_silences_the_rules_it_names() -> None:
    findings = audit(
        pypi("httpx", "httpx", ignored=frozenset({"unpinned"})),
        pypi("rich>=13", "rich", ">=13", line=2, ignored=frozenset({"unpinned"})),
    )

    kept = apply_config(
        findings, Config(), dependencies=[finding.dependency for finding in findings if finding.dependency]
    )

    assert summary(kept) == [
        (
            "ranged",
            "requirements.txt",
            2,
            "error",
            "rich>=13 allows a range of versions; pin one exact version",
        ),
        ("unused-ignore", "requirements.txt", 2, "info", "ignore comment for unpinned silences nothing"),
    ]


def test_bare_ignore_comment_silences_every_rule() -> None:
    findings = audit(image("python", "latest", ignored=frozenset()))

    assert apply_config(findings, Config()) == []


def test_no_ignore_comments_reports_everything_and_no_unused_ignores() -> None:
    silenced = pypi("httpx", "httpx", ignored=frozenset({"unpinned"}))
    clean = pypi("rich==13.9.4", "rich", "==13.9.4", line=2, ignored=frozenset({"ranged"}))

    kept = apply_config(
        audit(silenced, clean), Config(), dependencies=[silenced, clean], no_ignore_comments=True
    )

    assert rules_of(kept) == [("unpinned", "httpx")]


def test_ignore_comment_on_a_clean_dependency_is_unused() -> None:
    clean = pypi("rich==13.9.4", "rich", "==13.9.4", line=4, ignored=frozenset({"ranged", "unpined"}))

    kept = apply_config(audit(clean), Config(), dependencies=[clean])

    (finding,) = kept
    assert finding.rule == "unused-ignore"
    assert finding.severity is Severity.INFO
    assert finding.location == Location("requirements.txt", 4, 1)
    assert finding.name == "rich"
    assert finding.current == "rich==13.9.4"
    assert (
        finding.message
        == "ignore comment for ranged, unpined silences nothing (unpined is not a depcheck rule)"
    )


def test_bare_unused_ignore() -> None:
    clean = image("python", "3.12.7", ignored=frozenset())

    assert summary(apply_config([], Config(), dependencies=[clean])) == [
        ("unused-ignore", "Dockerfile", 1, "info", "ignore comment silences nothing")
    ]


def test_rules_that_did_not_run_are_not_called_unused() -> None:
    # Under --static the registry rules never run, so an ignore[yanked] cannot be judged.
    pinned = pypi("rich==13.9.4", "rich", "==13.9.4", ignored=frozenset({"yanked", "ranged"}))
    bare = pypi("idna==3.10", "idna", "==3.10", line=2, ignored=frozenset())

    kept = apply_config([], Config(), dependencies=[pinned, bare], checked_rules=STATIC_RULES)

    assert summary(kept) == [
        ("unused-ignore", "requirements.txt", 1, "info", "ignore comment for ranged silences nothing")
    ]


def test_registry_error_leaves_the_comment_unjudged() -> None:
    dependency = pypi("rich==13.9.4", "rich", "==13.9.4", ignored=frozenset({"yanked"}))
    failed = Finding.about(dependency, "registry-error", Severity.ERROR, "PyPI did not answer")

    assert rules_of(apply_config([failed], Config(), dependencies=[dependency])) == [
        ("registry-error", "rich")
    ]


def test_unused_ignore_obeys_the_config() -> None:
    clean = pypi("rich==13.9.4", "rich", "==13.9.4", ignored=frozenset({"ranged"}))

    assert apply_config([], Config().with_overrides(disable=["unused-ignore"]), dependencies=[clean]) == []
    raised = apply_config([], Config(severity={"unused-ignore": Severity.WARNING}), dependencies=[clean])
    assert [(finding.rule, finding.severity) for finding in raised] == [("unused-ignore", Severity.WARNING)]


def test_comment_naming_unused_ignore_is_never_reported() -> None:
    clean = pypi("rich==13.9.4", "rich", "==13.9.4", ignored=frozenset({"ranged", "unused-ignore"}))

    assert apply_config([], Config(), dependencies=[clean]) == []


def test_ignore_for_a_disabled_rule_is_unused() -> None:
    dependency = pypi("httpx", "httpx", ignored=frozenset({"unpinned"}))

    kept = apply_config(
        audit(dependency), Config().with_overrides(disable=["unpinned"]), dependencies=[dependency]
    )

    assert summary(kept) == [
        ("unused-ignore", "requirements.txt", 1, "info", "ignore comment for unpinned silences nothing")
    ]


def test_comment_on_an_ignored_package_is_not_reported() -> None:
    dependency = pypi("internal", "internal", ignored=frozenset({"ranged"}))

    assert (
        apply_config(
            audit(dependency),
            Config().with_overrides(ignore_packages=["internal"]),
            dependencies=[dependency],
        )
        == []
    )


def test_unused_ignore_is_a_static_info_rule() -> None:
    rule = RULES["unused-ignore"]

    assert rule.severity is Severity.INFO
    assert rule.static
    assert "unused-ignore" in STATIC_RULES


# --- bounded pyproject dependencies --------------------------------------------------------------


@pytest.mark.parametrize(
    ("specifier", "expected"),
    [
        (">=2.31", "2.31"),
        ("~=1.4.2", "1.4.2"),
        (">1.0", "1.0"),
        ("==1.4.*", "1.4"),
        (">=1.0,<2", "1.0"),
        (">=1.0,>=1.2,!=1.3", "1.2"),
        ("==2.0.0", "2.0.0"),
        ("<2", None),
        ("!=1.0", None),
        ("<=3,!=2", None),
        ("", None),
        ("===weird", None),
        ("^1.2", None),
    ],
)
def test_lower_bound(specifier: str, expected: str | None) -> None:
    assert lower_bound(specifier) == expected


def test_bounded_mode_accepts_ranges_with_a_floor_in_project_dependencies() -> None:
    config = Config(pyproject_dependencies=PyprojectDependencies.BOUNDED)
    floor = pypi(
        "httpx>=0.27", "httpx", ">=0.27", file="pyproject.toml", line=5, section="project.dependencies"
    )
    ceiling = pypi("rich<14", "rich", "<14", file="pyproject.toml", line=6, section="project.dependencies")
    optional = pypi(
        "pytest>=8",
        "pytest",
        ">=8",
        file="pyproject.toml",
        line=9,
        section="project.optional-dependencies.test",
    )
    bare = pypi("idna", "idna", file="pyproject.toml", line=7, section="project.dependencies")

    kept = apply_config(audit(floor, ceiling, optional, bare), config)

    assert [(finding.rule, finding.name) for finding in kept] == [
        ("ranged", "rich"),
        ("ranged", "pytest"),
        ("unpinned", "idna"),
    ]


def test_exact_mode_keeps_every_range() -> None:
    floor = pypi("httpx>=0.27", "httpx", ">=0.27", file="pyproject.toml", section="project.dependencies")

    assert rules_of(apply_config(audit(floor), Config())) == [("ranged", "httpx")]
    assert not accepts_bounded(floor, PyprojectDependencies.EXACT)
    assert accepts_bounded(floor, PyprojectDependencies.BOUNDED)


def test_bounded_mode_ignores_requirements_files() -> None:
    ranged = pypi("httpx>=0.27", "httpx", ">=0.27", file="requirements.txt")

    assert not accepts_bounded(ranged, PyprojectDependencies.BOUNDED)


def test_real_pyproject_in_bounded_mode_with_an_ignore_comment() -> None:
    text = (
        "[project]\n"
        'name = "lib"\n'
        "dependencies = [\n"
        '    "httpx>=0.27",\n'
        '    "rich<14",\n'
        "]\n"
        "[project.optional-dependencies]\n"
        'test = ["pytest>=8"]  # depcheck: ignore[ranged]\n'
    )
    document = Document.from_text("pyproject.toml", text)
    parsed = PyprojectSource().parse(
        document, PurePath("pyproject.toml"), ParseContext(reader=MemoryFileReader({}))
    )
    findings = audit(*parsed.dependencies)

    kept = apply_config(
        findings,
        Config(pyproject_dependencies=PyprojectDependencies.BOUNDED),
        dependencies=parsed.dependencies,
    )

    assert summary(kept) == [
        (
            "ranged",
            "pyproject.toml",
            5,
            "error",
            "rich<14 allows a range of versions; pin one exact version",
        )
    ]
