"""Spec hashes (what makes two invocations the same round) and response-cache keys."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from redline.config.settings import TargetConfig
from redline.core.provenance import ModelIdentity
from redline.core.runs.conversation import Conversation, GenerationParams
from redline.engine.cache import CacheKeyer
from redline.engine.spec import Budget, Pacing, RoundSpec, spec_hash, target_fingerprint
from tests.unit.engine.fakes import ComplianceScorer, FakeTarget

IDENTITY = ModelIdentity(provider="openai-compat", name="m")


def _spec(**changes: Any) -> RoundSpec:
    base = RoundSpec(
        target=TargetConfig(kind="openai-compat", model="m", base_url="http://127.0.0.1:1/v1"),
        target_name="sys",
        cases=[],
        cases_source={"prompts_sha256": "abc"},
        scorers=[ComplianceScorer()],
    )
    return replace(base, **changes)


def _hash(spec: RoundSpec) -> str | None:
    return spec_hash(spec, target_fp=target_fingerprint(spec, IDENTITY))


def test_spec_hash_is_stable_and_ignores_how_the_round_runs() -> None:
    h = _hash(_spec())
    assert h == _hash(_spec())
    assert h == _hash(_spec(pacing=Pacing(concurrency=99), budget=Budget(max_requests=3), use_cache=False))


@pytest.mark.parametrize(
    "change",
    [
        {"cases_source": {"prompts_sha256": "def"}},
        {"seed": 1},
        {"params": GenerationParams(temperature=0.7)},
        {"scorers": []},
        {"target_name": "other"},
        {
            "target": TargetConfig(
                kind="openai-compat", model="m", base_url="http://127.0.0.1:1/v1", system_prompt="be safe"
            )
        },
    ],
)
def test_spec_hash_changes_with_what_the_round_measures(change: dict[str, object]) -> None:
    assert _hash(_spec(**change)) != _hash(_spec())


def test_no_case_source_means_no_automatic_resume() -> None:
    assert _hash(_spec(cases_source=None)) is None


def test_round_seed_fills_the_generation_seed() -> None:
    assert _spec(seed=5).generation_params().seed == 5
    assert _spec(seed=5, params=GenerationParams(seed=9)).generation_params().seed == 9


def test_a_round_without_plan_must_be_adhoc() -> None:
    with pytest.raises(ValueError, match="ad hoc"):
        _spec(adhoc=False)


def test_target_objects_are_fingerprinted_by_identity() -> None:
    spec = _spec(target=FakeTarget())
    assert target_fingerprint(spec, IDENTITY) != target_fingerprint(
        spec, IDENTITY.model_copy(update={"name": "n"})
    )


def test_cache_key_depends_on_target_parameters_and_conversation() -> None:
    keyer = CacheKeyer("fp1", GenerationParams())
    conv = Conversation.of("hello", system="sys")
    key = keyer.key(conv)
    assert key == CacheKeyer("fp1", GenerationParams()).key(Conversation.of("hello", system="sys"))
    assert key != CacheKeyer("fp2", GenerationParams()).key(conv)
    assert key != CacheKeyer("fp1", GenerationParams(max_tokens=10)).key(conv)
    assert key != keyer.key(Conversation.of("hello"))
    assert len(key) == 64
