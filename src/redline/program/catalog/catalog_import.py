"""Import a MITRE ATLAS matrix file as the ATLAS id list in force, and check the catalog against it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.catalog.atlas import AtlasChanges, compare_atlas, read_atlas
from redline.catalog.lint import LintProblem, ProblemLevel, lint_catalog
from redline.catalog.standards import (
    ATLAS_KEY,
    load_standards,
    shipped_standards_dir,
    workspace_standards_dir,
    write_standard,
)
from redline.config.settings import Settings
from redline.core.errors import ConfigError
from redline.program.catalog.catalog_versions import catalog_dir
from redline.program.people.actors import authorize
from redline.program.people.permissions import CATALOG_EDITORS
from redline.store import audit


class AtlasImportResult(BaseModel):
    """What an ATLAS import wrote and what it means for the catalog's mappings."""

    model_config = ConfigDict(frozen=True)

    path: str = Field(description="Standards file written.")
    version: str | None = Field(description="ATLAS version imported.")
    tactics: int = Field(description="Tactics imported.")
    techniques: int = Field(description="Techniques and sub-techniques imported.")
    changes: AtlasChanges = Field(description="Ids added, removed and renamed against the previous list.")
    problems: tuple[LintProblem, ...] = Field(
        default=(), description="Catalog mappings to ATLAS that the new list does not support."
    )

    @property
    def ok(self) -> bool:
        """True when every ATLAS mapping of the catalog names an id of the imported list."""
        return not any(p.level is ProblemLevel.ERROR for p in self.problems)


def _atlas_problems(workspace_catalog: Path | None, *, today: date) -> tuple[LintProblem, ...]:
    report = lint_catalog(workspace_catalog, today=today)
    return tuple(p for p in report.problems if p.standard == ATLAS_KEY)


def import_atlas(
    source: Path,
    *,
    session: Session | None,
    settings: Settings | None,
    user: str | None,
    today: date,
    shipped: bool = False,
) -> AtlasImportResult:
    """Write the ATLAS ids and names of `source` for the workspace (audited) or, with `shipped`, into
    the data that ships with Redline; then validate the catalog's ATLAS mappings against them."""
    standard = read_atlas(source)
    actor = ""
    if shipped:
        folder = shipped_standards_dir()
        workspace_catalog = None
    else:
        if session is None or settings is None:
            raise ConfigError("importing into a workspace needs the workspace and its store")
        actor = authorize(session, user, CATALOG_EDITORS, action="import standards into the catalog").name
        workspace_catalog = catalog_dir(settings)
        folder = workspace_standards_dir(workspace_catalog)
    before = load_standards(workspace_catalog)
    old = before.get(ATLAS_KEY) if before.has(ATLAS_KEY) else None
    changes = compare_atlas(old, standard)
    path = folder / f"{ATLAS_KEY}.yaml"
    write_standard(standard, path)
    if session is not None and not shipped:
        audit.append(
            session,
            actor=actor,
            action="catalog.standards.import",
            subject=ATLAS_KEY,
            payload={
                "version": standard.edition,
                "entries": len(standard.entries),
                "added": len(changes.added),
                "removed": list(changes.removed),
                "renamed": list(changes.renamed),
            },
        )
    return AtlasImportResult(
        path=str(path),
        version=standard.edition,
        tactics=sum(1 for e in standard.entries if e.kind == "tactic"),
        techniques=sum(1 for e in standard.entries if e.kind != "tactic"),
        changes=changes,
        problems=_atlas_problems(workspace_catalog, today=today),
    )
