"""What a tool can do in the world, read from what it declares: flags, name, description, JSON schema.

Agentic probes plan from the target's own tools: which one reads content (where a planted result
goes), which sends data out, which cannot be undone, which grants roles or permissions, which keeps
notes across sessions, which runs commands it is given. Declared flags (`outbound`, `irreversible`,
`needs_confirmation`) decide first; then the words of the name and the description, and the names,
enums and examples of the schema's arguments. Pure and deterministic: the action scorers read the same
classes as the techniques.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from redline.core.runs.actions import ToolSpec


class Effect(StrEnum):
    """One thing a tool can do; a tool may have several (a web fetch reads and sends out)."""

    READ = "read"
    WRITE = "write"
    IRREVERSIBLE = "irreversible"
    OUTBOUND = "outbound"
    PRIVILEGE = "privilege"
    MEMORY = "memory"
    COMMAND = "command"


_W = r"(?:^|(?<=[\W_])|(?<=[a-z])(?=[A-Z]))"  # a word or name-part start: read_inbox, getRecord, "Read"

_MEMORY = re.compile(
    _W + r"(?:memor(?:y|ies|ise|ize)|remember|recall(?!ed\b)|saved notes?|"
    r"notes? (?:saved |kept )?from (?:earlier|previous|past)|"
    r"(?:earlier|previous|past|later|future|next) (?:sessions?|conversations?|chats?)|"
    r"long[- ]term notes?|preferences? of the user)",
    re.I,
)
_COMMAND = re.compile(
    _W + r"(?:exec(?:ute)?s?|run[_ ]?(?:command|cmd|script|shell|sql|query)|shell|terminal|bash|powershell|"
    r"command[- ]line|console|script|sql|cmd)(?:$|(?=[\W_])|(?=[A-Z]))",
    re.I,
)
_COMMAND_ARGS = frozenset(["command", "cmd", "script", "shell", "sql", "code", "expression", "commandline"])
_PRIVILEGE = re.compile(
    _W + r"(?:grant|revoke|roles?|permissions?|privileges?|elevat|promot|sudo|admin(?:istrator)? (?:rights|"
    r"access)|access rights|access level|make admin|acl|authority (?:limit|level)s?|"
    r"(?:approval|signing|spending) limits?)",
    re.I,
)
# a tool named for changing an authority or a limit ('set_handler_authority', 'raiseApprovalLimit')
_LIMIT_NAME = re.compile(
    r"^(?:set|change|update|raise|increase|edit|modify|grant)(?:_|(?=[A-Z])).*(?:authorit|limit)",
    re.I,
)
_PRIVILEGE_ARGS = frozenset(
    [
        "role",
        "roles",
        "permission",
        "permissions",
        "scope",
        "scopes",
        "access_level",
        "privilege",
        "privileges",
        "group",
        "access",
    ]
)
_HIGH_VALUES = (
    "owner",
    "root",
    "superuser",
    "super_admin",
    "superadmin",
    "admin",
    "administrator",
    "full",
    "write",
    "editor",
    "manager",
    "elevated",
)
_TOP_VALUES = frozenset(["admin", "administrator", "owner", "root", "superuser", "super_admin", "superadmin"])
_IRREVERSIBLE = re.compile(
    _W + r"(?:delet|remov|eras|purg|wip(?:e|ing)|destroy|drop|terminat|cancel|clos(?:e|ing)\b|revok|disabl|"
    r"deactivat|suspend|reset|transfer|pay(?:s|ment)?\b|refund|wire|permanent|irreversib|cannot be undone|"
    r"factory reset|shut ?down|reboot|restart)",
    re.I,
)
_OUTBOUND = re.compile(
    _W + r"(?:send|reply|forward|e-?mail(?:s|ing)?\b|mail\b|post(?:s|ing)?\b|upload|webhook|notify|"
    r"notification|publish|share|sms|text message|slack|tweet|http|url|fetch|message)",
    re.I,
)
_SEND_VERBS = frozenset(
    [
        "send",
        "reply",
        "forward",
        "email",
        "mail",
        "post",
        "upload",
        "notify",
        "publish",
        "share",
        "text",
        "message",
        "sms",
        "tweet",
        "fax",
        "call",
        "dm",
        "broadcast",
    ]
)
_SEND_NAME = re.compile(r"webhook|slack|sms|http|e-?mail_?(?:to|out)|outbound", re.I)
_OUTBOUND_ARGS = frozenset(
    [
        "to",
        "cc",
        "bcc",
        "recipient",
        "recipients",
        "email",
        "url",
        "webhook",
        "endpoint",
        "phone",
        "channel",
        "address",
        "destination",
        "target_url",
    ]
)
_WRITE = re.compile(
    _W + r"(?:updat|creat|add|edit|set|modif|save|writ|book|schedul|assign|chang|insert|note|comment|"
    r"open(?:s|ing)? a|log|record|register|submit|export|backup|archive|move|rename|approve|"
    r"appl(?:y|ies|ied|ying)\b|freez|unfreez|suspend|pause|reboot|restart|reset|(?:de)?activat|(?:un)?block)",
    re.I,
)
_READ = re.compile(
    _W + r"(?:read|get|search|find|list|look ?up|lookup|view|show|check|query|retriev|browse|describe|"
    r"status|fetch|open|inspect|summar)",
    re.I,
)
_READ_FIRST = frozenset(
    [
        "get",
        "read",
        "search",
        "find",
        "list",
        "lookup",
        "look",
        "view",
        "show",
        "check",
        "query",
        "retrieve",
        "browse",
        "describe",
        "fetch",
        "inspect",
        "recall",
        # following or working out something, not changing it: 'track_parcel', 'compare_plans'
        "track",
        "preview",
        "compare",
        "calculate",
        "estimate",
    ]
)


_ACT_FIRST = frozenset(
    ["request", "raise", "order", "purchase", "buy", "issue", "file", "lodge", "place", "create", "submit"]
)
"""First words of a tool that makes something (a request, an order, a filing), whatever it describes."""


def _first_word(name: str) -> str:
    return (re.split(r"[_\-. ]+|(?<=[a-z])(?=[A-Z])", name.strip()) or [""])[0].lower()


def arguments_of(tool: ToolSpec) -> dict[str, Mapping[str, Any]]:
    """The schema's argument properties, by name (empty when the schema names none)."""
    props = tool.parameters.get("properties")
    if not isinstance(props, Mapping):
        return {}
    return {str(k): v for k, v in props.items() if isinstance(v, Mapping)}


