"""Playbooks: load the shipped and workspace procedures, and check them against catalog and registries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from redline.catalog.lint import LintProblem, LintReport, ProblemLevel, line_of, problem_from_error
from redline.catalog.loader import SHIPPED, WORKSPACE, Catalog, read_model
from redline.core.catalog.threats import Playbook
from redline.core.errors import ConfigError


@dataclass(frozen=True)
class PlaybookEntry:
    """A playbook with where it came from: 'shipped' or 'workspace', and its file."""

    playbook: Playbook
    source: str
    path: Path


@dataclass
class Playbooks:
    """The playbooks in force: workspace files override shipped ones with the same name."""

    entries: dict[str, PlaybookEntry] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.entries)

    def all(self) -> list[Playbook]:
        """Every playbook, by name."""
        return [self.entries[k].playbook for k in sorted(self.entries)]

    def get(self, name: str) -> Playbook:
        """A playbook by name."""
        try:
            return self.entries[name].playbook
        except KeyError:
            known = ", ".join(sorted(self.entries)) or "none"
            raise ConfigError(f"no playbook named '{name}' (known: {known})") from None


@dataclass(frozen=True)
class Registry:
    """Names the attack and scoring layers have registered; None means 'not known here, do not check'."""

    techniques: frozenset[str] | None = None
    seed_sets: frozenset[str] | None = None
    scorers: frozenset[str] | None = None
    converters: frozenset[str] | None = None


def shipped_playbooks_dir() -> Path:
    """Folder of the playbooks that ship with Redline."""
    return Path(str(resources.files("redline.catalog") / "data" / "playbooks"))


def _load_dir(
    folder: Path, source: str, into: dict[str, PlaybookEntry], errors: list[ConfigError] | None
) -> None:
    seen: dict[str, Path] = {}
    for path in sorted(folder.glob("*.y*ml")):
        try:
            book = read_model(path, Playbook)
            if book.name in seen:
                raise ConfigError(
                    f"playbook '{book.name}' is also in {seen[book.name]}", file=str(path), field="name"
                )
        except ConfigError as exc:
            if errors is None:
                raise
            errors.append(exc)
            continue
        seen[book.name] = path
        into[book.name] = PlaybookEntry(playbook=book, source=source, path=path)


def scan_playbooks(workspace_playbooks: Path | None) -> tuple[Playbooks, list[ConfigError]]:
    """The playbooks in force plus every file error (for lint)."""
    errors: list[ConfigError] = []
    return _build(workspace_playbooks, errors), errors


def load_playbooks(workspace_playbooks: Path | None = None) -> Playbooks:
    """The playbooks in force; the first malformed file raises `ConfigError`."""
    return _build(workspace_playbooks, None)


def _build(workspace_playbooks: Path | None, errors: list[ConfigError] | None) -> Playbooks:
    entries: dict[str, PlaybookEntry] = {}
    _load_dir(shipped_playbooks_dir(), SHIPPED, entries, errors)
    if workspace_playbooks is not None and workspace_playbooks.is_dir():
        _load_dir(workspace_playbooks, WORKSPACE, entries, errors)
    return Playbooks(entries)


def _names(
    entry: PlaybookEntry, kind: str, wanted: Iterable[str], known: frozenset[str] | None, hint: str
) -> Iterable[LintProblem]:
    """Unknown registry names are errors; an empty or unknown registry is not checked here."""
    if not known:
        return
    for name in dict.fromkeys(wanted):
        if name not in known:
            yield LintProblem(
                level=ProblemLevel.ERROR,
                message=f"unknown {kind} '{name}' (not in {hint})",
                subject=entry.playbook.name,
                file=str(entry.path),
                line=line_of(entry.path, name),
            )


def _unchecked(registry: Registry) -> Iterable[LintProblem]:
    """One warning per registry that has no entries yet: its names are accepted until it has."""
    for kind, known in (
        ("technique", registry.techniques),
        ("seed set", registry.seed_sets),
        ("scorer", registry.scorers),
        ("converter", registry.converters),
    ):
        if known is not None and not known:
            yield LintProblem(
                level=ProblemLevel.WARNING,
                message=f"no {kind} is registered yet: {kind} names in playbooks are not checked",
            )


def _check(entry: PlaybookEntry, catalog: Catalog, registry: Registry) -> Iterable[LintProblem]:
    book = entry.playbook

    def problem(level: ProblemLevel, message: str, needle: str | None = None) -> LintProblem:
        line = line_of(entry.path, needle) if needle else None
        return LintProblem(level=level, message=message, subject=book.name, file=str(entry.path), line=line)

    if not book.threats:
        yield problem(ProblemLevel.ERROR, "names no threat: a playbook exists to look for catalog threats")
    for threat_id in book.threats:
        if not catalog.knows(threat_id):
            yield problem(ProblemLevel.ERROR, f"threat '{threat_id}' is not in the catalog", threat_id)
        elif catalog.resolve(threat_id) != threat_id:
            canonical = catalog.resolve(threat_id)
            yield problem(ProblemLevel.WARNING, f"'{threat_id}' is an alias; write '{canonical}'", threat_id)
    if not book.automated and not book.manual:
        yield problem(ProblemLevel.ERROR, "has neither automated nor manual steps")
    if book.manual and not (book.guidance or book.content_warnings):
        yield problem(ProblemLevel.WARNING, "has manual steps but no guidance or content warning for testers")
    if not book.stop_conditions:
        yield problem(ProblemLevel.WARNING, "has no stop conditions: say when testers stop and escalate")
    steps = book.automated
    techniques = (s.technique for s in steps)
    yield from _names(entry, "technique", techniques, registry.techniques, "redline.attacks")
    yield from _names(entry, "seed set", (s.seeds for s in steps), registry.seed_sets, "seed library")
    scorers = (n for s in steps for n in s.scorers)
    yield from _names(entry, "scorer", scorers, registry.scorers, "redline.scorers")
    # a converter spec may carry parameters after its name (`leetspeak:rate=0.4`)
    converters = (n.partition(":")[0].strip() for s in steps for n in s.converters)
    yield from _names(entry, "converter", converters, registry.converters, "attack converters")


def lint_playbooks(workspace_playbooks: Path | None, *, catalog: Catalog, registry: Registry) -> LintReport:
    """Lint the playbooks in force: parse, threat ids in the catalog, registered names (tolerantly)."""
    books, errors = scan_playbooks(workspace_playbooks)
    problems = [problem_from_error(e) for e in errors]
    problems.extend(_unchecked(registry))
    for name in sorted(books.entries):
        problems.extend(_check(books.entries[name], catalog, registry))
    ordered = sorted(problems, key=lambda p: (p.level is not ProblemLevel.ERROR, p.file or "", p.line or 0))
    return LintReport(checked=len(books) + len(errors), problems=tuple(ordered))
