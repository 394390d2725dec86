"""Onboarding: the material's versions, explicit consent, staleness, and the gates it closes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from redline.config.settings import Settings
from redline.core.errors import ConfigError, PermissionDeniedError, UsageError
from redline.core.people.users import Role
from redline.program.catalog.plans import PlanSpec, create_plan
from redline.program.people import content, onboarding, wellbeing
from redline.program.people.onboarding import OnboardingRequiredError, OnboardingState, Section, SectionKind
from redline.program.workbench import playground, runs
from redline.program.workbench.runs import RunRequest
from redline.program.workspace import open_workspace_store
from redline.store import audit
from redline.store.repos import rounds, users
from redline.store.session import Store
from tests import world as data
from tests.onboarded import onboard

CONDUCT_V2 = """sections:
  - id: code-of-conduct
    kind: conduct
    title: Code of conduct
    version: "2.0"
    body: Test only what an approved plan names. Never act on what a model tells you.
"""
RUN = RunRequest(system="smollm2", playbooks=("system-prompt-leakage",), sample_size=1)


@pytest.fixture
def world(workspace: Settings) -> Iterator[tuple[Store, str]]:
    store = open_workspace_store(workspace)
    with store.session() as s:
        users.add_user(s, name="tess", roles={Role.TESTER}, actor="test")
        users.add_user(s, name="lena", roles={Role.LEAD}, actor="test")
        users.add_user(s, name="ada", roles={Role.ADMIN}, actor="test")
    rid = data.stored_round(store, release_id=None, outcomes={"injection.direct": ["fail", "pass"]})
    with store.session() as s:
        subject = f"attempt:{rounds.list_attempts(s, rid)[0].id}"
    yield store, subject
    store.dispose()


def _change_conduct(settings: Settings) -> None:
    folder = settings.workspace / settings.config.wellbeing.onboarding_dir
    folder.mkdir(exist_ok=True)
    (folder / "conduct.yaml").write_text(CONDUCT_V2, encoding="utf-8")


def test_a_sections_hash_ignores_rewrapping_but_not_a_changed_word() -> None:
    one = Section(id="x", kind=SectionKind.GUIDANCE, title="T", body="Stop when\nyou need to.")
    rewrapped = one.model_copy(update={"body": "  Stop  when you\n\n need to. "})
    changed = one.model_copy(update={"body": "Stop when you want to."})
    assert one.digest == rewrapped.digest != changed.digest
    assert one.stamp().digest == one.digest and len(one.digest) == 64


def test_a_warning_names_its_harm_category() -> None:
    with pytest.raises(ValueError, match="harm category"):
        Section(id="w", kind=SectionKind.WARNING, title="T", body="b")


def test_the_shipped_material_covers_conduct_guidance_resources_and_every_harm_category(
    workspace: Settings,
) -> None:
    from redline.program.register.findings import load_threats

    material = onboarding.load_material(workspace)
    kinds = [s.kind for s in material.sections]
    assert kinds[0] is SectionKind.CONDUCT and kinds == sorted(kinds, key=lambda k: onboarding.KIND_ORDER[k])
    ids = set(material.by_id())
    assert {"code-of-conduct", "problem-framing", "risk-communication", "de-escalation"} <= ids
    assert "wellbeing-resources" in ids
    categories = {s.category for s in material.sections if s.kind is SectionKind.WARNING}
    assert {t.harm_category for t in load_threats(workspace).values()} <= categories
    assert {content.EXTERNAL, content.UNCATEGORISED} <= categories
    assert set(material.sources.values()) == {"shipped"}


def test_without_onboarding_a_tester_cannot_open_flagged_content_and_after_consent_can(
    world: tuple[Store, str], workspace: Settings
) -> None:
    store, subject = world
    with pytest.raises(OnboardingRequiredError, match="tess may not open flagged content") as refused:
        wellbeing.consent(store, workspace, user="tess", subject=subject)
    assert "/onboarding" in str(refused.value) and "redline onboarding consent --as tess" in str(
        refused.value
    )
    assert "\n" not in str(refused.value)
    assert wellbeing.status(store, workspace, viewer="tess").views == 0
    onboard(store, workspace, "tess")
    released = wellbeing.consent(store, workspace, user="tess", subject=subject)
    assert released.counted and released.content.parts


def test_no_role_is_exempt(world: tuple[Store, str], workspace: Settings) -> None:
    store, subject = world
    for name in ("lena", "ada"):
        with pytest.raises(OnboardingRequiredError):
            wellbeing.consent(store, workspace, user=name, subject=subject)


def test_without_onboarding_no_playbook_round_or_playground_starts(
    world: tuple[Store, str], workspace: Settings
) -> None:
    store, _ = world
    with pytest.raises(OnboardingRequiredError, match="lena may not start a round of playbooks"):
        runs.prepare(store, workspace, RUN, user="lena")
    with pytest.raises(OnboardingRequiredError, match="tess may not run manual steps"):
        playground.start(store, workspace, user="tess", system="smollm2", playbook="jailbreak")
    onboard(store, workspace, "lena", "tess")
    prepared, settings = runs.prepare(store, workspace, RUN, user="lena")
    assert (prepared.spec.cases_total or 0) >= 1 and settings.actor == "lena"
    view = playground.start(store, workspace, user="tess", system="smollm2", playbook="jailbreak")
    assert view.steps and view.guidance.startswith("Content warning:")


def test_a_changed_code_of_conduct_asks_again_and_closes_the_gates(
    world: tuple[Store, str], workspace: Settings
) -> None:
    store, subject = world
    onboard(store, workspace, "tess", "lena")
    wellbeing.consent(store, workspace, user="tess", subject=subject)
    rid = data_round(store)
    seen = content.round_exchanges(store, workspace, round_id=rid, viewer="tess")
    assert any(e.flagged and e.content is not None for e in seen)

    _change_conduct(workspace)
    found = onboarding.status(store, workspace, user="tess")
    assert found.state is OnboardingState.STALE and found.changed == ("code-of-conduct",)
    assert "code-of-conduct" in found.reason()
    with pytest.raises(OnboardingRequiredError, match="material changed since consent"):
        wellbeing.consent(store, workspace, user="tess", subject=subject)
    with pytest.raises(OnboardingRequiredError):
        runs.prepare(store, workspace, RUN, user="lena")
    hidden = content.round_exchanges(store, workspace, round_id=rid, viewer="tess")
    assert all(e.content is None for e in hidden if e.flagged), "an earlier reveal does not outlive staleness"

    shown = onboarding.packet(store, workspace, user="tess")
    assert shown.sources["code-of-conduct"] == "workspace"
    onboard(store, workspace, "tess")
    again = onboarding.status(store, workspace, user="tess")
    assert (
        again.current
        and {"id": "code-of-conduct", "version": "2.0"}.items() <= dict(again.agreed[0].model_dump()).items()
    )
    assert wellbeing.consent(store, workspace, user="tess", subject=subject).content.parts


def data_round(store: Store) -> str:
    with store.session() as s:
        return rounds.list_rounds(s)[0].id


def test_consent_is_explicit_and_for_the_material_shown(
    world: tuple[Store, str], workspace: Settings
) -> None:
    store, _ = world
    shown = onboarding.packet(store, workspace, user="tess")
    with pytest.raises(UsageError, match="tick the box"):
        onboarding.consent(store, workspace, user="tess", agree=False, material=shown.material)
    _change_conduct(workspace)
    with pytest.raises(UsageError, match="changed while you read it"):
        onboarding.consent(store, workspace, user="tess", agree=True, material=shown.material)
    assert onboarding.status(store, workspace, user="tess").state is OnboardingState.MISSING


def test_consent_and_withdrawal_are_recorded_with_versions_and_audited(
    world: tuple[Store, str], workspace: Settings
) -> None:
    store, subject = world
    onboard(store, workspace, "tess")
    found = onboarding.status(store, workspace, user="tess")
    assert found.current and found.consented_at is not None
    assert [v.id for v in found.agreed] == [v.id for v in found.required]
    assert all(len(v.digest) == 64 and v.version for v in found.agreed)
    withdrawn = onboarding.withdraw(store, workspace, user="tess", reason="taking a break")
    assert withdrawn.state is OnboardingState.WITHDRAWN and withdrawn.withdrawn_at is not None
    with pytest.raises(OnboardingRequiredError, match="withdrawn"):
        wellbeing.consent(store, workspace, user="tess", subject=subject)
    with pytest.raises(UsageError, match="no consent in force"):
        onboarding.withdraw(store, workspace, user="tess")
    with store.session() as s:
        events = [e for e in audit.list_events(s) if e.action.startswith("onboarding.")][::-1]
    assert [e.action for e in events] == ["onboarding.consent", "onboarding.withdraw"]
    assert all(e.actor == "tess" and e.subject == "tess" for e in events)
    versions = events[0].payload["sections"]
    assert {"id": "code-of-conduct", "version": "1.0"}.items() <= versions[0].items()
    assert events[1].payload["reason"] == "taking a break"


def test_warnings_follow_the_harm_areas_of_assigned_plans(
    world: tuple[Store, str], workspace: Settings
) -> None:
    store, _ = world
    everything = onboarding.packet(store, workspace, user="tess")
    assert everything.status.areas is None
    all_warnings = [s for s in everything.sections if s.kind is SectionKind.WARNING]
    assert len(all_warnings) > 10
    onboard(store, workspace, "tess")
    with store.session() as s:
        create_plan(
            s,
            PlanSpec(title="privacy round", threats=("privacy.pii-disclosure",), testers=("tess",)),
            settings=workspace,
            user="lena",
        )
    assigned = onboarding.packet(store, workspace, user="tess")
    assert assigned.status.areas == ("privacy",)
    assert [s.id for s in assigned.sections if s.kind is SectionKind.WARNING] == ["warning.privacy"]
    assert assigned.status.current, "consent given while unassigned covered every warning"

    with store.session() as s:
        create_plan(
            s,
            PlanSpec(title="bias round", threats=("bias.stereotype",), testers=("lena",)),
            settings=workspace,
            user="lena",
        )
    onboard(store, workspace, "lena")
    lena = onboarding.status(store, workspace, user="lena")
    assert lena.current and "warning.discrimination" in {v.id for v in lena.agreed}


def test_a_new_harm_area_asks_for_its_warning(world: tuple[Store, str], workspace: Settings) -> None:
    store, _ = world
    with store.session() as s:
        create_plan(
            s,
            PlanSpec(title="privacy", threats=("privacy.pii-disclosure",), testers=("tess",)),
            settings=workspace,
            user="lena",
        )
    onboard(store, workspace, "tess")
    with store.session() as s:
        create_plan(
            s,
            PlanSpec(title="bias", threats=("bias.stereotype",), testers=("tess",)),
            settings=workspace,
            user="lena",
        )
    found = onboarding.status(store, workspace, user="tess")
    assert found.state is OnboardingState.STALE and found.added == ("warning.discrimination",)


def test_leads_see_who_is_onboarded_stale_or_missing(world: tuple[Store, str], workspace: Settings) -> None:
    store, _ = world
    onboard(store, workspace, "tess", "lena")
    _change_conduct(workspace)
    onboard(store, workspace, "lena")
    rows = {r.user: r for r in onboarding.team(store, workspace, user="lena")}
    assert {n: r.state for n, r in rows.items()} == {
        "ada": OnboardingState.MISSING,
        "lena": OnboardingState.CURRENT,
        "tess": OnboardingState.STALE,
    }
    assert rows["tess"].changed == ("code-of-conduct",) and rows["tess"].roles == ("tester",)
    with pytest.raises(PermissionDeniedError):
        onboarding.team(store, workspace, user="tess")


def test_a_workspace_without_a_code_of_conduct_or_with_duplicates_is_refused(
    workspace: Settings, tmp_path: Path
) -> None:
    folder = workspace.workspace / "onboarding"
    folder.mkdir()
    twice = CONDUCT_V2 + CONDUCT_V2.removeprefix("sections:\n")
    (folder / "conduct.yaml").write_text(twice, encoding="utf-8")
    with pytest.raises(ConfigError, match="also in"):
        onboarding.load_material(workspace)
    (folder / "conduct.yaml").write_text(CONDUCT_V2.replace("kind: conduct", "kind: guidance"), "utf-8")
    with pytest.raises(ConfigError, match="no code of conduct"):
        onboarding.load_material(workspace)
