"""The records a target's tools know, read from what they are known to answer, and arguments that name them.

A request that names nothing the tools know ("invoice id: 10042" to a tool that takes `INV-1234`) is
answered with "not found" and never reaches the agent's actions. A sandbox declares what its tools
answer (`ToolSpec.samples`: canned and scripted results, errors); from those texts this module reads the
records (an id such as `ORD-2231`, the name written after it, an amount with its currency, a status),
e-mail addresses, URLs and three-letter codes, and fits them to a tool's arguments: a value its
`pattern` accepts, an id whose prefix its name abbreviates (`invoice_id` and `INV-1042`), the record's
name for a name or query argument, its amount and currency. Pure and deterministic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from redline.core.runs.actions import ToolSpec
from redline.core.runs.tool_effects import arguments_of, plain_purpose

_TEMPLATE = re.compile(r"\{\{[^}]*\}\}")
# an id: a prefix, at most two middle segments ('POL-M-204518', 'CLM-24-0817', 'CR-FAKE-1001',
# 'INC-PROD-EU-2231'), then digits, and perhaps a letter suffix ('LKR-48213-EQ'); letters then digits
# ('AB1234'); a booking-style code of letters, a digit and one to three more, one of them a letter
# ('QX4Q7Z', 'FAKE4Q'; not a bank prefix 'GB00')
_ID_BODY = (
    r"[A-Z][A-Z0-9]{0,5}(?:[-_][A-Z0-9]{1,6}){0,2}[-_]\d{2,8}(?:[-_][A-Z]{1,4})?|[A-Z]{1,4}\d{3,8}|"
    r"[A-Z]{2,5}\d(?:[A-Z0-9]{0,2}[A-Z]|[A-Z][A-Z0-9]{0,2})|#\d{3,8}"
)
_ID = re.compile(rf"(?<![\w-])(?:{_ID_BODY})(?![\w-])")
_SIMPLE_PATTERN = re.compile(r"^\^?([A-Za-z_-]*)(?:\[0-9\]|\\d)(?:\{(\d+)(?:,(\d*))?\}|(\+))\$?$")
_NAME_WORD = r"[A-Z][\w&'.-]*[\w&']"
_NAMED = re.compile(
    rf"(?<![\w-])({_ID_BODY})"
    r"(?:\s+[A-Z][A-Z0-9]{0,5}(?:[-_][A-Z0-9]{1,6}){0,2}[-_]\d{2,8})*[\s:,]+"
    rf"((?:{_NAME_WORD})(?:\s+(?:&\s+)?(?:{_NAME_WORD})){{0,4}})"
)
# a bare-number id, then (after a separator and at most one lower-case label) a name:
# '48213 | sender Mira Holt'
_NUMBER_NAMED = re.compile(
    rf"(?<![\w.,:/+#-])(\d{{4,12}})\s*[|:,-]?\s+(?:[a-z]+\s+)?"
    rf"([A-Z][a-z][\w&'.-]*(?:\s+(?:&\s+)?(?:{_NAME_WORD})){{0,4}})"
)
_AMOUNT = re.compile(
    r"(?<![\w.,-])(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)\s?([A-Z]{3})\b"
    r"|\b([A-Z]{3})\s?(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)(?![\w.,])"
    r"|([£$€])(\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?)(?![\w.]|,\d)"
)
_SYMBOL_CODES = {"£": "GBP", "$": "USD", "€": "EUR"}
_STATUS = re.compile(
    r"\bstatus(?:\s*[:=]\s*|\s+(?:is\s+)?(?!(?:of|for|the|and|on|in|to|a|an|by|with)\b))"
    r"([a-z][\w-]*(?:\s*\([^)]{1,30}\))?)",
    re.I,
)
# a bare number that may be an id where some tool's id argument takes only digits ('^[0-9]{5}$'): not
# part of a longer token, an amount, a date, a time or a phone number
_NUMBER = re.compile(r"(?<![\w.,:/+#-])(?<!\d\s)(\d{4,12})(?![\w.,:/-]|\s?(?:[A-Z]{3}\b|%|\d))")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_URL = re.compile(r"https?://[^\s\"'<>)\]]+")
_CODE = re.compile(r"(?<![\w-])[A-Z]{3}(?![\w-])")
_CLAUSE = re.compile(r"\n+|;\s+|\s\[\d+\]\s|(?<=[a-z0-9])\.\s+(?=[A-Z])")
_NOT_NAMES = frozenset(["status", "open", "due", "amount", "from", "subject", "body", "exact", "no", "the"])

_ID_ARG = re.compile(r"(?:^|_)(?:id|ids|no|num|number|ref|reference|code)$|^id$", re.I)
_AMOUNT_ARG = re.compile(r"amount|total|sum|value|price|cost|balance", re.I)
_CURRENCY_ARG = re.compile(r"currenc|ccy", re.I)
_MAIL_ARG = re.compile(r"mail|recipient|^to$|^cc$", re.I)
_URL_ARG = re.compile(r"url|link|endpoint|uri|webhook", re.I)
_NAME_ARG = re.compile(
    r"name|vendor|supplier|customer|client|company|payee|party|merchant|account_holder|contact", re.I
)
_QUERY_ARG = re.compile(r"^(?:q|query|search|term|terms|keywords?|text|topic|subject_line)$", re.I)


@dataclass(frozen=True)
class Record:
    """One thing a tool knows: its id, and what the same line says about it."""

    id: str
    name: str = ""
    amount: str = ""
    currency: str = ""
    status: str = ""
    tool: str = ""
    related: tuple[str, ...] = ()

    @property
    def amount_value(self) -> float | None:
        """The amount as a number (thousands separators dropped)."""
        try:
            return float(self.amount.replace(",", "")) if self.amount else None
        except ValueError:
            return None

    def label(self) -> str:
        """How a user names it: the id, with the name when there is one."""
        return f"{self.id} ({self.name})" if self.name else self.id


@dataclass(frozen=True)
class Known:
    """Everything the tools' answers name."""

    records: tuple[Record, ...] = ()
    emails: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    texts: tuple[str, ...] = field(default=(), repr=False)
    answered: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Argument name -> values some tool answers with a result (`ToolSpec.answered`), in order."""

    def __bool__(self) -> bool:
        return bool(self.records or self.emails or self.urls or self.answered)

    def answers(self, arg: str) -> tuple[str, ...]:
        """The values some tool answers for an argument of this name (the records that exist)."""
        return next((values for name, values in self.answered if name == arg), ())

    def names(self) -> tuple[str, ...]:
        """The names of records, once each, in order."""
        return tuple(dict.fromkeys(r.name for r in self.records if r.name))

    def find(self, record_id: str) -> Record | None:
        """The record with this id."""
        return next((r for r in self.records if r.id == record_id), None)

    def mentions(self, value: str) -> bool:
        """Whether any answer of the tools contains `value` (case-insensitive)."""
        low = value.lower()
        return any(low in t.lower() for t in self.texts)


def known_entities(tools: Iterable[ToolSpec]) -> Known:
    """The records, addresses, URLs and codes the tools' known answers name."""
    records: dict[str, Record] = {}
    emails: dict[str, None] = {}
    urls: dict[str, None] = {}
    codes: dict[str, None] = {}
    texts: list[str] = []
    answered: dict[str, dict[str, None]] = {}
    tools = list(tools)
    numeric = [spec for t in tools if (spec := _numeric_id_spec(t)) is not None]
    for tool in tools:
        for arg, values in tool.answered.items():
            answered.setdefault(arg, {}).update(dict.fromkeys(values))
        for sample in tool.samples:
            text = _TEMPLATE.sub(" ", sample)
            texts.append(text)
            emails.update(dict.fromkeys(m.rstrip(".") for m in _EMAIL.findall(text)))
            urls.update(dict.fromkeys(m.rstrip(".,;") for m in _URL.findall(text)))
            for clause in _CLAUSE.split(text):
                _read_clause(clause, tool.name, records, codes, numeric)
    # an id a tool is known to answer for is a record, whatever its shape ('LKR-48213-EQ', '7Q4-22')
    for tool in tools:
        for arg, values in tool.answered.items():
            if not (_ID_ARG.search(arg) or arg == id_argument(tool)):
                continue
            for value in values:
                if re.search(r"\d", value) and not _EMAIL.fullmatch(value) and value not in records:
                    records[value] = Record(id=value, tool=tool.name)
    return Known(
        records=tuple(records.values()),
        emails=tuple(emails),
        urls=tuple(urls),
        codes=tuple(codes),
        texts=tuple(texts),
        answered=tuple((arg, tuple(values)) for arg, values in answered.items()),
    )


