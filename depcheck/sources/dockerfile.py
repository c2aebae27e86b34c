"""Dockerfiles and Containerfiles: base images, copied-from images, and ``pip install`` inside ``RUN``.

What is read, the way BuildKit reads it: the parser directives at the top (``# syntax=`` names
the frontend image, a dependency of its own; ``# escape=`` switches the escape character to a
backtick), ``\\`` line continuations with the comment and blank lines BuildKit skips inside
them, case-insensitive instructions, ``FROM [--platform=...] image [AS name]`` (a FROM naming an
earlier stage, case-insensitively, is not an image, nor is ``scratch``), ``ARG`` defaults in the
global scope (before the first ``FROM``, the only ones a ``FROM`` can use) and in stages, with
``--build-arg`` values overriding defaults, ``COPY --from=<image>``, ``RUN --mount=...,from=<image>``
and the arguments of ``pip install`` commands in ``RUN`` (shell form, exec form and heredoc
scripts), which :mod:`depcheck.sources.requirements` reads.

The file is tokenized here rather than with ``dockerfile-parse``: that library joins
continuation lines and rewrites instruction text, so it loses the column and byte offset of every
reference, and it expands variables without telling which characters came from an ``ARG``
default. depcheck needs both to point at the reference and to fix it in place.

Fix spans. A reference written out in one piece (``FROM python:3.12-slim``, or wholly inside an
``ARG`` default or a ``${X:-default}``) gets a ``REFERENCE`` span over that text; a tag written
out in one piece somewhere else than its image name (``ARG PY=3.12`` with ``FROM python:${PY}``)
gets a ``TAG`` span over the tag's text. A tag that one ``ARG`` default feeds in part, the rest
being literal text of the ``FROM`` line (``ARG PY=3.12`` with ``FROM python:${PY}-slim``), gets a
``TAG`` span over that default (``3.12``) with the literal text as its affixes (``("", "-slim")``):
a fix changes the tag at the ``ARG``. A tag split across two variables (``${MAJOR}.${MINOR}``), and
anything that came from a ``--build-arg`` (what the file says is not what is built), gets no span:
there is no single piece of text a fix could rewrite. A span inside an ``ARG`` default names the
other lines that default feeds (``Location.span_shared_with``: other ``FROM`` lines, and a stage's
bare ``ARG PY`` that imports it for its ``RUN`` and ``COPY`` lines), so that the fixer rewrites it
only when every one of them needs the same change.

Scopes follow BuildKit: a ``FROM`` sees only the global ``ARG`` values, so an ``ARG`` redefined
inside a stage does not change the next ``FROM`` (Renovate reads such a file differently; Docker
builds it this way). Variables in ``pip install`` arguments are expanded with the stage's own
``ARG`` and ``ENV`` values, as the shell running the ``RUN`` would see them.

``ARG NAME value`` (a space, no ``=``) declares two build arguments in BuildKit, ``NAME`` with no
default and ``value``; it is read that way, and a reference that uses ``NAME`` is unresolved with
a hint to write ``ARG NAME=value``.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import NamedTuple

from depcheck.model import Dependency, Ecosystem, FileKind, Finding, ParseResult, Role, SpanRole
from depcheck.rules import invalid
from depcheck.sources.document import Document
from depcheck.sources.expansion import (
    DOCKERFILE,
    ExpansionSyntaxError,
    Sourced,
    Substitution,
    Syntax,
    UnresolvedVariable,
    expand,
    expand_traced,
)
from depcheck.sources.ignores import parse_ignore_comment
from depcheck.sources.image import (
    FixSpan,
    InvalidImageReference,
    fix_span,
    image_dependency,
    parse_image_ref,
)
from depcheck.sources.interface import ParseContext, Source
from depcheck.sources.names import is_dockerfile
from depcheck.sources.requirements import parse_pip_arguments
from depcheck.sources.shell import ShellWord, commands, pip_install_arguments

logger = logging.getLogger(__name__)

__all__ = ["DockerfileSource"]

_DIRECTIVE = re.compile(r"#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_KNOWN_DIRECTIVES = frozenset({"syntax", "escape", "check"})
_STAGE_NAME = re.compile(r"[a-z][a-z0-9-_.]*")
_HEREDOC = re.compile(r"\d*<<(-?)([^<]+)")
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})
_PLATFORM_ARGS = frozenset(
    {
        "BUILDPLATFORM",
        "BUILDOS",
        "BUILDARCH",
        "BUILDVARIANT",
        "TARGETPLATFORM",
        "TARGETOS",
        "TARGETARCH",
        "TARGETVARIANT",
    }
)
"""ARGs BuildKit sets in the global scope from the build and target platforms."""
# BuildKit's default escape in RUN scripts is the shell's own backslash, whatever # escape= says.
_SHELL_SYNTAX = DOCKERFILE


class DockerfileSource(Source):
    """``Dockerfile``, ``Dockerfile.*``, ``*.Dockerfile``, ``*.dockerfile``, ``Containerfile``, ``Containerfile.*``."""

    kind = FileKind.DOCKERFILE

    def claims(self, path: PurePath) -> bool:
        return is_dockerfile(path)

    def parse(self, document: Document, path: PurePath, context: ParseContext) -> ParseResult:
        return _Parser(document, path, context).parse()


# The parser's own records are NamedTuples: as immutable as a frozen dataclass, and several times
# cheaper to define when the module is imported (a frozen dataclass compiles six methods at import,
# and start-up is most of a warm audit).
class _Line(NamedTuple):
    number: int
    start: int
    text: str
    """The line without its ``\\n`` and a ``\\r`` before it."""


class _Heredoc(NamedTuple):
    name: str
    body: Sourced


class _Instruction(NamedTuple):
    keyword: str
    """Lowercased: ``from``, ``run``..."""
    start: int
    arguments: Sourced
    """Everything after the keyword, continuation lines joined, offsets kept."""
    ignored_rules: frozenset[str] | None
    """From a ``# depcheck: ignore[...]`` comment on the line directly above."""
    heredocs: tuple[_Heredoc, ...] = ()


