"""Issue trackers: export findings as issues (GitHub, GitLab, Jira REST APIs through httpx), and take
their state back from the tracker's webhook.

Export is idempotent: the link table (`store.repos.trackers`) holds each finding's issue per tracker
and the hash of what was last pushed; a finding already exported is updated in place (never a second
issue), and only when its content changed. A closed issue moves a finding that is still being worked on
to mitigated (ready for verification), never further: only a verified re-run closes a finding.
"""

from __future__ import annotations

import base64
import json
import math
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline import __version__
from redline.config.settings import Settings, TrackerConfig
from redline.core.catalog.threats import Threat
from redline.core.channels.tracker_issues import (
    MAX_CASES,
    InboundOutcome,
    IssueContent,
    IssueDraft,
    IssueState,
    Markup,
    ReproStep,
    acceptance_for,
    draft,
    inbound_outcome,
    parse_event,
    signature_ok,
)
from redline.core.errors import ConfigError, PermissionDeniedError, RedlineError, UsageError
from redline.core.register.findings import OPEN_STATUSES, Finding, FindingStatus
from redline.core.register.policy import limit_for
from redline.core.secrets import read_secret, redact_text
from redline.program.people.actors import authorize
from redline.program.people.permissions import TRACKER_EXPORTERS
from redline.program.register.decisions import load_policy
from redline.program.register.mitigations import path_to
from redline.program.register.releases import release_label
from redline.scorers.masking import Masker
from redline.store import audit
from redline.store.repos import finding_cases as cases_repo
from redline.store.repos import findings as findings_repo
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import systems as systems_repo
from redline.store.repos import trackers as links_repo
from redline.store.repos.systems import resolve_release
from redline.store.repos.trackers import TrackerLink as TrackerLink
from redline.store.session import Store

WEBHOOK_ACTOR = "tracker:{name}"
WEBHOOK_REFUSED = "tracker.webhook_refused"
CREATING = "tracker.creating"
"""Audited just before an issue is opened, so that an export that dies before recording it is found."""
MAX_RETRIES = 3
MAX_RETRY_WAIT_S = 60.0
WEB_URL_ENV = "REDLINE_WEB_URL"


class TrackerError(RedlineError):
    """A tracker could not be reached or refused a request for a reason that may pass (429, 5xx)."""


class TrackerRefusedError(ConfigError):
    """A tracker refused the request because of how it is configured (token, project, fields)."""


class InvalidSignatureError(PermissionDeniedError):
    """A webhook call did not carry the tracker's proof of the shared secret (HTTP 403)."""


# --- clients ---------------------------------------------------------------------------------------


class IssueRef(BaseModel):
    """An issue as a tracker answered: its number, iid or key, and its web address."""

    model_config = ConfigDict(frozen=True)

    external_id: str
    url: str = ""


Sleep = Callable[[float], None]