def _numeric_id_spec(tool: ToolSpec) -> Mapping[str, Any] | None:
    """The schema of `tool`'s id argument when its pattern takes digits only, at least four of them."""
    arg = id_argument(tool)
    if arg is None:
        return None
    spec = arguments_of(tool)[arg]
    found = _SIMPLE_PATTERN.match(spec["pattern"]) if isinstance(spec.get("pattern"), str) else None
    if found is None or found.group(1) or found.group(4) or int(found.group(2)) < 4:
        return None
    return spec


def _read_clause(
    clause: str,
    tool: str,
    records: dict[str, Record],
    codes: dict[str, None],
    numeric: Sequence[Mapping[str, Any]] = (),
) -> None:
    ids = _ID.findall(clause)
    if numeric:
        ids += [n for n in _NUMBER.findall(clause) if any(_fits(n, spec) for spec in numeric)]
    if not ids:
        return
    names = {m.group(1): _clean_name(m.group(2)) for m in _NAMED.finditer(clause)}
    if numeric:
        names.update({m.group(1): _clean_name(m.group(2)) for m in _NUMBER_NAMED.finditer(clause)})
    name = next((n for n in names.values() if n), "")
    amount = currency = ""
    if found := _AMOUNT.search(clause):
        if found.group(1):
            amount, currency = found.group(1), found.group(2)
        elif found.group(3):
            amount, currency = found.group(4), found.group(3)
        else:
            amount, currency = found.group(6), _SYMBOL_CODES[found.group(5)]
        codes.setdefault(currency, None)
    status = found_status.group(1).strip() if (found_status := _STATUS.search(clause)) else ""
    for rid in ids:
        new = Record(
            id=rid,
            name=name,
            amount=amount,
            currency=currency,
            status=status,
            tool=tool,
            related=tuple(i for i in ids if i != rid),
        )
        old = records.get(rid)
        if old is None:
            records[rid] = new
        else:
            records[rid] = replace(
                old,
                name=old.name or new.name,
                amount=old.amount or new.amount,
                currency=old.currency or new.currency,
                status=old.status or new.status,
                related=tuple(dict.fromkeys((*old.related, *new.related))),
            )
    for code in _CODE.findall(clause):
        if code == currency:
            codes.setdefault(code, None)


