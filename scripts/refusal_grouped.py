"""Grouped out-of-fold figures of the refusal detector: leave one language out, leave one writer out.

Every labelled row of the refusal set (both splits; not the scoped replies that only tune the off-topic rule)
gets a language and a source. For each language other than English, the readers are fitted without that
language's rows and read them; likewise for each source (the four retired cross-sets, each another writer's,
the team's hand-written rows, the template-built rows). The fitted readers take the shipped model's choices
(C, embedding and hand-written weights, temperatures, the opening rule's override, the off-topic and
specificity rules, the multilingual reader's temperature: chosen on all of TRAIN, a mild leak for the
rules), so a fold costs one fit per reader (at `TOL`, looser than training's: the
figures, not the coefficients, are wanted). Abstention is off: every answer counts.

"english" is the English reader alone (the detector before the multilingual reader); "multilingual" routes
the answers with little English to the multilingual reader (`--route`); "blend" averages both readers'
probabilities for those answers; "unsure" also averages them for the English answers whose English reading
is unsure (`--unsure`); "ml_all" lets the multilingual reader decide every answer. A row's language is the
one its cross-set gives, else the one `guess_language` reads from its function words and script.

    .venv/bin/python scripts/refusal_grouped.py [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.metrics import f1_score
from train_refusal import NOTHING_GIVEN_ONLY, RULE_ONLY, WRITTEN, ml_matrix

from redline.scorers.embeddings import DIMENSIONS, Embedder
from redline.scorers.multilingual import DIMENSIONS as ML_DIMS
from redline.scorers.multilingual import MultilingualEmbedder
from redline.scorers.refusal import (
    DEPTH,
    ML_CHARS,
    LinearModel,
    RefusalScorer,
    ml_routed,
    refusal_features,
    shipped_model,
)
from redline.scorers.validation import load_set

TOL = 1e-5
WRITTEN_DIR = Path(__file__).resolve().parent / "refusal_written"
RETIRED = {"cx": "retired_crossset.yaml", "cy": "retired_crossset_2.yaml", "cz": "retired_crossset_3.yaml"}
RETIRED["cv"] = "retired_crossset_4.yaml"
SOURCES = {"w.x-": "crossset-1", "w.y-": "crossset-2", "w.z-": "crossset-3", "w.v-": "crossset-4"}

# a few frequent function words per language (the team's own short lists), for rows without a language
_FUNCTION_WORDS = {
    "en": "the and is are you that this with not have what your",
    "de": "der die das und ist nicht ich sie ein eine zu mit auf für dass",
    "fr": "le la les et est vous je ne pas une des pour que qui",
    "es": "el los las y es no que una para por con lo pero",
    "it": "il che non è una per di sono con gli mi questo",
    "pt": "os que não é uma para com você eu do da isso",
    "nl": "de het een en is niet ik je dat van voor met",
    "pl": "nie się jest to na że jak mogę tego dla",
    "tr": "bir ve bu için değil ben çok ile ama",
    "sv": "och det är inte jag att som för på med du",
    "da": "og det er ikke jeg at som for på med du",
    "cs": "je to se na že ne jak pro nemohu",
    "ro": "și nu este să la o un pentru cu în",
}
_WORDS = {lang: frozenset(ws.split()) for lang, ws in _FUNCTION_WORDS.items()}
_SCRIPTS = (
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
)


def guess_language(text: str) -> str:
    """The language whose function words (or script) the text has most of; English when none."""
    for lang, script in _SCRIPTS:
        if len(script.findall(text)) >= 3:
            return lang
    tokens = re.findall(r"[^\W\d_]+", text.lower())
    counts = {lang: sum(t in ws for t in tokens) for lang, ws in _WORDS.items()}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else "en"


def _retired_languages() -> dict[str, str]:
    """Row id in the labelled set -> the language its cross-set gives."""
    out: dict[str, str] = {}
    for prefix, name in RETIRED.items():
        data = yaml.safe_load((WRITTEN_DIR / name).read_text(encoding="utf-8"))
        for r in data["rows"]:
            if r.get("language"):
                out[f"{prefix}:{r['id']}"] = str(r["language"])
    return out


def rows_with_groups() -> list[dict[str, Any]]:
    """The rows, each with "language" and "source"."""
    known = _retired_languages()
    rows = [
        dict(r)
        for r in load_set("refusal")["rows"]
        if r["label"] != "could_not_score"
        and r["response"].strip()
        and not r["style"].startswith((RULE_ONLY, NOTHING_GIVEN_ONLY))
    ]
    for r in rows:
        head, _, rest = str(r["id"]).partition("-")
        r["language"] = known.get(f"{head[:2]}:{rest}") or guess_language(r["response"])
        style = str(r["style"])
        r["source"] = next((v for k, v in SOURCES.items() if style.startswith(k)), None) or (
            "hand-written" if style.startswith(WRITTEN) else "template"
        )
    return sorted(rows, key=lambda r: str(r["id"]))


def _fit(x: np.ndarray, y: np.ndarray, w: np.ndarray, dims: int, temperature: float) -> LinearModel:
    from train_refusal import _fit as fit

    meta = shipped_model().meta
    clf, mean, scale = fit(x, y, float(meta["C"]), float(meta["embedding_weight"]), w, dims, TOL)
    return LinearModel(
        mean=mean, scale=scale, coef=clf.coef_, intercept=clf.intercept_, temperature=temperature
    )


def _figures(truth: list[str], pred: list[str]) -> dict[str, float]:
    t = np.array([x == "refused" for x in truth])
    p = np.array([x == "refused" for x in pred])
    return {
        "n": len(truth),
        "binary_f1": round(float(f1_score(t, p, zero_division=0.0)), 3),
        "three_class": round(float(np.mean(np.array(truth) == np.array(pred))), 3),
        # complied answers read as refused or partial: what a benign request's answer risks
        "complied_flagged": round(
            float(
                np.mean([q != "complied" for x, q in zip(truth, pred, strict=True) if x == "complied"] or [0])
            ),
            3,
        ),
    }


def main() -> None:
    """Print (and optionally write) the grouped figures, before and after the multilingual reader."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path, default=None, help="Write the figures here too.")
    parser.add_argument("--route", type=float, default=0.12, help="English share below which answers go.")
    parser.add_argument("--unsure", type=float, default=0.7, help="'unsure': English top probability below.")
    args = parser.parse_args()
    rows = rows_with_groups()
    print("languages:", dict(Counter(r["language"] for r in rows).most_common()))
    print("sources:", dict(Counter(r["source"] for r in rows).most_common()))
    model = shipped_model()
    bank = model.specific.bank if model.specific else ()
    texts, objectives = [r["response"] for r in rows], [r["objective"] for r in rows]
    x_en = np.asarray(refusal_features(texts, objectives, Embedder()), dtype=np.float64)
    x_ml = ml_matrix(rows, bank, MultilingualEmbedder(max_chars=ML_CHARS))
    y = np.array([r["label"] for r in rows])
    w = np.where(
        [str(r["style"]).startswith(WRITTEN) for r in rows], float(model.meta["written_weight"]), 1.0
    )
    routed = np.array([ml_routed(t, args.route) for t in texts])
    ml_t = model.multilingual.model.temperature if model.multilingual else model.full.temperature
    scorer = RefusalScorer(model=model)
    languages = sorted({r["language"] for r in rows} - {"en"})
    folds = [("language", g, np.array([r["language"] == g for r in rows])) for g in languages]
    folds += [("source", g, np.array([r["source"] == g for r in rows])) for g in sorted(SOURCES.values())]
    folds += [("source", g, np.array([r["source"] == g for r in rows])) for g in ("hand-written", "template")]
    out: dict[str, Any] = {"english": {}, "multilingual": {}, "blend": {}, "unsure": {}, "ml_all": {}}
    pooled: dict[str, dict[str, tuple[list[str], list[str]]]] = {k: {} for k in out}
    for kind, group, held in folds:
        if held.sum() < 10:
            continue
        fit = ~held
        en = _fit(x_en[fit], y[fit], w[fit], DIMENSIONS, model.full.temperature)
        ml = _fit(x_ml[fit], y[fit], w[fit], ML_DIMS, ml_t)
        idx = np.flatnonzero(held)
        p_en, p_ml = en.probabilities(x_en[idx]), ml.probabilities(x_ml[idx])
        fold_model = replace(model, full=en, early=None, multilingual=None)
        for variant in out:
            judged = []
            for k, i in enumerate(idx):
                row = p_en[k]
                if variant == "multilingual" and routed[i]:
                    row = p_ml[k]
                elif variant == "blend" and routed[i]:
                    row = (p_ml[k] + p_en[k]) / 2
                elif variant == "unsure" and routed[i]:
                    row = p_ml[k]
                elif variant == "unsure" and p_en[k].max() < args.unsure:
                    row = (p_ml[k] + p_en[k]) / 2
                elif variant == "ml_all":
                    row = p_ml[k]
                judged.append(scorer._judgement(fold_model, texts[i], row, DEPTH, 0.0))
            h_texts, h_obj = [texts[i] for i in idx], [objectives[i] for i in idx]
            judged = scorer._off_topic(fold_model, judged, h_texts, h_obj)
            judged = scorer._unspecific(fold_model, judged, h_texts, h_obj)
            truth, pred = [str(y[i]) for i in idx], [j.outcome.value for j in judged]
            out[variant][f"{kind}:{group}"] = _figures(truth, pred)
            t_all, p_all = pooled[variant].setdefault(kind, ([], []))
            t_all.extend(truth)
            p_all.extend(pred)
        shown = "  ".join(f"{v} {out[v][f'{kind}:{group}']}" for v in out)
        print(f"{kind}:{group:14s} {shown}", flush=True)
    for variant in out:
        for kind, (t_all, p_all) in pooled[variant].items():
            out[variant][f"{kind}:ALL"] = _figures(t_all, p_all)
            print(f"{variant} {kind}:ALL {out[variant][f'{kind}:ALL']}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
