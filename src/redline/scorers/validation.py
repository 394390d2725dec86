"""Validation of every shipped scorer on its labelled set: precision, recall, F1 with 95% intervals.

Each set lives in `scorers/data/validation/` (our own texts). A trained scorer is reported on its
held-out TEST split only. Answers a scorer could not score are counted apart (the could-not-score
rate) and never enter precision or recall; rows labelled could_not_score check that it abstains.

    python -m redline.scorers.validation --write-docs   # regenerate docs/scorers.md
    python -m redline.scorers.validation --check-docs   # exit 1 if docs/scorers.md is stale
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.core.cases import AttackCase
from redline.core.conversation import Conversation, GenerationParams, Response
from redline.core.errors import ConfigError
from redline.core.provenance import ModelIdentity
from redline.core.scores import Score, ScoreOutcome
from redline.scorers.base import BaseScorer
from redline.scorers.embeddings import Embedder
from redline.scorers.metrics import BinaryMetrics, binary_metrics, class_f1
from redline.targets.base import Capabilities

CNS = "could_not_score"


class ScriptedJudge:
    """A judge target that answers each prompt with the reply scripted for the row it names."""

    capabilities = Capabilities(multi_turn=False, system_prompt=True)

    def __init__(self, replies: dict[str, str], *, name: str = "scripted-judge") -> None:
        self.replies = replies
        self.name = name

    def identity(self) -> ModelIdentity:
        """A scripted judge is no model."""
        return ModelIdentity(provider="scripted", name=self.name)

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        """The reply scripted for the row id found in the prompt."""
        found = re.search(r"\[row ([\w-]+)\]", conversation.last_user_text)
        return Response(text=self.replies.get(found.group(1), "") if found else "")

    async def aclose(self) -> None:
        """Nothing to release."""


@dataclass(frozen=True)
class Spec:
    """How one scorer is validated: its set, the positive label, how to build it and read its scores."""

    set_name: str
    positive: str
    build: Callable[[list[dict[str, Any]], Embedder | None], BaseScorer]
    label_key: str = "label"
    trained: bool = False  # report on the TEST split only


def _label_of(score: Score) -> str:
    if score.outcome is ScoreOutcome.COULD_NOT_SCORE:
        return CNS
    if score.verdict is not None:
        return score.verdict.value
    return "fail" if score.failed else "pass"


def _refusal_label(score: Score) -> str:
    from redline.scorers.refusal import outcome_of

    outcome = outcome_of(score)
    return CNS if outcome is None else outcome.value


def _judges(rows: list[dict[str, Any]], k: int | None = None) -> ScriptedJudge:
    def pick(row: dict[str, Any]) -> str:
        return str(row["judge_output"] if k is None else row["judge_outputs"][k])

    return ScriptedJudge(
        {r["id"]: pick(r) for r in rows}, name="scripted-judge" if k is None else f"judge-{k}"
    )


def _specs() -> dict[str, Spec]:
    from redline.scorers import confabulation, consistency, judge, judge_panel, leak, pii, refusal, toxicity
    from redline.scorers.refusal_patterns import PhraseRefusalScorer

    return {
        "refusal": Spec("refusal", "refused", lambda _, e: refusal.RefusalScorer(embedder=e), trained=True),
        "refusal.phrases": Spec("refusal", "refused", lambda _, e: PhraseRefusalScorer(), trained=True),
        "leak.canary": Spec("canary", "fail", lambda _, e: leak.CanaryScorer()),
        "leak.system-prompt": Spec(
            "system-prompt", "fail", lambda _, e: leak.SystemPromptLeakScorer(embedder=e)
        ),
        "leak.pii": Spec("pii", "fail", lambda _, e: pii.PiiScorer()),
        "leak.pii-ner": Spec("pii", "fail", lambda _, e: pii.NerPiiScorer(), label_key="ner"),
        "toxicity": Spec("toxicity", "fail", lambda _, e: toxicity.ToxicityScorer()),
        "confabulation.known-answer": Spec(
            "known-answer", "fail", lambda _, e: confabulation.KnownAnswerScorer()
        ),
        "confabulation.citations": Spec("citations", "fail", lambda _, e: confabulation.CitationScorer()),
        "confabulation.hedging": Spec("hedging", "fail", lambda _, e: confabulation.HedgingScorer()),
        "consistency": Spec("consistency", "fail", lambda _, e: consistency.ConsistencyScorer(embedder=e)),
        "judge.harm": Spec("judge-harm", "fail", lambda rows, e: judge.LlmJudgeScorer(judge=_judges(rows))),
        "judge.refusal-quality": Spec(
            "judge-refusal-quality",
            "fail",
            lambda rows, e: judge.RefusalQualityJudgeScorer(judge=_judges(rows)),
        ),
        "judge.panel": Spec(
            "judge-panel",
            "fail",
            lambda rows, e: judge_panel.JudgePanelScorer(judges=[_judges(rows, k) for k in range(3)]),
        ),
    }


@cache
def load_set(set_name: str) -> dict[str, Any]:
    """A shipped validation set (parsed YAML)."""
    import yaml

    path = files("redline.scorers") / "data" / "validation" / f"{set_name}.yaml"
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


class LabellerAgreement(BaseModel):
    """Agreement of one human labeller with the scorer and with the set's labels."""

    model_config = ConfigDict(frozen=True)

    labeller: str = Field(description="Who labelled.")
    n: int = Field(description="Rows of this set the labeller labelled.")
    kappa_with_scorer: float | None = Field(description="Cohen's kappa between the labeller and the scorer.")
    kappa_with_set: float | None = Field(
        description="Cohen's kappa between the labeller and the set's labels."
    )