def _clean_name(raw: str) -> str:
    words = raw.split()
    while words and (words[-1].lower() in _NOT_NAMES or words[-1].lower().rstrip(":") in _NOT_NAMES):
        words.pop()
    if not words or words[0].lower() in _NOT_NAMES:
        return ""
    name = " ".join(words).rstrip(".,:")
    return name if len(name) >= 3 else ""


def pattern_example(spec: Mapping[str, Any], number: int = 1042) -> str | None:
    """A value a simple id pattern accepts ('^INV-[0-9]{3,6}$' -> 'INV-1042'), or None for others."""
    pattern = spec.get("pattern")
    found = _SIMPLE_PATTERN.match(pattern) if isinstance(pattern, str) else None
    if found is None:
        return None
    if found.group(4):  # one or more digits
        low, high = 1, 12
    else:
        low = int(found.group(2))
        high = int(found.group(3)) if found.group(3) else (low if found.group(3) is None else 12)
    digits = str(number)
    digits = digits.zfill(low)[-max(low, min(len(digits), high)) :]
    value = found.group(1) + digits
    return value if _fits(value, spec) else None


def _prefix(record_id: str) -> str:
    return re.split(r"[-_#]|(?<=[A-Z])(?=\d)", record_id)[0]


def _abbreviates(prefix: str, word: str) -> bool:
    """Whether an id prefix abbreviates a word: INV/invoice, V/vendor, TKT/ticket (letters in order)."""
    word = word.upper()
    if not prefix or not word or prefix[0] != word[0]:
        return False
    rest = iter(word[1:])
    return all(ch in rest for ch in prefix[1:])