class TrackerClient:
    """The REST calls of one tracker; subclasses say how to create and update an issue."""

    markup = Markup.MARKDOWN

    def __init__(
        self,
        cfg: TrackerConfig,
        env: Mapping[str, str],
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.cfg = cfg
        self.host = urlsplit(cfg.api_url).netloc or cfg.api_url
        token = read_secret(
            env,
            cfg.token_env,
            holds=f"the {cfg.kind} API token",
            field="token_env",
            where=f"tracker {cfg.name}",
        )
        self._client = httpx.Client(
            base_url=cfg.api_url,
            headers={"User-Agent": f"redline/{__version__}", **self.auth_headers(token, env)},
            timeout=cfg.timeout_s,
            transport=transport,
        )
        self._sleep = sleep

    def auth_headers(self, token: str, env: Mapping[str, str]) -> dict[str, str]:
        """The headers that authenticate every request."""
        raise NotImplementedError

    def create(self, issue: IssueDraft) -> IssueRef:
        """Open a new issue."""
        raise NotImplementedError

    def update(self, external_id: str, issue: IssueDraft) -> IssueRef:
        """Replace an existing issue's title, body and labels."""
        raise NotImplementedError

    def find(self, finding_id: str) -> IssueRef | None:
        """The newest issue whose title carries the finding's id ("(ID)", as `title_of` writes it), if
        any: how an export that died before recording its link finds the issue it opened."""
        raise NotImplementedError

    def items(self, resp: httpx.Response, key: str | None = None) -> list[dict[str, Any]]:
        """The answer's list of JSON objects (under `key` when the list sits in an object)."""
        try:
            data = resp.json()
        except ValueError:
            data = None
        if key is not None and isinstance(data, dict):
            data = data.get(key)
        if not isinstance(data, list):
            raise TrackerError(f"{self._where()}: answered {resp.status_code} without a list of issues")
        return [item for item in data if isinstance(item, dict)]

    def close(self) -> None:
        """Release the connection pool."""
        self._client.close()

    def __enter__(self) -> TrackerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _where(self) -> str:
        return f"tracker '{self.cfg.name}' ({self.cfg.kind} at {self.host})"

    def request(
        self, method: str, path: str, body: dict[str, Any] | None, params: dict[str, str] | None = None
    ) -> httpx.Response:
        """One API call; 429 is retried after Retry-After (at most MAX_RETRIES times), every other
        failure is one error line naming the tracker and host."""
        for attempt in range(MAX_RETRIES + 1):
            try:
                resp = self._client.request(method, path, json=body, params=params)
            except httpx.TimeoutException:
                raise TrackerError(f"{self._where()}: no answer within {self.cfg.timeout_s:g} s") from None
            except httpx.TransportError as exc:
                raise TrackerError(f"{self._where()}: cannot be reached ({type(exc).__name__})") from None
            if resp.status_code == 429 or (resp.status_code == 403 and _rate_limited(resp)):
                wait = _retry_after(resp)
                if attempt < MAX_RETRIES and wait <= MAX_RETRY_WAIT_S:
                    self._sleep(wait)
                    continue
                raise TrackerError(
                    f"{self._where()}: {resp.status_code} rate limited; retry after {wait:g} s"
                )
            if resp.is_success:
                return resp
            raise _refusal(self, resp, method, path)
        raise AssertionError("unreachable")  # pragma: no cover

    def json(self, resp: httpx.Response, *needed: str) -> dict[str, Any]:
        """The answer's JSON object holding the `needed` keys, or an error naming the tracker."""
        try:
            data = resp.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise TrackerError(f"{self._where()}: answered {resp.status_code} without a JSON object")
        missing = [k for k in needed if data.get(k) in (None, "")]
        if missing:
            raise TrackerError(f"{self._where()}: its answer has no '{missing[0]}' (is url an API address?)")
        return data


def _rate_limited(resp: httpx.Response) -> bool:
    return resp.headers.get("x-ratelimit-remaining") == "0" or "retry-after" in resp.headers


def _retry_after(resp: httpx.Response) -> float:
    value = resp.headers.get("retry-after")
    if value is not None:
        try:
            return max(0.0, float(value))
        except ValueError:
            return MAX_RETRY_WAIT_S + 1
    reset = resp.headers.get("x-ratelimit-reset")
    if reset is not None and reset.isdigit():
        return float(max(0, math.ceil(int(reset) - time.time())))
    return 1.0


_HINTS = {
    401: "the token in {token_env} was refused",
    403: "the token in {token_env} may not do this (scopes, or the project's permissions)",
    404: "no such project or issue '{project}' (or the token cannot see it)",
    422: "the tracker rejected the issue's fields",
    400: "the tracker rejected the issue's fields",
}


def _refusal(client: TrackerClient, resp: httpx.Response, method: str, path: str) -> RedlineError:
    hint = _HINTS.get(resp.status_code)
    detail = ""
    try:
        data = resp.json()
        if isinstance(data, dict):
            raw = data.get("message") or data.get("errorMessages") or data.get("errors") or data.get("error")
            detail = redact_text(" ".join(str(raw).split()))[:200] if raw else ""
    except ValueError:
        pass
    words = (
        hint.format(token_env=client.cfg.token_env, project=client.cfg.project) if hint else "request failed"
    )
    text = f"{client._where()}: {resp.status_code} on {method} {path}: {words}" + (
        f" ({detail})" if detail else ""
    )
    if resp.status_code in (400, 401, 403, 404, 422):
        return TrackerRefusedError(text)
    return TrackerError(text)


class GitHubClient(TrackerClient):
    """GitHub Issues REST API: POST/PATCH /repos/{owner}/{repo}/issues[/{number}]."""

    def auth_headers(self, token: str, env: Mapping[str, str]) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
        }

    def _path(self, suffix: str = "") -> str:
        owner, repo = self.cfg.project.split("/")
        return f"/repos/{quote(owner, safe='')}/{quote(repo, safe='')}/issues{suffix}"

    def _body(self, issue: IssueDraft) -> dict[str, Any]:
        return {"title": issue.title, "body": issue.body, "labels": list(issue.labels)}

    def create(self, issue: IssueDraft) -> IssueRef:
        data = self.json(self.request("POST", self._path(), self._body(issue)), "number")
        return IssueRef(external_id=str(data["number"]), url=str(data.get("html_url", "")))

    def update(self, external_id: str, issue: IssueDraft) -> IssueRef:
        data = self.json(
            self.request("PATCH", self._path(f"/{quote(external_id, safe='')}"), self._body(issue))
        )
        return IssueRef(external_id=str(data.get("number", external_id)), url=str(data.get("html_url", "")))

    def find(self, finding_id: str) -> IssueRef | None:
        # the newest issues, listed (the search API's index lags behind a just-opened issue)
        params = {"state": "all", "sort": "created", "direction": "desc", "per_page": "100"}
        for item in self.items(self.request("GET", self._path(), None, params)):
            if "pull_request" not in item and _titled(item.get("title"), finding_id) and item.get("number"):
                return IssueRef(external_id=str(item["number"]), url=str(item.get("html_url", "")))
        return None


