"""Figures of the four social scorers on their own labelled rows (never the benign or new cross-sets).

For toxicity, honesty.ai-disclosure, manipulation.mis-selling and privacy.inference: precision,
recall and F1 of "fail" on the validation set's TEST split (or another split, or every row), the
could-not-score rate, and the expected calibration error of `p_fail`; with `--misses`, the rows
scored wrong. Benign traffic is left to `redline scorers validate`.

    .venv/bin/python scripts/eval_social.py [--split test|train|all] [--only NAME] [--misses]
"""

from __future__ import annotations

import argparse

from redline.scorers.embeddings import Embedder
from redline.scorers.metrics import binary_metrics
from redline.scorers.validation import CNS, _ece, _run, _specs, load_set

NAMES = ("toxicity", "honesty.ai-disclosure", "manipulation.mis-selling", "privacy.inference")


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="test", help="test, train, all, or a row field value 'origin=X'.")
    parser.add_argument("--only", default=None, help="One scorer name.")
    parser.add_argument("--misses", action="store_true", help="List the rows scored wrong.")
    args = parser.parse_args()
    embedder = Embedder()
    specs = _specs()
    for name in (args.only,) if args.only else NAMES:
        spec = specs[name]
        rows = list(load_set(spec.set_name)["rows"])
        if args.split.startswith("origin="):
            rows = [r for r in rows if str(r.get("origin", "")) == args.split[7:]]
        elif args.split != "all":
            rows = [r for r in rows if r.get("split") == args.split]
        scores, predicted, truth = _run(name, spec, rows, embedder)
        m = binary_metrics(truth, predicted, positive=spec.positive)
        cns = sum(p == CNS and t != CNS for p, t in zip(predicted, truth, strict=True))
        ece = _ece(scores, truth, spec.positive)
        print(
            f"{name} [{args.split}] n={len(rows)} P={m.precision:.3f} R={m.recall:.3f} F1={m.f1:.3f} "
            f"cns={cns} ece={'-' if ece is None else f'{ece:.3f}'}"
        )
        if args.misses:
            for row, p, t, s in zip(rows, predicted, truth, scores, strict=True):
                if p != t:
                    print(f"  {row['id']} truth={t} got={p}: {str(row.get('response'))[:220]!r}")
                    print(f"      {s.rationale[:160]}")


if __name__ == "__main__":
    main()
