"""Train the reply readings of `leak.record` and `uncertainty.overconfidence` and report their
leave-one-origin-out figures.

Each scorer's rules give a verdict first. A logistic regression on multilingual sentence vectors
(`redline.scorers.multilingual`, 16 languages in one space) then reads the answer (`leak.record`: the
whole answer; `overconfidence`: each sentence, MIL-style: every sentence of a passing answer holds, and
the most failing sentence of a failing answer fails it): when p(fail) is at least `hi` it fails an
answer the rules passed where the scorer lets it, and a failure the rules found on weak evidence only
(a detail known by its shape) passes when p(fail) is under one half. It reads what word lists miss in
languages and wordings they do not know; the rules keep what they are right about (see
`redline.scorers.reply_reading`).

Leave one origin out: each origin of the rows (the team's rounds, each retired cross-set; see
`scripts/eval_record_forecast.py`) is held out in turn; the regression is fitted on the other origins,
`hi` is chosen on the other origins' cross-set rows from out-of-fold probabilities (grouped by origin
again), and the held-out origin is scored with the rules plus the reading. Figures are also given for the
cross-set rows pooled, for the rows in languages other than en/fr/es/de/it/pt, and for both. The shipped
model is fitted on every row, with `hi` chosen the same way over all origins; the figures are kept in it.

    .venv/bin/python scripts/train_record_forecast.py [--only leak.record] [--dry-run]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_record_forecast import NAMES, origin

from redline.scorers.multilingual import MODEL_NAME, english_share, shared_multilingual
from redline.scorers.overconfidence import (
    OverconfidenceScorer,
    _asks_whether,
    reading_may_fail,
    reading_parts,
)
from redline.scorers.record_leak import _WEAK, RecordLeakScorer
from redline.scorers.reply_reading import MODEL_PATH, READ_CHARS, SENTENCE_CHARS, WEAK_CUT, sentences
from redline.scorers.validation import _items, _label_of, _specs, load_set

C = 1.0
HIS = (0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 1.01)
MAIN_LANGS = {"en", "fr", "es", "de", "it", "pt"}
# what the reading reads, chosen leave-one-origin-out: a record told anywhere in the answer reads best from
# the whole answer; a commitment after a hedge, from the answer's most committed sentence
UNITS = {"leak.record": "answer", "uncertainty.overconfidence": "sentence"}


def _f1(y: np.ndarray, hit: np.ndarray) -> tuple[float, float, float]:
    tp = float((y & hit).sum())
    p = tp / max(float(hit.sum()), 1.0)
    r = tp / max(float(y.sum()), 1.0)
    return p, r, 2 * p * r / max(p + r, 1e-9)


def _fit(x: np.ndarray, y: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=3000, class_weight="balanced").fit(x, y)


def combine(p: np.ndarray, rule: np.ndarray, gate: np.ndarray, weak: np.ndarray, hi: float) -> np.ndarray:
    """The verdicts (True = fail) of the rules with the reading overriding them (as
    `reply_reading.reread`)."""
    return np.where((p >= hi) & gate, True, np.where(weak & (p < WEAK_CUT), False, rule))


def _fit_on(d: Data, idx: np.ndarray) -> LogisticRegression:
    """The reading fitted on rows `idx`: on answers, or on sentences (every sentence of a passing answer
    holds; of a failing answer, the one the first fit reads as most failing is what fails it)."""
    if d.unit == "answer":
        return _fit(d.x[idx], d.y[idx])
    m = np.isin(d.owner, idx)
    x, owner = d.sx[m], d.owner[m]
    y = d.y[owner]
    p = _fit(x, y).predict_proba(x)[:, 1]
    keep = ~y
    for i in np.unique(owner[y]):
        at = np.where(owner == i)[0]
        keep[at[np.argmax(p[at])]] = True
    return _fit(x[keep], y[keep])


def _predict(d: Data, model: LogisticRegression, idx: np.ndarray) -> np.ndarray:
    """p(fail) of rows `idx` (of a sentence reading: its most failing sentence's)."""
    if d.unit == "answer":
        return np.asarray(model.predict_proba(d.x[idx])[:, 1])
    out = np.zeros(len(idx))
    for k, i in enumerate(idx):
        out[k] = float(model.predict_proba(d.rx[d.read_owner == i])[:, 1].max())
    return out


def _oof(d: Data, idx: np.ndarray) -> np.ndarray:
    """Out-of-fold p(fail) of rows `idx`, each origin predicted by a fit on the others."""
    out = np.zeros(len(idx))
    groups = d.origins[idx]
    for g in sorted(set(groups)):
        held = groups == g
        out[held] = _predict(d, _fit_on(d, idx[~held]), idx[held])
    return out


def _cut(p: np.ndarray, rule: np.ndarray, gate: np.ndarray, weak: np.ndarray, y: np.ndarray) -> float:
    """The `hi` that gives the best F1 (ties: the highest)."""
    return max(HIS, key=lambda hi: (_f1(y, combine(p, rule, gate, weak, hi))[2], hi))


class Data:
    """A scorer's rows, its rules' verdicts, the gate, origins, languages and answer vectors."""

    def __init__(self, name: str) -> None:
        spec = _specs()[name]
        self.rows = list(load_set(spec.set_name)["rows"])
        items = _items(self.rows, judged=False)
        record = RecordLeakScorer(reading=False)
        rules = record if name == "leak.record" else OverconfidenceScorer(reading=False)
        scores = asyncio.run(rules.score_batch(items))
        predicted = [_label_of(s) for s in scores]
        self.weak = np.array([name == "leak.record" and s.rationale.startswith(_WEAK) for s in scores])
        truth = [str(r["label"]) for r in self.rows]
        self.y = np.array([t == "fail" for t in truth])
        self.rule = np.array([p == "fail" for p in predicted])
        self.scored = np.array(
            [t in {"fail", "pass"} and p in {"fail", "pass"} for t, p in zip(truth, predicted, strict=True)]
        )
        if name == "leak.record":
            self.gate = np.array([record.may_fail(c, r.text) for c, r in items])
        else:
            self.gate = np.array([reading_may_fail(c, s) for (c, _), s in zip(items, scores, strict=True)])
        self.origins = np.array([origin(r) for r in self.rows])
        texts = [str(r.get("response") or "") for r in self.rows]
        self.langs = np.array(
            [
                str(r.get("lang") or ("en" if english_share(t) > 0.2 else "xx"))
                for r, t in zip(self.rows, texts, strict=True)
            ]
        )
        self.unit = UNITS[name]
        self.x = shared_multilingual().encode(texts, max_chars=READ_CHARS)
        split = [sentences(t) for t in texts]
        self.owner = np.array([i for i, parts in enumerate(split) for _ in parts])
        flat = [part for parts in split for part in parts]
        self.sx = shared_multilingual().encode(flat, max_chars=SENTENCE_CHARS)
        # what a sentence reading reads of an answer: the parts the rules had no reason to clear (as the
        # scorer: all its sentences when there are none, for undoing a failure)
        read = split
        if name != "leak.record":
            kept = [reading_parts(r.text, whether=_asks_whether(c)) for c, r in items]
            self.gate &= np.array([bool(k) for k in kept])
            read = [k or parts for k, parts in zip(kept, split, strict=True)]
        self.read_owner = np.array([i for i, parts in enumerate(read) for _ in parts])
        self.rx = shared_multilingual().encode(
            [part for parts in read for part in parts], max_chars=SENTENCE_CHARS
        )


def looo(d: Data) -> dict[str, Any]:
    """Per-origin F1 of the rules alone and with the reading, the reading fitted without the origin."""
    per: dict[str, Any] = {}
    hits = np.zeros(len(d.y), dtype=bool)
    for g in sorted(set(d.origins)):
        train = np.where((d.origins != g) & d.scored)[0]
        test = np.where((d.origins == g) & d.scored)[0]
        p_in = _oof(d, train)
        cross = np.array([o.startswith("crossset") for o in d.origins[train]])
        t = train[cross]
        hi = _cut(p_in[cross], d.rule[t], d.gate[t], d.weak[t], d.y[t])
        p = _predict(d, _fit_on(d, train), test)
        hit = combine(p, d.rule[test], d.gate[test], d.weak[test], hi)
        hits[test] = hit
        before = _f1(d.y[test], d.rule[test])
        after = _f1(d.y[test], hit)
        per[g] = {
            "n": len(test),
            "rules": round(before[2], 3),
            "with_reading": round(after[2], 3),
            "hi": hi,
        }
        print(
            f"  {g:<11} n={len(test):<4} rules P/R/F1 {before[0]:.3f}/{before[1]:.3f}/{before[2]:.3f}"
            f"  with reading {after[0]:.3f}/{after[1]:.3f}/{after[2]:.3f}  (hi {hi})"
        )
    for label, mask in (
        ("cross-sets", np.array([o.startswith("crossset") for o in d.origins]) & d.scored),
        ("other languages", np.array([lang not in MAIN_LANGS for lang in d.langs]) & d.scored),
        (
            "cross-sets, other languages",
            np.array(
                [
                    o.startswith("crossset") and lang not in MAIN_LANGS
                    for o, lang in zip(d.origins, d.langs, strict=True)
                ]
            )
            & d.scored,
        ),
    ):
        before = _f1(d.y[mask], d.rule[mask])
        after = _f1(d.y[mask], hits[mask])
        per[label] = {"n": int(mask.sum()), "rules": round(before[2], 3), "with_reading": round(after[2], 3)}
        print(
            f"  {label:<27} n={int(mask.sum()):<4} "
            f"rules P/R/F1 {before[0]:.3f}/{before[1]:.3f}/{before[2]:.3f}"
            f"  with reading {after[0]:.3f}/{after[1]:.3f}/{after[2]:.3f}"
        )
    return per


def train(d: Data) -> dict[str, Any]:
    """The shipped reading: fitted on every scored row, cuts chosen on all origins' cross-set rows."""
    m = np.where(d.scored)[0]
    p = _oof(d, m)
    cross = np.array([o.startswith("crossset") for o in d.origins[m]])
    t = m[cross]
    hi = _cut(p[cross], d.rule[t], d.gate[t], d.weak[t], d.y[t])
    model = _fit_on(d, m)
    return {
        "unit": d.unit,
        "coef": [round(float(c), 6) for c in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "hi": hi,
        "rows": len(m),
    }


def main() -> None:
    """Report leave-one-origin-out figures and write the model (unless --dry-run)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default=None, help="One scorer name.")
    parser.add_argument("--dry-run", action="store_true", help="Report only; write nothing.")
    args = parser.parse_args()
    doc: dict[str, Any] = json.loads(MODEL_PATH.read_text(encoding="utf-8")) if MODEL_PATH.exists() else {}
    doc.setdefault("encoder", MODEL_NAME)
    doc["read_chars"] = READ_CHARS
    doc["source"] = "scripts/train_record_forecast.py on the scorers' validation sets (every origin)"
    scorers = doc.setdefault("scorers", {})
    for name in (args.only,) if args.only else NAMES:
        print(f"{name}:")
        d = Data(name)
        figures = looo(d)
        scorers[name] = {**train(d), "leave_one_origin_out": figures}
        print(f"  shipped: hi {scorers[name]['hi']}, {scorers[name]['rows']} rows")
    if not args.dry_run:
        text = json.dumps(doc, indent=1, sort_keys=True) + "\n"
        MODEL_PATH.write_text(text, encoding="utf-8")
        print(f"wrote {MODEL_PATH.name} (sha256 {hashlib.sha256(text.encode()).hexdigest()[:12]})")


if __name__ == "__main__":
    main()
