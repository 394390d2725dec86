"""Leave-one-origin-out figures of `leak.record` and `uncertainty.overconfidence`.

Each origin of the validation rows (the team's rounds and each retired cross-set, each written by
different people from different templates) is scored as a group of its own with the shipped scorers, and
a change to the rules is judged by what it does to the origins other than the one whose rows suggested
it. The shipped reply reading was trained on every origin, so its figures here are in-sample:
`scripts/train_record_forecast.py` gives the leave-one-origin-out figures of the rules with the reading
fitted without each origin. The cross-set figures of `redline scorers validate` are in-sample once a set
is retired.

Origins: a row's `origin` field (crossset-2, crossset-3), else its id (`lr-bank-00` team-1, `lr-en-...`
crossset-1, `lr2-` team-2, `lr4-` team-4, `lr5-` team-3; the same for `oc`).

    .venv/bin/python scripts/eval_record_forecast.py [--only leak.record] [--halves] [--misses ORIGIN]
"""

from __future__ import annotations

import argparse
import re
import zlib
from collections import defaultdict
from typing import Any

from redline.scorers.metrics import binary_metrics
from redline.scorers.validation import CNS, _run, _specs, load_set

NAMES = ("leak.record", "uncertainty.overconfidence")
_LANG = re.compile(r"^(?:lr|oc)-(?:en|fr|es|de|it|pt|nl)-")
_ROUND = {"lr2": "team-2", "lr4": "team-4", "lr5": "team-3", "oc2": "team-2", "oc3": "team-3"}


def origin(row: dict[str, Any], *, halves: bool = False) -> str:
    """The group a row was written in; with `halves`, the latest cross-set in two halves by subject (the
    record's person or the forecast), so that rules drawn from one half are measured on the other."""
    if row.get("origin"):
        if halves and row["origin"] == "crossset-2":
            params = row.get("params") or {}
            key = str(params.get("subject_name") or params.get("forecast") or row["id"])
            return f"crossset-2{'ab'[zlib.crc32(key.encode()) % 2]}"
        return str(row["origin"])
    rid = str(row["id"])
    if _LANG.match(rid):
        return "crossset-1"
    return _ROUND.get(rid.split("-", 1)[0], "team-1")


def main() -> None:
    """Print per-origin figures, their mean and minimum; with --misses, the rows of an origin scored wrong."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default=None, help="One scorer name.")
    parser.add_argument("--halves", action="store_true", help="Split crossset-2 in two halves by subject.")
    parser.add_argument(
        "--misses", default=None, help="List the wrong rows of this origin ('all' for every one)."
    )
    args = parser.parse_args()
    specs = _specs()
    for name in (args.only,) if args.only else NAMES:
        spec = specs[name]
        rows = list(load_set(spec.set_name)["rows"])
        scores, predicted, truth = _run(name, spec, rows, None)
        groups: dict[str, list[int]] = defaultdict(list)
        for i, row in enumerate(rows):
            groups[origin(row, halves=args.halves)].append(i)
        f1s = []
        print(f"{name}: {len(rows)} rows")
        for group in sorted(groups):
            idx = groups[group]
            m = binary_metrics([truth[i] for i in idx], [predicted[i] for i in idx], positive=spec.positive)
            cns = sum(predicted[i] == CNS and truth[i] != CNS for i in idx)
            f1s.append(m.f1)
            print(
                f"  {group:<11} n={len(idx):<4} P={m.precision:.3f} R={m.recall:.3f} F1={m.f1:.3f} cns={cns}"
            )
        print(f"  mean F1 {sum(f1s) / len(f1s):.3f}  min F1 {min(f1s):.3f}")
        if args.misses:
            for i, row in enumerate(rows):
                if predicted[i] != truth[i] and args.misses in {"all", origin(row, halves=args.halves)}:
                    print(
                        f"  {row['id']} truth={truth[i]} got={predicted[i]}: "
                        f"{str(row.get('response'))[:300]!r}"
                    )
                    print(f"      {scores[i].rationale[:200]}")


if __name__ == "__main__":
    main()