class _Flag(NamedTuple):
    name: str
    value: Sourced | None
    written: Sourced


class _Variable(NamedTuple):
    """An ARG or ENV binding: its value (``None``: no value) and why it has none."""

    value: Sourced | None
    reason: str


@dataclass
class _Stage:
    name: str | None
    index: int
    args: dict[str, _Variable] = field(default_factory=dict)
    env: dict[str, _Variable] = field(default_factory=dict)

    @property
    def section(self) -> str:
        return f"stage {self.name if self.name is not None else self.index}"


class _Parser:
    def __init__(self, document: Document, path: PurePath, context: ParseContext) -> None:
        self.document = document
        self.path = path
        self.context = context
        self.lines = _lines(document.text)
        self.escape = "\\"
        self.dependencies: list[Dependency] = []
        self.findings: list[Finding] = []
        self.files: list[str] = []
        self.global_args: dict[str, _Variable] = {}
        self.stages: list[_Stage] = []
        self.stage_names: set[str] = set()
        self.all_stage_names: set[str] = set()
        self.arg_defaults: list[tuple[str, int, int]] = []
        """Every ARG default as written: the name and the characters ``[start, end)`` of its text."""
        self.uses: list[tuple[int, frozenset[int]]] = []
        """Each FROM line, and each stage ARG importing a global default: the line, and the
        characters of the file its value is made of."""
        self.fed: list[tuple[int, int, int]] = []
        """Dependencies (by index) whose span is a variable's text: the span's characters."""

    # --- driver -----------------------------------------------------------------------------

    def parse(self) -> ParseResult:
        syntax = self._directives()
        instructions = self._instructions()
        self.all_stage_names = _declared_stage_names(instructions)
        if syntax is not None:
            self._syntax(syntax)
        for instruction in instructions:
            handler = {
                "arg": self._arg,
                "env": self._env,
                "from": self._from,
                "copy": self._copy,
                "run": self._run,
            }.get(instruction.keyword)
            if handler is not None:
                handler(instruction)
        self._share()
        return ParseResult(
            dependencies=tuple(self.dependencies), findings=tuple(self.findings), files=tuple(self.files)
        )

    @property
    def syntax(self) -> Syntax:
        return DOCKERFILE.with_escape(self.escape)

    def _share(self) -> None:
        """Tell each span inside an ARG default which other lines the same text feeds."""
        for index, start, end in self.fed:
            dependency = self.dependencies[index]
            own = dependency.location.line
            lines = sorted(
                {
                    line
                    for line, offsets in self.uses
                    if line != own and any(start <= offset < end for offset in offsets)
                }
            )
            if lines:
                location = replace(dependency.location, span_shared_with=tuple(lines))
                self.dependencies[index] = replace(dependency, location=location)

    def _invalid(self, start: int, reason: str, ecosystem: Ecosystem | None = Ecosystem.DOCKER) -> None:
        self.findings.append(invalid(self.document.location(start), reason, ecosystem))

    # --- lines, directives, instructions ----------------------------------------------------

    def _directives(self) -> Sourced | None:
        """Read the parser directives at the top; return the ``syntax`` value if there is one."""
        seen: set[str] = set()
        syntax: Sourced | None = None
        for line in self.lines:
            stripped = line.text.lstrip()
            match = _DIRECTIVE.match(stripped)
            if match is None or match.group(1).lower() not in _KNOWN_DIRECTIVES:
                break
            key = match.group(1).lower()
            offset = line.start + len(line.text) - len(stripped) + match.start(2)
            if key in seen:
                self._invalid(line.start, f"only one {key} parser directive can be used", None)
                continue
            seen.add(key)
            value = Sourced.at(match.group(2), offset)
            if key == "escape":
                if value.text in ("\\", "`"):
                    self.escape = value.text
                else:
                    self._invalid(offset, f"invalid escape directive {value.text!r}: use \\ or `", None)
            elif key == "syntax":
                syntax = value
        return syntax

    def _instructions(self) -> list[_Instruction]:
        lines = self.lines
        continuation = re.compile(re.escape(self.escape) + r"[ \t]*$")
        instructions: list[_Instruction] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            stripped = line.text.lstrip()
            if not stripped or stripped.startswith("#"):
                index += 1
                continue
            above = lines[index - 1].text.strip() if index > 0 else ""
            ignored = parse_ignore_comment(above) if above.startswith("#") else None
            indent = len(line.text) - len(stripped)
            piece, continued = _trim_continuation(stripped, line.start + indent, continuation)
            pieces = [piece]
            index += 1
            # BuildKit skips comment lines and blank lines inside a continuation.
            while continued and index < len(lines):
                line = lines[index]
                index += 1
                body = line.text.lstrip()
                if not body or body.startswith("#"):
                    continue
                piece, continued = _trim_continuation(line.text, line.start, continuation)
                pieces.append(piece)
            if continued:
                self.findings.append(
                    invalid(
                        self.document.line_location(lines[-1].number),
                        "file ends inside a line continuation",
                        Ecosystem.DOCKER,
                    )
                )
            logical = Sourced.join(pieces).strip()
            keyword_end = next(
                (position for position, character in enumerate(logical.text) if character.isspace()),
                len(logical),
            )
            keyword = logical.text[:keyword_end].lower()
            arguments = logical[keyword_end:].strip()
            start = logical.first_offset()
            assert start is not None  # the first piece is text of this file
            heredocs: tuple[_Heredoc, ...] = ()
            if keyword in ("run", "copy", "add") and not arguments.text.startswith("["):
                heredocs, index = self._heredocs(arguments, index)
            instructions.append(
                _Instruction(
                    keyword=keyword,
                    start=start,
                    arguments=arguments,
                    ignored_rules=ignored,
                    heredocs=heredocs,
                )
            )
        return instructions

    def _heredocs(self, arguments: Sourced, index: int) -> tuple[tuple[_Heredoc, ...], int]:
        """The heredoc bodies ``<<EOF`` words announce, read from line ``index`` on."""
        heredocs: list[_Heredoc] = []
        for word in arguments.text.split():
            match = _HEREDOC.fullmatch(word)
            if match is None:
                continue
            chomp, name = match.group(1) == "-", match.group(2)
            if len(name) >= 2 and name[0] == name[-1] and name[0] in "'\"":
                name = name[1:-1]
            body: list[Sourced] = []
            terminated = False
            while index < len(self.lines):
                line = self.lines[index]
                index += 1
                candidate = line.text.lstrip("\t") if chomp else line.text
                if candidate == name:
                    terminated = True
                    break
                body.append(Sourced.at(line.text, line.start) + Sourced.detached("\n"))
            if not terminated:
                self.findings.append(
                    invalid(
                        self.document.line_location(self.lines[-1].number),
                        f"file ends inside the heredoc {name} (no line {name} closes it)",
                        Ecosystem.DOCKER,
                    )
                )
            heredocs.append(_Heredoc(name, Sourced.join(body)))
        return tuple(heredocs), index

    # --- instructions -----------------------------------------------------------------------

    def _syntax(self, value: Sourced) -> None:
        start = value.first_offset()
        assert start is not None
        try:
            self.dependencies.append(
                image_dependency(
                    self.document,
                    start,
                    start + len(value),
                    value.text,
                    role=Role.SYNTAX,
                    section=None,
                    span_role=SpanRole.REFERENCE,
                )
            )
        except InvalidImageReference as exc:
            self._invalid(start, f"# syntax= names no image: {exc}")

    def _arg(self, instruction: _Instruction) -> None:
        words = _raw_words(instruction.arguments, self.escape)
        if not words:
            self._invalid(instruction.start, "ARG needs a name")
            return
        stage = self.stages[-1] if self.stages else None
        scope = self.global_args if stage is None else stage.args
        for position, word in enumerate(words):
            name, equals, _ = word.text.partition("=")
            if not name:
                self._invalid(_start(word, instruction), f"ARG {word.text!r} has no name")
                continue
            if equals:
                raw = word[len(name) + 1 :]
                written = [offset for offset in raw.offsets if offset is not None]
                if written:
                    self.arg_defaults.append((name, min(written), max(written) + 1))
            if name in self.context.build_args:
                scope[name] = _Variable(Sourced.detached(self.context.build_args[name]), "")
            elif equals:
                scope[name] = self._arg_default(name, word[len(name) + 1 :], stage, instruction)
            elif name in scope:
                pass  # a bare redeclaration keeps the value already declared
            elif stage is not None and name in self.global_args:
                scope[name] = self.global_args[name]  # a stage's bare ARG takes the global default
                imported = scope[name].value
                if imported is not None:
                    # The stage's RUN, COPY and ENV lines now see the global default's text.
                    self.uses.append(
                        (self.document.line_of(_start(word, instruction)), _written_at(imported))
                    )
            else:
                reason = f"ARG {name} has no value (pass --build-arg {name}=...)"
                if name in _PLATFORM_ARGS:
                    reason = _platform_reason(name)
                elif len(words) == 2 and position == 0 and "=" not in words[1].text:
                    value = words[1].text
                    reason = (
                        f"ARG {name} has no value: `ARG {name} {value}` declares two build arguments "
                        f"rather than a default; write ARG {name}={value} (or pass --build-arg {name}=...)"
                    )
                scope[name] = _Variable(None, reason)

    def _arg_default(
        self, name: str, raw: Sourced, stage: _Stage | None, instruction: _Instruction
    ) -> _Variable:
        try:
            return _Variable(expand(raw, self._lookup(stage), self.syntax, self._missing(stage)), "")
        except UnresolvedVariable as exc:
            return _Variable(None, f"the default of ARG {name} cannot be resolved: {exc.reason}")
        except ExpansionSyntaxError as exc:
            self._invalid(_start(raw, instruction), f"ARG {name}: {exc}")
            return _Variable(None, f"the default of ARG {name} cannot be read: {exc}")

    def _env(self, instruction: _Instruction) -> None:
        if not self.stages:
            return
        stage = self.stages[-1]
        words = _raw_words(instruction.arguments, self.escape)
        if not words:
            return
        pairs: list[tuple[str, Sourced]] = []
        if "=" not in words[0].text:
            # The legacy form: ENV NAME the rest of the line.
            name = words[0].text
            rest = instruction.arguments[len(name) :].strip()
            pairs.append((name, rest))
        else:
            for word in words:
                name, _, _ = word.text.partition("=")
                pairs.append((name, word[len(name) + 1 :]))
        for name, raw in pairs:
            try:
                stage.env[name] = _Variable(
                    expand(raw, self._lookup(stage), self.syntax, self._missing(stage)), ""
                )
            except UnresolvedVariable as exc:
                stage.env[name] = _Variable(None, f"ENV {name} cannot be resolved: {exc.reason}")
            except ExpansionSyntaxError as exc:
                stage.env[name] = _Variable(None, f"ENV {name} cannot be read: {exc}")

    def _from(self, instruction: _Instruction) -> None:
        flags, rest = _flags(instruction.arguments)
        words = rest.split()
        if not words:
            self._invalid(instruction.start, "FROM needs an image")
            return
        name: str | None = None
        if len(words) == 3 and words[1].text.lower() == "as":
            name = words[2].text.lower()
            if not _STAGE_NAME.fullmatch(name):
                self._invalid(
                    _start(words[2], instruction),
                    f"invalid stage name {words[2].text!r}: a letter, then letters, digits, '-', '_' or '.'",
                )
        elif len(words) != 1:
            self._invalid(
                _start(words[1], instruction),
                f"FROM takes one image, optionally followed by AS <stage name>: {rest.text!r}",
            )
        platform = next((flag.value.text for flag in flags if flag.name == "platform" and flag.value), None)
        stage = _Stage(name=name, index=len(self.stages))
        written = words[0]
        self.uses.append((self.document.line_of(_start(written, instruction)), self._feeding(written)))
        substitutions: tuple[Substitution, ...] = ()
        try:
            resolved, substitutions = expand_traced(
                written, self._global_value, self.syntax, self._global_missing
            )
        except UnresolvedVariable as exc:
            self._unresolved(written, exc.reason, Role.IMAGE, stage.section, platform, instruction)
            resolved = None
        except ExpansionSyntaxError as exc:
            self._invalid(_start(written, instruction), f"FROM {written.text}: {exc}")
            resolved = None
        if resolved is not None:
            base = resolved.text
            if not base:
                self._invalid(
                    _start(written, instruction), f"FROM {written.text} expands to an empty image name"
                )
            elif base.lower() in self.stage_names:
                parent = next(s for s in reversed(self.stages) if s.name == base.lower())
                stage.env = dict(parent.env)  # ENV is inherited from the stage built upon
            elif base != "scratch":
                self._reference(
                    written, resolved, Role.IMAGE, stage.section, platform, instruction, substitutions
                )
        self.stages.append(stage)
        if name is not None:
            self.stage_names.add(name)

    def _copy(self, instruction: _Instruction) -> None:
        flags, _ = _flags(instruction.arguments)
        section = self.stages[-1].section if self.stages else None
        for flag in flags:
            if flag.name == "from":
                self._from_flag(flag.value, flag.written, Role.COPY_FROM, section, instruction)

    def _run(self, instruction: _Instruction) -> None:
        flags, script = _flags(instruction.arguments)
        stage = self.stages[-1] if self.stages else None
        section = stage.section if stage is not None else None
        for flag in flags:
            if flag.name != "mount" or flag.value is None:
                continue
            for key, value in _csv_fields(flag.value):
                if key == "from":
                    self._from_flag(value, flag.written, Role.MOUNT_FROM, section, instruction)
        if "pip" not in script.text and not any(
            "pip" in heredoc.body.text for heredoc in instruction.heredocs
        ):
            return  # most RUN lines install system packages: no need to split them into words
        exec_form = _json_words(script) if script.text.startswith("[") else None
        if exec_form is not None:
            found = [exec_form]
        else:
            found = commands(script)
            if instruction.heredocs and all(_runs_a_shell(command) for command in found):
                for heredoc in instruction.heredocs:
                    found.extend(commands(heredoc.body))
        for command in found:
            arguments = pip_install_arguments(command)
            if arguments is not None:
                self._pip(arguments, stage, instruction)

    # --- references ---------------------------------------------------------------------------

    def _from_flag(
        self,
        value: Sourced | None,
        written: Sourced,
        role: Role,
        section: str | None,
        instruction: _Instruction,
    ) -> None:
        """``COPY --from=`` or a mount's ``from=``: a stage name, a stage index, or an image."""
        if value is None or not value.text:
            self._invalid(_start(written, instruction), f"{written.text}: no stage or image named")
            return
        text = value.text
        if text.isdigit() or text.lower() in self.all_stage_names:
            return
        if "$" in text:
            # BuildKit does not expand variables in --from (moby/buildkit#2412); it reads them literally.
            self._unresolved(
                value,
                f"{text}: BuildKit does not expand variables in --from; name the image in a stage "
                f"(FROM {text} AS name) and copy from that stage",
                role,
                section,
                None,
                instruction,
            )
            return
        self._reference(value, value, role, section, None, instruction)

    def _reference(
        self,
        written: Sourced,
        resolved: Sourced,
        role: Role,
        section: str | None,
        platform: str | None,
        instruction: _Instruction,
        substitutions: Sequence[Substitution] = (),
    ) -> None:
        start = _start(written, instruction)
        try:
            image = parse_image_ref(resolved.text)
        except InvalidImageReference as exc:
            self._invalid(start, str(exc))
            return
        fix = fix_span(self.document, resolved, image, substitutions)
        self.dependencies.append(
            image_dependency(
                self.document,
                start,
                start + len(written),
                image.reference,
                role=role,
                section=section,
                span_role=fix.role if fix is not None else None,
                span=(fix.start, fix.end) if fix is not None else None,
                platform=platform,
                ignored_rules=instruction.ignored_rules,
                span_affixes=fix.affixes if fix is not None else ("", ""),
                span_source=self._source(fix) if fix is not None else None,
            )
        )
        if fix is not None and fix.variable is not None:
            self.fed.append((len(self.dependencies) - 1, fix.start, fix.end))

    def _source(self, fix: FixSpan) -> str | None:
        """How messages name the variable text a span is: ``ARG PY``, or ``${PY:-3.12}`` in the FROM."""
        variable = fix.variable
        if variable is None:
            return None
        # The ARG whose default holds the text: ``ARG IMG=python:${PY}`` puts PY's text in IMG, and
        # ``${IMG:-${PY}}`` in a FROM line is PY's text too.
        for name, start, end in reversed(self.arg_defaults):
            if start <= fix.start and fix.end <= end:
                return f"ARG {name}"
        return variable.written if variable.defaulted else f"ARG {variable.name}"

    def _unresolved(
        self,
        written: Sourced,
        reason: str,
        role: Role,
        section: str | None,
        platform: str | None,
        instruction: _Instruction,
    ) -> None:
        start = _start(written, instruction)
        self.dependencies.append(
            image_dependency(
                self.document,
                start,
                start + len(written),
                written.text,
                role=role,
                section=section,
                span_role=None,
                unresolved=reason,
                platform=platform,
                ignored_rules=instruction.ignored_rules,
            )
        )

    # --- variables --------------------------------------------------------------------------

    def _global_value(self, name: str) -> Sourced | None:
        variable = self.global_args.get(name)
        if variable is not None:
            return variable.value
        if name in _PLATFORM_ARGS and name in self.context.build_args:
            return Sourced.detached(self.context.build_args[name])
        return None

    def _feeding(self, written: Sourced) -> frozenset[int]:
        """The characters of the file a FROM word is made of, variables with no value counted empty.

        Even an unresolved FROM changes when an ARG default it uses is rewritten, so its other
        variables must not stop the count.
        """

        def value(name: str) -> Sourced:
            found = self._global_value(name)
            return found if found is not None else Sourced.detached("")

        try:
            return _written_at(expand(written, value, self.syntax, self._global_missing))
        except (UnresolvedVariable, ExpansionSyntaxError):
            return _written_at(written)

    def _global_missing(self, name: str) -> str:
        variable = self.global_args.get(name)
        if variable is not None:
            return variable.reason
        if name in _PLATFORM_ARGS:
            return _platform_reason(name)
        if any(name in stage.args for stage in self.stages):
            return (
                f"ARG {name} is declared inside a build stage, which a FROM cannot see; "
                "declare it before the first FROM"
            )
        return (
            f"${name} is not declared by an ARG before the first FROM, so Docker expands it to an "
            f"empty string (declare ARG {name}=... at the top)"
        )

    def _lookup(self, stage: _Stage | None) -> Callable[[str], Sourced | None]:
        """The variable values ``expand`` sees in ``stage`` (``None``: the global scope)."""
        if stage is None:
            return self._global_value

        def value(name: str) -> Sourced | None:
            # ENV wins over an ARG of the same name, as in Docker.
            variable = stage.env.get(name) or stage.args.get(name)
            return variable.value if variable is not None else None

        return value

    def _missing(self, stage: _Stage | None) -> Callable[[str], str]:
        if stage is None:
            return self._global_missing

        def missing(name: str) -> str:
            variable = stage.env.get(name) or stage.args.get(name)
            if variable is not None:
                return variable.reason
            if name in self.global_args:
                return f"${name} is a global ARG; a stage sees it only after its own `ARG {name}`"
            return f"${name} is not set by an ARG or ENV in {stage.section}"

        return missing

    # --- pip install ------------------------------------------------------------------------

    def _pip(self, arguments: Sequence[ShellWord], stage: _Stage | None, instruction: _Instruction) -> None:
        """Hand a ``pip install``'s arguments, as the shell would pass them, to the requirements parser.

        Variables the stage knows (its ``ARG`` and ``ENV`` values) are expanded first. A word that
        still cannot be known goes through as written, so that it becomes an ``unresolved``
        dependency; the reason is then replaced by the more precise one found here.
        """
        section = stage.section if stage is not None else None
        tokens: list[tuple[str, int]] = []
        unsafe: list[tuple[int, int]] = []
        reasons: dict[int, str] = {}
        for word in arguments:
            start = _start(word.source, instruction)
            resolved, reason = self._shell_word(word, stage)
            if reason is not None:
                tokens.append((word.text, start))
                reasons[start] = reason
                continue
            # An unquoted variable's value is split into words by the shell.
            for piece in resolved.split() if word.dynamic else [resolved]:
                offset = piece.first_offset()
                if offset is None:
                    offset = start
                tokens.append((piece.text, offset))
                if piece.written_range(self.document.text) is None:
                    unsafe.append((offset, offset + len(piece)))
        if not tokens:
            return
        result = parse_pip_arguments(self.document, tokens, self.path, self.context, section)
        for found in result.dependencies:
            if found.location.file != self.document.path:
                self.dependencies.append(found)  # read from a -r/-c file next to the Dockerfile
                continue
            offset = self._offset(found)
            dependency = found
            if dependency.location.span is not None and any(a <= offset < b for a, b in unsafe):
                # Never rewrite a requirement read from a word that is not written in one piece.
                location = replace(dependency.location, span=None, span_role=None)
                dependency = replace(dependency, location=location)
            if dependency.unresolved is not None and offset in reasons:
                dependency = replace(dependency, unresolved=reasons[offset])
            if dependency.ignored_rules is None and instruction.ignored_rules is not None:
                dependency = replace(dependency, ignored_rules=instruction.ignored_rules)
            self.dependencies.append(dependency)
        self.findings.extend(result.findings)
        self.files.extend(name for name in result.files if name not in self.files)

    def _offset(self, dependency: Dependency) -> int:
        location = dependency.location
        return self.document.line_start(location.line) + location.column - 1

    def _shell_word(self, word: ShellWord, stage: _Stage | None) -> tuple[Sourced, str | None]:
        """The word as the shell would pass it, or the word as written and why it cannot be known."""
        if not word.dynamic:
            return word.source, None
        parts: list[Sourced] = []
        last = 0
        for begin, end in word.expansions:
            parts.append(word.source[last:begin])
            piece = word.source[begin:end]
            last = end
            if piece.text.startswith(("$(", "`")):
                return word.source, f"{word.text} is computed by a command when the image is built"
            try:
                parts.append(expand(piece, self._lookup(stage), _SHELL_SYNTAX, self._missing(stage)))
            except UnresolvedVariable as exc:
                return word.source, f"{word.text} cannot be checked: {exc.reason}"
            except ExpansionSyntaxError as exc:
                return word.source, f"{word.text} cannot be read: {exc}"
        parts.append(word.source[last:])
        return Sourced.join(parts), None


