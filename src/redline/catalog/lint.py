"""Check the catalog: every file parses, every mapping names a real standard entry, coverage gaps."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from redline.catalog.loader import Catalog, CatalogEntry, scan_catalog
from redline.catalog.standards import Standards, load_standards
from redline.core.catalog.threats import StandardRef, ThreatStatus
from redline.core.errors import ConfigError

HARM_CATEGORIES = (
    "agentic",
    "data-quality",
    "discrimination",
    "environmental",
    "harmful-content",
    "incentives",
    "intellectual-property",
    "manipulation",
    "misinformation",
    "operator-error",
    "over-reliance",
    "privacy",
    "quality",
    "resource",
    "robustness",
    "security",
    "supply-chain",
    "uncertainty",
    "ux",
)
"""Harm areas the shipped catalog uses; a workspace may add others (lint warns, to catch typos)."""

COVERAGE_STANDARDS = ("owasp-llm-2025", "owasp-llm-2026", "owasp-agentic-2026", "nist-ai-600-1", "ailuminate")
"""Standards whose every entry should be mapped by at least one active threat."""


class ProblemLevel(StrEnum):
    """How serious a lint problem is: errors fail `catalog lint`, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


class LintProblem(BaseModel):
    """One thing lint found, located as precisely as it can be."""

    model_config = ConfigDict(frozen=True)

    level: ProblemLevel = Field(description="'error' fails the lint; 'warning' does not.")
    message: str = Field(description="What is wrong and how to fix it.")
    subject: str | None = Field(default=None, description="Threat id or playbook name concerned.")
    file: str | None = Field(default=None, description="File the problem is in.")
    line: int | None = Field(default=None, description="Line in that file (1-based), when known.")
    standard: str | None = Field(default=None, description="Standard key, for mapping problems.")

    def render(self) -> str:
        """One line: 'file:line: level: message'."""
        where = self.file or self.subject or ""
        if self.file and self.line:
            where = f"{self.file}:{self.line}"
        return (
            f"{where}: {self.level.value}: {self.message}" if where else f"{self.level.value}: {self.message}"
        )


class LintReport(BaseModel):
    """The result of a lint run."""

    model_config = ConfigDict(frozen=True)

    checked: int = Field(description="How many records were checked.")
    problems: tuple[LintProblem, ...] = Field(default=(), description="Everything found, errors first.")
    unmapped: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="Per coverage standard, the ids no active threat maps to."
    )

    @property
    def errors(self) -> list[LintProblem]:
        """Problems that fail the lint."""
        return [p for p in self.problems if p.level is ProblemLevel.ERROR]

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not self.errors


def line_of(path: Path, needle: str) -> int | None:
    """First line (1-based) of a file that contains `needle`."""
    try:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in text:
                return number
    except OSError:
        return None
    return None


def problem_from_error(exc: ConfigError) -> LintProblem:
    """A lint error from a file error (the location moves out of the message into fields)."""
    message = exc.message.split(": ", 1)[1] if exc.file and ": " in exc.message else exc.message
    return LintProblem(level=ProblemLevel.ERROR, message=message, file=exc.file, line=exc.line)


def _problem(
    entry: CatalogEntry, level: ProblemLevel, message: str, needle: str | None = None
) -> LintProblem:
    return LintProblem(
        level=level,
        message=message,
        subject=entry.threat.id,
        file=str(entry.path),
        line=line_of(entry.path, needle) if needle else None,
    )


def _check_mappings(entry: CatalogEntry, standards: Standards) -> Iterable[LintProblem]:
    seen: set[tuple[str, str]] = set()
    for i, ref in enumerate(entry.threat.mappings):
        for problem in _check_mapping(entry, f"mappings[{i}]", ref, standards, seen):
            yield problem.model_copy(update={"standard": ref.standard})
        seen.add((ref.standard, ref.id))


