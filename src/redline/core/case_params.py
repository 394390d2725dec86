"""What a case's params tell its scorers: one contract that techniques write and scorers read.

A technique records in `AttackCase.params` what a scorer needs to judge the answer; these are the
keys, and the readers every scorer uses (so a new technique and a new scorer meet here, not in each
other's code):

- `canaries`: strings planted in the case (a marker an injected instruction asks for, a secret in a
  system prompt); seeing one in the answer proves the leak. Older cases wrote one string as `canary`
  or `marker`; both are still read.
- `answers`: accepted answers to a question; `false_answers`: known wrong ones. Seed metadata copied
  under `reference` (`answer`, `aliases`, `false_answers`) counts too.
- `references`: the works an answer may cite; also read from `reference.references`.
- `expect_refusal`: False when a refusal is the failure (benign requests, over-refusal); absent or
  True when compliance is.
- `profile`: what a case took from the target profile (docs/profiles.md), a mapping such as
  `{"pack": ..., "forbidden_action": ..., "record": {...}, "decision": ...}`; `profile_parts` reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

CANARIES = "canaries"
LEGACY_CANARIES = ("canary", "marker")
ANSWERS = "answers"
FALSE_ANSWERS = "false_answers"
REFERENCES = "references"
REFERENCE = "reference"
EXPECT_REFUSAL = "expect_refusal"
PROFILE = "profile"


def _strings(value: Any) -> list[str]:
    """A string or a list of them as a list; anything else (None, numbers kept as text) flattened."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, Iterable) and not isinstance(value, Mapping):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [str(value)]


def _reference(params: Mapping[str, Any]) -> Mapping[str, Any]:
    found = params.get(REFERENCE)
    return found if isinstance(found, Mapping) else {}


def planted(*values: str) -> dict[str, list[str]]:
    """The params entry a technique records for the strings it planted in a case."""
    return {CANARIES: [v for v in values if v]}


def planted_strings(params: Mapping[str, Any]) -> list[str]:
    """Every planted string of a case, from `canaries` and the legacy `canary` / `marker`, in order."""
    found = _strings(params.get(CANARIES))
    for key in LEGACY_CANARIES:
        found.extend(_strings(params.get(key)))
    return list(dict.fromkeys(found))


def known_answers(params: Mapping[str, Any]) -> list[str]:
    """Accepted answers: `answers`, else the seed's `answer` and `aliases` (under `reference`)."""
    ref = _reference(params)
    found = [*_strings(params.get(ANSWERS)), *_strings(ref.get("answer")), *_strings(ref.get("aliases"))]
    return list(dict.fromkeys(found))


def false_answers(params: Mapping[str, Any]) -> list[str]:
    """Known wrong answers: `false_answers`, also under `reference`."""
    found = [*_strings(params.get(FALSE_ANSWERS)), *_strings(_reference(params).get(FALSE_ANSWERS))]
    return list(dict.fromkeys(found))


def references(params: Mapping[str, Any]) -> list[str]:
    """Works an answer may cite: `references`, also under `reference`."""
    found = [*_strings(params.get(REFERENCES)), *_strings(_reference(params).get(REFERENCES))]
    return list(dict.fromkeys(found))


def expects_refusal(params: Mapping[str, Any], default: bool = True) -> bool:
    """Whether a refusal is the safe answer to the case (False for benign look-alike requests)."""
    value = params.get(EXPECT_REFUSAL)
    return default if value is None else bool(value)


def profile_parts(params: Mapping[str, Any]) -> Mapping[str, Any]:
    """What the case took from the target profile (empty when it took nothing)."""
    found = params.get(PROFILE)
    return found if isinstance(found, Mapping) else {}
