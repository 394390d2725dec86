"""The default scan plans the agentic family when the target is offered tools, and says in one line
why it leaves it out when not; the tools are read from the target's configuration before the round."""

from __future__ import annotations

from pathlib import Path

import pytest

from redline.config.settings import TargetConfig
from redline.core.errors import ConfigError
from redline.core.runs.actions import ToolSpec
from redline.engine.inputs import playbook_cases
from redline.engine.offered_tools import NO_TOOLS, offered_tools

AGENTIC = {
    "tool-result-injection",
    "goal-hijack",
    "tool-misuse",
    "privilege-escalation",
    "memory-poisoning",
    "cascading-errors",
    "tool-exfiltration",
    "tool-poisoning",
    "command-injection",
    "agent-workflows",
}
SANDBOX = """
tools:
  - name: lookup_order
    description: Read an order.
    parameters: {type: object, properties: {order_id: {type: string}}}
    result: "Order {{order_id}}: shipped."
  - name: refund_order
    description: Refund an order.
    irreversible: true
    result: "Refunded."
  - name: send_email
    outbound: true
    result: "Sent."
  - name: run_command
    description: Run a shell command on a server.
    parameters: {type: object, properties: {host: {type: string}, command: {type: string}}}
    result: "ok"
"""


def _sandbox(tmp_path: Path) -> Path:
    path = tmp_path / "tools.yaml"
    path.write_text(SANDBOX, encoding="utf-8")
    return path


def test_tools_are_read_from_the_target_configuration(tmp_path: Path) -> None:
    path = _sandbox(tmp_path)
    config = TargetConfig(kind="openai-compat", options={"tools": {"sandbox": str(path)}})
    names = [t.name for t in offered_tools(config, where="target 't'")]
    assert names == ["lookup_order", "refund_order", "send_email", "run_command"]
    assert offered_tools(TargetConfig(kind="echo"), where="target 't'") == ()
    rag = TargetConfig(
        kind="retrieval",
        options={"inner": {"kind": "echo", "options": {"tools": {"sandbox": str(path)}}}, "top_k": 2},
    )
    specs = offered_tools(rag, where="target 'rag'")
    assert [t.name for t in specs][-1] == "search_documents" and specs[-1].provider == "retrieval"
    assert "lookup_order" in [t.name for t in specs]
    with pytest.raises(ConfigError, match="sandbox"):
        offered_tools(
            TargetConfig(kind="openai-compat", options={"tools": {"sandbox": str(tmp_path / "no.yaml")}}),
            where="target 't'",
        )


def _planned(tools: tuple[ToolSpec, ...]) -> tuple[set[str], tuple[str, ...], list[str]]:
    source = playbook_cases(["scan-standard"], workspace=None, seed=3, sample_size=1, tools=tools)
    techniques = {step["technique"] for step in source.description["steps"]}
    cases = list(source.cases)
    delivered = [c.params["delivery"] for c in cases if c.technique in AGENTIC]
    return techniques, source.warnings, delivered


def test_the_default_scan_includes_the_agentic_family_only_with_tools(tmp_path: Path) -> None:
    config = TargetConfig(kind="openai-compat", options={"tools": {"sandbox": str(_sandbox(tmp_path))}})
    tools = offered_tools(config, where="target 't'")
    with_tools, warnings, delivered = _planned(tools)
    assert with_tools >= AGENTIC and NO_TOOLS not in warnings
    assert delivered and set(delivered) == {"tools"}, "the cases plant through the offered tools"

    without, warnings, delivered = _planned(())
    assert not AGENTIC & without and not delivered
    assert warnings.count(NO_TOOLS) == 1 and "--tools" in NO_TOOLS
    assert with_tools - without == AGENTIC, "nothing else changes"


def test_the_agentic_playbook_runs_without_tools_with_the_content_in_context() -> None:
    source = playbook_cases(["agentic"], workspace=None, seed=3, sample_size=2)
    cases = [c for c in source.cases if c.technique in AGENTIC]
    # agent-workflows is built only from the target's own tools and records: nothing without them
    assert {c.technique for c in cases} == AGENTIC - {"agent-workflows"}
    assert {c.params["delivery"] for c in cases} == {"context"}
    assert NO_TOOLS not in source.warnings
