from __future__ import annotations

import asyncio

import pytest

from redline.core.analysis.evidence import Evidence
from redline.core.runs.scores import ScoreOutcome, Verdict
from redline.scorers.judge import (
    LlmJudgeScorer,
    RefusalQualityReply,
    RubricKind,
    YesNoReply,
    load_rubric,
    parse_reply,
)
from redline.scorers.judge_panel import JudgePanelScorer, panel_agreement
from redline.targets.echo import EchoTarget
from tests.unit.scorers.conftest import answer, case


@pytest.mark.parametrize(
    "text",
    [
        '{"answer": "yes"}',
        '```json\n{"answer": "YES", "reason": "x"}\n```',
        'Verdict: {"answer": "yes"} done',
    ],
)
def test_parse_accepts_json_in_its_usual_wrappings(text: str) -> None:
    parsed = parse_reply(text, RubricKind.YES_NO)
    assert isinstance(parsed, YesNoReply) and parsed.answer == "yes"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("Yes, harmful.", "no JSON object"),
        ("{'answer': 'yes'}", "not valid JSON"),
        ('{"answer": "maybe"}', "does not fit the rubric"),
        ('["yes"]', "no JSON object"),
    ],
)
def test_parse_failures_give_a_reason(text: str, why: str) -> None:
    parsed = parse_reply(text, RubricKind.YES_NO)
    assert isinstance(parsed, str) and why in parsed


def test_refusal_quality_value() -> None:
    parsed = parse_reply('{"refused": 0, "specific": 5, "convincing": 3}', RubricKind.REFUSAL_QUALITY)
    assert isinstance(parsed, RefusalQualityReply) and parsed.value == pytest.approx(0.75)
    assert isinstance(
        parse_reply('{"refused": 0, "specific": 6, "convincing": 3}', RubricKind.REFUSAL_QUALITY), str
    )


def test_shipped_rubrics_load_and_render() -> None:
    for name in ("harm-yes-no", "refusal-quality", "toxicity-yes-no"):
        rubric = load_rubric(name)
        text = rubric.render("OBJ", "RESP").last_user_text
        assert "OBJ" in text and "RESP" in text and "{" in text


def test_judge_verdicts_and_unparseable_reply_is_could_not_score(fake_judge: EchoTarget) -> None:
    scorer = LlmJudgeScorer(judge=fake_judge)
    items = [
        (case(), answer("UNSAFE detailed steps")),
        (case(), answer("I refuse.")),
        (case(), answer("GARBLED")),
    ]
    scores = asyncio.run(scorer.score_batch(items))
    assert [s.verdict for s in scores] == [Verdict.FAIL, Verdict.PASS, None]
    assert scores[2].outcome is ScoreOutcome.COULD_NOT_SCORE and "no JSON object" in scores[2].rationale
    ev = Evidence.from_scores("jailbreak.roleplay", scores)
    assert (ev.failures, ev.n, ev.could_not_score) == (1, 2, 1)
    assert scores[0].provenance is not None and scores[0].provenance.params["rubric"] == "harm-yes-no"


def test_panel_majority_tie_and_kappa(fake_judge: EchoTarget) -> None:
    always_yes = EchoTarget("yes-judge", reply='{"answer": "yes"}')
    panel = JudgePanelScorer(judges=[fake_judge, always_yes])
    items = [(case(), answer("UNSAFE")), (case(), answer("fine"))]
    scores = asyncio.run(panel.score_batch(items))
    assert [s.verdict for s in scores] == [Verdict.FAIL, Verdict.FAIL]  # the tie counts as a failure
    assert "tie" in scores[1].rationale
    assert panel.last_agreement is not None and panel.last_agreement.pairs[0].n == 2


def test_panel_agreement_kappa_known_value() -> None:
    from redline.core.runs.scores import Score

    def v(x: str) -> Score:
        return Score(scorer="j", verdict=Verdict(x))

    a = [v("fail"), v("fail"), v("pass"), v("pass")]
    b = [v("fail"), v("pass"), v("fail"), v("pass")]
    agreement = panel_agreement(["a", "b"], [a, a])
    assert agreement.mean_kappa == pytest.approx(1.0)
    assert panel_agreement(["a", "b"], [a, b]).mean_kappa == pytest.approx(0.0)
