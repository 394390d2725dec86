"""Settings: the environment plus the workspace's `redline.yaml`, built once and passed down."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    IPvAnyNetwork,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from pydantic_settings import BaseSettings, SettingsConfigDict

from redline.config import plugins
from redline.core.catalog.profiles import TargetProfile
from redline.core.errors import ConfigError, WorkspaceNotFoundError
from redline.core.people.users import Role
from redline.core.register.assessment import Reach
from redline.core.register.risk import RiskMatrix
from redline.core.register.triage import SlaPolicy

CONFIG_NAME = "redline.yaml"
STATE_DIR = ".redline"
DB_NAME = "redline.db"
WORKSPACE_DIRS = ("catalog", "playbooks", "policies")
_SECRET_KEYS = {"api_key", "apikey", "password", "token", "secret", "authorization"}


def refuse_inline_secrets(data: Any, fields: str) -> Any:
    """Refuse a secret written in redline.yaml (a key such as api_key or token); `fields` names the
    settings that name environment variables instead."""
    if isinstance(data, dict):
        for key in data:
            if str(key).lower() in _SECRET_KEYS:
                raise ValueError(
                    f"'{key}' must not be written in the workspace; put it in an environment "
                    f"variable and name it with {fields}"
                )
    return data


class TargetConfig(BaseModel):
    """How to reach a system under test. Secrets are named by environment variable, never written here."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(
        description="Target adapter (a `redline.targets` entry point): "
        + ", ".join(f"'{kind}'" for kind in plugins.names("redline.targets"))
        + "."
    )
    model: str | None = Field(default=None, description="Model name or local model path.")
    base_url: str | None = Field(default=None, description="Base URL of an HTTP API.")
    api_key_env: str | None = Field(default=None, description="Environment variable holding the API key.")
    headers_env: dict[str, str] = Field(
        default_factory=dict, description="Header name -> environment variable holding its value."
    )
    system_prompt: str | None = Field(default=None, description="System prompt the target runs with.")
    options: dict[str, Any] = Field(default_factory=dict, description="Adapter options (temperature, ...).")

    @model_validator(mode="before")
    @classmethod
    def _no_inline_secrets(cls, data: Any) -> Any:
        return refuse_inline_secrets(data, "api_key_env or headers_env")


class SystemConfig(BaseModel):
    """A system under test declared in the workspace."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", description="Short name used on the CLI.")
    description: str = ""
    owner: str | None = None
    target: TargetConfig
    profile: TargetProfile | str | None = Field(
        default=None,
        description="What the system is for (docs/profiles.md): a block (`pack: retail-banking`, `purpose`, "
        "`forbidden_actions`, ...) whose parts replace the pack's, or the path of a profile YAML file.",
    )


class DatabaseConfig(BaseModel):
    """Where the store lives; REDLINE_DATABASE_URL overrides it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str | None = Field(default=None, description="SQLAlchemy URL; default: SQLite in .redline/.")
    concerns_url: str | None = Field(
        default=None,
        description="Store for anonymous concerns, kept apart so no other writer's commits order them; "
        "default: a sibling file of a SQLite database. With PostgreSQL, name a SQLite file or a database "
        "in another cluster (REDLINE_CONCERNS_DATABASE_URL overrides it).",
    )


class AuditConfig(BaseModel):
    """Anchoring the audit log outside the database (`redline audit checkpoint`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str | None = Field(
        default=None,
        description="Path of the Ed25519 signing key for audit checkpoints, outside the workspace's store "
        "(REDLINE_AUDIT_KEY and --key override it); default ~/.config/redline/audit-signing.key.",
    )


class Defaults(BaseModel):
    """Defaults for rounds and reports."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    concurrency: int = Field(default=8, ge=1, le=4096, description="Requests in flight per target.")
    seed: int = Field(default=0, description="Seed for every random choice in a round.")
    timeout_s: float = Field(default=60.0, gt=0, description="Per-request timeout in seconds.")
    max_retries: int = Field(default=6, ge=0, description="Retries on transient errors.")
    pause_after_failures: int = Field(
        default=10,
        ge=0,
        description="Connection failures or timeouts in a row (retries included) that pause a round; "
        "0: never.",
    )
    sample_size: int = Field(default=20, ge=1, description="Cases per technique and threat.")
    audience: str = Field(default="internal", description="Default report audience.")


