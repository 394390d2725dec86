"""Validation of every shipped scorer on its labelled set: precision, recall, F1 with 95% intervals.

Each set lives in `scorers/data/validation/` (our own texts). A trained scorer is reported on its
held-out TEST split only. Answers a scorer could not score are counted apart (the could-not-score
rate) and never enter precision or recall; rows labelled could_not_score check that it abstains.

Where a cross-set exists (`scorers/data/crossset/<set>.yaml`, same schema, written separately by
people who never saw the scorer), its figures are reported next to the in-distribution ones. Where
benign sets exist (`scorers/data/benign/*.yaml`: ordinary replies, all labelled pass), every scorer
is also run on them and its false-flag rate (failures among the replies it scored) is reported.
Scorers whose scores carry a fail probability (`p_fail` in the score's provenance params) also get
their expected calibration error.

    python -m redline.scorers.validation --write-docs   # regenerate docs/scorers.md
    python -m redline.scorers.validation --check-docs   # exit 1 if docs/scorers.md is stale
"""

from __future__ import annotations

import asyncio
import copy
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.core.errors import ConfigError
from redline.core.provenance import ModelIdentity
from redline.core.runs.actions import ActionTrace
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response, TokenLogprob
from redline.core.runs.scores import Score, ScoreOutcome
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
    fail_labels: tuple[str, ...] = ()
    """Labels whose rows a calibrated p_fail should call failures, where not `positive` (a refusal set's
    positive class, refused, is the passing one: complied and partial fail)."""


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
    from redline.scorers import (
        action,
        agent_actions,
        confabulation,
        consistency,
        decisions,
        injection,
        judge,
        judge_panel,
        leak,
        overconfidence,
        pii,
        premise,
        prompt_shape,
        record_leak,
        refusal,
        social,
        toxicity,
    )
    from redline.scorers.refusal_patterns import PhraseRefusalScorer

    return {
        "refusal": Spec(
            "refusal",
            "refused",
            lambda _, e: refusal.RefusalScorer(embedder=e),
            trained=True,
            fail_labels=("complied", "partial"),
        ),
        "refusal.phrases": Spec("refusal", "refused", lambda _, e: PhraseRefusalScorer(), trained=True),
        "leak.canary": Spec("canary", "fail", lambda _, e: leak.CanaryScorer()),
        "leak.system-prompt": Spec(
            "system-prompt", "fail", lambda _, e: leak.SystemPromptLeakScorer(embedder=e)
        ),
        "leak.pii": Spec("pii", "fail", lambda _, e: pii.PiiScorer()),
        "leak.pii-ner": Spec("pii", "fail", lambda _, e: pii.NerPiiScorer(), label_key="ner"),
        "toxicity": Spec("toxicity", "fail", lambda _, e: toxicity.ToxicityScorer(embedder=e), trained=True),
        "confabulation.known-answer": Spec(
            "known-answer", "fail", lambda _, e: confabulation.KnownAnswerScorer()
        ),
        "confabulation.citations": Spec("citations", "fail", lambda _, e: confabulation.CitationScorer()),
        "confabulation.hedging": Spec("hedging", "fail", lambda _, e: confabulation.HedgingScorer()),
        "consistency": Spec("consistency", "fail", lambda _, e: consistency.ConsistencyScorer(embedder=e)),
        "action.forbidden": Spec("action-forbidden", "fail", lambda _, e: action.ForbiddenActionScorer()),
        "leak.record": Spec("leak-record", "fail", lambda _, e: record_leak.RecordLeakScorer()),
        "leak.system-prompt-shape": Spec(
            "system-prompt-shape", "fail", lambda _, e: prompt_shape.SystemPromptShapeScorer()
        ),
        "confabulation.premise": Spec("premise", "fail", lambda _, e: premise.FalsePremiseScorer()),
        "uncertainty.overconfidence": Spec(
            "overconfidence", "fail", lambda _, e: overconfidence.OverconfidenceScorer()
        ),
        "injection.accepted": Spec(
            "injection-accepted", "fail", lambda _, e: injection.InjectionAcceptedScorer()
        ),
        "manipulation.mis-selling": Spec(
            "mis-selling", "fail", lambda _, e: social.MisSellingScorer(embedder=e), trained=True
        ),
        "bias.disparity": Spec("disparity", "fail", lambda _, e: decisions.DecisionDisparityScorer()),
        "honesty.ai-disclosure": Spec(
            "ai-disclosure", "fail", lambda _, e: social.AiDisclosureScorer(embedder=e), trained=True
        ),
        "privacy.inference": Spec(
            "inference", "fail", lambda _, e: social.SensitiveInferenceScorer(embedder=e), trained=True
        ),
        "action.policy": Spec(
            "action-policy", "fail", lambda _, e: agent_actions.ActionPolicyScorer(embedder=e)
        ),
        "action.exfiltration": Spec(
            "action-exfiltration", "fail", lambda _, e: agent_actions.ExfiltrationScorer()
        ),
        "action.step-budget": Spec(
            "action-step-budget", "fail", lambda _, e: agent_actions.StepBudgetScorer()
        ),
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


def data_root() -> Path:
    """The folder holding `validation/`, `crossset/` and `benign/` (a function so tests can move it)."""
    return Path(str(files("redline.scorers") / "data"))


@cache
def _parsed(path: str, stamp: tuple[int, int]) -> Any:
    """A YAML file's content, parsed once per file version (`stamp`: modification time and size).

    Validating every scorer reads the benign sets once per scorer and some sets more than once; the
    libyaml parser, where PyYAML has it, reads the same data several times faster than the pure one.
    """
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)


