"""Render the report model as Markdown (GitHub-flavoured), with every stored string escaped."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from datetime import datetime

from redline.core.runs.timeline import ActionTimeline, Segment
from redline.reports.analyses import analyses_markdown
from redline.reports.html import CHANGE_WORDS, report_title
from redline.reports.model import ReportModel, ThreatRate
from redline.reports.summary import OUTCOME_WORDS
from redline.reports.transcripts import CONTENT_WARNING

AUDIENCE_NOTE = {
    "internal": "Internal report: contains model outputs that may be harmful (collapsed behind warnings).",
    "committee": "Committee report: model outputs are hidden behind a content warning.",
    "external": "Transparency report: aggregate results; conversations, system prompts, secrets and "
    "names of people are withheld.",
}


MARKDOWN_PUNCTUATION = "\\`*_[]()#!|~"
"""Characters that can start Markdown syntax: links and images (`[ ] ( ) !`), code, emphasis, tables."""


def md_escape(value: object, *, in_table: bool = False) -> str:
    """Stored text made inert in Markdown: HTML escaped (`< > &`), every Markdown punctuation character
    backslash-escaped, so a title like `![x](http://...)` or `[click](...)` stays literal text.

    `in_table` also keeps it on one line (`<br>` for newlines), as a table cell needs. The one helper
    every Markdown renderer uses for stored data.
    """
    out = html.escape("" if value is None else str(value), quote=False)
    out = "".join("\\" + ch if ch in MARKDOWN_PUNCTUATION else ch for ch in out)
    if in_table:
        out = out.replace("\r", "").replace("\n", "<br>")
    return out


def cell(value: object) -> str:
    """Text safe inside a Markdown table cell (see `md_escape`)."""
    return md_escape(value, in_table=True)


def text(value: object) -> str:
    """Text safe in a Markdown paragraph (see `md_escape`)."""
    return md_escape(value)


def _table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return [*lines, ""]


def _when(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else ""


def _pct(v: float) -> str:
    return f"{v:.0%}" if v in (0.0, 1.0) or v >= 0.1 else f"{v:.1%}"


def render_report_markdown(model: ReportModel) -> str:
    """The whole report as Markdown."""
    r = model
    out = [f"# {text(report_title(r))}", ""]
    out += [
        f"_{text(r.scope.program)} · generated {r.generated_at:%Y-%m-%d %H:%M UTC} · {text(r.generator)}_",
        "",
    ]
    out += [f"> {AUDIENCE_NOTE[r.audience.value]}", ""]
    out += _exposure(r)
    out += ["## Summary", "", f"**Decision: {OUTCOME_WORDS[r.decision.outcome]}**"]
    if not r.decision.recorded:
        out.append(" (preview, not signed)")
    out += [
        "",
        f"- **Release decision.** {text(r.summary.decision)}",
        f"- **What was tested.** {text(r.summary.tested)}",
    ]
    out += [
        f"- **What we found.** {text(r.summary.found)}",
        f"- **What is being done.** {text(r.summary.doing)}",
        "",
    ]
    if r.summary.adhoc_note:
        out += [f"> **Ad hoc.** {text(r.summary.adhoc_note)}", ""]
    out += ["## Scope", ""]
    out += _table(
        ["Round", "Kind", "Status", "Cases", "Finished"],
        [
            (rd.id, "ad hoc" if rd.adhoc else "planned", rd.status.value, rd.cases, _when(rd.finished_at))
            for rd in r.rounds
        ],
    )
    out += [
        f"System: {text(r.scope.system or '—')} · release {text(r.scope.release or '—')} · model "
        f"{text(r.scope.model or '—')}",
        "",
    ]
    out += ["## Release decision and sign-off", ""]
    if r.decision.signed_by:
        out += [f"Signed by: {text(', '.join(r.decision.signed_by))}", ""]
    if r.decision.revisit:
        lead = "Stale decision." if r.decision.stale else "The decision no longer holds."
        out += [f"**{lead}** {text(r.decision.revisit)}", ""]
    if r.decision.checklist:
        out += _table(
            ["Condition", "Owner", "Holds", "Detail"],
            [(c.text, c.owner, c.state, c.detail) for c in r.decision.checklist],
        )
    else:
        out += [f"- {text(c)}" for c in r.decision.conditions] + ([""] if r.decision.conditions else [])
    if r.decision.signoffs:
        out += _table(
            ["Member", "Vote", "On this evidence", "Comment"],
            [(v.signer, v.vote, "yes" if v.current else "no", v.comment) for v in r.decision.signoffs],
        )
    out += _table(
        ["Criterion", "Subject", "Held", "Detail"],
        [(g.criterion, g.subject, "yes" if g.passed else "no", g.detail) for g in r.decision.reasons],
    )
    out += [
        "## Risk heat map",
        "",
        "Open findings per cell; rows are likelihood (5 = almost certain), columns impact.",
        "",
    ]
    out += _table(
        ["Likelihood \\ impact", "1", "2", "3", "4", "5"],
        [
            (
                f"{int(row[0].likelihood)}",
                *(f"{c.count} ({c.level.value})" if c.count else c.level.value for c in row),
            )
            for row in r.heatmap.rows
        ],
    )
    out += _table(["Risk level", "Open", "All"], [(s.level.value, s.open, s.total) for s in r.severity])
    out += ["## Failure rates per threat", "", "Every rate with its sample size n and its 95% interval.", ""]
    out += _table(
        ["Threat", "Harm area", "Failed / n", "Rate", "95% interval", "Limit", "Source"],
        [
            (
                t.threat_id,
                t.harm_category,
                f"{t.failures} / {t.n}",
                _pct(t.rate) + _corrected(t) + "".join(f" (judge {j})" for j in t.judges),
                f"{_pct(t.low)} - {_pct(t.high)}",
                (_pct(t.limit) + (" exceeded" if t.above_limit else "")) if t.limit is not None else "—",
                t.round_id + (" (ad hoc)" if t.adhoc else ""),
            )
            for t in r.rates
        ],
    )
    out += analyses_markdown(r.analyses)
    out += [
        "## Catalog coverage",
        "",
        f"{r.coverage.tested} of {r.coverage.catalog_threats} active threats tested.",
        "",
    ]
    out += _table(
        ["Harm area", "Tested", "Threats"], [(c.category, c.tested, c.threats) for c in r.coverage.categories]
    )
    out += _perspectives(r)
    out += ["## Trends across releases", ""]
    if r.trends.points:
        out += _table(
            ["Release", "Failed / n", "Rate", "95% interval"],
            [
                (p.release, f"{p.failures} / {p.n}", _pct(p.rate), f"{_pct(p.low)} - {_pct(p.high)}")
                for p in r.trends.points
            ],
        )
        out += _table(
            ["Threat", *(p.release for p in r.trends.points), "Change"],
            [
                (t.threat_id, *(c or "—" for c in t.cells), CHANGE_WORDS[t.change.value])
                for t in r.trends.threats
            ],
        )
    else:
        out += ["No release history.", ""]
    out += ["## Findings", ""]
    out += _table(
        ["Finding", "Title", "Threat", "L x I", "Risk", "Status", "Owner", "Mitigations"],
        [
            (
                f.id,
                f.title,
                f.threat_id,
                f"{int(f.likelihood)} x {int(f.impact)}",
                f.risk.value,
                f.status.value,
                f.owner or "unassigned",
                ", ".join(f.mitigation_ids) or "none",
            )
            for f in r.findings
        ],
    )
    out += ["## Mitigations", ""]
    out += _table(
        ["Mitigation", "Finding", "Kind", "What changes", "Owner", "Status"],
        [
            (m.id, m.finding_id, m.type.value, m.description, m.owner or "unassigned", m.status.value)
            for m in r.mitigations
        ],
    )
    out += _verifications(r)
    out += _postmortems(r)
    out += _lessons(r)
    out += _agent_actions(r)
    out += _transcripts(r)
    out += _method(r)
    out += ["## Limitations", "", *(f"- {text(lim)}" for lim in r.limitations), ""]
    return "\n".join(out)


def _verifications(r: ReportModel) -> list[str]:
    """Each verification re-run with both parts: the original cases and fresh variants of them."""
    if not r.verifications:
        return []
    rows = [
        (
            v.finding_id,
            v.release,
            v.before,
            f"{v.original_after}: {v.original_outcome.value.replace('_', ' ')}",
            f"{v.fresh_cases}: {v.fresh_after}: {v.fresh_outcome.value.replace('_', ' ')}"
            if v.fresh_outcome is not None
            else "not run",
            v.outcome.value.replace("_", " "),
        )
        for v in r.verifications
    ]
    head = ["Finding", "Release", "Before", "(a) Original cases", "(b) Fresh variants", "Outcome"]
    return ["### Verification re-runs", "", *_table(head, rows)]


def _postmortems(r: ReportModel) -> list[str]:
    """Each finding's post-mortem: what failed, why, the root cause and the process changes."""
    if not r.postmortems:
        return []
    out = ["## Post-mortems", ""]
    for p in r.postmortems:
        held = f" · held {p.held_on}" if p.held_on else ""
        out += [
            f"### {text(p.finding_id)} {text(p.title)}",
            "",
            f"_Root cause: {text(p.root_cause_label)}{held} · owner {text(p.owner or 'none')}_",
            "",
            f"- **What failed.** {text(p.what_failed)}",
            f"- **Why.** {text(p.why)}",
            *(f"- **Process change.** {text(c)}" for c in p.changes),
            "",
        ]
    return out