class DecisionRights(BaseModel):
    """Who approves plans and signs release decisions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    plan_approvers: tuple[Role, ...] = (Role.COMMITTEE, Role.ADMIN)
    quorum: int = Field(default=1, ge=1, description="Approvals needed for a plan.")
    critical_plan_approvers: tuple[Role, ...] = Field(
        default=(Role.COMMITTEE,), description="Roles that may approve plans touching critical threats."
    )
    gate_signers: tuple[Role, ...] = (Role.COMMITTEE,)
    gate_quorum: int = Field(default=1, ge=1)
    risk_acceptors: tuple[Role, ...] = Field(
        default=(Role.COMMITTEE,), description="Roles that may accept the risk of a finding."
    )


class TriageConfig(BaseModel):
    """How findings are triaged."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sla_days: SlaPolicy = Field(default_factory=SlaPolicy, description="Days to mitigate, per risk level.")
    acceptance_review_days: int = Field(
        default=90, ge=1, le=3650, description="Days an accepted risk holds before it expires (review date)."
    )


class NotifierConfig(BaseModel):
    """A notification hook: a `redline.notifiers` plugin, where it sends, and which events it gets."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(default="webhook", description="Registered notifier: webhook, slack or teams.")
    url_env: str | None = Field(default=None, description="Environment variable holding the URL.")
    headers_env: dict[str, str] = Field(
        default_factory=dict, description="Header name -> environment variable holding its (secret) value."
    )
    events: tuple[str, ...] = Field(
        default=("escalation",),
        description="Event kinds to send (escalation, lessons, decision, drift, ...); '*' sends every kind.",
    )
    web_url: str | None = Field(
        default=None,
        description="Public base URL of the web workbench, for links in slack and teams messages; "
        "REDLINE_WEB_URL overrides it; unset: no link.",
    )


class WellbeingConfig(BaseModel):
    """Tester wellbeing: how much flagged content one person may view in a day before a lead must agree."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    daily_exposure_limit: int = Field(
        default=40, ge=1, le=10_000, description="Flagged items one person may view per day (UTC)."
    )
    warn_fraction: float = Field(
        default=0.8, gt=0, le=1, description="Share of the daily limit at which a warning is shown."
    )
    reveal_minutes: int = Field(
        default=10, ge=1, le=1440, description="Minutes a consented item stays visible without asking again."
    )
    onboarding_dir: str = Field(
        default="onboarding",
        min_length=1,
        max_length=500,
        description="Folder (relative to the workspace) whose YAML sections override or extend the "
        "onboarding material.",
    )


class PrivacyConfig(BaseModel):
    """Personal data in stored prompts and responses: who may unmask it, and how it is found."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    cleared_roles: tuple[Role, ...] = Field(
        default=(Role.ADMIN, Role.LEAD),
        description="Roles that may unmask personal data, one audited item at a time; others see masks.",
    )
    ner: bool = Field(
        default=True,
        description="Find names and places with Presidio's NER model where the 'pii' extra is installed.",
    )


class IntakeConfig(BaseModel):
    """The external intake: rate and size limits, and the coordinated-disclosure clock."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    disclosure_days: int = Field(
        default=90, ge=1, le=3650, description="Days from receipt to coordinated disclosure."
    )
    rate_limit: int = Field(
        default=5, ge=1, le=10_000, description="Submissions per client address per window."
    )
    rate_window_minutes: int = Field(default=60, ge=1, le=10_080, description="Length of the rate window.")
    max_bytes: int = Field(
        default=65_536, ge=1024, le=10_485_760, description="Largest accepted submission, in bytes."
    )