# --- helpers ----------------------------------------------------------------------------------


def _written_at(text: Sourced) -> frozenset[int]:
    return frozenset(offset for offset in text.offsets if offset is not None)


def _platform_reason(name: str) -> str:
    return f"{name} is set by BuildKit from the platform being built (pass --build-arg {name}=...)"


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    start = 0
    parts = text.split("\n")
    if parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()  # the text after the final newline is not a line
    for number, raw in enumerate(parts, start=1):
        lines.append(_Line(number, start, raw[:-1] if raw.endswith("\r") else raw))
        start += len(raw) + 1
    return lines


def _trim_continuation(text: str, start: int, continuation: re.Pattern[str]) -> tuple[Sourced, bool]:
    match = continuation.search(text)
    if match is None:
        return Sourced.at(text, start), False
    return Sourced.at(text[: match.start()], start), True


def _start(word: Sourced, instruction: _Instruction) -> int:
    offset = word.first_offset()
    return offset if offset is not None else instruction.start


def _declared_stage_names(instructions: Sequence[_Instruction]) -> set[str]:
    names: set[str] = set()
    for instruction in instructions:
        if instruction.keyword == "from":
            words = _flags(instruction.arguments)[1].split()
            if len(words) == 3 and words[1].text.lower() == "as":
                names.add(words[2].text.lower())
    return names


