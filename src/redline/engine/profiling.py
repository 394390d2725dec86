"""The target profile a round runs with: given, built on a pack, or inferred from the target's answers.

Inference compares what the target says about itself (or a `--purpose` text) with each pack's
description, audience, entities and tools, using the bundled MiniLM sentence embeddings. The nearest
pack is used when its cosine similarity reaches `MIN_SIMILARITY`; below it, the answers say too
little about a domain and the `general-assistant` pack is used instead. Where the embeddings extra is
not installed, a bag-of-words cosine stands in (cruder, said in the result).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from redline.catalog.packs import GENERAL, Packs, load_packs, profile_of, read_profile, resolve_profile
from redline.config.settings import Settings, TargetConfig
from redline.core.catalog.profiles import TargetProfile, profile_with
from redline.core.errors import ScoringError, UsageError
from redline.core.runs.conversation import Conversation, Message, MessageRole

# Benign, short questions: they ask the target what it is for and are not attempts.
PROFILE_QUESTIONS = (
    "What can you help me with?",
    "Who are you for?",
    "What can't you do?",
)
# MiniLM cosine between a target's self-description and the right pack measured 0.38 to 0.54 on the
# descriptions in tests/unit/engine/test_profiling.py, the runner-up 0.20 to 0.40; a description of a
# domain no pack covers scores below 0.3 against all. Below 0.3 the nearest pack is more likely wrong
# than right, and the general pack (harms every assistant can do) is the safer base.
MIN_SIMILARITY = 0.30
LEXICAL_MIN_SIMILARITY = 0.08
_WORD = re.compile(r"[a-z][a-z'-]+")
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "do",
        "for",
        "from",
        "have",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "that",
        "the",
        "this",
        "to",
        "we",
        "what",
        "who",
        "will",
        "with",
        "you",
        "your",
        "not",
        "also",
        "any",
        "more",
        "about",
    ]
)


@dataclass(frozen=True)
class PackInference:
    """Similarity of the texts to each pack, best first, and the pack chosen."""

    ranked: tuple[tuple[str, float], ...]
    chosen: str
    fallback: bool
    method: str

    @property
    def best(self) -> tuple[str, float]:
        """The nearest pack and its similarity."""
        return self.ranked[0]

    def line(self, origin: str) -> str:
        """One line for the person running the scan."""
        name, score = self.best
        nxt = f"; next: {self.ranked[1][0]} {self.ranked[1][1]:.2f}" if len(self.ranked) > 1 else ""
        how = "" if self.method == "embeddings" else f", {self.method}"
        if self.fallback:
            head = (
                f"profile: no pack is close enough (best {name} {score:.2f}{nxt}{how}); using '{self.chosen}'"
            )
        else:
            head = f"profile: inferred pack '{self.chosen}' (similarity {score:.2f}{nxt}{how})"
        return f"{head} from {origin}; give --purpose or --profile to set it"


def _bag(text: str) -> Counter[str]:
    return Counter(w.rstrip("s") for w in _WORD.findall(text.lower()) if w not in _STOP)


def _lexical(query: str, docs: Sequence[str]) -> list[float]:
    q = _bag(query)
    out = []
    for doc in docs:
        d = _bag(doc)
        dot = sum(q[w] * d[w] for w in q)
        norm = math.sqrt(sum(v * v for v in q.values())) * math.sqrt(sum(v * v for v in d.values()))
        out.append(dot / norm if norm else 0.0)
    return out


def _embedded(query: str, docs: Sequence[str]) -> list[float]:
    from redline.scorers.embeddings import shared_embedder

    vectors = shared_embedder().encode([query, *docs], max_tokens=256)
    return [float(v) for v in vectors[1:] @ vectors[0]]


def infer_pack(texts: Sequence[str], packs: Packs, *, method: str = "auto") -> PackInference:
    """The pack nearest to `texts` (a purpose, or the target's answers); the general pack below threshold.

    `method` is 'embeddings', 'lexical' or 'auto' (embeddings where installed).
    """
    query = " ".join(t.strip() for t in texts if t and t.strip())
    if not query:
        raise UsageError("nothing to infer a profile from: the texts are empty")
    names = packs.names()
    docs = [packs.get(n).inference_text() for n in names]
    used = method
    if method in ("auto", "embeddings"):
        try:
            scores = _embedded(query, docs)
            used = "embeddings"
        except ScoringError:
            if method == "embeddings":
                raise
            scores, used = _lexical(query, docs), "lexical"
    else:
        scores = _lexical(query, docs)
    ranked = tuple(sorted(zip(names, scores, strict=True), key=lambda p: (-p[1], p[0])))
    floor = MIN_SIMILARITY if used == "embeddings" else LEXICAL_MIN_SIMILARITY
    name, score = ranked[0]
    fallback = score < floor and GENERAL in packs
    return PackInference(ranked=ranked, chosen=GENERAL if fallback else name, fallback=fallback, method=used)


def inferred_profile(inference: PackInference, packs: Packs, *, purpose: str, source: str) -> TargetProfile:
    """The chosen pack as a profile, with `purpose` kept and the similarities recorded."""
    explicit = TargetProfile(
        pack=inference.chosen,
        purpose=purpose,
        source=source,
        inference={n: round(s, 4) for n, s in inference.ranked},
    )
    return resolve_profile(explicit, packs)


async def ask_target(
    config: TargetConfig, *, name: str, questions: Sequence[str] = PROFILE_QUESTIONS
) -> list[str]:
    """The target's answers to a few benign questions about itself (errors and empty answers dropped)."""
    from redline.core.runs.conversation import GenerationParams
    from redline.engine.round import target_from_environment

    target = target_from_environment(config, name=name)
    answers: list[str] = []
    try:
        for question in questions:
            convo = Conversation(messages=(Message(role=MessageRole.USER, content=question),))
            response = await target.send(convo, params=GenerationParams(max_tokens=200, temperature=0.0))
            if response.error is None and response.text.strip():
                answers.append(response.text.strip())
    finally:
        await target.aclose()
    return answers


def system_profile(settings: Settings, system: str) -> TargetProfile | None:
    """The profile declared for a system in redline.yaml, resolved over its pack; None when none is."""
    value = settings.config.system(system).profile
    if value is None:
        return None
    return profile_of(value, workspace=settings.workspace, packs=load_packs(settings.workspace))


@dataclass(frozen=True)
class ProfileChoice:
    """What `scan` was told about the profile: at most one of a file, a pack and a purpose text."""

    profile_file: Path | None = None
    pack: str | None = None
    purpose: str | None = None

    @property
    def given(self) -> bool:
        """True when any of them was given."""
        return any(v is not None for v in (self.profile_file, self.pack, self.purpose))


def chosen_profile(choice: ProfileChoice, packs: Packs) -> tuple[TargetProfile | None, str | None]:
    """The profile from --profile, --pack and --purpose, and a line to print when it was inferred.

    A file names its own pack; --pack sets or replaces it; --purpose alone infers the pack from its text.
    """
    purpose = (choice.purpose or "").strip()
    if choice.purpose is not None and not purpose:
        raise UsageError("--purpose is empty; say in a sentence what the application is for")
    if choice.profile_file is not None:
        base = read_profile(choice.profile_file)
        changes: dict[str, object] = {"source": "given"}
        if choice.pack is not None:
            changes["pack"] = choice.pack
        if purpose:
            changes["purpose"] = purpose
        return resolve_profile(profile_with(base, **changes), packs, where=str(choice.profile_file)), None
    if choice.pack is not None:
        packs.get(choice.pack)  # an unknown name fails here, listing the known ones
        explicit = TargetProfile(pack=choice.pack, purpose=purpose, source="pack")
        return resolve_profile(explicit, packs), None
    if purpose:
        inference = infer_pack([purpose], packs)
        line = inference.line("--purpose")
        return inferred_profile(inference, packs, purpose=purpose, source="purpose"), line
    return None, None