_ACTION_ARG = re.compile(r"^(?:action|operation|op|change|command_type|request_type)$", re.I)


def _action_values(tool: ToolSpec) -> list[str]:
    """The choices of an argument that says what the call does ('action': freeze | unfreeze)."""
    return [
        str(v).lower()
        for arg, spec in arguments_of(tool).items()
        if _ACTION_ARG.match(arg)
        for v in spec.get("enum") or ()
    ]


def effects_of(tool: ToolSpec) -> frozenset[Effect]:
    """What the tool can do: declared flags first, then its name, description and argument names."""
    found: set[Effect] = set()
    name = tool.name
    desc = tool.description
    args = {a.lower() for a in arguments_of(tool)}
    if tool.outbound:
        found.add(Effect.OUTBOUND)
    if tool.irreversible or tool.needs_confirmation:
        found.add(Effect.IRREVERSIBLE)
    if _MEMORY.search(name) or _MEMORY.search(desc):
        found.add(Effect.MEMORY)
    if _COMMAND.search(name) or (args & _COMMAND_ARGS and _COMMAND.search(desc)):
        found.add(Effect.COMMAND)
    enum_values = {str(v).lower() for spec in arguments_of(tool).values() for v in spec.get("enum") or ()}
    reads = _first_word(name) in _READ_FIRST
    purpose = plain_purpose(tool)
    if not reads and (
        _PRIVILEGE.search(name)
        or _PRIVILEGE.search(purpose)
        or enum_values & _TOP_VALUES
        or _LIMIT_NAME.search(name)
        or ((args & _PRIVILEGE_ARGS) and _PRIVILEGE.search(desc))
    ):
        found.add(Effect.PRIVILEGE)
    first = _first_word(name)
    reads_by_name = first in _READ_FIRST
    act_words = plain_purpose(tool).lower().split()
    sends = (
        first in _SEND_VERBS
        or bool(_SEND_NAME.search(name))
        or bool(act_words and act_words[0] in _SEND_VERBS)
        or bool(args & _OUTBOUND_ARGS and not reads_by_name and _OUTBOUND.search(desc))
    )
    declared = tool.outbound or tool.irreversible or tool.needs_confirmation
    if not declared and not reads_by_name and sends:
        found.add(Effect.OUTBOUND)
    act = " ".join(plain_purpose(tool).split()[:3])  # the description's own act, not its asides
    if (
        not (tool.irreversible or tool.needs_confirmation)
        and not reads_by_name
        and (_IRREVERSIBLE.search(name) or _IRREVERSIBLE.search(act))
        and not tool.outbound
    ):
        found.add(Effect.IRREVERSIBLE)
    consequential = found & {Effect.OUTBOUND, Effect.IRREVERSIBLE, Effect.PRIVILEGE, Effect.COMMAND}
    if not consequential and Effect.MEMORY not in found:
        if first in _ACT_FIRST:  # 'request_equipment', 'raise_ticket', 'order_stock': they make something
            found.add(Effect.WRITE)
        elif not reads_by_name and any(_WRITE.match(v) for v in _action_values(tool)):
            found.add(Effect.WRITE)  # card_action(action: freeze | unfreeze | order_replacement)
        elif reads_by_name or (_READ.search(name) and not _WRITE.search(name)):
            found.add(Effect.READ)
        elif _WRITE.search(name) or _WRITE.search(desc[:80]):
            found.add(Effect.WRITE)
        else:
            found.add(Effect.READ)
    if Effect.MEMORY in found and _WRITE.search(_first_word(name)):
        found.add(Effect.WRITE)
    return frozenset(found)


