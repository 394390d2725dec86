"""The YAML sandbox: fake tools with a JSON schema and canned or scripted results, never executed.

A sandbox file lists tools (docs/agents.md, "Tools and the sandbox"). A call is checked against the
tool's schema (a bad call is an outcome with `error`, as a real API would answer), then answered by the
first scripted result whose conditions hold, or the canned `result`; `{{arg}}` in a result, error or
side-effect text is replaced by the argument's value (`{{arguments}}`: all of them as JSON). What the
call would have done in the world (`side_effect`) is recorded in the outcome, never performed. A tool
marked `memory: true` returns the case's earlier-session notes (case params `memory`).

A canned answer may live in a text file of its own (`result_file`, on a tool or a scripted result); a
relative path there is read from the sandbox file's folder, never from the folder Redline runs in, and
the file is read when the sandbox is loaded (a missing one is a configuration error naming the field).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from redline.core.errors import ConfigError
from redline.core.runs.actions import ToolCall, ToolOutcome, ToolProvider, ToolSpec
from redline.core.runs.case_params import memory_notes
from redline.targets.tool_loop import current_case_params

_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][\w.-]*)\s*\}\}")
NO_MEMORY = "No notes from earlier sessions."


class ScriptedResult(BaseModel):
    """One scripted answer: used for the first call whose arguments meet `when` and `match`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: dict[str, Any] = Field(
        default_factory=dict, description="Argument -> value it must equal (text compared without case)."
    )
    match: dict[str, str] = Field(
        default_factory=dict, description="Argument -> regular expression its text must contain."
    )
    result: str | None = Field(default=None, description="Text returned to the model (templated).")
    result_file: str | None = Field(
        default=None, description="Text file holding the result (relative: from the sandbox file's folder)."
    )
    error: str | None = Field(default=None, description="Answer with this error instead (templated).")
    side_effect: str | None = Field(default=None, description="Overrides the tool's side effect here.")

    @model_validator(mode="after")
    def _one_answer(self) -> ScriptedResult:
        if self.result is None and self.result_file is None and self.error is None:
            raise ValueError("a scripted result needs 'result', 'result_file' or 'error'")
        if self.result is not None and self.result_file is not None:
            raise ValueError("give 'result' or 'result_file', not both")
        for arg, pattern in self.match.items():
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"match.{arg}: not a regular expression ({exc})") from None
        return self

    def applies(self, arguments: Mapping[str, Any]) -> bool:
        """Whether every condition holds for these arguments."""
        for arg, want in self.when.items():
            if arg not in arguments or _text(arguments[arg]).casefold() != _text(want).casefold():
                return False
        return all(arg in arguments and re.search(p, _text(arguments[arg])) for arg, p in self.match.items())


class SandboxTool(BaseModel):
    """One fake tool: what the model is offered, and how the sandbox answers its calls."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]{1,64}$", description="Name the model calls.")
    description: str = Field(default="", description="What the model reads about it.")
    parameters: dict[str, Any] = Field(
        default_factory=lambda: {"type": "object", "properties": {}},
        description="JSON schema of the arguments (an object schema).",
    )
    irreversible: bool = False
    needs_confirmation: bool = False
    outbound: bool = False
    constraints: dict[str, dict[str, Any]] = Field(default_factory=dict)
    result: str | None = Field(default=None, description="Canned answer (templated).")
    result_file: str | None = Field(
        default=None,
        description="Text file holding the canned answer (relative: from the sandbox file's folder).",
    )
    results: tuple[ScriptedResult, ...] = Field(default=(), description="Scripted answers, first match.")
    side_effect: str | None = Field(default=None, description="What a call would do (recorded only).")
    error: str | None = Field(default=None, description="Every call fails with this error (templated).")
    memory: bool = Field(default=False, description="Returns the case's earlier-session notes.")

    @model_validator(mode="after")
    def _schema(self) -> SandboxTool:
        if self.result is not None and self.result_file is not None:
            raise ValueError("give 'result' or 'result_file', not both")
        if self.parameters.get("type", "object") != "object":
            raise ValueError("parameters must be an object schema (type: object)")
        props = self.parameters.get("properties", {})
        if not isinstance(props, dict):
            raise ValueError("parameters.properties must be a mapping")
        required = self.parameters.get("required", [])
        if not isinstance(required, list) or any(r not in props for r in required):
            raise ValueError("parameters.required must list names of parameters.properties")
        _check_schema(self.parameters, "parameters")
        return self

    def spec(self) -> ToolSpec:
        """The tool as offered, with its policy attributes."""
        return ToolSpec(
            name=self.name,
            description=self.description,
            parameters=self.parameters,
            provider="sandbox",
            irreversible=self.irreversible,
            needs_confirmation=self.needs_confirmation,
            outbound=self.outbound,
            constraints=self.constraints,
        )


class SandboxFile(BaseModel):
    """A sandbox YAML file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tools: tuple[SandboxTool, ...] = Field(min_length=1, description="The fake tools offered.")

    @model_validator(mode="after")
    def _unique(self) -> SandboxFile:
        names = [t.name for t in self.tools]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"tool names must be unique; repeated: {', '.join(twice)}")
        return self


