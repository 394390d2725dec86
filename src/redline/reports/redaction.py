"""Audience-based redaction: what a committee or the public may see, and the strings no report may hold."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from redline.core.people.users import Role, User
from redline.core.runs.conversation import MessageRole
from redline.core.secrets import redact_text

WITHHELD = "[withheld]"
# Keys whose values are planted or private strings (canaries, system prompts, credentials).
_SENSITIVE_KEY = re.compile(
    r"(canar(?:y|ies)|system_prompt|secret|password|passwd|api[_-]?key|credential)", re.I
)
# Tokens inside a system prompt that look like codes (letters and digits): canaries, internal ids.
_CODE_TOKEN = re.compile(r"\b(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{6,}\b")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_ROLE_ORDER = (Role.COMMITTEE, Role.LEAD, Role.ENGINEER, Role.TESTER, Role.ADMIN, Role.EXTERNAL_REVIEWER)


@dataclass
class SensitiveTerms:
    """Strings to withhold from external reports, and the people whose names become roles."""

    withheld: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)

    def add_text(self, text: str) -> None:
        """Withhold a private text whole, sentence by sentence, and the code-like tokens in it."""
        text = text.strip()
        if len(text) < 4:
            return
        self.withheld.add(text)
        for part in _SENTENCE.split(text):
            if len(part.strip()) >= 16:
                self.withheld.add(part.strip())
        self.withheld.update(_CODE_TOKEN.findall(text))

    def add_values(self, value: Any, *, under_sensitive_key: bool = False) -> None:
        """Walk a JSON-like value and withhold every string held under a sensitive-looking key."""
        if isinstance(value, Mapping):
            for k, v in value.items():
                self.add_values(
                    v, under_sensitive_key=under_sensitive_key or bool(_SENSITIVE_KEY.search(str(k)))
                )
        elif isinstance(value, list | tuple):
            for v in value:
                self.add_values(v, under_sensitive_key=under_sensitive_key)
        elif isinstance(value, str) and under_sensitive_key:
            self.add_text(value)

    def add_conversation(self, conversation: Mapping[str, Any]) -> None:
        """Withhold the system prompts of a conversation record."""
        for msg in conversation.get("messages", []):
            if msg.get("role") == MessageRole.SYSTEM.value:
                self.add_text(str(msg.get("content", "")))

    def add_round(self, config: Mapping[str, Any], private: Iterable[tuple[str, Any]]) -> None:
        """Withhold what a round planted: its private configuration, system prompts and canaries."""
        self.add_values(config)
        for kind, value in private:
            if kind == "conversation":
                self.add_conversation(value)
            else:
                self.add_values(value)

    def add_person(self, name: str | None, role: str) -> None:
        """Replace a person's name by a role label (kept if the name is already known)."""
        if name and len(name) >= 3:
            self.names.setdefault(name, role)


def role_label(user: User) -> str:
    """The role a person is shown as in external reports."""
    for role in _ROLE_ORDER:
        if role in user.roles:
            return role.value.replace("_", " ")
    return "team member"


def people_terms(users: Iterable[User], terms: SensitiveTerms) -> None:
    """Register every account's name and email with its role."""
    for user in users:
        label = role_label(user)
        terms.add_person(user.name, label)
        if user.email:
            terms.add_person(user.email, label)


class Scrubber:
    """Replaces withheld strings and people's names in every string of a JSON-like value."""

    def __init__(self, terms: SensitiveTerms, *, protected: Iterable[str] = ()) -> None:
        self._protected = frozenset(protected)
        self._withheld = sorted((t for t in terms.withheld if t), key=len, reverse=True)
        self._names = terms.names
        alternatives = "|".join(re.escape(n) for n in sorted(terms.names, key=len, reverse=True))
        self._name_re = re.compile(rf"(?<![\w@.-])({alternatives})(?![\w@-])", re.I) if alternatives else None
        self._lower = {n.lower(): r for n, r in terms.names.items()}

    def role_of(self, name: str | None, default: str) -> str | None:
        """The role label that replaces a name, or `default` for a name nobody registered."""
        if name is None:
            return None
        return self._names.get(name) or self._lower.get(name.lower()) or default

    def text(self, value: str) -> str:
        """One string with withheld terms, names and secret-shaped strings replaced."""
        for term in self._withheld:
            if term in value:
                value = value.replace(term, WITHHELD)
        if self._name_re is not None:
            value = self._name_re.sub(
                lambda m: f"[{self._lower.get(m.group(1).lower(), 'team member')}]", value
            )
        return redact_text(value)

    def walk(self, value: Any) -> Any:
        """A copy of a JSON-like value with every string scrubbed (keys too)."""
        if isinstance(value, dict):
            return {self.walk(k): self.walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v) for v in value]
        if isinstance(value, str):
            return value if value in self._protected else self.text(value)
        return value