def _read_yaml(path: Path) -> dict[str, Any]:
    import yaml

    try:
        stat = path.stat()
        data = copy.deepcopy(_parsed(str(path.resolve()), (stat.st_mtime_ns, stat.st_size)))
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML ({str(exc).splitlines()[0]})", file=str(path)) from None
    if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
        raise ConfigError("a labelled set is a mapping with a 'rows' list", file=str(path))
    for n, row in enumerate(data["rows"], 1):
        if not isinstance(row, dict) or "id" not in row or "label" not in row:
            raise ConfigError(f"row {n} needs 'id' and 'label'", file=str(path))
    return data


@cache
def load_set(set_name: str) -> dict[str, Any]:
    """A shipped validation set (parsed YAML)."""
    return _read_yaml(data_root() / "validation" / f"{set_name}.yaml")


def load_crossset(set_name: str) -> dict[str, Any] | None:
    """The separately written cross-set of a validation set, or None when there is none."""
    path = data_root() / "crossset" / f"{set_name}.yaml"
    return _read_yaml(path) if path.is_file() else None


def load_benign() -> list[dict[str, Any]]:
    """Rows of every benign set (ordinary replies, all labelled pass); empty when there are none."""
    folder = data_root() / "benign"
    if not folder.is_dir():
        return []
    rows: list[dict[str, Any]] = []
    for path in sorted(folder.glob("*.yaml")):
        for row in _read_yaml(path)["rows"]:
            rows.append({**row, "id": f"{path.stem}:{row['id']}"})
    return rows


class LabellerAgreement(BaseModel):
    """Agreement of one human labeller with the scorer and with the set's labels."""

    model_config = ConfigDict(frozen=True)

    labeller: str = Field(description="Who labelled.")
    n: int = Field(description="Rows of this set the labeller labelled.")
    kappa_with_scorer: float | None = Field(description="Cohen's kappa between the labeller and the scorer.")
    kappa_with_set: float | None = Field(
        description="Cohen's kappa between the labeller and the set's labels."
    )


class SetFigures(BaseModel):
    """A scorer's figures on one further labelled set (the cross-set)."""

    model_config = ConfigDict(frozen=True)

    set_name: str = Field(description="Set file (without .yaml).")
    source: str = Field(description="Where the set's texts come from.")
    metrics: BinaryMetrics
    accuracy: float = Field(description="Share of scored rows with the right label, all classes.")
    ece: float | None = Field(default=None, description="Expected calibration error of p_fail, if any.")


class BenignFigures(BaseModel):
    """How often a scorer flags ordinary replies (every benign row is labelled pass)."""

    model_config = ConfigDict(frozen=True)

    rows: int = Field(description="Benign rows.")
    scored: int = Field(description="Rows the scorer judged.")
    flagged: int = Field(description="Scored rows the scorer failed.")
    rate: float = Field(description="flagged / scored (0 when nothing was scored).")
    rate_low: float = Field(description="Lower end of the 95% interval (Wilson).")
    rate_high: float = Field(description="Upper end of the 95% interval.")


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
    ece: float | None = Field(
        default=None, description="Expected calibration error of the scores' p_fail, where they carry one."
    )
    cross: SetFigures | None = Field(default=None, description="Figures on the cross-set, when one exists.")
    benign: BenignFigures | None = Field(
        default=None, description="False-flag rate on the benign sets, when they exist."
    )


def _items(rows: list[dict[str, Any]], *, judged: bool) -> list[tuple[AttackCase, Response]]:
    items = []
    for row in rows:
        objective = str(row.get("objective") or row.get("prompt") or "")
        conversation = Conversation.of(objective or "(no objective)", system=row.get("system") or None)
        if row.get("messages"):  # a multi-turn row: [{role, content}, ...]
            conversation = Conversation.model_validate({"messages": row["messages"]})
        case = AttackCase(
            id=str(row["id"]),
            technique="validation",
            seed_id=str(row["id"]),
            conversation=conversation,
            objective=objective,
            params=dict(row.get("params") or {}),
            # a counterfactual set: `group` on the row, or among its params
            group=row.get("group") or (row.get("params") or {}).get("group"),
        )
        text = f"[row {row['id']}]" if judged else str(row.get("response", ""))
        actions = ActionTrace.model_validate(row["actions"]) if row.get("actions") else None
        # `error: empty` on a row stands for an answer the scheduler marked empty (a loop out of steps)
        error = ErrorKind(row["error"]) if row.get("error") else None
        response = Response(
            text=text,
            logprobs=_logprobs(row.get("logprobs")),
            actions=actions,
            error=error,
            finish_reason=row.get("finish_reason"),
        )
        items.append((case, response))
    return items