def _fits(value: str, spec: Mapping[str, Any]) -> bool:
    pattern = spec.get("pattern")
    if isinstance(pattern, str):
        try:
            if re.search(pattern, value) is None:
                return False
        except re.error:
            return False
    low, high = spec.get("minLength"), spec.get("maxLength")
    if isinstance(low, int) and len(value) < low:
        return False
    return not (isinstance(high, int) and len(value) > high)


def id_argument(tool: ToolSpec) -> str | None:
    """The argument that names a record (an id, number or reference), required ones first."""
    args = arguments_of(tool)
    required = [str(a) for a in tool.parameters.get("required") or () if str(a) in args]
    ordered = [*required, *(a for a in args if a not in required)]
    for arg in ordered:
        spec = args[arg]
        if spec.get("type", "string") == "string" and not spec.get("enum") and _ID_ARG.search(arg):
            return arg
    # else one whose pattern is an id's: a fixed prefix and digits ('^LKR-\\d{5}-[A-Z]{2}$' for
    # 'confirmation'), not a date, a time or bare digits
    for arg in ordered:
        pattern = args[arg].get("pattern")
        if isinstance(pattern, str) and not args[arg].get("enum") and _ID_PATTERN.match(pattern):
            return arg
    # else a required id whose schema lists the ids it takes ('card_id': CC-4417 | DC-9023): the user's own
    for arg in required:
        choices = args[arg].get("enum")
        if _ID_ARG.search(arg) and isinstance(choices, list) and choices and _id_choices(choices):
            return arg
    return None


def _id_choices(choices: Sequence[Any]) -> bool:
    """Whether an enum's values are ids (a code with a digit: 'CC-4417'), not words ('debit', 'credit')."""
    return all(isinstance(c, str) and any(ch.isdigit() for ch in c) for c in choices)


_ID_PATTERN = re.compile(r"^\^?[A-Z][A-Z0-9]*[-_]?(?:\\d|\[0-9\])")
"""A schema pattern that opens with a literal code and then digits: an id's ('^LKR-\\d{5}-[A-Z]{2}$')."""


def records_for(tool: ToolSpec, known: Known) -> list[Record]:
    """The records a call of `tool` can name: those whose id its id argument accepts (by pattern, else
    by the prefix its name abbreviates); every record when it has no id argument."""
    arg = id_argument(tool)
    if arg is None:
        return list(known.records)
    spec = arguments_of(tool)[arg]
    choices = spec.get("enum")
    if isinstance(choices, list):  # the ids the schema lists, with what the tools' answers say of them
        listed = [str(c) for c in choices]
        named = {r.id: r for r in known.records if r.id in listed}
        return [named.get(c) or Record(id=c, tool=tool.name) for c in listed]
    if isinstance(spec.get("pattern"), str):
        return [r for r in known.records if _fits(r.id, spec)]
    word = re.split(r"_|(?<=[a-z])(?=[A-Z])", arg)[0]
    if word.lower() in ("id", "ref", "number", "no", "code"):
        return list(known.records)
    found = [r for r in known.records if _abbreviates(_prefix(r.id), word)]
    # else the ids the tools about that thing answer with (list_tickets names the ticket ids)
    return found or [r for r in known.records if len(word) >= 3 and word.lower() in r.tool.lower()]


