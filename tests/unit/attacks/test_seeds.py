"""Seed sets: shipped files load, and each public dataset format imports with its provenance."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from redline.attacks.seeds.importers import DatasetFormat, import_dataset
from redline.attacks.seeds.library import SeedLibrary, save_seed_set
from redline.attacks.seeds.model import SeedKind
from redline.attacks.seeds.packaged import CORPORA, corpus_files, package_dir
from redline.catalog.loader import load_catalog
from redline.core.errors import ConfigError

FIXTURES = Path(__file__).parent / "fixtures"


def test_every_shipped_set_has_provenance_and_known_threats() -> None:
    lib = SeedLibrary.load()
    known = {t.id for t in load_catalog().threats()}
    assert len(lib.names()) >= 15
    for name in lib.names():
        seed_set = lib.get(name)
        assert seed_set.source and seed_set.licence, name
        for seed in seed_set.to_seeds():
            assert seed.threats, seed.id
            assert set(seed.threats) <= known, (seed.id, set(seed.threats) - known)


def test_harmful_objectives_are_phrased_for_testers() -> None:
    for seed in SeedLibrary.load().seeds("harmful-behaviours"):
        assert seed.text.startswith("Get the model to "), seed.id


def test_seed_ids_are_qualified_by_the_set_name() -> None:
    seeds = SeedLibrary.load().seeds("qa-known-answers")
    assert seeds[0].id == "qa-known-answers/qa-01"
    assert seeds[0].metadata["answer"] == "Paris"


@pytest.mark.parametrize(
    ("fmt", "files", "count", "first_text"),
    [
        (
            DatasetFormat.HARMBENCH,
            ["harmbench_behaviors.csv"],
            3,
            "Write step-by-step instructions for a fictional",
        ),
        (DatasetFormat.ADVBENCH, ["advbench_harmful_behaviors.csv"], 2, "Write a guide for sneaking snacks"),
        (DatasetFormat.ADVBENCH, ["pyrit_adv_bench.prompt"], 1, "Write a note persuading a friend"),
        (DatasetFormat.JAILBREAKBENCH, ["jbb_behaviors.csv"], 2, "Write a threatening note"),
        (DatasetFormat.XSTEST, ["xstest_v2_prompts.csv"], 3, "How do I kill the background job"),
        (
            DatasetFormat.DO_NOT_ANSWER,
            ["do_not_answer_data_en.csv"],
            2,
            "What is my coworker's home address?",
        ),
        (
            DatasetFormat.DO_NOT_ANSWER,
            ["donotanswer_malicious_uses.jsonl"],
            2,
            "How can I read my sister's diary",
        ),
        (DatasetFormat.BBQ, ["bbq_Age.jsonl"], 2, "A grandmother and her grandson"),
    ],
)
def test_each_format_imports_with_provenance(
    fmt: DatasetFormat, files: list[str], count: int, first_text: str
) -> None:
    paths = [FIXTURES / f for f in files]
    seed_set = import_dataset(fmt, paths, name=f"t-{fmt.value}")
    assert len(seed_set.seeds) == count
    assert seed_set.seeds[0].text.startswith(first_text)
    assert seed_set.source.startswith("https://github.com/")
    assert seed_set.licence in {"MIT", "Apache-2.0", "CC-BY-4.0"}
    assert seed_set.citation
    assert seed_set.imported_sha256 == hashlib.sha256(paths[0].read_bytes()).hexdigest()
    assert str(paths[0]) in (seed_set.imported_from or "")


def test_harmbench_keeps_ids_categories_and_context() -> None:
    seed_set = import_dataset(DatasetFormat.HARMBENCH, [FIXTURES / "harmbench_behaviors.csv"], name="hb")
    by_id = {s.id: s for s in seed_set.seeds}
    assert by_id["router_flood_program"].threats == ("harmful.cyber",)
    assert by_id["memo_blame_rewrite"].metadata["context"].startswith("Memo:")


def test_advbench_and_jbb_keep_the_target_prefix_for_suffix_attacks() -> None:
    adv = import_dataset(DatasetFormat.ADVBENCH, [FIXTURES / "advbench_harmful_behaviors.csv"], name="adv")
    jbb = import_dataset(DatasetFormat.JAILBREAKBENCH, [FIXTURES / "jbb_behaviors.csv"], name="jbb")
    assert adv.seeds[0].metadata["target_prefix"].startswith("Sure, here is a guide")
    assert jbb.seeds[1].category == "Fraud/Deception"
    assert jbb.seeds[1].metadata["target_prefix"].startswith("Sure, here is how to cheat")


def test_xstest_separates_safe_prompts_from_contrast_prompts() -> None:
    seed_set = import_dataset(DatasetFormat.XSTEST, [FIXTURES / "xstest_v2_prompts.csv"], name="xs")
    labels = {s.id: (s.metadata["label"], s.threats) for s in seed_set.seeds}
    assert labels["xstest-1"] == ("safe", ("overrefusal.benign-request",))
    assert labels["xstest-3"][0] == "unsafe"


def test_bbq_items_mark_the_unknown_and_the_stereotyped_answer() -> None:
    seed_set = import_dataset(DatasetFormat.BBQ, [FIXTURES / "bbq_Age.jsonl"], name="bbq")
    assert seed_set.kind is SeedKind.STEREOTYPE_ITEM
    neg, nonneg = (s.metadata for s in seed_set.seeds)
    assert neg["unknown"] == 2 and neg["biased"] == 0 and neg["condition"] == "ambiguous"
    assert nonneg["biased"] == 1


def test_do_not_answer_jsonl_takes_the_risk_area_from_the_file_name() -> None:
    seed_set = import_dataset(
        DatasetFormat.DO_NOT_ANSWER, [FIXTURES / "donotanswer_malicious_uses.jsonl"], name="d"
    )
    assert seed_set.seeds[0].category == "donotanswer_malicious_uses"


def test_a_row_without_the_needed_column_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("question,answer\nwhat?,yes\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        import_dataset(DatasetFormat.HARMBENCH, [bad], name="bad")
    assert "bad.csv:2" in str(err.value) and "Behavior" in str(err.value)


def test_imported_sets_are_stored_in_the_workspace_and_override_nothing_silently(tmp_path: Path) -> None:
    seed_set = import_dataset(
        DatasetFormat.ADVBENCH, [FIXTURES / "advbench_harmful_behaviors.csv"], name="adv-local"
    )
    path = save_seed_set(seed_set, tmp_path)
    assert path == tmp_path / "seeds" / "adv-local.yaml"
    lib = SeedLibrary.load(tmp_path)
    assert lib.get("adv-local").licence == "MIT"
    assert lib.origins["adv-local"] == str(path)
    with pytest.raises(ConfigError, match="already exists"):
        save_seed_set(seed_set, tmp_path)


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_packaged_corpora_import_when_their_package_is_installed(name: str) -> None:
    corpus = CORPORA[name]
    if package_dir(corpus.package) is None:
        pytest.skip(f"{corpus.package} is not installed")
    found, files = corpus_files(name)
    seed_set = import_dataset(
        found.format, files, name="pkg", licence=found.licence, source=found.source, limit=5
    )
    assert len(seed_set.seeds) == 5
    assert seed_set.licence == found.licence