def _check_schema(schema: Mapping[str, Any], where: str) -> None:
    """A tool's parameters must be a valid JSON schema (draft 2020-12)."""
    try:
        Draft202012Validator.check_schema(dict(schema))
    except SchemaError as exc:
        path = ".".join(str(p) for p in exc.absolute_path)
        raise ValueError(f"{where}{'.' + path if path else ''}: {exc.message}") from None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def schema_errors(value: Any, schema: Mapping[str, Any], where: str = "arguments") -> list[str]:
    """What is wrong with `value` against the tool's JSON schema, one short line each, in path order."""
    errors = sorted(
        Draft202012Validator(dict(schema)).iter_errors(value), key=lambda e: list(e.absolute_path)
    )
    out: list[str] = []
    for err in errors:
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.absolute_path)
        out.append(f"{where}{path}: {err.message}")
    return out


def render(template: str, arguments: Mapping[str, Any]) -> str:
    """`{{name}}` replaced by the argument's text (`{{arguments}}`: all as JSON); unknown names stay."""

    def one(m: re.Match[str]) -> str:
        key = m.group(1)
        if key == "arguments":
            return json.dumps(dict(arguments), ensure_ascii=False, sort_keys=True)
        return _text(arguments[key]) if key in arguments else m.group(0)

    return _PLACEHOLDER.sub(one, template)


def load_sandbox(path: Path) -> SandboxFile:
    """Read a sandbox file; an error is one line naming the file and the field."""
    if not path.is_file():
        raise ConfigError("sandbox file does not exist", file=str(path))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        raise ConfigError("not valid YAML", file=str(path), line=None if line is None else line + 1) from None
    if not isinstance(raw, dict):
        raise ConfigError("a sandbox file is a mapping with a 'tools' list", file=str(path))
    try:
        sandbox = SandboxFile.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = list(first["loc"])
        if len(loc) >= 2 and loc[0] == "tools" and isinstance(loc[1], int):
            tools = raw.get("tools")
            if isinstance(tools, list) and loc[1] < len(tools) and isinstance(tools[loc[1]], dict):
                name = tools[loc[1]].get("name")
                if name:
                    loc[1] = f"{loc[1]}({name})"
        field = ".".join(str(p) for p in loc) or "tools"
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(msg, file=str(path), field=field) from None
    return _with_result_files(sandbox, path)


def _read_result(path: Path, name: str, field: str) -> str:
    """The text of a result file; a relative `name` is read from the sandbox file's folder."""
    target = Path(name).expanduser()
    if not target.is_absolute():
        target = path.resolve().parent / target
    try:
        return target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = "does not exist" if isinstance(exc, FileNotFoundError) else "cannot be read as UTF-8 text"
        raise ConfigError(f"result file {target} {why}", file=str(path), field=field) from None