def _raw_words(text: Sourced, escape: str) -> list[Sourced]:
    """Words split on whitespace outside quotes, quotes and escapes kept (BuildKit's ``parseWords``)."""
    words: list[Sourced] = []
    start: int | None = None
    quote: str | None = None
    index = 0
    content = text.text
    while index < len(content):
        character = content[index]
        if quote is not None:
            if character == quote:
                quote = None
            elif character == escape and quote != "'":
                index += 1
        elif character.isspace():
            if start is not None:
                words.append(text[start:index])
                start = None
        else:
            if start is None:
                start = index
            if character in "'\"":
                quote = character
            elif character == escape:
                index += 1
        index += 1
    if start is not None:
        words.append(text[start:])
    return words


def _flags(arguments: Sourced) -> tuple[list[_Flag], Sourced]:
    """The leading ``--name=value`` flags (quotes and backslashes removed) and the rest."""
    flags: list[_Flag] = []
    text = arguments.text
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if not text.startswith("--", index):
            break
        start = index
        end = start
        while end < len(text) and not text[end].isspace():
            end += 1
        segment = text[start:end]
        if "'" not in segment and '"' not in segment and "\\" not in segment:
            # No quotes or backslashes (nearly every flag): the word is the written text, sliced
            # once rather than joined from one Sourced per character.
            index = end
            word = arguments[start:end]
            if word.text == "--":
                break
            name, equals, _ = word.text[2:].partition("=")
            value = word[3 + len(name) :] if equals else None
            flags.append(_Flag(name.lower(), value, word))
            continue
        pieces: list[Sourced] = []
        quote: str | None = None
        while index < len(text) and (quote is not None or not text[index].isspace()):
            character = text[index]
            if quote is None and character in "'\"":
                quote = character
            elif quote is not None and character == quote:
                quote = None
            elif character == "\\" and index + 1 < len(text):
                index += 1
                pieces.append(arguments[index : index + 1])
            else:
                pieces.append(arguments[index : index + 1])
            index += 1
        word = Sourced.join(pieces)
        if word.text == "--":
            break
        name, equals, _ = word.text[2:].partition("=")
        value = word[3 + len(name) :] if equals else None
        flags.append(_Flag(name.lower(), value, arguments[start:index]))
    return flags, arguments[index:] if index else arguments


