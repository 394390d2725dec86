"""Grouped out-of-fold figures of the social scorers' reply classifiers: leave one origin out and leave one
language out.

For each family (toxicity, ai-disclosure, mis-selling, inference) the rows of its validation set but the
TEST split are grouped by origin (the team's composed replies, each retired cross-set) and by language.
Each group is held out in turn: the reply classifiers are fitted without it (the team's rows are never
trained on, as in scripts/train_social.py), and the scorer's verdict on the group's rows is the base
verdict (rules and sentence classifier of the shipped model) with the reply classifiers reading what it
neither failed nor cleared. Figures are pooled over the held-out groups (precision, recall, F1 of fail).

Leave one origin out chooses the reply cut on the other origins only (nested); leave one language out
uses the cut chosen leave-one-origin-out on every origin (the shipped model's rule), fitted without the
language, on the retired cross-sets' rows only (the team's rows are composed of the sentence heads'
training sentences). The sentence heads are not refitted per group: they never saw a cross-set row, and
the multilingual heads never saw a Polish, Swedish, Turkish or Romanian sentence. A row's language is its
`lang`, else "en" when `multilingual.english_share` reads English, else "xx". `--before` prints the
same figures with another model's base verdicts (the reply classifiers' fits are shared).

    .venv/bin/python scripts/eval_social_grouped.py [--family NAME ...] [--variant chars|use|both]
        [--model PATH] [--before PATH]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parent))
import train_social as TS


def _pooled(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[float, float, float, int]:
    y = np.concatenate([p[0] for p in parts])
    hit = np.concatenate([p[1] for p in parts])
    precision, recall, f1 = TS._f1(y.astype(bool), hit.astype(bool))
    return precision, recall, f1, len(y)


def report(data: TS._ReplyData, family: str, variants: tuple[str, ...]) -> None:
    """Print the grouped figures of `family` for each variant."""
    langs = np.array(data.langs[family])
    origins = data.origins
    for variant in variants:
        base_parts: list[tuple[np.ndarray, np.ndarray]] = []
        with_parts: list[tuple[np.ndarray, np.ndarray]] = []
        cross_parts: list[tuple[np.ndarray, np.ndarray]] = []
        cross_base: list[tuple[np.ndarray, np.ndarray]] = []
        per_origin = []
        for held in origins:
            if not any(TS._origin(r) == held for r in data.rows[family]):
                continue  # a cross-set of other families only
            rest = [o for o in origins if o != held]
            y_in, base_in, p_in = data.held_out(family, rest, (held,), variant=variant)
            cut = TS._reply_cut(y_in, base_in, p_in)
            y, base, p = data.held_out(family, [held], generic=False, variant=variant)
            base_parts.append((y, base == 1))
            with_parts.append((y, TS._with_reply(base, p, cut)))
            if held != TS.TEAM:
                cross_parts.append(with_parts[-1])
                cross_base.append(base_parts[-1])
            f = TS._f1(y, TS._with_reply(base, p, cut))
            per_origin.append(f"{held} {f[2]:.3f} (cut {cut})")
        b = _pooled(base_parts)
        w = _pooled(with_parts)
        print(
            f"{family} [{variant}] LOOO n={w[3]}: base P/R/F1 {b[0]:.3f}/{b[1]:.3f}/{b[2]:.3f}; "
            f"with reply {w[0]:.3f}/{w[1]:.3f}/{w[2]:.3f}; per origin: {'; '.join(per_origin)}"
        )
        b, w = _pooled(cross_base), _pooled(cross_parts)
        print(
            f"{family} [{variant}] LOOO cross-sets only n={w[3]}: base P/R/F1 {b[0]:.3f}/{b[1]:.3f}/"
            f"{b[2]:.3f}; with reply {w[0]:.3f}/{w[1]:.3f}/{w[2]:.3f}"
        )
        y_all, base_all, p_all = data.held_out(family, origins, variant=variant)
        cut = TS._reply_cut(y_all, base_all, p_all)
        base_parts, with_parts, per_lang = [], [], []
        for lang in sorted(set(langs.tolist())):
            if int((langs == lang).sum()) < 8:
                continue
            y, base, p = data.held_out_lang(family, lang, variant=variant)
            # the team's rows are composed of the sentence heads' training sentences: cross-set rows only
            cross = np.array(
                [TS._origin(data.rows[family][i]) != TS.TEAM for i in np.flatnonzero(langs == lang)]
            )
            y, base, p = y[cross], base[cross], p[cross]
            if not len(y):
                continue
            base_parts.append((y, base == 1))
            hit = TS._with_reply(base, p, cut)
            with_parts.append((y, hit))
            per_lang.append(f"{lang} {TS._f1(y, base == 1)[2]:.2f}->{TS._f1(y, hit)[2]:.2f}")
        b = _pooled(base_parts)
        w = _pooled(with_parts)
        print(
            f"{family} [{variant}] LOLO cross-set rows n={w[3]} (cut {cut}): "
            f"base P/R/F1 {b[0]:.3f}/{b[1]:.3f}/{b[2]:.3f}; "
            f"with reply {w[0]:.3f}/{w[1]:.3f}/{w[2]:.3f}; {'; '.join(per_lang)}"
        )


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--family", action="append", choices=sorted(TS.SCORERS))
    parser.add_argument("--variant", action="append", choices=TS.REPLY_VARIANTS)
    parser.add_argument("--model", type=Path, default=TS.OUT, help="The model whose base verdicts are read.")
    parser.add_argument(
        "--before", type=Path, default=None, help="Then the same figures with this model's base verdicts."
    )
    args = parser.parse_args()
    families = tuple(args.family or TS.SCORERS)
    with threadpool_limits(limits=TS.THREADS):
        data = TS._ReplyData(args.model, families=families)
        for model in (args.model, args.before):
            if model is None:
                continue
            print(f"== base verdicts of {model}", flush=True)
            # the reply classifiers' fits do not depend on the base verdicts: they are shared
            if model != args.model:
                data.base = {f: TS._base_fails(f, data.rows[f], model) for f in families}
            for family in families:
                report(data, family, tuple(args.variant or TS.REPLY_VARIANTS))


if __name__ == "__main__":
    main()