def _check_mapping(
    entry: CatalogEntry, field: str, ref: StandardRef, standards: Standards, seen: set[tuple[str, str]]
) -> Iterable[LintProblem]:
    if (ref.standard, ref.id) in seen:
        yield _problem(
            entry, ProblemLevel.WARNING, f"{field}: {ref.standard} {ref.id} is listed twice", ref.id
        )
    if not standards.has(ref.standard):
        known = ", ".join(standards.names())
        message = f"{field}: unknown standard '{ref.standard}' (known: {known})"
        yield _problem(entry, ProblemLevel.ERROR, message, ref.standard)
        return
    std = standards.get(ref.standard)
    found = std.get(ref.id)
    if found is None:
        edition = f" {std.edition}" if std.edition else ""
        message = f"{field}: '{ref.id}' is not an id of {std.title}{edition} ({ref.standard})"
        yield _problem(entry, ProblemLevel.ERROR, message, ref.id)
        return
    parent = std.get(found.parent) if found.parent else None
    accepted = {found.name, f"{parent.name}: {found.name}" if parent else found.name}
    if ref.name and ref.name not in accepted:
        message = f"{field}: {ref.id} is named '{found.name}' in {ref.standard}, not '{ref.name}'"
        yield _problem(entry, ProblemLevel.WARNING, message, ref.id)


def _check_threat(entry: CatalogEntry, standards: Standards, today: date) -> Iterable[LintProblem]:
    threat = entry.threat
    if threat.zero_tolerance and threat.max_failure_rate is not None:
        yield _problem(
            entry,
            ProblemLevel.ERROR,
            "zero_tolerance and max_failure_rate contradict each other; keep one",
            "max_failure_rate",
        )
    if threat.harm_category not in HARM_CATEGORIES:
        yield _problem(
            entry,
            ProblemLevel.WARNING,
            f"harm_category '{threat.harm_category}' is not a known area ({', '.join(HARM_CATEGORIES)})",
            "harm_category",
        )
    if not threat.owner:
        yield _problem(entry, ProblemLevel.WARNING, "no owner: someone must keep this entry current")
    if threat.review_by is None:
        yield _problem(
            entry, ProblemLevel.WARNING, "no review_by date: the entry will never come up for review"
        )
    elif threat.review_by < today:
        yield _problem(
            entry, ProblemLevel.WARNING, f"review overdue since {threat.review_by.isoformat()}", "review_by"
        )
    if not threat.mappings:
        yield _problem(entry, ProblemLevel.WARNING, "maps to no public standard")
    yield from _check_mappings(entry, standards)


def unmapped_ids(
    catalog: Catalog, standards: Standards, keys: Iterable[str] = COVERAGE_STANDARDS
) -> dict[str, tuple[str, ...]]:
    """Per standard, the entry ids that no active threat maps to."""
    mapped = {
        (m.standard, m.id) for t in catalog.threats() if t.status is ThreatStatus.ACTIVE for m in t.mappings
    }
    out: dict[str, tuple[str, ...]] = {}
    for key in keys:
        if standards.has(key):
            out[key] = tuple(i for i in standards.get(key).ids() if (key, i) not in mapped)
    return out


def lint_catalog(workspace_catalog: Path | None, *, today: date, include_shipped: bool = True) -> LintReport:
    """Lint the catalog in force for a workspace (shipped entries plus its own)."""
    problems: list[LintProblem] = []
    try:
        standards = load_standards(workspace_catalog)
    except ConfigError as exc:
        return LintReport(checked=0, problems=(problem_from_error(exc),))
    catalog, errors = scan_catalog(workspace_catalog, include_shipped=include_shipped)
    problems.extend(problem_from_error(e) for e in errors)
    for key in sorted(catalog.entries):
        problems.extend(_check_threat(catalog.entries[key], standards, today))
    unmapped = unmapped_ids(catalog, standards)
    for key, ids in unmapped.items():
        if ids:
            problems.append(
                LintProblem(
                    level=ProblemLevel.WARNING,
                    message=f"no active threat maps to {', '.join(ids)}",
                    subject=key,
                )
            )
    ordered = sorted(problems, key=lambda p: (p.level is not ProblemLevel.ERROR, p.file or "", p.line or 0))
    return LintReport(checked=len(catalog) + len(errors), problems=tuple(ordered), unmapped=unmapped)