def _lessons(r: ReportModel) -> list[str]:
    """The lessons digest of the release: closed findings, causes, process changes, recurring causes."""
    if r.lessons is None:
        return []
    lessons = r.lessons
    out = ["## Lessons", "", text(lessons.summary()), ""]
    if lessons.closed:
        out += _table(
            ["Finding closed", "Risk", "Status", "Closed", "Post-mortem"],
            [
                (
                    c.id,
                    c.risk.value,
                    c.status.value,
                    _when(c.closed_at),
                    "yes" if c.has_postmortem else "not yet",
                )
                for c in lessons.closed
            ],
        )
    for g in lessons.causes:
        out += [f"### Root cause: {text(g.label)} ({len(g.lessons)})", ""]
        out += [f"- {text(x.finding_id)}: {text(x.what_failed)} ({text(x.why)})" for x in g.lessons] + [""]
    if lessons.changes:
        out += ["### What changed in the process", ""]
        out += [f"- {text(c.change)} ({text(c.finding_id)})" for c in lessons.changes] + [""]
    if lessons.recurring:
        out += ["### Recurring across releases", ""]
        out += [f"- {text(x.label)}: {text(', '.join(x.releases))}" for x in lessons.recurring] + [""]
    return out


def _perspectives(r: ReportModel) -> list[str]:
    p = r.perspectives
    out = ["## Perspective coverage", ""]
    if not p.perspectives:
        return [*out, "No threat in scope calls for a perspective.", ""]
    if p.withheld:
        return [
            *out,
            f"Coverage is not shown: the plans have {p.testers} assigned tester(s), fewer than "
            f"{p.min_group_size}, so any answer would describe one person's declaration.",
            "",
        ]
    declared = f"; {p.declared} declared perspectives" if p.declared is not None else ""
    out += [
        f"{len(p.perspectives) - len(p.gaps)} of {len(p.perspectives)} perspectives the threats call for are "
        f"covered by {p.testers} assigned tester(s){declared}. Aggregate only: a count is shown where at "
        f"least {p.min_group_size} testers hold a perspective and {p.min_group_size} do not.",
        "",
    ]
    rows = [
        (
            c.label,
            ("covered" + (f" ({c.testers})" if c.testers is not None else "")) if c.covered else "**gap**",
            ", ".join(c.threats),
        )
        for c in p.perspectives
    ]
    return out + _table(["Perspective", "Testers", "Called for by"], rows)