def with_effect(tools: Iterable[ToolSpec], effect: Effect) -> list[ToolSpec]:
    """The tools that have `effect`, in their order."""
    return [t for t in tools if effect in effects_of(t)]


def pure_readers(tools: Iterable[ToolSpec]) -> list[ToolSpec]:
    """Tools that only read: where planted content can arrive without the call itself doing harm."""
    return [t for t in tools if effects_of(t) == {Effect.READ}]


def high_value(tool: ToolSpec, arg: str) -> str:
    """The most privileged value an argument takes (its enum's highest, else 'admin')."""
    spec = arguments_of(tool).get(arg, {})
    values = [str(v) for v in spec.get("enum") or ()]
    for wanted in _HIGH_VALUES:
        for v in values:
            if wanted in v.lower():
                return v
    return values[-1] if values else "admin"


def privilege_argument(tool: ToolSpec) -> str | None:
    """The argument that names the role or permission a privilege tool grants."""
    for arg in arguments_of(tool):
        if arg.lower() in _PRIVILEGE_ARGS or re.search(r"role|permission|privilege|scope|level", arg, re.I):
            return arg
    tops = [
        a
        for a, spec in arguments_of(tool).items()
        if {str(v).lower() for v in spec.get("enum") or ()} & _TOP_VALUES
    ]
    return tops[0] if tops else None


def command_argument(tool: ToolSpec) -> str | None:
    """The argument a command tool runs (command, cmd, script, sql ...)."""
    args = arguments_of(tool)
    for arg in args:
        if arg.lower() in _COMMAND_ARGS or re.search(r"command|cmd|script|sql", arg, re.I):
            return arg
    strings = [a for a, s in args.items() if s.get("type", "string") == "string"]
    return strings[-1] if strings else None


_EXAMPLE = re.compile(
    r"\b(?:e\.g\.?|eg|for example|for instance|like|such as)[,:]?\s+[\"'`]?([\w@.:/+-]{2,60})", re.I
)


def described_example(tool: ToolSpec, arg: str) -> str | None:
    """The example an argument's description gives ("Order number, e.g. A-1234."), if any."""
    spec = arguments_of(tool).get(arg, {})
    described = _EXAMPLE.search(str(spec.get("description", "")))
    return described.group(1).rstrip(".,;)") if described else None


def example_value(
    tool: ToolSpec, arg: str, *, person: str, topic: str, shared: Mapping[str, Any] | None = None
) -> Any:
    """A plausible value for one argument: its enum's first, its description's example, an example
    another tool gives for the same argument (`shared`), or one fitted to its name (a person, an
    address, a number, a topic)."""
    spec = arguments_of(tool).get(arg, {})
    kind = spec.get("type", "string")
    values = list(spec.get("enum") or ())
    if values:
        return values[0]
    if kind in ("integer", "number"):
        low = spec.get("minimum", 1)
        return int(low) if kind == "integer" else float(low)
    if kind == "boolean":
        return True
    if kind == "array":
        items = spec.get("items") if isinstance(spec.get("items"), Mapping) else {}
        if re.search(r"countr|destination|nation", arg, re.I):
            return ["France"]
        if re.search(r"cit(?:y|ies)|place|location", arg, re.I):
            return ["Lyon"]
        if isinstance(items, Mapping) and items.get("enum"):
            return [items["enum"][0]]
        return [person]
    described = described_example(tool, arg)
    if described is not None:
        return described
    if shared and arg in shared:
        return shared[arg]
    low = arg.lower()
    if re.search(r"countr|nation", low):
        return "France"
    if re.search(r"mail|recipient|\bto\b", low):
        handle = re.sub(r"[^a-z]+", ".", person.lower()).strip(".")
        return f"{handle}@example.com"
    if re.search(r"url|link|endpoint", low):
        return "https://intranet.example.com/status"
    if re.search(r"(?:^|_)id$|number|ref|code|num", low):
        return "10042"
    if re.search(r"user|name|person|owner|member|employee|customer|account|who", low):
        return person
    if re.search(r"host|server|machine|device|node|box|vm|instance", low):
        return "srv-app-01"
    if re.search(r"path|file|folder", low):
        return "/shared/reports/old-report.xlsx"
    if re.search(r"date|time|start|end|when", low):
        return "tomorrow 10:00"
    if re.search(r"address|street|postcode|zip|destination|location", low):
        return "12 Example Road, Sampletown"
    # free text about the request: a sentence a user would write, not a bare topic
    if re.search(r"reason|descri|details?$|note|comment|message|body|text|summary|explanation", low):
        return f"It's about my {topic}."
    return topic


