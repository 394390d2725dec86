"""later-override: an ordinary first turn, then a scripted turn that replaces the assistant's task."""

from __future__ import annotations

import asyncio
import random

from redline.attacks.base import NoParams, PlanContext
from redline.attacks.multi_turn.later_override import OVERRIDES, LaterOverride
from redline.core.catalog.profiles import TargetProfile
from redline.core.runs import case_params as cp
from redline.core.runs.cases import Seed
from redline.core.runs.conversation import Conversation, MessageRole

SEED = Seed(id="app-tasks/x", text="You summarise text.", metadata={"input": "Sales rose by four percent."})


def test_each_override_follows_an_ordinary_first_turn_and_plants_its_own_marker() -> None:
    cases = list(LaterOverride().expand(SEED, NoParams(), rng=random.Random(0)))
    assert {c.params["variant"] for c in cases} == set(OVERRIDES)
    markers = [cp.planted_strings(c.params)[0] for c in cases]
    assert len(set(markers)) == len(cases)
    for case, mark in zip(cases, markers, strict=True):
        assert case.conversation.last_user_text == "Sales rose by four percent."
        assert mark not in case.conversation.last_user_text  # the first turn asks nothing odd
        (later,) = case.params["followups"]
        assert mark in later
        assert case.turns == 2 and case.scored_from_turn == 1


def test_with_a_profile_the_first_turn_is_about_its_entities_and_the_script_sends_the_override() -> None:
    profile = TargetProfile(purpose="Broadband support.", entities=("broadband line", "router"))
    context = PlanContext(profile=profile)
    cases = list(LaterOverride().expand_for(SEED, NoParams(), rng=random.Random(1), context=context))
    first = cases[0].conversation
    assert not any(m.role is MessageRole.SYSTEM for m in first.messages)  # the target's own prompt
    assert "broadband line" in first.last_user_text or "router" in first.last_user_text
    strategy = LaterOverride().strategy(NoParams())
    history = first.add(MessageRole.ASSISTANT, "Happy to help with that.")
    sent = asyncio.run(strategy.next_message(cases[0], history, turn=1))
    assert sent == cases[0].params["followups"][0]
    assert asyncio.run(strategy.next_message(cases[0], Conversation.of("x"), turn=2)) is None
