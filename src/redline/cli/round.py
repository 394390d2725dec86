"""`redline round`: run a round against a system, list rounds, show one, and follow its status.

A re-run of the same `round run` command continues the newest unfinished round with the same spec
(system, prompts or playbooks, scorers, parameters, seed); `--resume ID` names the round, `--new`
starts afresh. Budgets stop a round as STOPPED; running the command again continues it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from redline.cli.context import state

if TYPE_CHECKING:
    from redline.cli.context import CliState
    from redline.config.settings import TargetConfig
    from redline.core.analysis.evidence import Evidence
    from redline.core.analysis.review import ReviewSummary, RoundCorrection, RoundJudge
    from redline.core.runs.rounds import Round
    from redline.engine.result import RoundResult
    from redline.program.people.content import Exchange
    from redline.targets.preflight import Hints

app = typer.Typer(help="Rounds: run cases against a system and inspect the results.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def evidence_table(title: str, evidence: tuple[Evidence, ...]) -> None:
    """Print failure rates per threat with n and the 95% interval."""
    from redline.cli.output import table

    rows = [
        (
            e.threat_id,
            f"{e.failures}/{e.n}",
            f"{e.rate:.0%}",
            f"{e.low:.0%}-{e.high:.0%}",
            e.could_not_score,
            e.errors,
        )
        for e in evidence
    ]
    table(title, ["threat", "failed/n", "rate", "95% CI", "not scored", "errors"], rows)


def print_result(result: RoundResult, *, json_out: bool, quiet: bool, warnings: tuple[str, ...] = ()) -> None:
    """Render a round's result for people or machines (`warnings`: those of building the round)."""
    from redline.cli.output import emit_json, say

    if json_out:
        emit_json(result.model_dump(mode="json") | {"warnings": list(warnings)})
        return
    if quiet:
        say(result.round_id)
        return
    run = result.run
    say(
        f"Round {result.round_id}: {result.status.value}"
        + (f" ({result.stopped_reason})" if result.stopped_reason else "")
        + f"; {result.cases} cases, {result.attempts} attempts stored"
        + (f", {result.error_count} errors {result.errors}" if result.errors else "")
    )
    say(
        f"This run: {run.attempts} attempts, {run.requests} requests ({run.retries} retries, "
        f"{run.rate_limited} rate-limited), {run.cached} from cache, {run.tokens} tokens"
        + (f", cost {run.cost:.4f}" if run.cost else "")
        + f", {result.wall_s:.1f} s"
    )
    evidence_table("Failure rates", result.evidence)


def fail_if_paused(result: RoundResult) -> None:
    """Exit 3 with one line when the round was paused because its target stopped answering."""
    from redline.core.errors import TargetError

    if result.run.paused:
        raise TargetError(f"round {result.round_id} {result.stopped_reason}")


def check_target_first(config: TargetConfig, *, name: str, hints: Hints) -> None:
    """The preflight: one small request, so a wrong address fails in a line instead of a round."""
    import asyncio
    import os

    from redline.targets.preflight import preflight

    asyncio.run(preflight(config, name=name, env=os.environ, hints=hints))


NoPreflightOpt = Annotated[
    bool,
    typer.Option(
        "--no-preflight",
        help="Skip the one small request that checks the target answers before the round starts "
        "(a refused connection, DNS failure, timeout or 5xx exits 3; a 401/403, 404, HTML page or "
        "other wrong answer exits 2).",
    ),
]