class GitLabClient(TrackerClient):
    """GitLab Issues REST API (v4): POST /projects/:id/issues, PUT /projects/:id/issues/:iid."""

    def auth_headers(self, token: str, env: Mapping[str, str]) -> dict[str, str]:
        return {"PRIVATE-TOKEN": token}

    def _path(self, suffix: str = "") -> str:
        return f"/projects/{quote(self.cfg.project, safe='')}/issues{suffix}"

    def _body(self, issue: IssueDraft) -> dict[str, Any]:
        return {"title": issue.title, "description": issue.body, "labels": ",".join(issue.labels)}

    def create(self, issue: IssueDraft) -> IssueRef:
        data = self.json(self.request("POST", self._path(), self._body(issue)), "iid")
        return IssueRef(external_id=str(data["iid"]), url=str(data.get("web_url", "")))

    def update(self, external_id: str, issue: IssueDraft) -> IssueRef:
        data = self.json(
            self.request("PUT", self._path(f"/{quote(external_id, safe='')}"), self._body(issue))
        )
        return IssueRef(external_id=str(data.get("iid", external_id)), url=str(data.get("web_url", "")))

    def find(self, finding_id: str) -> IssueRef | None:
        params = {"search": finding_id, "in": "title", "order_by": "created_at", "per_page": "100"}
        for item in self.items(self.request("GET", self._path(), None, params)):
            if _titled(item.get("title"), finding_id) and item.get("iid"):
                return IssueRef(external_id=str(item["iid"]), url=str(item.get("web_url", "")))
        return None