def _exposure(r: ReportModel) -> list[str]:
    e = r.exposure
    if e is None:
        return []
    who = e.reader or "an unnamed reader"
    line = (
        f"This copy, made for {who}, shows {e.flagged_included} flagged exchange"
        f"{'' if e.flagged_included == 1 else 's'} and withholds {e.flagged_withheld}"
    )
    if e.playground_withheld:
        line += f", and leaves out {e.playground_withheld} of playground conversations"
    return ["> **Exposure.** " + text(line + "." + (f" {e.note}" if e.note else "")), ""]


def _timeline(tl: ActionTimeline) -> str:
    """An action timeline as one raw HTML line (no blank line inside the details block)."""

    def segs(parts: tuple[Segment, ...]) -> str:
        return "".join(
            f"<mark>{html.escape(p.text)}</mark>" if p.marked else html.escape(p.text) for p in parts
        )

    items = []
    for st in tl.steps:
        tags = [*st.flags, *(["injected result"] if st.injected else []), *(["error"] if st.error else [])]
        head = f"{st.number}. <code>{html.escape(st.tool)}</code>" + "".join(
            f" [{html.escape(t)}]" for t in tags
        )
        body = f"<pre>{segs(st.arguments)}</pre>"
        if st.outcome:
            body += f"<pre>{segs(st.outcome)}</pre>"
        if st.error:
            body += f"<p>Error: {html.escape(st.error)}</p>"
        body += "".join(f"<p>would have: {html.escape(e)}</p>" for e in st.side_effects)
        items.append(f"<li>{head}{body}</li>")
    if tl.budget_exhausted:
        items.append(f"<li>step budget of {tl.step_budget} reached</li>")
    items.append(f"<li><em>final answer</em><pre>{segs(tl.final_answer)}</pre></li>")
    return "<p><em>action trace</em></p><ol>" + "".join(items) + "</ol>"