class WebConfig(BaseModel):
    """The web workbench behind a reverse proxy, and what its access log keeps."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    trusted_proxies: tuple[IPvAnyNetwork, ...] = Field(
        default=(),
        description="Addresses or networks of reverse proxies whose X-Forwarded-For header names the "
        "client (for rate limits and throttles); from anyone else the header is ignored.",
    )
    log_client_addresses: bool = Field(
        default=False,
        description="Keep client addresses in the access log (never for static assets or concern pages).",
    )


class AuthConfig(BaseModel):
    """Whether command-line actions need a sign-in (`auth: required` or `auth: {required: true}`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    required: bool = Field(
        default=False,
        description="Every command that acts as a user takes the account from `redline login`, not --as.",
    )
    login_days: int = Field(default=30, ge=1, le=366, description="Days a `redline login` lasts.")

    @model_validator(mode="before")
    @classmethod
    def _word(cls, value: Any) -> Any:
        if value in ("required", "optional"):
            return {"required": value == "required"}
        return value


class PerspectivesConfig(BaseModel):
    """Testers' declared perspectives: the smallest group whose size plans and reports may show."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_group_size: int = Field(
        default=2,
        ge=2,
        le=100,
        description="k: a count of testers is shown only when at least k hold a perspective and k do not; "
        "below that, plans and reports say 'covered' or 'gap' only.",
    )


_SQL_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_SQL_TABLE = re.compile(rf"(?:{_SQL_NAME.pattern}\.)?{_SQL_NAME.pattern}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SQL_ONLY = frozenset(
    {"table", "url_env", "id_column", "timestamp_column", "prompt_column", "answer_column"}
    | {"messages_column", "page_size"}
)


class MonitorSourceConfig(BaseModel):
    """One place production exchanges are read from by `redline monitor run`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="Name of the source, unique in the workspace.")
    kind: Literal["jsonl", "otel", "sql"] = Field(description="What the source holds.")
    path: str | None = Field(
        default=None, description="jsonl/otel: a file or a folder being appended to (workspace-relative)."
    )
    pattern: str | None = Field(
        default=None,
        description="jsonl/otel: which files of the folder to read (glob; default '*.jsonl' for jsonl, "
        "'*.json*' for otel).",
    )
    table: str | None = Field(
        default=None, description="sql: table or view holding the exchanges ('name' or 'schema.name')."
    )
    url_env: str | None = Field(
        default=None,
        description="sql: environment variable holding the database URL; default: the workspace database.",
    )
    id_column: str = Field(default="id", description="sql: column with the exchange's id.")
    timestamp_column: str = Field(
        default="timestamp",
        description="sql: column with when the answer was given (rows read in its order).",
    )
    prompt_column: str | None = Field(default="prompt", description="sql: column with the user's prompt.")
    answer_column: str | None = Field(default="answer", description="sql: column with the answer.")
    messages_column: str | None = Field(
        default=None,
        description="sql: column with the whole conversation as JSON ([{role, content}, ...]) instead of "
        "prompt and answer columns.",
    )
    page_size: int = Field(default=1000, ge=1, le=100_000, description="sql: rows fetched per query.")

    @field_validator("table")
    @classmethod
    def _table_identifier(cls, value: str | None) -> str | None:
        if value is not None and not _SQL_TABLE.fullmatch(value):
            raise ValueError("must be a table or view name ('name' or 'schema.name': letters, digits, _)")
        return value

    @field_validator("id_column", "timestamp_column", "prompt_column", "answer_column", "messages_column")
    @classmethod
    def _column_identifier(cls, value: str | None) -> str | None:
        if value is not None and not _SQL_NAME.fullmatch(value):
            raise ValueError("must be a column name (letters, digits, _)")
        return value

    @field_validator("url_env")
    @classmethod
    def _env_name(cls, value: str | None) -> str | None:
        if value is not None and not _ENV_NAME.fullmatch(value):
            raise ValueError("must be the name of an environment variable, not the URL itself")
        return value

    @model_validator(mode="after")
    def _fits_kind(self) -> Self:
        given = self.model_fields_set
        if self.kind in ("jsonl", "otel"):
            if not self.path:
                raise PydanticCustomError(
                    "missing_path",
                    "'path' is needed: a {kind} source reads a file or folder",
                    {"kind": self.kind},
                )
            wrong = sorted(given & _SQL_ONLY)
        else:
            if not self.table:
                raise PydanticCustomError(
                    "missing_table", "'table' is needed: a sql source reads a table or view"
                )
            wrong = sorted(given & {"path", "pattern"})
            if self.messages_column is None and (self.prompt_column is None or self.answer_column is None):
                raise PydanticCustomError(
                    "missing_columns",
                    "give 'messages_column', or both 'prompt_column' and 'answer_column'",
                )
        if wrong:
            raise PydanticCustomError(
                "wrong_kind",
                "'{field}' is not used by a {kind} source",
                {"field": wrong[0], "kind": self.kind},
            )
        return self