class JiraClient(TrackerClient):
    """Jira REST API v2 (descriptions in wiki markup): POST /rest/api/2/issue, PUT /rest/api/2/issue/KEY.

    Jira Cloud: `email_env` names the account email, and the API token goes as basic auth; without it
    the token is a bearer personal access token (Jira Data Center)."""

    markup = Markup.JIRA

    def auth_headers(self, token: str, env: Mapping[str, str]) -> dict[str, str]:
        if self.cfg.email_env:
            email = read_secret(
                env,
                self.cfg.email_env,
                holds="the Jira account email",
                field="email_env",
                where=f"tracker {self.cfg.name}",
            )
            basic = base64.b64encode(f"{email}:{token}".encode()).decode("ascii")
            return {"Authorization": f"Basic {basic}", "Accept": "application/json"}
        return {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def _fields(self, issue: IssueDraft) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "summary": issue.title,
            "description": issue.body,
            "labels": list(issue.labels),
        }
        if issue.priority:
            fields["priority"] = {"name": issue.priority}
        return fields

    def create(self, issue: IssueDraft) -> IssueRef:
        fields = {
            **self.cfg.fields,
            "project": {"key": self.cfg.project},
            "issuetype": {"name": self.cfg.issue_type},
            **self._fields(issue),
        }
        data = self.json(self.request("POST", "/rest/api/2/issue", {"fields": fields}), "key")
        key = str(data["key"])
        return IssueRef(external_id=key, url=f"{self.cfg.api_url}/browse/{key}")

    def update(self, external_id: str, issue: IssueDraft) -> IssueRef:
        self.request(
            "PUT", f"/rest/api/2/issue/{quote(external_id, safe='')}", {"fields": self._fields(issue)}
        )
        return IssueRef(external_id=external_id, url=f"{self.cfg.api_url}/browse/{external_id}")

    def find(self, finding_id: str) -> IssueRef | None:
        quoted = finding_id.replace("\\", "").replace('"', "")
        jql = f'project = "{self.cfg.project}" AND summary ~ "\\"{quoted}\\"" ORDER BY created DESC'
        body = {"jql": jql, "fields": ["summary"], "maxResults": 50}
        for item in self.items(self.request("POST", "/rest/api/2/search", body), "issues"):
            fields = item.get("fields")
            if isinstance(fields, dict) and _titled(fields.get("summary"), finding_id) and item.get("key"):
                key = str(item["key"])
                return IssueRef(external_id=key, url=f"{self.cfg.api_url}/browse/{key}")
        return None


def _titled(title: object, finding_id: str) -> bool:
    return isinstance(title, str) and f"({finding_id})" in title


CLIENTS: dict[str, type[TrackerClient]] = {"github": GitHubClient, "gitlab": GitLabClient, "jira": JiraClient}


def tracker_config(settings: Settings, name: str) -> TrackerConfig:
    """The tracker of that name in redline.yaml."""
    for cfg in settings.config.trackers:
        if cfg.name == name:
            return cfg
    known = ", ".join(t.name for t in settings.config.trackers) or "none"
    raise ConfigError(
        f"no tracker named '{name}' in redline.yaml trackers (known: {known})", field="trackers"
    )


def client_for(
    cfg: TrackerConfig,
    env: Mapping[str, str] | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    sleep: Sleep = time.sleep,
) -> TrackerClient:
    """The REST client of a configured tracker (its token read from the environment now)."""
    return CLIENTS[cfg.kind](cfg, os.environ if env is None else env, transport=transport, sleep=sleep)


# --- the issue of a finding ------------------------------------------------------------------------


def _round_steps(session: Session, finding: Finding, masker: Masker) -> tuple[list[ReproStep], int]:
    if finding.round_id is None:
        return [], 0
    dossier = findings_repo.dossier(session, finding.id)
    failing = [c for e in dossier.evidence if e.round_id == finding.round_id for c in e.failing_cases]
    wanted = list(dict.fromkeys(failing))
    cases = {c.id: c for c in rounds_repo.list_cases(session, finding.round_id) if c.id in set(wanted)}
    shown = [cases[i] for i in wanted if i in cases][:MAX_CASES]
    steps = []
    for case in shown:
        attempts = {a.id for a in rounds_repo.list_attempts(session, finding.round_id, case_id=case.id)}
        verdicts = [
            f"{s.scorer}: {s.rationale or 'failed'}"
            for attempt_id, s in rounds_repo.list_scores(session, finding.round_id)
            if attempt_id in attempts and s.failed
        ]
        prompts = tuple(
            _clean(masker, m.content) for m in case.conversation.messages if m.role.value == "user"
        )
        steps.append(
            ReproStep(
                technique=case.technique,
                converters=case.converters,
                prompts=prompts or (_clean(masker, case.objective),),
                verdict=_clean(masker, "; ".join(dict.fromkeys(verdicts))[:1000]),
            )
        )
    return steps, max(0, len(wanted) - len(shown))


def _clean(masker: Masker, text: str) -> str:
    """Personal data masked (as exports mask it) and secret-shaped strings removed."""
    return redact_text(masker.text(text))


