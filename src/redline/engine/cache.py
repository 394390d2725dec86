"""Response cache keyed by a content hash of (target identity and configuration, conversation, parameters)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence

import pydantic_core

from redline.core.ids import canonical_json
from redline.core.runs.conversation import Conversation, GenerationParams, Response
from redline.store.repos import cache as cache_repo
from redline.store.session import Store

# Bump when the key's layout changes, so old entries are never mistaken for new ones.
KEY_VERSION = 1


class CacheKeyer:
    """Computes cache keys for one target and one set of generation parameters."""

    def __init__(self, target_fingerprint: str, params: GenerationParams) -> None:
        prefix = canonical_json(
            {"v": KEY_VERSION, "target": target_fingerprint, "params": params.model_dump(mode="json")}
        )
        self._prefix = hashlib.sha256(prefix.encode("utf-8"))

    def key(self, conversation: Conversation) -> str:
        """The key of one conversation sent to this target with these parameters."""
        digest = self._prefix.copy()
        digest.update(pydantic_core.to_json([[m.role.value, m.content] for m in conversation.messages]))
        return digest.hexdigest()


class ResponseCache:
    """Reads and writes cached answers through the store; errors are never cached."""

    def __init__(self, store: Store, keyer: CacheKeyer, *, read: bool) -> None:
        self.store = store
        self.keyer = keyer
        self.read = read

    def lookup_sync(self, keys: Sequence[str]) -> dict[str, Response]:
        """Cached answers among `keys` (empty when reading is off)."""
        if not self.read or not keys:
            return {}
        with self.store.session() as session:
            return cache_repo.get_many(session, keys)

    async def lookup(self, keys: Sequence[str]) -> dict[str, Response]:
        """Cached answers among `keys`, read off the event loop."""
        if not self.read or not keys:
            return {}
        return await asyncio.to_thread(self.lookup_sync, keys)

    @staticmethod
    def storable(response: Response) -> bool:
        """True for answers worth caching: no error, and no tool calls (their results depend on what the
        case planted, which the key does not hold)."""
        return response.error is None and response.actions is None