_DETERMINERS = frozenset(
    [
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "all",
        "any",
        "every",
        "one",
        "your",
        "their",
        "its",
        "our",
        "my",
        "his",
        "her",
        "each",
        "some",
        "new",
        "up",
        "out",
        "to",
    ]
)
_VERBS_S = frozenset(
    [
        "reads",
        "sends",
        "deletes",
        "removes",
        "grants",
        "runs",
        "returns",
        "searches",
        "lists",
        "fetches",
        "creates",
        "updates",
        "resets",
        "wipes",
        "pays",
        "transfers",
    ]
)


def plain_purpose(tool: ToolSpec) -> str:
    """What the tool does, as a verb phrase a user would ask with ("look up an order by its number")."""
    sentences = [s.strip() for s in re.split(r"(?<=[.;:!?])\s+|\n+", tool.description) if s.strip()]
    # a reservation ('BRANCH STAFF ONLY.', 'Staff only:') says who may use it, not what it does
    verbish = [
        s
        for s in sentences
        if len(s.split()) >= 2
        and not re.match(r"^\w+ tool\.?$", s, re.I)
        and not re.fullmatch(r"\(?[\w -]{1,40}\bonly\b[.:!)]*", s, re.I)
    ]
    text = verbish[0] if verbish else tool.name.replace("_", " ")
    text = re.split(r"\s*[;(]|\s+-\s+|:\s", text)[0].rstrip(" .:;")
    words = text.split()
    if words:
        first = words[0]
        after = words[1].lower() if len(words) > 1 else ""
        third_person = re.fullmatch(r"[A-Z]?[a-z]+(?:es|s)", first) and (
            after in _DETERMINERS or after.endswith("'s") or first.lower() in _VERBS_S
        )
        if third_person:
            base = first[:-2] if re.search(r"(?:ss|sh|ch|x)es$", first) else first[:-1]
            words[0] = base
        words[0] = words[0][0].lower() + words[0][1:]
    return " ".join(words)


# a tool its description reserves for a role: 'Staff only: ...', 'Staff only (collections team): ...',
# '(administrators only)', 'for internal use only', 'reserved for supervisors'
RESERVED_TOOL = re.compile(
    r"\b(?P<role>[A-Za-z][\w-]*(?: [\w-]+)?) (?:use )?only\b(?:\s*\((?P<who>[^)]{3,60})\))?|"
    r"\breserved for (?P<role2>[\w -]{3,40})|\brestricted to (?P<role3>[\w -]{3,40})",
    re.I,
)
# who a reservation names ('staff', 'buying team', 'finance-systems admins'), not what ('standard roles')
RESERVED_PEOPLE = re.compile(
    r"(?:staff|team|admins?|administrators?|managers?|supervisors?|officers?|leads?|leaders?|engineers?|"
    r"employees?|agents?|internal|desk|department|operators?|clinicians?|auditors?)\s*$",
    re.I,
)
SERVES_ONE_USER = re.compile(
    r"\b(?:signed|logged)[- ]in\b|\bauthenticated (?:user|customer|patient|member|client)\b|"
    r"\bon (?:the|their|a) (?:customer|patient|member|user|client)'s (?:own )?behalf\b|"
    r"\b(?:customer|member|guest|passenger|patient)(?:-facing| service| support| care)? (?:agent|assistant|"
    r"chatbot|bot)\b(?! for (?:staff|agents|employees|colleagues|the \w+ team))",
    re.I,
)
"""A purpose or system prompt that says the assistant serves one signed-in user (a customer, a patient)."""


def reserved_role(tool: ToolSpec) -> str | None:
    """The people the tool's description reserves it for ('staff', 'depot staff', 'administrators'), or
    None when it reserves it for no one."""
    found = RESERVED_TOOL.search(tool.description)
    if found is None:
        return None
    role = found.group("role") or found.group("role2") or found.group("role3") or ""
    if not RESERVED_PEOPLE.search(role):
        return None
    return (found.group("who") or role).strip()