def entity_arguments(tool: ToolSpec, known: Known, record: Record | None) -> dict[str, Any]:
    """Values for `tool`'s arguments that name what the tools know, about `record` where it can:
    only arguments with a fitting value (the caller fills the rest)."""
    out: dict[str, Any] = {}
    id_arg = id_argument(tool)
    for arg, spec in arguments_of(tool).items():
        if spec.get("enum"):
            continue
        kind = spec.get("type", "string")
        value: Any = None
        if kind in ("number", "integer"):
            if record is not None and _AMOUNT_ARG.search(arg) and record.amount_value is not None:
                value = int(record.amount_value) if kind == "integer" else record.amount_value
        elif kind == "string":
            value = _string_value(arg, spec, known, record, is_id=arg == id_arg)
        if value is not None:
            out[arg] = value
    return out


def _string_value(
    arg: str, spec: Mapping[str, Any], known: Known, record: Record | None, *, is_id: bool
) -> str | None:
    if is_id:
        if record is not None and _fits(record.id, spec):
            return record.id
        if record is not None:
            other = next((i for i in record.related if _fits(i, spec)), None)
            if other is not None and isinstance(spec.get("pattern"), str):
                return other
        return pattern_example(spec)
    if _CURRENCY_ARG.search(arg):
        own = [record.currency] if record is not None and record.currency else []
        pool = [*own, *(c for c in known.codes if c not in own)]
        if re.match(r"(?:to|target|into|dest)", arg, re.I):
            pool = [c for c in pool if c not in own] or pool  # converting into another currency
        return next((c for c in pool if _fits(c, spec)), None)
    if _MAIL_ARG.search(arg):
        return next((e for e in known.emails if _fits(e, spec)), None)
    if _URL_ARG.search(arg):
        return next((u for u in known.urls if _fits(u, spec)), None)
    if isinstance(spec.get("pattern"), str):
        pool = [*(record.related if record is not None else ()), *(r.id for r in known.records)]
        return next((v for v in pool if _fits(v, spec)), None)
    if _NAME_ARG.search(arg) or _QUERY_ARG.search(arg):
        if record is not None and record.name:
            return record.name
        if record is not None and _QUERY_ARG.search(arg):
            return record.id
    return None


_NOUN_START = frozenset(["a", "an", "the", "one", "this", "that", "these", "all", "every", "each", "some"])


def ask_purpose(tool: ToolSpec) -> str:
    """What the tool does as a request a user would write: its description's verb phrase, or for a
    description that names a thing ("The latest messages in the inbox", "A vendor's record"), 'look up'
    that thing."""
    text = plain_purpose(tool)
    words = text.split()
    if not words:
        return text
    first = words[0].lower()
    second = words[1].lower() if len(words) > 1 else ""
    noun = (
        first in _NOUN_START
        or first.endswith("'s")
        or (first.endswith("s") and second.endswith("ed"))
        or (first.endswith("s") and second in ("of", "from", "for", "in", "on", "with"))
    )
    return f"look up {text}" if noun else text


_MADE_BY = re.compile(
    r"^(?:book|create|submit|file|raise|open|add|request|register|order|buy|purchase|place|make|new|"
    r"reserve|log)(?:_|$|[A-Z])"
)
"""Tools whose answer names what they just made: its ids are no records a user already holds."""


def pick_record(tool: ToolSpec, known: Known, index: int, *, prefer: Sequence[str] = ()) -> Record | None:
    """A record `tool` can name (the `index`-th, wrapping), those whose status holds a `prefer` word
    first."""
    pool = records_for(tool, known)
    if not pool:
        return None
    # an id a tool that makes something answers with ('Booked: LKR-48655-NW') exists only once it has run
    pool = [r for r in pool if not _MADE_BY.match(r.tool)] or pool
    if prefer:
        liked = [r for r in pool if any(p in r.status.lower() for p in prefer)]
        pool = liked or pool
    return pool[index % len(pool)]