@app.command("run")
def run(
    ctx: typer.Context,
    system: Annotated[str, typer.Option("--system", help="System under test, as named in redline.yaml.")],
    prompts: Annotated[
        Path | None, typer.Option("--prompts", help="Prompts file: one per line, or JSON Lines.")
    ] = None,
    playbook: Annotated[
        list[str] | None,
        typer.Option("--playbook", help="Playbook to run (repeatable; default: a core set)."),
    ] = None,
    sample_size: Annotated[int | None, typer.Option(help="Seeds per playbook step.", min=1)] = None,
    scorer: Annotated[list[str] | None, typer.Option("--scorer", help="Scorer to use (repeatable).")] = None,
    concurrency: Annotated[int | None, typer.Option(help="Requests in flight.", min=1)] = None,
    rpm: Annotated[float | None, typer.Option("--rpm", help="Requests per minute at most.")] = None,
    tpm: Annotated[float | None, typer.Option("--tpm", help="Tokens per minute at most.")] = None,
    timeout: Annotated[float | None, typer.Option(help="Seconds per request.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count cases, requests, tokens, cost.")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not use the cache.")] = False,
    max_requests: Annotated[int | None, typer.Option(help="Stop after this many requests.")] = None,
    max_tokens: Annotated[int | None, typer.Option(help="Stop after this many tokens.")] = None,
    max_cost: Annotated[float | None, typer.Option(help="Stop at this cost.")] = None,
    price_prompt: Annotated[float, typer.Option(help="Price per 1k prompt tokens.")] = 0.0,
    price_completion: Annotated[float, typer.Option(help="Price per 1k completion tokens.")] = 0.0,
    resume: Annotated[str | None, typer.Option("--resume", help="Continue this round.")] = None,
    new: Annotated[bool, typer.Option("--new", help="Start a new round even if one can resume.")] = False,
    executor: Annotated[str, typer.Option(help="local (default) or ray.")] = "local",
    address: Annotated[str | None, typer.Option(help="Ray cluster address (with --executor ray).")] = None,
    seed: Annotated[int | None, typer.Option(help="Seed for every random choice.")] = None,
    release: Annotated[str | None, typer.Option(help="Release version label.")] = None,
    plan: Annotated[str | None, typer.Option("--plan", help="Approved plan id (default: ad hoc).")] = None,
    adhoc: Annotated[bool, typer.Option("--adhoc", help="Run without a plan (the default).")] = False,
    no_preflight: NoPreflightOpt = False,
    json_out: JsonOpt = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only the round id.")] = False,
    as_user: Annotated[
        str | None,
        typer.Option(
            "--as",
            envvar="REDLINE_USER",
            help="Tester running it (default: REDLINE_USER); their onboarding must be current.",
        ),
    ] = None,
) -> None:
    """Run (or continue) a round of cases against a system, stored as it goes.

    Run by a named user (--as or REDLINE_USER), the round starts only if their onboarding is current.
    One small request first checks that the target answers (--no-preflight skips it). If the target
    stops answering during the round (defaults.pause_after_failures connection failures or timeouts in
    a row), the round is paused and the command exits 3; run it again to resume.
    """
    import asyncio

    from redline.cli.output import emit_json, say
    from redline.cli.progress import ProgressBar
    from redline.core.errors import UsageError
    from redline.engine.dryrun import estimate_round
    from redline.engine.executors import make_executor
    from redline.engine.launch import RoundRequest, prepare_round
    from redline.engine.round import run_round
    from redline.engine.spec import Budget, Pricing

    if adhoc and plan:
        raise UsageError("--adhoc runs without a plan; drop --plan or --adhoc")
    st = state(ctx)
    quiet = quiet or st.quiet
    pricing = Pricing(price_prompt, price_completion) if price_prompt or price_completion else None
    request = RoundRequest(
        system=system,
        prompts=prompts,
        playbooks=tuple(playbook or ()),
        sample_size=sample_size,
        scorers=tuple(scorer or ()),
        concurrency=concurrency,
        requests_per_minute=rpm,
        tokens_per_minute=tpm,
        timeout_s=timeout,
        budget=Budget(max_requests=max_requests, max_tokens=max_tokens, max_cost=max_cost),
        pricing=pricing,
        use_cache=not no_cache,
        resume=resume,
        new=new,
        seed=seed,
        release=release,
        plan_id=plan,
    )
    settings, store = st.settings(), st.store()
    if as_user:
        from redline.program.people.onboarding import ensure_onboarded

        ensure_onboarded(store, settings, user=as_user, action="start a round of playbooks")
    if not (dry_run or no_preflight):
        from redline.targets.preflight import Hints

        check_target_first(settings.config.system(system).target, name=system, hints=Hints.workspace(system))
    prepared = prepare_round(settings, request)
    if not (json_out or quiet):
        for warning in prepared.warnings:
            say(f"warning: {warning}")
    if dry_run:
        estimate = asyncio.run(estimate_round(prepared.spec, store=store))
        if json_out:
            emit_json(estimate.model_dump(mode="json"))
        else:
            say(
                f"{estimate.cases} cases ({estimate.done} already run, {estimate.cached} cached): "
                f"{estimate.requests} requests, about {estimate.prompt_tokens} prompt tokens and at most "
                f"{estimate.completion_tokens} completion tokens"
                + (f", cost about {estimate.cost:.4f}" if estimate.cost is not None else "")
            )
        return
    runner = make_executor(executor, address=address)
    with ProgressBar(enabled=not (json_out or quiet), total=prepared.spec.cases_total) as bar:
        result = asyncio.run(
            run_round(prepared.spec, settings=settings, store=store, executor=runner, events=bar.update)
        )
    print_result(result, json_out=json_out, quiet=quiet, warnings=prepared.warnings)
    fail_if_paused(result)


@app.command("list")
def list_rounds(
    ctx: typer.Context,
    json_out: JsonOpt = False,
    as_user: Annotated[
        str | None,
        typer.Option("--as", envvar="REDLINE_USER", help="Reader; playground rounds show only to theirs."),
    ] = None,
) -> None:
    """List rounds, newest first (playground rounds only to their tester, leads and admins)."""
    from redline.cli.output import emit_json, table
    from redline.program.people.access import readable_rounds
    from redline.program.people.actors import acting_user
    from redline.store.repos import rounds as rounds_repo

    with state(ctx).store().session() as session:
        reader = acting_user(session, as_user) if as_user else None
        rows = [
            (r, sum(rounds_repo.count_attempts(session, r.id).values()))
            for r in readable_rounds(session, rounds_repo.list_rounds(session), reader)
        ]
    if json_out:
        emit_json([{**r.model_dump(mode="json"), "attempts": n} for r, n in rows])
        return
    table(
        "Rounds",
        ["id", "status", "system", "attempts", "ad hoc", "started"],
        [
            (
                r.id,
                r.status.value,
                r.config.get("system", ""),
                n,
                "yes" if r.adhoc else "",
                r.started_at.strftime("%Y-%m-%d %H:%M") if r.started_at else "",
            )
            for r, n in rows
        ],
    )


@app.command("show")
def show(
    ctx: typer.Context,
    round_id: Annotated[str, typer.Argument(help="Round id.")],
    json_out: JsonOpt = False,
    exchanges: Annotated[
        int,
        typer.Option(
            min=0,
            max=500,
            help="Also print up to N exchanges, failures first, personal data masked "
            "(flagged ones stay withheld until consented to on the web).",
        ),
    ] = 0,
    unmask: Annotated[
        bool,
        typer.Option(
            "--unmask", help="Print the exchanges' personal data unmasked (cleared roles only; audited)."
        ),
    ] = False,
    as_user: Annotated[
        str | None, typer.Option("--as", envvar="REDLINE_USER", help="Viewer (default: REDLINE_USER).")
    ] = None,
) -> None:
    """Show a round: its configuration, counts, errors and failure rates per threat, and its exchanges."""
    from redline.cli.output import emit_json, say
    from redline.engine.result import summarise

    st = state(ctx)
    _require_readable(st, round_id, as_user)
    summary = summarise(st.store(), round_id)
    from redline.cli.round_analyses import analyses_json
    from redline.engine.analyses import analyse_round

    analyses = analyse_round(st.store(), round_id)
    shown = _exchanges(st, round_id, limit=exchanges, unmask=unmask, viewer=as_user)
    review = _review(st, round_id)
    judges = _judges(st, summary.round.config)
    correction = _correction(st, round_id, summary.round.config, review)
    if json_out:
        out = summary.model_dump(mode="json") | {"review": review.model_dump(mode="json") if review else None}
        out["correction"] = correction.model_dump(mode="json") if correction else None
        out["judges"] = [j.model_dump(mode="json") for j in judges]
        out["analyses"] = analyses_json(analyses)
        out["warnings"] = list(summary.round.config.get("warnings") or [])
        emit_json(out | {"exchanges": [e.model_dump(mode="json") for e in shown]} if exchanges else out)
        return
    rnd, cfg = summary.round, summary.round.config
    say(f"Round {rnd.id}: {rnd.status.value}{' (ad hoc)' if rnd.adhoc else ''}, seed {rnd.seed}")
    say(
        f"System {cfg.get('system')}, model {cfg.get('model', {}).get('name')}, "
        f"spec {str(cfg.get('spec_hash'))[:12]}"
    )
    profile = cfg.get("profile")
    if isinstance(profile, dict):
        say(
            f"Profile: pack {profile.get('pack') or 'none'}; "
            f"purpose: {profile.get('purpose') or '(not stated)'}"
        )
    say(
        f"{summary.cases} cases, {summary.attempts} attempts"
        + (f", errors {summary.errors}" if summary.errors else "")
    )
    for warning in cfg.get("warnings") or ():
        say(f"warning: {warning}")
    evidence_table("Failure rates", summary.evidence)
    from redline.cli.round_analyses import print_analyses

    print_analyses(analyses)
    for judge in judges:
        say(f"Scored by judge {judge.judge}: {judge.describe()}")
    if correction is not None:
        from redline.cli.output import table
        from redline.cli.review import corrected_text

        say(f"Failure rates {correction.note}.")
        table(
            "Failure rates corrected (Rogan-Gladen, 95% CI)",
            ["threat", "raw", "corrected", "reviewed"],
            [
                (e.threat_id, f"{e.rate:.0%}", corrected_text(c := correction.threats.get(e.threat_id)),
                 c.reviewed if c else 0)
                for e in summary.evidence
                if e.n
            ],
        )  # fmt: skip
    if review is not None:
        from redline.cli.review import print_summary

        print_summary(review)
    for e in shown:
        marks = f" [{', '.join(e.verdicts)}]" if e.verdicts else ""
        state_note = "unmasked" if unmask else f"{e.masked} masked" if e.masked else "no personal data found"
        say(f"\n{e.subject} ({e.label}){marks}{' flagged' if e.flagged else ''}; personal data: {state_note}")
        if e.content is None:
            say("  withheld: flagged as possibly harmful; consent to view it on the round's web page")
            continue
        for part in e.content.parts:
            say(f"  {part.label}: {part.text}")


def _review(st: CliState, round_id: str) -> ReviewSummary | None:
    """The round's human review, if it has one (read after the round itself was found readable)."""
    from redline.store.repos.reviews import review_summary

    with st.store().session() as session:
        return review_summary(session, round_id)


def _correction(
    st: CliState, round_id: str, config: dict[str, Any], review: ReviewSummary | None
) -> RoundCorrection | None:
    """The round's corrected rates: by its review sample, else by its judge's calibration, else None."""
    from redline.store.repos.reviews import round_correction

    with st.store().session() as session:
        return round_correction(session, round_id, config, review)


def _judges(st: CliState, config: dict[str, Any]) -> list[RoundJudge]:
    """The round's judge scorers with their calibration (or none)."""
    from redline.store.repos.reviews import round_judges

    with st.store().session() as session:
        return round_judges(session, config)


def _require_readable(st: CliState, round_id: str, viewer: str | None) -> None:
    """A playground round needs --as naming its tester, a lead or an admin."""
    from redline.program.people import access
    from redline.program.people.actors import acting_user

    with st.store().session() as session:
        if access.round_owner(session, round_id) is not None:
            access.require_round(session, round_id, acting_user(session, viewer))


def _exchanges(
    st: CliState, round_id: str, *, limit: int, unmask: bool, viewer: str | None
) -> list[Exchange]:
    """Up to `limit` exchanges, masked; with `unmask`, unmasked for a cleared viewer (each one audited)."""
    from redline.core.errors import UsageError
    from redline.program.people import privacy
    from redline.program.people.content import round_exchanges

    if unmask and not limit:
        raise UsageError("--unmask applies to the exchanges: add --exchanges N")
    if not limit:
        return []
    store, settings = st.store(), st.settings()
    who = viewer or settings.actor
    items = round_exchanges(store, settings, round_id=round_id, viewer=who, limit=limit)
    if not unmask:
        return items
    out = []
    for e in items:
        if e.content is not None:
            shown = privacy.unmask(store, settings, user=viewer or "", subject=e.subject, via="cli")
            e = e.model_copy(update={"content": shown.content})
        out.append(e)
    return out


def _local(rnd: Round) -> bool:
    """True when the round's recorded runner was a process on this machine."""
    import socket

    stamp = rnd.config.get("runner")
    return isinstance(stamp, dict) and stamp.get("host") == socket.gethostname()


@app.command("status")
def status(
    ctx: typer.Context, round_id: Annotated[str, typer.Argument(help="Round id.")], json_out: JsonOpt = False
) -> None:
    """Where a round stands: status, cases done out of planned, errors by kind."""
    from redline.cli.output import emit_json, say
    from redline.core.runs.rounds import RoundStatus
    from redline.engine.checkpoint import live_runner
    from redline.store.repos import rounds as rounds_repo

    with state(ctx).store().session() as session:
        rnd = rounds_repo.get_round(session, round_id)
        done = len({case for case, _ in rounds_repo.done_keys(session, round_id)})
        by_kind = rounds_repo.count_attempts(session, round_id)
        recorded = rounds_repo.count_cases(session, round_id)
    total = rnd.config.get("cases_total") or recorded
    gone = rnd.status is RoundStatus.RUNNING and live_runner(rnd) is None and _local(rnd)
    data = {
        "round_id": rnd.id,
        "status": rnd.status.value,
        "process_gone": gone,
        "cases_done": done,
        "cases_total": total,
        "attempts": sum(by_kind.values()),
        "errors": {k: v for k, v in by_kind.items() if k != "ok"},
    }
    if json_out:
        emit_json(data)
        return
    say(
        f"{rnd.id}: {rnd.status.value}, {done}/{total} cases started, {data['attempts']} attempts, "
        f"errors {data['errors'] or 'none'}"
        + ("; its process is gone: run the same command again to resume it" if gone else "")
    )
