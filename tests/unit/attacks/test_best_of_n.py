"""Best-of-N: augmented samples of the request, judged until one succeeds; resumable sample by sample."""

from __future__ import annotations

import random

from redline.attacks.multi_turn.best_of_n import BestOfN, BestOfNParams, augment
from redline.attacks.multi_turn.records import AttackBudget, AttackTranscript, StopReason, TurnRecord
from redline.attacks.registry import technique_classes
from redline.attacks.templating import as_request
from redline.core.runs.cases import AttackCase, Seed
from redline.core.runs.conversation import Conversation, GenerationParams, Response
from redline.targets.echo import EchoTarget
from tests.unit.attacks.scripted import OBJECTIVE, KeywordJudge, run


class GivesInOnCall(EchoTarget):
    """Refuses until its `n`th call, then leaks the secret."""

    def __init__(self, n: int) -> None:
        super().__init__(reply="No.")
        self.n = n

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        await super().send(conversation, params=params)
        return Response(text="RECIPE: flour" if len(self.calls) >= self.n else "No.")


def case_and_params(max_turns: int = 2, max_branches: int = 3) -> tuple[AttackCase, BestOfNParams]:
    params = BestOfNParams(budget=AttackBudget(max_turns=max_turns, max_branches=max_branches))
    (case,) = BestOfN().expand(Seed(id="s1", text=OBJECTIVE), params, rng=random.Random(3))
    return case, params


def attack(
    target: EchoTarget,
    case: AttackCase,
    params: BestOfNParams,
    *,
    recorder: list[TurnRecord] | None = None,
    resume: AttackTranscript | None = None,
) -> AttackTranscript:
    return run(
        BestOfN().run(
            case,
            target=target,
            attacker=None,
            judge=KeywordJudge(),
            params=params,
            recorder=None if recorder is None else recorder.append,
            resume=resume,
        )
    )


def test_augment_keeps_the_length_changes_the_text_and_is_reproducible() -> None:
    text = as_request(OBJECTIVE)
    a = augment(text, sigma=0.4, rng=random.Random(1))
    assert a == augment(text, sigma=0.4, rng=random.Random(1)) != text
    assert len(a) == len(text) and a != augment(text, sigma=0.4, rng=random.Random(2))
    assert augment(text, sigma=0.0, rng=random.Random(1)) == text
    noisy = augment(text, sigma=1.0, rng=random.Random(1))
    assert all(
        x.lower() != y.lower() for x, y in zip(noisy, text, strict=True) if x.isalpha() and y.isalpha()
    )


def test_it_is_registered_as_an_attacker_loop() -> None:
    assert technique_classes()["best-of-n"] is BestOfN


def test_samples_stop_at_the_first_judged_success() -> None:
    case, params = case_and_params()
    target, recorded = GivesInOnCall(4), list[TurnRecord]()
    tr = attack(target, case, params, recorder=recorded)
    assert tr.success and tr.stop_reason is StopReason.SUCCESS and tr.best_index == 3
    assert list(tr.turns) == recorded and len(target.calls) == 4
    assert [(t.stream, t.depth) for t in recorded] == [("b0", 1), ("b1", 1), ("b2", 1), ("b0", 2)]
    prompts = [c.last_user_text for c in target.calls]
    assert len(set(prompts)) == 4 and as_request(OBJECTIVE) not in prompts
    assert all(len(p) == len(as_request(OBJECTIVE)) for p in prompts)


def test_a_model_that_holds_gets_all_n_samples() -> None:
    case, params = case_and_params(max_turns=2, max_branches=3)
    tr = attack(EchoTarget(reply="No."), case, params)
    assert tr.stop_reason is StopReason.TURNS and not tr.success and len(tr.turns) == 6


def test_a_resumed_search_sends_the_samples_an_uninterrupted_one_would_have() -> None:
    case, params = case_and_params(max_turns=2, max_branches=3)
    whole = attack(EchoTarget(reply="No."), case, params)
    head = AttackTranscript(
        technique="best-of-n", objective=OBJECTIVE, turns=whole.turns[:2], stop_reason=StopReason.TURNS
    )
    target = EchoTarget(reply="No.")
    more = attack(target, case, params, resume=head)
    assert [c.last_user_text for c in target.calls] == [t.prompt for t in whole.turns[2:]]
    assert more.turns == whole.turns


def test_sigma_is_read_from_the_techniques_parameters() -> None:
    case, params = case_and_params(max_turns=1, max_branches=2)
    target = EchoTarget(reply="No.")
    attack(target, case, params.model_copy(update={"sigma": 0.0}))
    assert [c.last_user_text for c in target.calls] == [as_request(OBJECTIVE)] * 2


def test_best_of_n_runs_in_rounds_without_an_attacker_model_and_pair_does_not() -> None:
    import pytest

    from redline.attacks.multi_turn.pair import Pair
    from redline.core.errors import ConfigError
    from redline.engine.loops import AttackerLoop, loop_of

    loop = loop_of(BestOfN, attacker=None, judge=KeywordJudge())
    assert isinstance(loop, AttackerLoop) and loop.attacker is None
    with pytest.raises(ConfigError, match="attacker"):
        loop_of(Pair, attacker=None, judge=KeywordJudge())
