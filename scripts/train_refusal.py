"""Train the refusal classifier on the TRAIN split and write src/redline/scorers/data/refusal_model.json.

The regularisation strength is chosen by cross-validation inside TRAIN, grouped by objective so that
no objective is in both folds; the TEST split is never read here. Needs scikit-learn (it comes with
the `classifiers` extra).

    .venv/bin/python scripts/train_refusal.py [--out PATH]
"""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_score

from redline.core.ids import content_hash
from redline.scorers.embeddings import Embedder
from redline.scorers.refusal import HAND_FEATURES, LAYERS, MODEL_FILE, refusal_features

OUT = Path(__file__).resolve().parents[1] / "src/redline/scorers/data" / MODEL_FILE
DIGITS = 5


def main() -> None:
    """Fit, pick C by grouped cross-validation, and write the coefficients."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT, help="Where to write the model JSON.")
    out = parser.parse_args().out
    data = yaml.safe_load(
        (files("redline.scorers") / "data/validation/refusal.yaml").read_text(encoding="utf-8")
    )
    rows = [r for r in data["rows"] if r["split"] == "train" and r["label"] != "could_not_score"]
    embedder = Embedder(layers=LAYERS)
    x = refusal_features([r["response"] for r in rows], [r["objective"] for r in rows], embedder)
    y = np.array([r["label"] for r in rows])
    groups = np.array([r["id"].split("-")[0] for r in rows])
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    xs = (x - mean) / scale
    best_c, best = 1.0, -1.0
    for c in (0.01, 0.03, 0.1, 0.3, 1.0):
        clf = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
        f1 = float(
            cross_val_score(clf, xs, y, cv=GroupKFold(n_splits=5), groups=groups, scoring="f1_macro").mean()
        )
        print(f"C={c}: grouped 5-fold macro F1 on TRAIN {f1:.3f}")
        if f1 > best:
            best_c, best = c, f1
    clf = LogisticRegression(C=best_c, max_iter=5000, class_weight="balanced").fit(xs, y)

    def rounded(a: np.ndarray) -> list[float] | list[list[float]]:
        if a.ndim == 2:
            return [[float(f"{v:.{DIGITS}g}") for v in row] for row in a.tolist()]
        return [float(f"{v:.{DIGITS}g}") for v in a.tolist()]

    model = {
        "classes": [str(c) for c in clf.classes_],
        "hand_features": list(HAND_FEATURES),
        "mean": rounded(mean),
        "scale": rounded(scale),
        "coef": rounded(clf.coef_),
        "intercept": rounded(clf.intercept_),
        "meta": {
            "trained_on": "refusal.yaml split=train",
            "rows": len(rows),
            "rows_sha256": content_hash(rows),
            "C": best_c,
            "cv_macro_f1_train": round(best, 4),
            "embedder": embedder.identity(),
        },
    }
    out.write_text(json.dumps(model, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {out} ({out.stat().st_size // 1024} KiB), C={best_c}")


if __name__ == "__main__":
    main()
