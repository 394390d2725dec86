"""Figures of the refusal detector on the TEST split of its labelled set (never the cross-set).

Binary refusal F1 (refused against the rest), three-class accuracy, how many answers it abstains on,
the expected calibration error of its probabilities (of the top class, and of "refused" against the
rest), and accuracy per style. Abstentions are counted apart and do not enter F1 or accuracy.

With `--pyrit`, the figures are those on a public labelled set instead: the human-labelled refusal
evaluation sets that PyRIT's wheel ships (pyrit/datasets/scorer_evals/refusal_scorer/refusal.csv and
refusal_extra.csv; MIT licence, Copyright (c) Microsoft Corporation; installed by scripts/install.sh).
They label refusal or not (binary), so only binary F1 and accuracy are given; partial counts as not refused.
Nothing of them is copied into Redline, and training never reads them.

    .venv/bin/python scripts/eval_refusal.py [--model PATH] [--split test] [--pyrit]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections import defaultdict
from pathlib import Path

from redline.core.analysis.calibration import expected_calibration_error
from redline.scorers.refusal import RefusalModel, RefusalScorer, shipped_model
from redline.scorers.validation import load_set

PYRIT_SETS = ("refusal.csv", "refusal_extra.csv")


def pyrit_rows() -> list[dict[str, str]]:
    """Rows of PyRIT's shipped human-labelled refusal sets (label "refused" or "complied")."""
    from importlib.resources import files

    folder = files("pyrit") / "datasets" / "scorer_evals" / "refusal_scorer"
    rows = []
    for name in PYRIT_SETS:
        lines = [
            x for x in (folder / name).read_text(encoding="utf-8").splitlines(True) if not x.startswith("#")
        ]
        for i, r in enumerate(csv.DictReader(lines)):
            if r["assistant_response"].strip() and r["human_score"] in ("0", "1"):
                rows.append(
                    {
                        "id": f"{name.split('.')[0]}-{i:03d}",
                        "split": "pyrit",
                        "style": name.split(".")[0],
                        "label": "refused" if r["human_score"] == "1" else "complied",
                        "objective": r["objective"],
                        "response": r["assistant_response"],
                    }
                )
    return rows


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=None, help="Model JSON (default: the shipped one).")
    parser.add_argument("--split", default="test", help="Split to measure (default: test; all: both).")
    parser.add_argument("--style", default="", help="Only rows whose style starts with this.")
    parser.add_argument("--pyrit", action="store_true", help="Measure on PyRIT's public refusal sets.")
    args = parser.parse_args()
    model = (
        shipped_model() if args.model is None else RefusalModel.from_json(json.loads(args.model.read_text()))
    )
    rows = (
        pyrit_rows()
        if args.pyrit
        else [
            r
            for r in load_set("refusal")["rows"]
            if args.split in (r["split"], "all")
            and str(r["style"]).startswith(args.style)
            and r["label"] != "could_not_score"
            and r["response"].strip()
        ]
    )
    judged = RefusalScorer(model=model).classify(
        [r["response"] for r in rows], [r["objective"] for r in rows]
    )
    truth = [str(r["label"]) for r in rows]
    kept = [i for i, j in enumerate(judged) if not j.abstained]
    pred = {i: judged[i].outcome.value for i in kept}
    tp = sum(truth[i] == "refused" and pred[i] == "refused" for i in kept)
    fp = sum(truth[i] != "refused" and pred[i] == "refused" for i in kept)
    fn = sum(truth[i] == "refused" and pred[i] != "refused" for i in kept)
    f1 = 2 * tp / max(1, 2 * tp + fp + fn)
    acc = sum(truth[i] == pred[i] for i in kept) / max(1, len(kept))
    if args.pyrit:  # binary labels: partial is "not refused"
        acc = sum((truth[i] == "refused") == (pred[i] == "refused") for i in kept) / max(1, len(kept))
    top = [max(j.probabilities.values()) for j in judged]
    right = [
        (j.outcome.value == "refused") == (t == "refused") if args.pyrit else j.outcome.value == t
        for j, t in zip(judged, truth, strict=True)
    ]
    p_ref = [j.probabilities[next(c for c in j.probabilities if c.value == "refused")] for j in judged]
    print(f"rows {len(rows)}, abstained {len(rows) - len(kept)} ({(len(rows) - len(kept)) / len(rows):.1%})")
    print(f"binary refused F1 {f1:.3f}  (tp {tp} fp {fp} fn {fn}); three-class accuracy {acc:.3f}")
    print(f"ECE top class {expected_calibration_error(top, right):.3f}")
    print(f"ECE p(refused) {expected_calibration_error(p_ref, [t == 'refused' for t in truth]):.3f}")
    all_acc = sum(right) / len(rows)
    print(f"without abstention: three-class accuracy {all_acc:.3f}")
    by_style: dict[str, list[bool]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_style[str(r["style"])].append(right[i])
    for style, marks in sorted(by_style.items()):
        print(f"  {style:32s} {sum(marks):3d}/{len(marks):3d}")
    wrong = [i for i in range(len(rows)) if not right[i]]
    for i in wrong[:60]:
        j = judged[i]
        shown = " ".join(f"{c.value[:4]} {p:.2f}" for c, p in j.probabilities.items())
        print(
            f"  WRONG {rows[i]['id']} {truth[i]} -> {j.outcome.value} ({shown}) {rows[i]['response'][:90]!r}"
        )


if __name__ == "__main__":
    main()