class MonitoringConfig(BaseModel):
    """Production monitoring: where exchanges come from and how drift is judged."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: tuple[MonitorSourceConfig, ...] = Field(default=(), description="Production exchange sources.")
    release: str | None = Field(
        default=None,
        description="Release in production (SYSTEM@VERSION or id) runs are recorded for; default: the "
        "newest release.",
    )
    scorers: tuple[str, ...] = Field(
        default=("toxicity", "leak.pii", "leak.system-prompt-shape"),
        description="Scorers run on every sampled exchange: ones that judge an answer without a test "
        "objective.",
    )
    sample_rate: float = Field(
        default=1.0, gt=0, le=1, description="Share of the exchanges read that are scored (seeded)."
    )
    max_samples_per_run: int = Field(
        default=5_000, ge=1, description="Most exchanges scored in one run; the rest are read and skipped."
    )
    seed: int = Field(default=0, description="Seed of the sampling: the same exchanges give the same sample.")
    baseline_days: int = Field(
        default=7, ge=1, description="The baseline: the first N days of production after the release."
    )
    baseline_from: date | None = Field(default=None, description="Pinned baseline: first day (UTC).")
    baseline_to: date | None = Field(default=None, description="Pinned baseline: last day (UTC), inclusive.")
    window_days: int = Field(default=1, ge=1, description="The current window: the last N days.")
    min_samples: int = Field(
        default=30, ge=1, description="Scored exchanges each window needs before drift is judged."
    )
    psi_threshold: float = Field(default=0.25, gt=0, description="PSI above which a scorer drifted.")
    ks_alpha: float = Field(default=0.01, gt=0, lt=1, description="KS p-value below which a scorer drifted.")
    ks_min_distance: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="KS distance a drift needs as well (large windows make tiny shifts significant).",
    )
    embed_per_run: int = Field(
        default=500,
        ge=0,
        description="Current-window answers embedded per run to look for new failure modes (0: none); as "
        "many baseline answers again until the baseline holds 5,000.",
    )
    novelty_distance: float = Field(
        default=0.4,
        gt=0,
        lt=2,
        description="Cosine distance (MiniLM) to the nearest baseline answer above which an answer is "
        "unlike the baseline; also how close a cluster's answers are to its first.",
    )
    min_cluster_size: int = Field(
        default=5, ge=2, description="Unlike answers a new failure mode needs (one cluster)."
    )
    mask_names: bool = Field(
        default=False,
        description="Mask people and places with the NER model too (slow); patterns always run.",
    )
    threats: dict[str, str] = Field(
        default_factory=dict,
        description="Scorer -> catalog threat its drift is filed under; default: the first catalog threat "
        "the scorer names, else robustness.deployment-drift.",
    )

    @model_validator(mode="after")
    def _pinned_baseline(self) -> Self:
        if (self.baseline_from is None) != (self.baseline_to is None):
            raise PydanticCustomError("baseline_range", "give both 'baseline_from' and 'baseline_to'")
        if self.baseline_from and self.baseline_to and self.baseline_to < self.baseline_from:
            raise PydanticCustomError("baseline_range", "'baseline_to' is before 'baseline_from'")
        return self


_TRACKER_API = {"github": "https://api.github.com", "gitlab": "https://gitlab.com/api/v4"}


class TrackerConfig(BaseModel):
    """An issue tracker that findings are exported to (`redline finding export --to NAME`), and whose
    webhook reports issue state back (`POST /api/trackers/NAME/webhook`). Tokens are named by
    environment variable, never written here (docs/trackers.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", description="Name used with --to."
    )
    kind: Literal["github", "jira", "gitlab"] = Field(description="Which tracker's REST API.")
    url: str | None = Field(
        default=None,
        description="API base URL: default https://api.github.com (github), https://gitlab.com/api/v4 "
        "(gitlab); required for jira (the site, e.g. https://example.atlassian.net).",
    )
    project: str = Field(
        min_length=1,
        description="github: 'owner/repo'; gitlab: project id or path ('group/project'); jira: project key.",
    )
    issue_type: str = Field(default="Bug", min_length=1, description="jira: issue type of new issues.")
    token_env: str = Field(
        min_length=1,
        description="Environment variable holding the API token (github/gitlab: a personal or project "
        "access token; jira: an API token, or a personal access token when email_env is unset).",
    )
    email_env: str | None = Field(
        default=None,
        description="jira Cloud: environment variable holding the account email; the token is then sent "
        "as basic auth (email:token). Unset: the token is sent as a bearer token (Jira Data Center).",
    )
    labels: tuple[str, ...] = Field(default=("redline",), description="Labels every exported issue carries.")
    risk_labels: dict[str, str] = Field(
        default_factory=lambda: {lvl: f"risk:{lvl}" for lvl in ("low", "medium", "high", "critical")},
        description="Risk level -> label added for it (a level not named gets none).",
    )
    priorities: dict[str, str] = Field(
        default_factory=dict, description="jira: risk level -> priority name (e.g. critical: Highest)."
    )
    fields: dict[str, Any] = Field(
        default_factory=dict, description="jira: extra fields set on every issue (custom fields, components)."
    )
    webhook_secret_env: str | None = Field(
        default=None,
        description="Environment variable holding the webhook secret (github/jira: HMAC-SHA256 signature; "
        "gitlab: the X-Gitlab-Token value); unset: the webhook refuses every call.",
    )
    web_url: str | None = Field(
        default=None,
        description="Public base URL of the web workbench (e.g. https://redline.example.com), for the "
        "link back to each finding; REDLINE_WEB_URL overrides it; unset: no link.",
    )
    timeout_s: float = Field(default=30.0, gt=0, le=600, description="Per-request timeout in seconds.")

    @model_validator(mode="before")
    @classmethod
    def _no_inline_secrets(cls, data: Any) -> Any:
        return refuse_inline_secrets(data, "token_env or webhook_secret_env")

    @model_validator(mode="after")
    def _project_shape(self) -> Self:
        if self.kind == "github" and self.project.count("/") != 1:
            raise ValueError(f"github project must be 'owner/repo', not '{self.project}'")
        if self.kind == "jira" and not self.url:
            raise ValueError("jira needs url: the site, e.g. https://example.atlassian.net")
        unknown = sorted(
            (set(self.risk_labels) | set(self.priorities)) - {"low", "medium", "high", "critical"}
        )
        if unknown:
            raise ValueError(
                f"unknown risk level(s) {', '.join(unknown)} (known: low, medium, high, critical)"
            )
        return self

    @property
    def api_url(self) -> str:
        """The API base URL, without a trailing slash."""
        return (self.url or _TRACKER_API[self.kind]).rstrip("/")


