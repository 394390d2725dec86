"""The one release lookup (store.repos.systems.resolve_release): by id, SYSTEM@VERSION or a unique version."""

from __future__ import annotations

import pytest

from redline.core.errors import NotFoundError, UsageError
from redline.core.provenance import ModelIdentity
from redline.core.runs.systems import Release
from redline.store.repos import systems as systems_repo
from redline.store.session import Store

MODEL = ModelIdentity(provider="echo", name="echo")


def _release(store: Store, system: str, version: str) -> Release:
    with store.session() as s:
        sys_id = systems_repo.ensure_system(s, name=system, actor="t").id
        return systems_repo.ensure_release(
            s, system_id=sys_id, version=version, model=MODEL, config={}, actor="t"
        )


def test_a_release_is_found_by_id_by_system_at_version_and_by_a_unique_version(store: Store) -> None:
    chat_1 = _release(store, "chat", "1.0")
    chat_2 = _release(store, "chat", "2.0")
    mail_1 = _release(store, "mail", "1.0")
    with store.session() as s:
        assert systems_repo.resolve_release(s, chat_1.id).id == chat_1.id
        assert systems_repo.resolve_release(s, "mail@1.0").id == mail_1.id
        assert systems_repo.resolve_release(s, "chat@1.0").id == chat_1.id
        assert systems_repo.resolve_release(s, "2.0").id == chat_2.id


@pytest.mark.parametrize("ref", ["rel_nope", "9.9", "chat@9.9", "nope@1.0"])
def test_an_unknown_reference_fails_with_one_message_naming_it(store: Store, ref: str) -> None:
    _release(store, "chat", "1.0")
    with store.session() as s, pytest.raises(NotFoundError) as caught:
        systems_repo.resolve_release(s, ref)
    assert str(caught.value).startswith(f"no release '{ref}'; name it by id, as SYSTEM@VERSION")


def test_a_version_two_systems_use_must_name_the_system(store: Store) -> None:
    _release(store, "chat", "1.0")
    _release(store, "mail", "1.0")
    with store.session() as s, pytest.raises(UsageError, match=r"release '1\.0' exists for several systems"):
        systems_repo.resolve_release(s, "1.0")
