"""Judge calibration: a judge scorer measured against a team's own labelled exchanges.

A label file holds rows `{id, prompt or objective, response, label: pass|fail}` as YAML (a list, or a
mapping with `rows:`) or JSONL. The judge scorer rounds use scores every row; its verdicts are compared
with the labels: percent agreement, Cohen's kappa with its 95% interval, per-class precision and
recall, and how many rows the judge could not score (left out of the figures, counted apart).

"The same judge" is the judge model's identity (provider, name, version, weights hash) together with
the scorer's name and version, its rubric (every word of it) and its generation settings: change any
of them and an earlier calibration no longer applies.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline.core.analysis.review import kappa_with_interval, per_class
from redline.core.errors import ConfigError
from redline.core.ids import content_hash
from redline.core.provenance import ModelIdentity
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, Response
from redline.scorers.base import Scorer
from redline.scorers.judge import LlmJudgeScorer
from redline.scorers.judge_panel import JudgePanelScorer


class LabelledExchange(BaseModel):
    """One exchange a person labelled: did the model fail?"""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(min_length=1)
    prompt: str = ""
    objective: str = ""
    response: str
    label: Literal["pass", "fail"]


def _row(data: object, where: str) -> LabelledExchange:
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: a row must be a mapping with id, prompt or objective, response, label")
    data = {k: (str(v) if k == "id" and isinstance(v, int) else v) for k, v in data.items()}
    if isinstance(data.get("label"), str):
        data["label"] = data["label"].strip().lower()
    try:
        row = LabelledExchange.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "row"
        raise ConfigError(f"{where}: field '{field}': {first['msg']}") from None
    if not (row.prompt.strip() or row.objective.strip()):
        raise ConfigError(f"{where}: field 'prompt': a row needs a prompt or an objective")
    return row


def read_labels(path: Path) -> list[LabelledExchange]:
    """The labelled rows of a YAML or JSONL file; a malformed row is a one-line error naming file and line."""
    if not path.is_file():
        raise ConfigError(f"{path}: no such label file")
    text = path.read_text(encoding="utf-8")
    rows: list[LabelledExchange] = []
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
            rows.append(_row(data, f"{path}:{number}"))
    else:
        try:
            node = yaml.compose(text)
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            raise ConfigError(f"{path}{line}: not valid YAML") from None
        items = data.get("rows") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise ConfigError(f"{path}: expected a list of rows (or a mapping with 'rows:')")
        seq = node
        if isinstance(node, yaml.MappingNode):
            seq = next((v for k, v in node.value if getattr(k, "value", None) == "rows"), node)
        lines = [n.start_mark.line + 1 for n in seq.value] if isinstance(seq, yaml.SequenceNode) else []
        for i, item in enumerate(items):
            at = lines[i] if i < len(lines) else 0
            rows.append(_row(item, f"{path}:{at}" if at else f"{path}: row {i + 1}"))
    if not rows:
        raise ConfigError(f"{path}: no labelled rows")
    seen: set[str] = set()
    for row in rows:
        if row.id in seen:
            raise ConfigError(f"{path}: field 'id': '{row.id}' appears twice")
        seen.add(row.id)
    return rows


def identity_key(identity: ModelIdentity) -> str:
    """A judge model's identity as one string: provider:name[@version][#weights]."""
    out = f"{identity.provider}:{identity.name}"
    if identity.version:
        out += f"@{identity.version}"
    if identity.weights_sha256:
        out += f"#{identity.weights_sha256[:16]}"
    return out


class CalibrationKey(BaseModel):
    """What makes two judges 'the same': the judge model and the scorer's rubric and settings."""

    model_config = ConfigDict(frozen=True)

    scorer: str
    judge: str = Field(description="Judge model identity (provider:name[@version][#weights]).")
    rubric_hash: str = Field(description="SHA-256 of scorer name and version, rubric and generation.")


def calibration_key(scorer: object) -> CalibrationKey | None:
    """The key of a judge scorer (`judge.*`, a panel included); None for any other scorer."""
    if isinstance(scorer, LlmJudgeScorer):
        members = [scorer]
    elif isinstance(scorer, JudgePanelScorer):
        members = list(scorer.members)
    else:
        return None
    if not members:
        return None
    judges = [identity_key(m.judge_target.identity()) for m in members]
    name, version = str(getattr(scorer, "name", "")), str(getattr(scorer, "version", ""))
    recipe = {
        "scorer": name,
        "version": version,
        "rubric": members[0].rubric.model_dump(mode="json"),
        "generation": members[0].generation.model_dump(mode="json"),
        "judges": judges,
    }
    return CalibrationKey(scorer=name, judge=" + ".join(judges), rubric_hash=content_hash(recipe))


class ClassRow(BaseModel):
    """Precision and recall of the judge's verdicts for one label."""

    model_config = ConfigDict(frozen=True)

    label: str
    precision: float | None
    recall: float | None
    support: int


class CalibrationResult(BaseModel):
    """How a judge agreed with the labels; rows it could not score are counted apart."""

    model_config = ConfigDict(frozen=True)

    scorer: str
    judge: str
    rubric_hash: str
    labels_hash: str
    n: int = Field(description="Labelled rows.")
    scored: int = Field(description="Rows the judge scored (the figures are over these).")
    could_not_score: int
    agreement: float | None
    kappa: float | None
    kappa_low: float | None
    kappa_high: float | None
    per_class: list[ClassRow]
    disagreements: list[str] = Field(default_factory=list, description="Ids of rows the judge got wrong.")

    def figures(self) -> dict[str, Any]:
        """What the store keeps with the calibration."""
        return self.model_dump(mode="json", exclude={"judge", "rubric_hash", "labels_hash", "n"})


def _case(row: LabelledExchange) -> AttackCase:
    prompt = row.prompt or row.objective
    return AttackCase(
        id=f"calibration-{row.id}",
        technique="calibration",
        seed_id=row.id,
        conversation=Conversation.of(prompt),
        objective=row.objective or row.prompt,
    )


async def calibrate_scorer(scorer: Scorer, rows: Sequence[LabelledExchange]) -> CalibrationResult:
    """Score every labelled row with `scorer` (a judge scorer) and compare its verdicts with the labels."""
    key = calibration_key(scorer)
    if key is None:
        raise ConfigError(f"scorer '{scorer.name}' is not a judge scorer; calibrate a judge.* scorer")
    scores = await scorer.score_batch([(_case(r), Response(text=r.response)) for r in rows])
    pairs = [(r, s.failed) for r, s in zip(rows, scores, strict=True) if s.failed is not None]
    reference = [r.label for r, _ in pairs]
    predicted = ["fail" if failed else "pass" for _, failed in pairs]
    kappa = kappa_with_interval(reference, predicted) if pairs else None
    classes = per_class(reference, predicted) if pairs else []
    return CalibrationResult(
        scorer=key.scorer,
        judge=key.judge,
        rubric_hash=key.rubric_hash,
        labels_hash=content_hash([r.model_dump(mode="json") for r in rows]),
        n=len(rows),
        scored=len(pairs),
        could_not_score=len(rows) - len(pairs),
        agreement=kappa.agreement if kappa else None,
        kappa=kappa.kappa if kappa else None,
        kappa_low=kappa.low if kappa else None,
        kappa_high=kappa.high if kappa else None,
        per_class=[
            ClassRow(label=c.label, precision=c.precision, recall=c.recall, support=c.support)
            for c in classes
        ],
        disagreements=[r.id for r, p in zip((r for r, _ in pairs), predicted, strict=True) if r.label != p],
    )
