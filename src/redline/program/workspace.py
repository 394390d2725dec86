"""Create and open workspaces: a folder with redline.yaml, catalog/, playbooks/, policies/ and .redline/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from redline.config.settings import (
    CONFIG_NAME,
    STATE_DIR,
    WORKSPACE_DIRS,
    Settings,
    default_database_url,
    load_settings,
)
from redline.core.errors import UsageError
from redline.store import audit
from redline.store.session import Store, open_store

DEFAULT_CONFIG = """\
# Redline workspace. Reference: docs/configuration.md
name: {name}

# Systems under test. Secrets are never written here: name the environment variable instead.
systems:
  - name: smollm2
    description: SmolLM2-135M-Instruct, the bundled local model (Q4_1 GGUF, Apache-2.0)
    target:
      kind: gguf            # model: path to another GGUF file (default: the bundled one)
#  - name: my-api
#    target:
#      kind: openai-compat
#      base_url: http://127.0.0.1:8000/v1
#      model: my-model
#      api_key_env: OPENAI_API_KEY

database:
  # Leave empty for SQLite in .redline/; REDLINE_DATABASE_URL overrides this.
  url:

defaults:
  concurrency: 8
  seed: 0
  sample_size: 20

risk_matrix: {{low_max: 4, medium_max: 9, high_max: 16}}

decision_rights:
  plan_approvers: [committee, admin]
  quorum: 1
  gate_signers: [committee]
  risk_acceptors: [committee]

# How many people the systems reach (internal, limited, broad, mass); mass reach raises impact.
reach: broad

# Days to mitigate a finding, by risk level (past the due date, `redline gate upkeep` escalates), and
# days an accepted risk holds before it expires and goes back to triage (unless --review-by says).
triage:
  sla_days: {{critical: 7, high: 30, medium: 90, low: 180}}
  acceptance_review_days: 90

# Hooks told about escalations (critical findings, split committee votes). Values come from the
# environment: name the variables here, never the URL or secret itself.
notifications: []
#  - kind: webhook
#    url_env: REDLINE_WEBHOOK_URL
#    headers_env: {{X-Redline-Token: REDLINE_WEBHOOK_TOKEN}}
"""

_READMES = {
    "catalog": "Threat files (one YAML per threat). They add to, or override by id, the shipped catalog.\n",
    "playbooks": "Playbooks (YAML): procedures testers follow the same way every round.\n",
    "policies": "Release policies (YAML): the unacceptable harms the release gate checks.\n",
}


@dataclass(frozen=True)
class InitResult:
    """What `init_workspace` created."""

    settings: Settings
    created: bool


def init_workspace(
    folder: Path, *, name: str | None = None, env: dict[str, str] | None = None, actor: str | None = None
) -> InitResult:
    """Create a workspace in `folder` (or open the one there), migrate its store and audit the event."""
    folder = folder.expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} exists and is not a folder")
    config = folder / CONFIG_NAME
    created = not config.exists()
    folder.mkdir(parents=True, exist_ok=True)
    if created:
        config.write_text(DEFAULT_CONFIG.format(name=name or folder.name), encoding="utf-8")
    for sub in WORKSPACE_DIRS:
        (folder / sub).mkdir(exist_ok=True)
        readme = folder / sub / "README.md"
        if not readme.exists():
            readme.write_text(_READMES[sub], encoding="utf-8")
    policy = folder / "policies" / "default.yaml"
    if not policy.exists():
        from redline.program.register.decisions import DEFAULT_POLICY_YAML

        policy.write_text(DEFAULT_POLICY_YAML, encoding="utf-8")
    state = folder / STATE_DIR
    state.mkdir(mode=0o700, exist_ok=True)
    state.chmod(0o700)  # mkdir's mode is filtered by the umask, and an older workspace may be 0755
    (state / ".gitignore").write_text("*\n", encoding="utf-8")
    settings = load_settings(folder, env=env, actor=actor)
    store = open_workspace_store(settings)
    try:
        if created:
            with store.session() as sess:
                audit.append(
                    sess,
                    actor=settings.actor,
                    action="workspace.init",
                    subject=settings.config.name,
                    payload={"folder": folder.name, "database": store.dialect},
                )
    finally:
        store.dispose()
    return InitResult(settings=settings, created=created)


def open_workspace_store(settings: Settings) -> Store:
    """The workspace's store, migrated to the current schema."""
    return open_store(settings.database_url, concerns_url=settings.concerns_database_url)


def uses_default_database(settings: Settings) -> bool:
    """True when the workspace keeps its records in its own SQLite file."""
    return settings.database_url == default_database_url(settings.workspace)
