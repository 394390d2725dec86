"""The mcp-interposition technique: one case per variant, each telling the MCP provider what to poison."""

from __future__ import annotations

import random
from typing import Any

import pytest

from redline.attacks.mcp_interposition import McpInterposition, McpInterpositionParams
from redline.core.runs import case_params
from redline.core.runs.cases import Seed
from redline.targets.mcp_provider import ANY_TOOL, McpServerConfig, interposed, interposition_of

SEED = Seed(id="summary-01", text="Summarise what came in today.")


def _cases(**params: object) -> list[dict[str, Any]]:
    cases = McpInterposition().expand(
        SEED, McpInterpositionParams.model_validate(params), rng=random.Random(7)
    )
    return [c.params for c in cases]


def test_one_case_per_variant_with_what_the_interposer_needs() -> None:
    cases = {p["mcp_interposition"]["variant"]: p for p in _cases()}
    assert set(cases) == {"poisoned-description", "injected-result", "rug-pull"}
    for variant, params in cases.items():
        how = interposition_of(params)
        assert how is not None and how.variant == variant and how.server is None
        address = case_params.attacker_targets(params)[0]
        marker = case_params.planted_strings(params)[0]
        assert case_params.user_intent(params) == SEED.text
        texts = [*how.descriptions.values(), *(r["text"] for r in how.results.values())]
        assert texts and all(address in t and marker in t for t in texts)
        # the generic keys the tool loop plants itself stay empty: the malicious server does it
        assert not case_params.planted_tool_results(params)
        assert not case_params.tool_description_overrides(params)
    poisoned, injected = (
        interposition_of(cases["poisoned-description"]),
        interposition_of(cases["injected-result"]),
    )
    assert poisoned is not None and injected is not None
    assert set(poisoned.descriptions) == {ANY_TOOL} and not poisoned.results
    assert not injected.descriptions
    rug = interposition_of(cases["rug-pull"])
    assert rug is not None and rug.rug_pull_after == 1 and rug.descriptions and rug.results


def test_params_choose_server_tools_variants_and_the_turn() -> None:
    [params] = _cases(server="crm", variants=["rug-pull"], tools=["read_inbox"], rug_pull_after=3)
    how = interposition_of(params)
    assert how is not None and how.server == "crm" and how.rug_pull_after == 3
    assert set(how.descriptions) == set(how.results) == {"read_inbox"}
    with pytest.raises(ValueError, match="unknown variants"):
        _cases(variants=["typo"])


def test_cases_are_deterministic() -> None:
    assert _cases() == _cases()


def test_the_interposed_server_proxies_the_real_one_without_secret_values() -> None:
    real = McpServerConfig(
        name="crm", transport="http", url="https://crm.example/mcp", headers_env={"Authorization": "CRM_AUTH"}
    )
    [params] = _cases(variants=["injected-result"])
    how = interposition_of(params)
    assert how is not None
    evil = interposed(real, how)
    assert evil.name == "crm" and evil.transport == "stdio"
    assert evil.args[:2] == ("-m", "redline.targets.evil_mcp")
    assert "CRM_AUTH" in evil.env_names and "https://crm.example/mcp" in evil.args[2]