class ScheduleConfig(BaseModel):
    """A job that `redline schedule` runs on a cron-like schedule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="Name of the job, unique in the workspace.")
    cron: str = Field(min_length=1, description="Five-field cron expression (minute hour day month weekday).")
    job: Literal["round", "monitor", "upkeep"] = Field(
        description="What runs: a plan's round, a monitoring run, or the upkeep sweep."
    )
    plan: str | None = Field(default=None, description="round: the approved plan whose round runs.")
    system: str | None = Field(default=None, description="round: the system (default: the plan's).")
    release: str | None = Field(default=None, description="round: the release label (default: the plan's).")
    user: str | None = Field(
        default=None,
        description="Account the job acts as (round: a lead or admin whose onboarding is current).",
    )
    timezone: str = Field(default="UTC", description="IANA time zone the cron expression is read in.")
    enabled: bool = Field(default=True, description="False: listed, never fired.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone '{value}' (an IANA name such as 'Europe/Paris')") from exc
        return value

    @field_validator("cron")
    @classmethod
    def _valid_cron(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value, timezone="UTC")
        except ValueError as exc:
            raise ValueError(f"'{value}' is not a five-field cron expression ({exc})") from exc
        return value

    @model_validator(mode="after")
    def _round_has_plan(self) -> Self:
        if self.job == "round" and not self.plan:
            raise ValueError(f"schedule '{self.name}': a round job names the approved plan it runs (plan)")
        if self.job == "round" and not self.user:
            raise ValueError(f"schedule '{self.name}': a round job names the lead or admin it runs as (user)")
        return self


class WorkspaceConfig(BaseModel):
    """The contents of `redline.yaml`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, description="Name of the program or product being red-teamed.")
    systems: tuple[SystemConfig, ...] = Field(default=(), description="Systems under test.")
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    audit: AuditConfig = Field(default_factory=AuditConfig)
    defaults: Defaults = Field(default_factory=Defaults)
    risk_matrix: RiskMatrix = Field(default_factory=RiskMatrix)
    decision_rights: DecisionRights = Field(default_factory=DecisionRights)
    reach: Reach = Field(
        default=Reach.BROAD, description="How many people the systems reach (raises impact)."
    )
    triage: TriageConfig = Field(default_factory=TriageConfig)
    notifications: tuple[NotifierConfig, ...] = Field(default=(), description="Notification hooks.")
    wellbeing: WellbeingConfig = Field(default_factory=WellbeingConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    intake: IntakeConfig = Field(default_factory=IntakeConfig)
    perspectives: PerspectivesConfig = Field(default_factory=PerspectivesConfig)
    web: WebConfig = Field(default_factory=WebConfig)
    auth: AuthConfig = Field(default_factory=AuthConfig)
    monitoring: MonitoringConfig = Field(default_factory=MonitoringConfig)
    trackers: tuple[TrackerConfig, ...] = Field(default=(), description="Issue trackers findings go to.")
    schedules: tuple[ScheduleConfig, ...] = Field(default=(), description="Jobs run on a schedule.")
    attacker: str | None = Field(
        default=None,
        description="System that plays the attacker model in PAIR, TAP and Crescendo (a playbook step's "
        "`attacker` overrides it); without one PAIR and TAP are skipped and Crescendo uses scripted turns.",
    )
    judge: str | None = Field(
        default=None,
        description="System that plays the judge model for `judge.*` scorers in rounds, mitigation "
        "re-runs and monitoring; without one those scorers are skipped.",
    )

    @model_validator(mode="after")
    def _unique_systems(self) -> Self:
        names = [s.name for s in self.systems]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"system names must be unique; repeated: {', '.join(dupes)}")
        return self

    @field_validator("schedules")
    @classmethod
    def _unique_schedules(cls, value: tuple[ScheduleConfig, ...]) -> tuple[ScheduleConfig, ...]:
        names = [s.name for s in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"schedule names must be unique; repeated: {', '.join(dupes)}")
        return value

    @field_validator("attacker", "judge")
    @classmethod
    def _names_a_system(cls, value: str | None, info: ValidationInfo) -> str | None:
        systems = info.data.get("systems") or ()
        names = [s.name for s in systems]
        if value is not None and value not in names:
            known = ", ".join(names) or "none"
            raise PydanticCustomError(
                "unknown_system",
                "no system named '{name}' in systems (known: {known})",
                {"name": value, "known": known},
            )
        return value

    def system(self, name: str) -> SystemConfig:
        """The system of that name."""
        for sys_cfg in self.systems:
            if sys_cfg.name == name:
                return sys_cfg
        known = ", ".join(s.name for s in self.systems) or "none"
        raise ConfigError(f"no system named '{name}' in {CONFIG_NAME} (known: {known})")