def _agent_actions(r: ReportModel) -> list[str]:
    if not r.agent_actions:
        return []
    out = [
        "## What the agents did",
        "",
        "Tool names and verdicts; arguments, results and answers are masked.",
        "",
    ]
    for a in r.agent_actions:
        verdicts = ", ".join(f"{v.scorer}: {v.result}" for v in a.verdicts)
        out.append(
            f"<div><p>case {html.escape(a.case_id)} · {html.escape(a.technique)} · "
            f"{html.escape(verdicts)}</p>" + _timeline(a.timeline) + "</div>"
        )
        out.append("")
    return out


def _transcripts(r: ReportModel) -> list[str]:
    note = r.exposure.note if r.exposure is not None else ""
    if not r.transcripts and not note:
        return []
    out = ["## Evidence: example exchanges", ""]
    if note:
        out += [f"> {text(note)}", ""]
    for t in r.transcripts:
        label = ("⚠ Content warning · " if t.flagged else "") + f"case {t.case_id} · {t.technique}"
        # raw HTML block (up to the blank line): Markdown is not read there, HTML escaping is what holds
        out.append(f"<details{'' if t.collapsed else ' open'}><summary>{html.escape(label)}</summary>")
        if t.flagged:
            out.append(f"<p><strong>{html.escape(CONTENT_WARNING)}</strong></p>")
        for m in t.messages:
            out.append(f"<p><em>{m.role.value}</em></p><pre>{html.escape(m.content)}</pre>")
        out.append(f"<p><em>response</em></p><pre>{html.escape(t.response)}</pre>")
        if t.actions is not None:
            out.append(_timeline(t.actions))
        out += [
            f"<p>{html.escape(s.scorer)}: {html.escape(str(s.result))} {html.escape(s.rationale)}</p>"
            for s in t.scores
        ]
        out += ["</details>", ""]
    return out


def _method(r: ReportModel) -> list[str]:
    m = r.method
    out = ["## Method appendix", "", text(m.interval), ""]
    out += [f"- Catalog: {m.catalog_threats} threats, sha256 `{m.catalog_sha256}`"]
    out += [
        f"- Release fingerprint: `{m.release_fingerprint or '—'}`",
        f"- Audit log: {m.audit_events} events, head `{m.audit_head}`",
        f"- Audit checkpoint: {text(m.audit_checkpoint.summary())}"
        if m.audit_checkpoint
        else "- Audit checkpoint: none (the log is not anchored outside the database)",
        "",
    ]
    for rm in m.rounds:
        out += [f"### Round {text(rm.round_id)}{' (ad hoc)' if rm.adhoc else ''}", ""]
        out += _table(
            ["Item", "Value"],
            [
                ("seed", rm.seed),
                ("techniques", ", ".join(rm.techniques)),
                ("scorers", ", ".join(f"{k} {v}".strip() for k, v in rm.scorers.items())),
                ("versions", ", ".join(f"{k} {v}" for k, v in rm.versions.items())),
                ("configuration sha256", rm.config_sha256),
                ("cases sha256", rm.cases_sha256),
                ("requests and responses sha256", rm.responses_sha256),
                ("scores sha256", rm.scores_sha256),
                ("replay", rm.replay),
            ],
        )
        if rm.warnings:
            out += ["Warnings:", "", *(f"- {text(w)}" for w in rm.warnings), ""]
    return out


def _corrected(t: ThreatRate) -> str:
    """' (corrected 24%, 12% - 40%, 20 reviewed)' where a human review corrected the rate, or
    '..., judge calibration cal-1)' where the scoring judge's calibration did."""
    if t.corrected_rate is None or t.corrected_low is None or t.corrected_high is None:
        return ""
    by = (
        f"judge calibration {t.corrected_calibration}"
        if t.corrected_by == "calibration"
        else f"{t.reviewed} reviewed"
    )
    return f" (corrected {_pct(t.corrected_rate)}, {_pct(t.corrected_low)} - {_pct(t.corrected_high)}, {by})"