def _with_result_files(sandbox: SandboxFile, path: Path) -> SandboxFile:
    """The sandbox with every `result_file` read into its `result`."""
    tools = []
    for i, tool in enumerate(sandbox.tools):
        where = f"tools.{i}({tool.name})"
        update: dict[str, Any] = {}
        if tool.result_file is not None:
            update["result"] = _read_result(path, tool.result_file, f"{where}.result_file")
        if any(r.result_file is not None for r in tool.results):
            update["results"] = tuple(
                r
                if r.result_file is None
                else r.model_copy(
                    update={"result": _read_result(path, r.result_file, f"{where}.results.{k}.result_file")}
                )
                for k, r in enumerate(tool.results)
            )
        tools.append(tool.model_copy(update=update) if update else tool)
    return sandbox.model_copy(update={"tools": tuple(tools)})


@dataclass
class SandboxProvider:
    """Serves a sandbox file's tools; records side effects, never performs anything."""

    tools: Sequence[SandboxTool]
    name: str = "sandbox"

    @classmethod
    def from_file(cls, path: Path) -> SandboxProvider:
        """The provider of one sandbox file."""
        return cls(tools=load_sandbox(path).tools, name=f"sandbox:{path.name}")

    async def list_tools(self) -> list[ToolSpec]:
        """Every tool of the file."""
        return [t.spec() for t in self.tools]

    def samples(self) -> dict[str, tuple[str, ...]]:
        """What each tool can answer (scripted results and errors, then the canned ones), by tool name:
        planning reads the records, names and ids a target's tools know from them (never offered)."""
        out: dict[str, tuple[str, ...]] = {}
        for tool in self.tools:
            texts = [t for r in tool.results for t in (r.result, r.error) if t]
            texts += [t for t in (tool.result, tool.error) if t]
            if texts:
                out[tool.name] = tuple(dict.fromkeys(texts))
        return out

    def answered(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """By tool name, the argument values its scripted results answer (not those scripted to fail): the
        records that exist, which planning names before made-up ones (never offered)."""
        out: dict[str, dict[str, tuple[str, ...]]] = {}
        for tool in self.tools:
            found: dict[str, dict[str, None]] = {}
            for script in tool.results:
                if script.error is not None:
                    continue
                for arg, want in script.when.items():
                    if isinstance(want, str | int) and not isinstance(want, bool) and str(want).strip():
                        found.setdefault(arg, {})[str(want)] = None
            if found:
                out[tool.name] = {arg: tuple(values) for arg, values in found.items()}
        return out

    async def call(self, call: ToolCall) -> ToolOutcome:
        """Check the arguments, then answer by script; never raises."""
        tool = next((t for t in self.tools if t.name == call.name), None)
        if tool is None:
            return ToolOutcome(error=f"no tool named '{call.name}' in {self.name}")
        if call.raw_arguments is not None:
            return ToolOutcome(error=f"{call.name}: the arguments are not valid JSON")
        problems = schema_errors(call.arguments, tool.parameters)
        if problems:
            return ToolOutcome(error=f"{call.name}: invalid arguments: " + "; ".join(problems[:5]))
        args = call.arguments
        if tool.memory:
            notes = memory_notes(current_case_params())
            text = "\n".join(f"- {n}" for n in notes) if notes else NO_MEMORY
            return ToolOutcome(content=text)
        script = next((r for r in tool.results if r.applies(args)), None)
        effect = script.side_effect if script and script.side_effect is not None else tool.side_effect
        error = script.error if script else tool.error
        if error is not None:
            return ToolOutcome(error=render(error, args))
        content = script.result if script else tool.result
        return ToolOutcome(
            content=render(content if content is not None else "ok", args),
            side_effects=(render(effect, args),) if effect else (),
        )

    async def aclose(self) -> None:
        """Nothing to release."""


def build_sandbox_providers(value: Any, where: str) -> list[ToolProvider]:
    """`options.tools.sandbox`: one sandbox file path, or a list of them."""
    paths = value if isinstance(value, list) else [value]
    if not paths or not all(isinstance(p, str | Path) and str(p).strip() for p in paths):
        raise ConfigError(
            f"{where}: options.tools.sandbox must be a sandbox file path or a list of them",
            field="options.tools.sandbox",
        )
    return [SandboxProvider.from_file(Path(p).expanduser()) for p in paths]