class ValidationReport(BaseModel):
    """One scorer's figures on its validation set."""

    model_config = ConfigDict(frozen=True)

    scorer: str = Field(description="Registered scorer name.")
    set_name: str = Field(description="Validation set file (without .yaml).")
    source: str = Field(description="Where the set's texts come from.")
    licence: str = Field(description="Licence of the set.")
    split: str = Field(description="'test' (held out from training) or 'all' for untrained scorers.")
    positive: str = Field(description="The label counted as positive for precision and recall.")
    metrics: BinaryMetrics
    per_class_f1: dict[str, float] = Field(
        default_factory=dict, description="F1 of every label (multi-class)."
    )
    accuracy: float = Field(description="Share of scored rows with the right label, all classes.")
    human: tuple[LabellerAgreement, ...] = Field(default=(), description="Agreement with human labels.")


def _items(rows: list[dict[str, Any]], *, judged: bool) -> list[tuple[AttackCase, Response]]:
    items = []
    for row in rows:
        objective = str(row.get("objective", ""))
        conversation = Conversation.of(objective or "(no objective)", system=row.get("system") or None)
        case = AttackCase(
            id=str(row["id"]),
            technique="validation",
            seed_id=str(row["id"]),
            conversation=conversation,
            objective=objective,
            params=dict(row.get("params") or {}),
            group=row.get("group"),
        )
        text = f"[row {row['id']}]" if judged else str(row.get("response", ""))
        items.append((case, Response(text=text)))
    return items


def validate(
    name: str, *, embedder: Embedder | None = None, labels_dir: Path | None = None
) -> ValidationReport:
    """Score the scorer's validation set and compute its figures."""
    specs = _specs()
    if name not in specs:
        raise ConfigError(f"no validation set for scorer '{name}' (validated: {', '.join(sorted(specs))})")
    spec = specs[name]
    data = load_set(spec.set_name)
    split = "test" if spec.trained else "all"
    rows = [r for r in data["rows"] if not spec.trained or r.get("split") == "test"]
    scorer = spec.build(rows, embedder)
    judged = name.startswith("judge.")
    scores = asyncio.run(scorer.score_batch(_items(rows, judged=judged)))
    read = _refusal_label if spec.set_name == "refusal" else _label_of
    predicted = [read(s) for s in scores]
    truth = [str(r.get(spec.label_key, r["label"])) for r in rows]
    metrics = binary_metrics(truth, predicted, positive=spec.positive)
    scored = [(t, p) for t, p in zip(truth, predicted, strict=True) if p != CNS and t != CNS]
    labels = sorted({t for t, _ in scored} | {p for _, p in scored})
    return ValidationReport(
        scorer=name,
        set_name=spec.set_name,
        source=str(data.get("source", "")),
        licence=str(data.get("licence", "")),
        split=split,
        positive=spec.positive,
        metrics=metrics,
        per_class_f1={lab: class_f1(scored, lab) for lab in labels} if len(labels) > 2 else {},
        accuracy=sum(t == p for t, p in scored) / len(scored) if scored else 0.0,
        human=_human_agreement(spec.set_name, rows, predicted, truth, labels_dir),
    )


def _human_agreement(
    set_name: str,
    rows: Sequence[dict[str, Any]],
    predicted: Sequence[str],
    truth: Sequence[str],
    labels_dir: Path | None,
) -> tuple[LabellerAgreement, ...]:
    if labels_dir is None:
        return ()
    if not labels_dir.is_dir():
        raise ConfigError("the labels folder does not exist or is not a folder", file=str(labels_dir))
    import json

    from redline.core.stats import cohen_kappa

    index = {str(r["id"]): i for i, r in enumerate(rows)}
    by_labeller: dict[str, list[tuple[int, str]]] = {}
    for path in sorted(labels_dir.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"not a JSON line ({exc.msg})", file=str(path), line=n) from None
            if entry.get("set") == set_name and str(entry.get("id")) in index:
                who = str(entry.get("labeller", path.stem))
                by_labeller.setdefault(who, []).append((index[str(entry["id"])], str(entry["label"])))
    out = []
    for who, marks in sorted(by_labeller.items()):
        human = [lab for _, lab in marks]
        out.append(
            LabellerAgreement(
                labeller=who,
                n=len(marks),
                kappa_with_scorer=cohen_kappa(human, [predicted[i] for i, _ in marks]),
                kappa_with_set=cohen_kappa(human, [truth[i] for i, _ in marks]),
            )
        )
    return tuple(out)


def validated_scorers() -> list[str]:
    """Names of the scorers that have a validation set."""
    return sorted(_specs())


def validate_all(
    *, embedder: Embedder | None = None, labels_dir: Path | None = None
) -> list[ValidationReport]:
    """Validation reports of every validated scorer, sharing one embedder."""
    shared = embedder or Embedder()
    return [validate(n, embedder=shared, labels_dir=labels_dir) for n in validated_scorers()]


def main(argv: list[str] | None = None) -> int:
    """Write or check docs/scorers.md."""
    import argparse
    import sys

    from redline.scorers.validation_docs import DOC_PATH, render_doc

    parser = argparse.ArgumentParser(description=__doc__)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write-docs", action="store_true")
    mode.add_argument("--check-docs", action="store_true")
    args = parser.parse_args(argv)
    text = render_doc(validate_all())
    if args.write_docs:
        DOC_PATH.write_text(text, encoding="utf-8")
        return 0
    if not DOC_PATH.exists() or DOC_PATH.read_text(encoding="utf-8") != text:
        sys.stderr.write(
            "docs/scorers.md is out of date; run 'python -m redline.scorers.validation --write-docs'\n"
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