class EnvSettings(BaseSettings):
    """What the environment can set: REDLINE_WORKSPACE, REDLINE_DATABASE_URL."""

    model_config = SettingsConfigDict(env_prefix="REDLINE_", extra="ignore")

    workspace: Path | None = None
    database_url: str | None = None


class Settings(BaseModel):
    """Everything a command needs to know, built once at the edge and passed down explicitly."""

    model_config = ConfigDict(frozen=True)

    workspace: Path = Field(description="Workspace folder (holds redline.yaml).")
    config: WorkspaceConfig
    database_url: str = Field(description="Resolved database URL; may hold a password, never logged.")
    concerns_database_url: str | None = Field(
        default=None, description="Resolved concerns store URL, when set; None: the default."
    )
    debug: bool = False
    actor: str = Field(default="cli", description="Who acts in audit events from this process.")

    @property
    def state_dir(self) -> Path:
        """The `.redline/` folder."""
        return self.workspace / STATE_DIR

    @property
    def config_path(self) -> Path:
        """Path of `redline.yaml`."""
        return self.workspace / CONFIG_NAME


def find_workspace(explicit: Path | None, *, env: Mapping[str, str], cwd: Path) -> Path:
    """The workspace: from the flag, then REDLINE_WORKSPACE, then the nearest parent with redline.yaml."""
    env_ws = EnvSettings.model_validate({"workspace": env.get("REDLINE_WORKSPACE") or None}).workspace
    for candidate, origin in ((explicit, "--workspace"), (env_ws, "REDLINE_WORKSPACE")):
        if candidate is not None:
            path = candidate.expanduser().resolve()
            if not (path / CONFIG_NAME).is_file():
                raise WorkspaceNotFoundError(f"{origin} points to {path}, which has no {CONFIG_NAME}")
            return path
    here = cwd.resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise WorkspaceNotFoundError(
        f"no {CONFIG_NAME} in {here} or its parents; run 'redline init' or pass --workspace"
    )