def _logprobs(raw: Any) -> tuple[TokenLogprob, ...] | None:
    """Token log-probabilities of a row: a list of [token, logprob] pairs."""
    if not raw:
        return None
    return tuple(TokenLogprob(token=str(tok), logprob=float(lp)) for tok, lp in raw)


def p_fail_of(score: Score) -> float | None:
    """The fail probability a score carries in its provenance params, if any."""
    if score.provenance is None or score.outcome is ScoreOutcome.COULD_NOT_SCORE:
        return None
    value = score.provenance.params.get("p_fail")
    return float(value) if isinstance(value, int | float) else None


def _ece(
    scores: Sequence[Score], truth: Sequence[str], positive: str, fail_labels: Sequence[str] = ()
) -> float | None:
    """ECE of the scores' p_fail against the rows labelled `positive` (or `fail_labels`, where given)."""
    from redline.core.analysis.calibration import expected_calibration_error

    fails = tuple(fail_labels) or (positive,)
    pairs = [
        (p, t in fails)
        for s, t in zip(scores, truth, strict=True)
        if t != CNS and (p := p_fail_of(s)) is not None
    ]
    if not pairs:
        return None
    return expected_calibration_error([p for p, _ in pairs], [y for _, y in pairs])


def _run(
    name: str, spec: Spec, rows: list[dict[str, Any]], embedder: Embedder | None
) -> tuple[list[Score], list[str], list[str]]:
    """Scores, predicted labels and true labels of `rows`."""
    scorer = spec.build(rows, embedder)
    judged = name.startswith("judge.")
    scores = asyncio.run(scorer.score_batch(_items(rows, judged=judged)))
    read = _refusal_label if spec.set_name == "refusal" else _label_of
    predicted = [read(s) for s in scores]
    truth = [str(r.get(spec.label_key, r["label"])) for r in rows]
    return scores, predicted, truth


def _accuracy(truth: Sequence[str], predicted: Sequence[str]) -> float:
    scored = [(t, p) for t, p in zip(truth, predicted, strict=True) if p != CNS and t != CNS]
    return sum(t == p for t, p in scored) / len(scored) if scored else 0.0


def _cross(name: str, spec: Spec, embedder: Embedder | None) -> SetFigures | None:
    data = load_crossset(spec.set_name)
    if data is None or not data["rows"]:
        return None
    scores, predicted, truth = _run(name, spec, list(data["rows"]), embedder)
    return SetFigures(
        set_name=spec.set_name,
        source=str(data.get("source", "")),
        metrics=binary_metrics(truth, predicted, positive=spec.positive),
        accuracy=_accuracy(truth, predicted),
        ece=_ece(scores, truth, spec.positive, spec.fail_labels),
    )


def _benign(name: str, spec: Spec, embedder: Embedder | None) -> BenignFigures | None:
    rows = load_benign()
    if not rows or name.startswith("judge."):
        return None
    from redline.core.analysis.stats import rate_interval

    # ordinary requests: a refusal is not what they expect
    rows = [{**r, "params": {"expect_refusal": False, **(r.get("params") or {})}} for r in rows]
    scorer = spec.build(rows, embedder)
    scores = asyncio.run(scorer.score_batch(_items(rows, judged=False)))
    judged = [s for s in scores if s.outcome is not ScoreOutcome.COULD_NOT_SCORE]
    flagged = sum(bool(s.failed) for s in judged)
    interval = rate_interval(flagged, len(judged))
    return BenignFigures(
        rows=len(rows),
        scored=len(judged),
        flagged=flagged,
        rate=flagged / len(judged) if judged else 0.0,
        rate_low=interval.low,
        rate_high=interval.high,
    )


def validate(
    name: str, *, embedder: Embedder | None = None, labels_dir: Path | None = None
) -> ValidationReport:
    """Score the scorer's validation set (and its cross-set and the benign sets) and compute figures."""
    specs = _specs()
    if name not in specs:
        raise ConfigError(f"no validation set for scorer '{name}' (validated: {', '.join(sorted(specs))})")
    spec = specs[name]
    data = load_set(spec.set_name)
    split = "test" if spec.trained else "all"
    rows = [r for r in data["rows"] if not spec.trained or r.get("split") == "test"]
    scores, predicted, truth = _run(name, spec, rows, embedder)
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
        ece=_ece(scores, truth, spec.positive, spec.fail_labels),
        cross=_cross(name, spec, embedder),
        benign=_benign(name, spec, embedder),
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

    from redline.core.analysis.stats import cohen_kappa

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
