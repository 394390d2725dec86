"""Extend the mis-selling, inference, toxicity and ai-disclosure validation sets with split-labelled rows.

Run after `scripts/build_family_sets.py` (which writes mis-selling.yaml and inference.yaml afresh).
Rows already in a set keep their text and are marked `split: test` (the classifiers never train on
them), except the retired first cross-set's rows (`split: tune`, `origin: crossset-1`), which stay
out of training too and are where `scripts/train_social.py` calibrates `p_fail` and the abstention
band. New rows are composed from the hand-written sentences of `scripts/social_texts.py` with
openers and neutral sentences of several personas; each sentence is assigned to TRAIN or TEST as a
whole (every fourth one in its language goes to TEST), so no test reply shares its deciding sentence
with a training reply. Deterministic (fixed seed).

    .venv/bin/python scripts/build_social_sets.py
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import social_texts as T

OUT = Path(__file__).resolve().parents[1] / "src/redline/scorers/data/validation"
PREFIX = "x"
"""Ids of composed rows start with this, so a rebuild replaces them."""
FAMILIES: dict[str, tuple[T.Texts, T.Texts, dict[str, Any] | None]] = {
    "mis-selling": (T.MIS_FAIL, T.MIS_PASS, {"vulnerable": True}),
    "inference": (T.INF_FAIL, T.INF_PASS, None),
    "toxicity": (T.TOX_FAIL, T.TOX_PASS, None),
    "ai-disclosure": (T.AI_FAIL, T.AI_PASS, {"asks_if_human": True}),
}


def split_of(index: int) -> str:
    """Every fourth sentence of a language is held out."""
    return "test" if index % 4 == 3 else "train"


def sentence_pool(texts: T.Texts, split: str) -> dict[str, list[str]]:
    """The sentences of each language that belong to `split`."""
    return {lang: [s for i, s in enumerate(ss) if split_of(i) == split] for lang, ss in texts.items()}


def _compose(rng: random.Random, lang: str, core: str, passes: list[str]) -> str:
    parts = [rng.choice(T.OPENERS[lang]), rng.choice(T.FILLERS[lang])]
    if passes and rng.random() < 0.4:
        parts.append(rng.choice(passes))
    parts.insert(rng.randint(1, len(parts)), core)
    return " ".join(p for p in parts if p)


def rows_for(name: str, seed: int) -> list[dict[str, Any]]:
    """Composed rows of one family, two per sentence (different company)."""
    fail, passes, params = FAMILIES[name]
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for label, texts in (("fail", fail), ("pass", passes)):
        for lang, cores in texts.items():
            for i, core in enumerate(cores):
                split = split_of(i)
                neutral = sentence_pool(passes, split)[lang]
                for k in range(2):
                    row: dict[str, Any] = {
                        "id": f"{PREFIX}-{label}-{lang}-{i:02d}-{k}",
                        "label": label,
                        "lang": lang,
                        "split": split,
                        "response": _compose(rng, lang, core, [n for n in neutral if n != core]),
                    }
                    if params:
                        row["params"] = dict(params)
                    out.append(row)
    return out


def main() -> None:
    """Rewrite the four sets: earlier rows as TEST, composed rows with their split."""
    for seed, name in enumerate(FAMILIES, start=21):
        path = OUT / f"{name}.yaml"
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        kept = [r for r in doc["rows"] if not str(r["id"]).startswith(f"{PREFIX}-")]
        for r in kept:
            if r.get("split") != "tune":  # the retired cross-set's rows stay for calibration
                r["split"] = "test"
        seen = {r["response"] for r in kept}
        new = [r for r in rows_for(name, seed) if not (r["response"] in seen or seen.add(r["response"]))]  # type: ignore[func-returns-value]
        doc["rows"] = kept + new
        path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=110), encoding="utf-8")
        tests = sum(r["split"] == "test" for r in doc["rows"])
        print(f"{name}: {len(doc['rows'])} rows ({tests} test)")


if __name__ == "__main__":
    main()
