"""docs/ci.md's GitHub Actions workflow: every `redline ...` line parses with the real command line, and
the workflow triggers on model changes, uploads SARIF and lets the gate's exit status fail the build."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from redline.cli.main import app

PAGE = Path(__file__).resolve().parents[2] / "docs" / "ci.md"
SHELL_OPERATORS = {">", ">>", "|", "&&", "||", ";", "2>", "2>&1"}


def workflow() -> dict[str, Any]:
    """The YAML block under '## The workflow'."""
    text = PAGE.read_text(encoding="utf-8")
    section = text.split("## The workflow", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block, "docs/ci.md has a yaml block under '## The workflow'"
    data = yaml.safe_load(block.group(1))
    assert isinstance(data, dict)
    return data


def steps() -> list[dict[str, Any]]:
    (job,) = workflow()["jobs"].values()
    found: list[dict[str, Any]] = job["steps"]
    return found


def redline_lines() -> list[str]:
    """Every command line of a `run:` step that calls redline (continuation lines joined)."""
    lines: list[str] = []
    for step in steps():
        script = str(step.get("run", "")).replace("\\\n", " ")
        lines.extend(line.strip() for line in script.splitlines() if line.strip().startswith("redline "))
    return lines


def argv(line: str) -> list[str]:
    """The arguments redline gets: shell variables and substitutions stand for plain words."""
    line = re.sub(r'"\$\((.*?)\)"', "VALUE", line)
    line = re.sub(r"\$\{\{.*?\}\}|\$\{?[A-Za-z_][A-Za-z0-9_:]*\}?", "VALUE", line)
    words = shlex.split(line)
    for i, word in enumerate(words):
        if word in SHELL_OPERATORS:
            words = words[:i]
            break
    assert words[0] == "redline"
    return words[1:]


def parse(args: list[str]) -> tuple[str, dict[str, Any]]:
    """Resolve the sub-command and parse its options as `redline` would (raises on any usage error)."""
    command: Any = typer.main.get_command(app)
    ctx = command.make_context("redline", list(args))
    path = []
    while hasattr(command, "resolve_command"):
        rest = [*getattr(ctx, "_protected_args", []), *ctx.args]
        name, command, rest = command.resolve_command(ctx, rest)
        path.append(name)
        ctx = command.make_context(name, rest, parent=ctx)
    return " ".join(path), dict(ctx.params)


def test_the_workflow_has_redline_commands() -> None:
    assert [parse(argv(line))[0] for line in redline_lines()] == [
        "round run",
        "finding propose",
        "report",
        "gate check",
    ]


@pytest.mark.parametrize("line", redline_lines())
def test_each_redline_line_parses_with_the_real_command_line(line: str) -> None:
    parse(argv(line))


def test_the_checker_catches_a_wrong_flag() -> None:
    with pytest.raises(Exception, match="No such option"):
        parse(argv('redline gate check --release "chat@$RELEASE" --polcy ci'))
    with pytest.raises(Exception, match="Missing parameter"):
        parse(argv("redline gate check --policy ci"))


def test_it_runs_on_model_changes_and_tags() -> None:
    flow: dict[Any, Any] = workflow()
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers is not None
    assert "models/**" in triggers["push"]["paths"] and triggers["push"]["tags"]
    assert "models/**" in triggers["pull_request"]["paths"]


def test_sarif_is_written_and_uploaded_and_the_gate_fails_the_build() -> None:
    by_name = {str(s.get("uses") or s.get("name")): s for s in steps()}
    upload = by_name["github/codeql-action/upload-sarif@v3"]
    (report,) = [line for line in redline_lines() if line.startswith("redline report")]
    _, params = parse(argv(report))
    assert params["fmt"] == "sarif" and str(params["output"]) == upload["with"]["sarif_file"]
    assert "always" in upload["if"] or "failure()" in upload["if"]
    gate = steps()[-1]
    assert str(gate["run"]).startswith("redline gate check") and "continue-on-error" not in gate
    assert "security-events" in workflow()["permissions"]