def issue_content(
    store: Store,
    settings: Settings,
    finding_id: str,
    *,
    threats: Mapping[str, Threat] | None = None,
    web_url: str | None = None,
) -> IssueContent:
    """What the issue of a finding says: risk, reproduction steps (masked), acceptance criteria, link."""
    from redline.program.register.findings import load_threats

    catalog = dict(threats) if threats is not None else load_threats(settings)
    masker = Masker(ner=settings.config.privacy.ner)
    with store.session() as session:
        finding = findings_repo.get_finding(session, finding_id)
        dossier = findings_repo.dossier(session, finding_id)
        release = (
            release_label(session, systems_repo.get_release(session, finding.release_id))
            if finding.release_id
            else None
        )
        case = cases_repo.find_case(session, finding_id)
        steps, more = _round_steps(session, finding, masker)
    target = release.split("@")[0] if release else None
    checker = None
    if case is not None:
        target, checker = case.system, case.checker
        steps = [
            ReproStep(
                technique=f"{case.source.value} conversation",
                prompts=tuple(_clean(masker, m.content) for m in conv.messages if m.role.value == "user"),
            )
            for conv in case.conversations[:MAX_CASES]
        ]
        more = max(0, len(case.conversations) - MAX_CASES)
    threat = catalog.get(finding.threat_id)
    policy = load_policy(settings)
    raised = [e for e in dossier.evidence if e.source not in ("verification", "verification-variants")]
    before = raised[0].evidence if raised else None
    acceptance = acceptance_for(
        before,
        limit=limit_for(threat, policy) if threat else None,
        zero_tolerance=bool(threat and (threat.zero_tolerance or threat.id in policy.zero_tolerance)),
    )
    base = web_url.rstrip("/") if web_url else None
    return IssueContent(
        finding=finding.model_copy(update={"description": _clean(masker, finding.description)}),
        threat_name=threat.title if threat else "",
        release=release,
        round_id=finding.round_id,
        target=target,
        checker=checker,
        samples=case.samples if case is not None else None,
        steps=tuple(steps),
        more_cases=more,
        acceptance=acceptance,
        link=f"{base}/findings/{finding.id}" if base else None,
    )


def issue_draft(cfg: TrackerConfig, content: IssueContent) -> IssueDraft:
    """The issue of a finding in one tracker's markup, with its labels and priority."""
    return draft(
        content,
        CLIENTS[cfg.kind].markup,
        labels=cfg.labels,
        risk_labels=cfg.risk_labels,
        priorities=cfg.priorities,
    )


# --- export ----------------------------------------------------------------------------------------


class ExportItem(BaseModel):
    """What exporting did with one finding."""

    model_config = ConfigDict(frozen=True)

    finding_id: str
    action: str = Field(
        description="'created', 'updated', 'unchanged', or 'recovered' (the issue an interrupted export "
        "opened, found and updated)."
    )
    external_id: str
    url: str = ""


class ExportResult(BaseModel):
    """One export to a tracker."""

    model_config = ConfigDict(frozen=True)

    tracker: str
    items: tuple[ExportItem, ...] = ()


def _select(
    session: Session, finding_ids: Sequence[str], release: str | None, open_only: bool
) -> list[Finding]:
    if finding_ids:
        if release or open_only:
            raise UsageError("name findings, or pass --release / --open, not both")
        return [findings_repo.get_finding(session, fid) for fid in dict.fromkeys(finding_ids)]
    if release is None and not open_only:
        raise UsageError("say which findings to export: FINDING_ID ..., --release R or --open")
    release_id = resolve_release(session, release).id if release else None
    found = findings_repo.list_findings(
        session, statuses=OPEN_STATUSES if open_only else None, release_id=release_id
    )
    return [f for f in found if f.status is not FindingStatus.DUPLICATE]


