"""Reading ATLAS matrix files: a small fixture in the published layout, and the real file when present."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.catalog.atlas import compare_atlas, read_atlas
from redline.catalog.loader import load_catalog
from redline.catalog.standards import ATLAS_KEY, Standard, load_standards, write_standard
from redline.config.yamlio import load_model
from redline.core.errors import ConfigError

FIXTURE = Path(__file__).parent / "data" / "atlas-mini.yaml"
# The published matrix beside the repository (shared/reference), when it is there.
REFERENCE = Path(__file__).resolve().parents[4] / "shared" / "reference" / "mitre-atlas" / "ATLAS.yaml"


def test_fixture_gives_tactics_techniques_and_sub_techniques() -> None:
    std = read_atlas(FIXTURE)
    assert std.key == ATLAS_KEY and std.edition == "9.9.0"
    assert [e.id for e in std.entries if e.kind == "tactic"] == ["AML.TA0005", "AML.TA0010"]
    sub = std.get("AML.T0051.001")
    assert (
        sub is not None
        and sub.kind == "sub-technique"
        and sub.parent == "AML.T0051"
        and sub.name == "Indirect"
    )
    assert std.get("AML.M0020") is None  # mitigations are not mapping targets


def test_compare_names_added_removed_and_renamed_ids() -> None:
    shipped = load_standards().get(ATLAS_KEY)
    changes = compare_atlas(shipped, read_atlas(FIXTURE))
    assert changes.new_version == "9.9.0" and changes.old_version == shipped.edition
    assert "AML.T0999" in changes.added
    assert "AML.T0054" in changes.removed
    assert changes.renamed == ("AML.T0056",)


def test_written_list_round_trips(tmp_path: Path) -> None:
    std = read_atlas(FIXTURE)
    write_standard(std, tmp_path / "mitre-atlas.yaml")
    assert load_model(tmp_path / "mitre-atlas.yaml", Standard) == std


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("just: a mapping\n", "not an ATLAS matrix file"),
        ("matrices:\n- id: X\n  techniques:\n  - id: AML.T0001\n", "each entry needs an 'id' and a 'name'"),
        ("matrices: [\n", "invalid YAML"),
    ],
)
def test_malformed_files_name_the_file(tmp_path: Path, text: str, needle: str) -> None:
    path = tmp_path / "ATLAS.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_atlas(path)
    assert needle in str(err.value) and str(path) in str(err.value)


@pytest.mark.skipif(not REFERENCE.is_file(), reason="reference ATLAS.yaml not present")
def test_reference_file_matches_the_shipped_list_and_every_catalog_mapping() -> None:
    std = read_atlas(REFERENCE)
    assert std.edition == "5.6.0"
    assert sum(1 for e in std.entries if e.kind == "tactic") == 16
    assert len(std.entries) - 16 == 170
    assert std == load_standards().get(ATLAS_KEY)
    atlas_ids = set(std.ids())
    for threat in load_catalog().threats():
        for ref in threat.mappings:
            if ref.standard == ATLAS_KEY:
                assert ref.id in atlas_ids, (threat.id, ref.id)
