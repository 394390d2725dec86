"""Every registered scorer: metadata, a one-line docstring, and no PASS for what it cannot judge."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from redline.config import plugins
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, ErrorKind, Response
from redline.core.runs.scores import ScoreOutcome
from redline.scorers.base import ScoreKind, Scorer
from redline.scorers.registry import GROUP, build_scorer, scorer_infos
from redline.targets.echo import EchoTarget

NAMES = plugins.names(GROUP)


def _build(name: str, judge: EchoTarget) -> Any:
    info = next(i for i in scorer_infos() if i.name == name)
    if not info.needs_judge:
        return build_scorer(name)
    return (
        build_scorer(name, judges=[judge, judge])
        if name == "judge.panel"
        else build_scorer(name, judge=judge)
    )


@pytest.mark.parametrize("name", NAMES)
def test_metadata_and_docstring(name: str) -> None:
    cls = plugins.load(GROUP, name)
    assert cls.name == name
    assert cls.version and isinstance(cls.version, str)
    assert ScoreKind(cls.kind)
    doc = (cls.__doc__ or "").strip()
    assert doc and doc.splitlines()[0].endswith("."), f"{name} needs a one-line docstring"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "response",
    [Response(error=ErrorKind.SERVER_ERROR), Response(text="", error=None), Response(text="x", blocked=True)],
)
def test_unjudgeable_responses_are_could_not_score(
    name: str, response: Response, fake_judge: EchoTarget
) -> None:
    scorer = _build(name, fake_judge)
    assert isinstance(scorer, Scorer)
    case = AttackCase(id="c", technique="t", seed_id="s", conversation=Conversation.of("q"), objective="q")
    score = asyncio.run(scorer.score(case, response))
    assert score.outcome is ScoreOutcome.COULD_NOT_SCORE and score.scorer == name
    assert score.provenance is not None and score.provenance.component == name


def test_judge_scorers_refuse_to_build_without_a_judge() -> None:
    from redline.core.errors import ConfigError

    with pytest.raises(ConfigError, match="needs a judge target"):
        build_scorer("judge.harm")