def export(
    store: Store,
    settings: Settings,
    *,
    tracker: str,
    user: str | None,
    finding_ids: Sequence[str] = (),
    release: str | None = None,
    open_only: bool = False,
    env: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    sleep: Sleep = time.sleep,
    threats: Mapping[str, Threat] | None = None,
) -> ExportResult:
    """Create or update one issue per finding in `tracker` (audited per issue as tracker.export).

    A finding already linked to an issue there is updated in place when its content changed and left
    alone otherwise, so exporting twice never opens a second issue. Each push is recorded as soon as
    the tracker answers: an error part-way leaves the findings pushed so far linked. An export that died
    between opening an issue and recording it is noticed on the next one (tracker.creating without a
    link), which looks the issue up by the finding's id in its title and updates it ('recovered').
    """
    from redline.program.register.findings import load_threats

    cfg = tracker_config(settings, tracker)
    environ = os.environ if env is None else env
    web_url = environ.get(WEB_URL_ENV) or cfg.web_url
    catalog = dict(threats) if threats is not None else load_threats(settings)
    with store.session() as session:
        who = authorize(session, user, TRACKER_EXPORTERS, action="export findings to trackers")
        findings = _select(session, finding_ids, release, open_only)
    items: list[ExportItem] = []
    with client_for(cfg, environ, transport=transport, sleep=sleep) as client:
        for finding in findings:
            issue = issue_draft(
                cfg, issue_content(store, settings, finding.id, threats=catalog, web_url=web_url)
            )
            digest = issue.content_hash
            with store.session() as session:
                link = links_repo.get_link(session, finding.id, cfg.name)
            if link is not None and link.content_hash == digest:
                items.append(
                    ExportItem(
                        finding_id=finding.id, action="unchanged", external_id=link.external_id, url=link.url
                    )
                )
                continue
            found = None if link is not None else _unrecorded_issue(store, client, cfg.name, finding.id)
            known = link.external_id if link is not None else found.external_id if found else None
            if known is not None:
                ref = client.update(known, issue)
            else:
                with store.session() as session:
                    audit.append(
                        session,
                        actor=who.name,
                        action=CREATING,
                        subject=finding.id,
                        payload={"tracker": cfg.name, "kind": cfg.kind},
                    )
                ref = client.create(issue)
            with store.session() as session:
                saved = links_repo.record_push(
                    session,
                    finding_id=finding.id,
                    tracker=cfg.name,
                    kind=cfg.kind,
                    external_id=ref.external_id,
                    url=ref.url,
                    content_hash=digest,
                    created=known is None,
                    actor=who.name,
                )
            items.append(
                ExportItem(
                    finding_id=finding.id,
                    action="recovered" if found else "created" if link is None else "updated",
                    external_id=saved.external_id,
                    url=saved.url,
                )
            )
    return ExportResult(tracker=cfg.name, items=tuple(items))


def _unrecorded_issue(store: Store, client: TrackerClient, tracker: str, finding_id: str) -> IssueRef | None:
    """The issue an earlier export opened for a finding without living to record its link: looked for in
    the tracker only when such an export began (audited as tracker.creating) and left no link."""
    with store.session() as session:
        began = audit.list_events(session, action=CREATING, subject=finding_id, limit=1000)
    if not any(event.payload.get("tracker") == tracker for event in began):
        return None
    return client.find(finding_id)


def links(store: Store, finding_id: str) -> list[TrackerLink]:
    """A finding's issues in trackers."""
    with store.session() as session:
        return links_repo.links_of(session, finding_id)


# --- status flowing back ---------------------------------------------------------------------------


class InboundResult(BaseModel):
    """What one webhook call did."""

    model_config = ConfigDict(frozen=True)

    tracker: str
    finding_id: str | None = Field(default=None, description="The finding of the issue; None: not ours.")
    issue: str | None = None
    state: IssueState | None = None
    outcome: str = Field(description="'mitigated', 'noted', 'unchanged' or 'ignored'.")
    status: FindingStatus | None = Field(default=None, description="The finding's status afterwards.")