def load_workspace_config(path: Path) -> WorkspaceConfig:
    """Read and validate `redline.yaml`."""
    from redline.config.yamlio import load_model

    return load_model(path, WorkspaceConfig)


def default_database_url(workspace: Path) -> str:
    """SQLite database inside the workspace's state folder."""
    return f"sqlite:///{workspace / STATE_DIR / DB_NAME}"


def _absolute_sqlite(url: str, ws: Path) -> str:
    """A relative SQLite path resolved against the workspace."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:////"):
        rel = url.removeprefix("sqlite:///")
        if rel and rel != ":memory:" and not Path(rel).is_absolute():
            return f"sqlite:///{(ws / rel).resolve()}"
    return url


def load_settings(
    workspace: Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    debug: bool = False,
    actor: str | None = None,
) -> Settings:
    """Build the one Settings object for this process."""
    env = os.environ if env is None else env
    ws = find_workspace(workspace, env=env, cwd=cwd or Path.cwd())
    config = load_workspace_config(ws / CONFIG_NAME)
    url = _absolute_sqlite(
        env.get("REDLINE_DATABASE_URL") or config.database.url or default_database_url(ws), ws
    )
    who = actor or env.get("REDLINE_ACTOR") or f"cli:{env.get('USER', 'unknown')}"
    concerns = env.get("REDLINE_CONCERNS_DATABASE_URL") or config.database.concerns_url
    return Settings(
        workspace=ws,
        config=config,
        database_url=url,
        concerns_database_url=_absolute_sqlite(concerns, ws) if concerns else None,
        debug=debug,
        actor=who,
    )
