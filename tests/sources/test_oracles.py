"""depcheck's own readers checked against two well-kept parsers, over every corpus file.

depcheck reads requirements files and Dockerfiles with its own position-keeping readers, because
``requirements-parser`` and ``dockerfile-parse`` keep no columns or byte spans and a fix must know
exactly which bytes it replaces. Those libraries still know what the files *say*; here they serve
as oracles: for every real-world file in the shared corpus, depcheck must find the same projects
with the same specifiers, and the same ``FROM`` instructions.
"""

from __future__ import annotations

import io
from pathlib import Path, PurePath

import pytest
import requirements
from dockerfile_parse import DockerfileParser
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from depcheck.model import Role
from depcheck.sources.dockerfile import DockerfileSource
from depcheck.sources.document import Document
from depcheck.sources.interface import MemoryFileReader, ParseContext
from depcheck.sources.requirements import RequirementsSource

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not beside this checkout")


def _files(pattern: str) -> list[Path]:
    return sorted(CORPUS.glob(pattern)) if CORPUS.is_dir() else []


def _context() -> ParseContext:
    # Includes are not followed here: each file is compared on its own lines only.
    return ParseContext(reader=MemoryFileReader({}))


REQUIREMENT_FILES = [path for path in _files("**/*.txt") + _files("**/*.in") if "requirements" in str(path)]
DOCKERFILES = [path for path in _files("**/*Dockerfile*") if path.is_file()]


def test_the_corpus_has_files_to_compare() -> None:
    assert len(REQUIREMENT_FILES) >= 20
    assert len(DOCKERFILES) >= 25


@pytest.mark.parametrize("path", REQUIREMENT_FILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_requirements_agree_with_requirements_parser(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    expected = set()
    # The oracle would open includes relative to the working directory; compare own lines only.
    # It also reads neither `name @ url` nor per-requirement options (`--no-binary x`); such lines
    # are left to the unit tests.
    own_lines = "\n".join(
        line
        for line in text.splitlines()
        if not line.lstrip().startswith(("-r", "--requirement", "-c"))
        and " @ " not in line
        and " --no-binary" not in line
        and " --only-binary" not in line
    )
    for requirement in requirements.parse(io.StringIO(own_lines)):
        if requirement.name is None or requirement.uri or requirement.vcs or requirement.local_file:
            continue
        specifier = SpecifierSet(",".join(op + version for op, version in requirement.specs))
        expected.add((canonicalize_name(requirement.name), str(specifier)))
    document = Document.from_text(path.name, text)
    parsed = RequirementsSource().parse(document, PurePath(path.name), _context())
    found = {
        (dependency.name, dependency.specifier)
        for dependency in parsed.dependencies
        if dependency.location.file == path.name
        and dependency.url is None
        and not dependency.editable
        and " @ " not in document.text.splitlines()[dependency.location.line - 1]
        and " --no-binary" not in document.text.splitlines()[dependency.location.line - 1]
    }
    assert found == expected


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda path: str(path.relative_to(CORPUS)))
def test_from_lines_agree_with_dockerfile_parse(path: Path) -> None:
    raw = path.read_bytes()
    oracle = DockerfileParser(fileobj=io.BytesIO(raw))
    stages: set[str] = set()
    expected_lines = set()
    for instruction in oracle.structure:
        if instruction["instruction"] != "FROM":
            continue
        words = [word for word in instruction["value"].split() if not word.startswith("--platform")]
        image = words[0]
        stages_here = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
        if image.lower() not in stages and image != "scratch":
            expected_lines.add(instruction["startline"] + 1)
        if stages_here:
            stages.add(stages_here)
    document = Document.from_bytes(path.name, raw)
    parsed = DockerfileSource().parse(document, PurePath(path.name), _context())
    found_lines = {
        dependency.location.line for dependency in parsed.dependencies if dependency.role is Role.IMAGE
    }
    assert found_lines == expected_lines
