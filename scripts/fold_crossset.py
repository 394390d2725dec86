"""Fold a retired cross-set of a social scorer into its validation set as `split: tune` rows.

Once a cross-set has been measured it is retired: its rows join the family's validation set with
`split: tune` and `origin: crossset-N` (ids prefixed `xN-`), where `scripts/train_social.py` trains
the reply classifier and calibrates `p_fail` on them, and where leave-one-origin-out figures are
measured (`scripts/eval_social.py --looo`). The cross-set file itself is left in place (it is
replaced by the next one). Idempotent: a set that already holds rows of that origin is left as it is.

    .venv/bin/python scripts/fold_crossset.py --origin crossset-3 toxicity ai-disclosure mis-selling inference
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parents[1] / "src/redline/scorers/data"
FIELDS = ("label", "prompt", "response", "params")


def folded(row: dict[str, Any], origin: str) -> dict[str, Any]:
    """A cross-set row in the validation set's shape."""
    number = origin.rsplit("-", 1)[-1]
    out: dict[str, Any] = {"id": f"x{number}-{row['id']}"}
    for key in FIELDS[:1]:
        out[key] = row[key]
    lang = row.get("language") or row.get("lang")
    if lang:
        out["lang"] = lang
    for key in FIELDS[1:]:
        if key in row:
            out[key] = row[key]
    out["split"] = "tune"
    out["origin"] = origin
    return out


def fold(name: str, origin: str) -> tuple[int, int]:
    """Rows added to `name`'s validation set and its new size."""
    cross = yaml.safe_load((DATA / "crossset" / f"{name}.yaml").read_text(encoding="utf-8"))
    path = DATA / "validation" / f"{name}.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if list(doc)[-1] != "rows":
        raise SystemExit(f"{path.name}: 'rows' is not the last key; cannot append")
    if any(r.get("origin") == origin for r in doc["rows"]):
        return 0, len(doc["rows"])  # already folded
    new = [folded(r, origin) for r in cross["rows"]]
    ids = {r["id"] for r in doc["rows"]}
    clash = [r["id"] for r in new if r["id"] in ids]
    if clash:
        raise SystemExit(f"{path.name}: ids already taken: {clash[:5]}")
    # appended as text, so the rows already there keep their formatting byte for byte
    text = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
    text += yaml.safe_dump(new, allow_unicode=True, sort_keys=False, width=110)
    path.write_text(text, encoding="utf-8")
    total = len(yaml.safe_load(text)["rows"])
    if total != len(doc["rows"]) + len(new):
        raise SystemExit(f"{path.name}: appended rows did not parse as rows")
    return len(new), total


def main() -> None:
    """Fold the named sets."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--origin", required=True, help="The origin to record, e.g. crossset-3.")
    parser.add_argument("names", nargs="+", help="Set names (toxicity, ai-disclosure, ...).")
    args = parser.parse_args()
    for name in args.names:
        added, total = fold(name, args.origin)
        print(f"{name}: {added} rows of {args.origin} folded in ({total} rows)")


if __name__ == "__main__":
    main()