def _csv_fields(value: Sourced) -> list[tuple[str, Sourced]]:
    """``key=value`` fields of a ``--mount`` value, split on commas outside double quotes."""
    fields: list[tuple[str, Sourced]] = []
    text = value.text
    start = 0
    quoted = False
    for index in range(len(text) + 1):
        if index < len(text) and text[index] == '"':
            quoted = not quoted
        if index == len(text) or (text[index] == "," and not quoted):
            part = value[start:index].strip()
            key, equals, _ = part.text.partition("=")
            if equals:
                field_value = part[len(key) + 1 :]
                if len(field_value) >= 2 and field_value.text[0] == field_value.text[-1] == '"':
                    field_value = field_value[1:-1]
                fields.append((key.strip().lower(), field_value))
            start = index + 1
    return fields


def _json_words(script: Sourced) -> list[ShellWord] | None:
    """The words of an exec-form ``RUN ["pip", "install", ...]``, or ``None`` if it is not one."""
    text = script.text
    try:
        values = json.loads(text)
    except ValueError:
        return None
    if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
        return None
    words: list[ShellWord] = []
    index = text.index("[") + 1
    for value in values:
        start = text.index('"', index) + 1
        end = start
        while text[end] != '"':
            end += 2 if text[end] == "\\" else 1
        raw = script[start:end]
        # An escaped string (\" or \u00e9) is not written as it reads: keep the text, drop positions.
        words.append(ShellWord(raw if raw.text == value else Sourced.detached(value)))
        index = end + 1
    return words


def _runs_a_shell(command: Sequence[ShellWord]) -> bool:
    """Whether ``command`` (what a ``RUN`` runs besides its heredocs) feeds them to a shell."""
    if not command:
        return True
    program = command[0].text.rsplit("/", 1)[-1]
    return program in _SHELLS and all(word.text.startswith("-") for word in command[1:])