class RefusalLog:
    """Counts refused webhook calls per tracker and says when to audit them: the first refusal, then at
    most one record per `every_s` seconds, carrying the number refused since the last record."""

    def __init__(self, *, every_s: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.every_s = every_s
        self._clock = clock
        self._pending: dict[str, int] = {}
        self._last: dict[str, float] = {}
        self._lock = threading.Lock()

    def count(self, tracker: str) -> int:
        """Count one refusal; the number to audit now (0: not yet)."""
        with self._lock:
            now = self._clock()
            self._pending[tracker] = self._pending.get(tracker, 0) + 1
            last = self._last.get(tracker)
            if last is not None and now - last < self.every_s:
                return 0
            self._last[tracker] = now
            return self._pending.pop(tracker)


REFUSED_WEBHOOKS = RefusalLog()
"""The process's log of refused webhook calls."""


def receive_webhook(
    store: Store,
    settings: Settings,
    *,
    tracker: str,
    body: bytes,
    headers: Mapping[str, str],
    env: Mapping[str, str] | None = None,
    refusals: RefusalLog | None = None,
) -> InboundResult:
    """Check a webhook call's signature, then record the issue state it reports (audited).

    A refused call (no secret configured, or a wrong signature) is audited as tracker.webhook_refused,
    at most once a minute per tracker with the count of refusals since the last record (`RefusalLog`), so
    a flood of forged calls cannot grow the audit log without bound.

    A newly closed issue of a triaged, in-progress or reopened finding moves it to mitigated (ready for
    verification) along the status table; it never closes it. A reopened issue, or a close of a finding
    in any other status, is noted on the finding. Calls about issues Redline did not export are ignored.
    """
    cfg = tracker_config(settings, tracker)
    environ = os.environ if env is None else env
    secret = environ.get(cfg.webhook_secret_env or "", "") if cfg.webhook_secret_env else ""
    lower = {k.lower(): v for k, v in headers.items()}
    if not signature_ok(cfg.kind, secret, body, lower):
        why = "no webhook_secret_env is configured" if not secret else "the signature does not match"
        refused = (refusals if refusals is not None else REFUSED_WEBHOOKS).count(cfg.name)
        if refused:
            with store.session() as session:
                audit.append(
                    session,
                    actor=WEBHOOK_ACTOR.format(name=cfg.name),
                    action=WEBHOOK_REFUSED,
                    subject=cfg.name,
                    payload={"tracker": cfg.name, "reason": why, "refused": refused},
                )
        raise InvalidSignatureError(f"tracker '{cfg.name}' webhook refused: {why}")
    try:
        payload = json.loads(body) if body else {}
    except ValueError:
        raise UsageError(f"tracker '{cfg.name}' webhook: the body is not JSON") from None
    change = parse_event(cfg.kind, payload, cfg.project) if isinstance(payload, dict) else None
    if change is None:
        return InboundResult(tracker=cfg.name, outcome="ignored")
    actor = WEBHOOK_ACTOR.format(name=cfg.name)
    with store.session() as session:
        link = links_repo.find_by_issue(session, cfg.name, change.external_id)
        if link is None:
            return InboundResult(
                tracker=cfg.name, issue=change.external_id, state=change.state, outcome="ignored"
            )
        finding = findings_repo.get_finding(session, link.finding_id)
        previous = IssueState(link.state) if link.state in {s.value for s in IssueState} else None
        outcome = inbound_outcome(previous, change, finding.status)
        where = f"{cfg.name} issue {change.external_id}"
        if outcome is InboundOutcome.MITIGATED:
            for step in path_to(finding.status, FindingStatus.MITIGATED):
                finding = findings_repo.move(
                    session,
                    finding.id,
                    step,
                    actor=actor,
                    note=f"{where} closed: mitigation ready for verification",
                )
        elif outcome is InboundOutcome.NOTED:
            what = "reopened" if change.state is IssueState.OPEN else "closed"
            extra = (
                "; triage it, then verify the fix"
                if finding.status is FindingStatus.NEW and change.state is IssueState.CLOSED
                else ""
            )
            findings_repo.comment(
                session, finding.id, f"{where} {what} ({change.action}){extra}", actor=actor
            )
        links_repo.record_state(
            session,
            finding.id,
            cfg.name,
            state=change.state.value,
            event=change.action,
            actor=actor,
            outcome=outcome.value,
        )
    return InboundResult(
        tracker=cfg.name,
        finding_id=finding.id,
        issue=change.external_id,
        state=change.state,
        outcome=outcome.value,
        status=finding.status,
    )
