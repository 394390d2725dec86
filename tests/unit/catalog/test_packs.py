"""Domain packs: every shipped pack validates and is rich enough; workspace packs add and override."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.catalog.packs import load_packs, profile_of, shipped_packs_dir
from redline.core.catalog.profiles import TargetProfile
from redline.core.errors import ConfigError

SHIPPED = load_packs()


def test_at_least_thirteen_packs_ship() -> None:
    assert len(SHIPPED) >= 13
    assert {"retail-banking", "telecom", "healthcare", "general-assistant", "coding-assistant"} <= set(
        SHIPPED.names()
    )


@pytest.mark.parametrize("name", SHIPPED.names())
def test_each_shipped_pack_is_rich_enough_to_build_varied_probes(name: str) -> None:
    pack = SHIPPED.get(name)
    assert len(pack.forbidden_actions) >= 8
    assert len(pack.protected_data) >= 3 and all(len(d.records) >= 3 for d in pack.protected_data)
    assert len(pack.decisions) >= 2 and all(d.protected_attributes and d.outcomes for d in pack.decisions)
    assert len(pack.vulnerable_cues) >= 6 and len(pack.vulnerable_groups) >= 4
    assert len(pack.institutions) >= 5
    assert sum(len(i.false_premises) for i in pack.institutions) >= 5
    assert sum(len(i.forecasts) for i in pack.institutions) >= 5
    assert len(pack.harmful_asks) >= 8 and len(pack.entities) >= 8
    assert (shipped_packs_dir() / f"{name}.yaml").is_file()  # file name = pack name


PACK = """\
name: {name}
title: Toy
description: A toy domain.
forbidden_actions: [do the forbidden thing]
"""


def test_a_workspace_pack_adds_one_and_overrides_a_shipped_one(tmp_path: Path) -> None:
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "toy.yaml").write_text(PACK.format(name="toy"))
    (tmp_path / "packs" / "telecom.yaml").write_text(PACK.format(name="telecom"))
    packs = load_packs(tmp_path)
    assert "toy" in packs and packs.entries["toy"].source == "workspace"
    assert packs.get("telecom").forbidden_actions == ("do the forbidden thing",)
    assert len(packs) == len(SHIPPED) + 1


def test_a_malformed_pack_fails_in_one_line_naming_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "packs").mkdir()
    bad = tmp_path / "packs" / "bad.yaml"
    bad.write_text(
        PACK.format(name="bad") + "protected_data:\n  - kind: x\n    records:\n      - {email: a@gmail.com}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_packs(tmp_path)
    message = str(err.value)
    assert "\n" not in message and message.startswith(f"{bad}:")
    assert "protected_data.0.records" in message and "gmail.com" in message


def test_a_profile_setting_resolves_over_its_pack_from_a_block_or_a_file(tmp_path: Path) -> None:
    block = TargetProfile(pack="telecom", purpose="Broadband help", forbidden_actions=("port a number",))
    merged = profile_of(block, workspace=tmp_path, packs=SHIPPED)
    assert merged is not None and merged.forbidden_actions == ("port a number",)
    assert merged.harmful_asks == SHIPPED.get("telecom").harmful_asks
    (tmp_path / "p.yaml").write_text("pack: insurance\npurpose: Pet cover\n")
    from_file = profile_of("p.yaml", workspace=tmp_path, packs=SHIPPED)
    assert from_file is not None and from_file.pack == "insurance" and from_file.purpose == "Pet cover"
    with pytest.raises(ConfigError, match="field 'pack': no domain pack named 'nope'"):
        profile_of(TargetProfile(pack="nope"), workspace=tmp_path, packs=SHIPPED)
