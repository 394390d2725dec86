"""run_round: the one entry point that runs a round, for the CLI, the web app and the program layer.

A round is found again by its spec hash: the same target, case source, scorers, parameters and seed
give the same hash, and a new invocation continues the newest unfinished round with that hash (or the
round named by `RoundSpec.resume`). Stored attempts are skipped, so nothing is lost or duplicated.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import platform
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from sqlalchemy.orm import Session

from redline import __version__
from redline.config.settings import Settings, TargetConfig
from redline.core.errors import ConfigError, UsageError
from redline.core.ids import new_id
from redline.core.provenance import ModelIdentity, Provenance
from redline.core.runs.rounds import Round, RoundStatus
from redline.engine.checkpoint import DoneState, live_runner, runner_stamp
from redline.engine.components import round_components
from redline.engine.events import EventKind, EventSink, Reporter, RunCounters
from redline.engine.executors import Executor, Job, LocalExecutor
from redline.engine.executors.base import WorkerSpec
from redline.engine.loops import require_whitebox_loops
from redline.engine.pipeline import CaseFeed
from redline.engine.result import RoundResult, summarise
from redline.engine.spec import RoundSpec, spec_hash, target_fingerprint
from redline.store.repos import rounds as rounds_repo
from redline.store.repos import systems as systems_repo
from redline.store.session import Store
from redline.targets.base import Target

_PACKAGES = ("pydantic", "sqlalchemy", "httpx", "aiohttp", "llama-cpp-python", "transformers", "torch")

log = logging.getLogger(__name__)


def package_versions(*extra: str) -> dict[str, str]:
    """Versions of Python, Redline and the installed packages that can change a round's results."""
    versions = {"python": platform.python_version(), "redline": __version__}
    for name in (*_PACKAGES, *extra):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


_GC_THRESHOLD = 50_000
_gc_rounds = 0


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect garbage less often while rounds run (the outermost round sets it, and restores it).

    A round allocates many short-lived objects; with the default gen-0 threshold (700) the collector
    ran about 600 times in a 5,000-attempt round and took a third of the engine's CPU. Freezing what
    exists before the round and raising the threshold cut that by three quarters (benchmarks/README.md).
    """
    global _gc_rounds
    before = gc.get_threshold()
    if _gc_rounds == 0:
        gc.freeze()
        gc.set_threshold(max(before[0], _GC_THRESHOLD), before[1], before[2])
    _gc_rounds += 1
    try:
        yield
    finally:
        _gc_rounds -= 1
        if _gc_rounds == 0:
            gc.set_threshold(*before)
            gc.unfreeze()


def target_from_environment(config: TargetConfig, *, name: str) -> Target:
    """A target from its configuration, through the targets registry."""
    try:
        from redline.targets.registry import target_from_config
    except ImportError:
        raise ConfigError(f"no target adapters are installed to build '{name}' ({config.kind})") from None
    from redline.scorers.guard import guard_by_name

    # Guarded applications name their input and output guards; scorers stand behind the names.
    target: Target = target_from_config(config, env=os.environ, name=name, guard_resolver=guard_by_name)
    return target


def ensure_release(
    store: Store,
    *,
    system: str,
    identity: ModelIdentity,
    config: dict[str, Any],
    version: str | None,
    actor: str,
) -> str:
    """The id of the release a round tests: the system's release with this version (created if new).

    Without a version label, the release is named after the model and a fingerprint of its
    configuration, so a changed system prompt or model is a new release.
    """
    from redline.core.runs.systems import Release

    fingerprint = Release.fingerprint(identity, config)
    label = version or f"{identity.version or identity.name}+{fingerprint[:12]}"
    with store.session() as session:
        sys_ = systems_repo.ensure_system(session, name=system, actor=actor)
        release = systems_repo.ensure_release(
            session, system_id=sys_.id, version=label, model=identity, config=config, actor=actor
        )
    return release.id


async def run_round(
    spec: RoundSpec,
    *,
    settings: Settings,
    store: Store,
    executor: Executor | None = None,
    events: EventSink | None = None,
) -> RoundResult:
    """Run (or continue) a round and return its result; every attempt is stored as it completes."""
    started = time.monotonic()
    executor = executor or LocalExecutor()
    owned = isinstance(spec.target, TargetConfig)
    target = (
        target_from_environment(spec.target, name=spec.target_name)
        if isinstance(spec.target, TargetConfig)
        else spec.target
    )
    try:
        require_whitebox_loops(spec.loops, target, system=spec.target_name or target.name)
        identity = target.identity()
        target_fp = target_fingerprint(spec, identity)
        shash = spec_hash(spec, target_fp=target_fp)
        rnd, resumed = await asyncio.to_thread(
            _open_round,
            store,
            spec,
            actor=settings.actor,
            spec_hash=shash,
            identity=identity,
            target_fp=target_fp,
            executor=executor.name,
        )
        done = await asyncio.to_thread(DoneState.load, store, rnd.id) if resumed else DoneState.empty()
        counters = RunCounters(cases_total=spec.cases_total)
        reporter = Reporter(rnd.id, counters, events, interval_s=0.25)

        def skipped(n: int) -> None:
            counters.cases_skipped += n

        feed = CaseFeed(
            spec.cases,
            done=done,
            strategies=spec.strategies,
            chunk=spec.batching.cases,
            on_skip=skipped,
            loops=tuple(spec.loops),
        )
        worker = WorkerSpec(
            round_id=rnd.id,
            database_url=settings.database_url,
            target=spec.target,
            target_name=spec.target_name or target.name,
            target_fingerprint=target_fp,
            scorers=tuple(spec.scorers),
            strategies=dict(spec.strategies),
            params=spec.generation_params(),
            pacing=spec.pacing,
            budget=spec.budget,
            pricing=spec.pricing,
            batching=spec.batching,
            seed=spec.seed,
            use_cache=spec.use_cache,
            loops=dict(spec.loops),
            provenance=Provenance(
                component=spec.target_name or target.name,
                version=__version__,
                params=spec.generation_params().model_dump(mode="json"),
                seed=spec.seed,
                model=identity,
            ),
        )
        job = Job(worker=worker, feed=feed, target=target, store=store, counters=counters, reporter=reporter)
        await asyncio.to_thread(_start, store, rnd.id, settings.actor)
        reporter.emit(EventKind.STARTED, "resumed" if resumed else "started")
        with fewer_collections():
            reason = await _execute(executor, job, store=store, actor=settings.actor, reporter=reporter)
    finally:
        if owned:
            await target.aclose()
        for helper in spec.helpers:
            await helper.aclose()
    status = RoundStatus.STOPPED if reason else RoundStatus.COMPLETED
    summary = await asyncio.to_thread(_finish, store, rnd.id, status, settings.actor, feed)
    reporter.emit(EventKind.STOPPED if reason else EventKind.FINISHED, reason or "")
    return RoundResult(
        round_id=rnd.id,
        status=status,
        resumed=resumed,
        stopped_reason=reason,
        spec_hash=shash,
        cases=summary.cases,
        attempts=summary.attempts,
        errors=summary.errors,
        evidence=summary.evidence,
        run=counters.snapshot(),
        wall_s=round(time.monotonic() - started, 3),
    )


async def _execute(
    executor: Executor, job: Job, *, store: Store, actor: str, reporter: Reporter
) -> str | None:
    """Run the executor; an interruption or a failure is written on the round before it propagates."""
    try:
        return await executor.execute(job)
    except (asyncio.CancelledError, KeyboardInterrupt):
        _set_status(store, job.worker.round_id, RoundStatus.INTERRUPTED, actor)
        reporter.emit(EventKind.INTERRUPTED, "interrupted; run the same command again to resume")
        raise
    except BaseException as exc:
        _set_status(store, job.worker.round_id, RoundStatus.FAILED, actor)
        reporter.emit(EventKind.FAILED, f"{type(exc).__name__}: {exc}")
        raise


def _start(store: Store, round_id: str, actor: str) -> None:
    with store.session() as session:
        rounds_repo.update_config(session, round_id, {"runner": runner_stamp()})
        rounds_repo.set_status(session, round_id, RoundStatus.RUNNING, actor=actor)


def _refuse_if_running(rnd: Round) -> Round:
    pid = live_runner(rnd)
    if pid is not None:
        raise UsageError(
            f"round {rnd.id} is being run by process {pid} on this machine; wait for it to finish, "
            "or start a separate round with --new"
        )
    return rnd


def _set_status(store: Store, round_id: str, status: RoundStatus, actor: str) -> None:
    with store.session() as session:
        rounds_repo.set_status(session, round_id, status, actor=actor)


def _finish(store: Store, round_id: str, status: RoundStatus, actor: str, feed: CaseFeed) -> Any:
    from redline.engine.review import review_round

    withdrawn = review_round(store, round_id)  # before the status: a finished round's records stay put
    if withdrawn:
        log.info("round %s: %d refusal flags on canned replies withdrawn", round_id, withdrawn)
    with store.session() as session:
        if feed.exhausted:
            rounds_repo.update_config(
                session, round_id, {"cases_total": rounds_repo.count_cases(session, round_id)}
            )
        rounds_repo.set_status(session, round_id, status, actor=actor)
    with store.session() as session:  # after the status is committed: long reads, one short write
        rounds_repo.keep_aggregates(session, round_id)
    _keep_analyses(store, round_id)
    return summarise(store, round_id)


def _keep_analyses(store: Store, round_id: str) -> None:
    """Compute the round's breakdowns and analyses once as it ends, so its first reader does not pay
    (a minute on a round of a million attempts); a failure here costs only that speed."""
    from redline.engine.analyses import analyse_round

    try:
        analyse_round(store, round_id)
    except Exception as exc:  # a read-side cache must never fail the round
        log.warning("round %s: analyses not kept (%s)", round_id, exc)


def _open_round(
    store: Store,
    spec: RoundSpec,
    *,
    actor: str,
    spec_hash: str | None,
    identity: ModelIdentity,
    target_fp: str,
    executor: str,
) -> tuple[Round, bool]:
    """The round to run: the one named by `spec.resume`, else an unfinished one with the same spec hash,
    else a new one."""
    with store.session() as session:
        if spec.resume is not None:
            rnd = rounds_repo.get_round(session, spec.resume)
            stored = rnd.config.get("spec_hash")
            if spec_hash is not None and stored is not None and stored != spec_hash:
                raise UsageError(
                    f"round {rnd.id} was started with a different target, cases, scorers, parameters or "
                    "seed; run without --resume to start a new round"
                )
            return _refuse_if_running(rnd), True
        if spec.auto_resume and spec_hash is not None:
            found = rounds_repo.find_resumable(session, spec_hash)
            if found is not None:
                return _refuse_if_running(found), True
    if spec.plan_id is not None:
        _check_plan(store, spec.plan_id)
    release_id = spec.release_id
    if release_id is None and spec.target_name:
        release_id = ensure_release(
            store,
            system=spec.target_name,
            identity=identity,
            config=spec.target_config_snapshot() or {},
            version=spec.release_version,
            actor=actor,
        )
    with store.session() as session:
        config = _snapshot(
            spec, spec_hash=spec_hash, identity=identity, target_fp=target_fp, executor=executor
        )
        config["judge_calibrations"] = judge_calibrations(session, spec.scorers)
        rnd = Round(
            id=new_id("rnd"),
            release_id=release_id,
            plan_id=spec.plan_id,
            adhoc=spec.adhoc,
            status=RoundStatus.PENDING,
            seed=spec.seed,
            config=config,
            versions=package_versions(*(("ray",) if executor == "ray" else ())),
            started_at=datetime.now(UTC),
        )
        return rounds_repo.create_round(session, rnd, actor=actor), False


def _check_plan(store: Store, plan_id: str) -> None:
    """Refuse a plan the committee has not approved: only ad-hoc rounds run without approval."""
    from redline.core.catalog.plans import check_runnable
    from redline.store.repos import plans as plans_repo

    with store.session() as session:
        check_runnable(plans_repo.get_plan(session, plan_id))


def judge_calibrations(session: Session, scorers: Iterable[object]) -> dict[str, dict[str, Any]]:
    """Per judge scorer, the newest calibration of the same judge (id, kappa, n) or `calibration: none`."""
    from redline.scorers.judge_calibration import calibration_key
    from redline.store.repos.reviews import latest_calibration

    out: dict[str, dict[str, Any]] = {}
    for scorer in scorers:
        key = calibration_key(scorer)
        if key is None:
            continue
        found = latest_calibration(session, judge=key.judge, rubric_hash=key.rubric_hash)
        entry: dict[str, Any] = {"judge": key.judge, "rubric_hash": key.rubric_hash, "calibration": "none"}
        if found is not None:
            entry.update(calibration=found.id, kappa=found.figures.get("kappa"), n=found.n)
        out[key.scorer] = entry
    return out


def _snapshot(
    spec: RoundSpec, *, spec_hash: str | None, identity: ModelIdentity, target_fp: str, executor: str
) -> dict[str, Any]:
    """The configuration a reviewer needs to replay the round (secrets are stripped by the store)."""
    return {
        "spec_hash": spec_hash,
        "system": spec.target_name,
        "target": spec.target_config_snapshot(),
        "target_fingerprint": target_fp,
        "model": identity.model_dump(mode="json"),
        "cases_source": dict(spec.cases_source) if spec.cases_source is not None else None,
        "cases_total": spec.cases_total,
        "scorers": [{"name": s.name, "version": s.version} for s in spec.scorers],
        "strategies": sorted(spec.strategies),
        "loops": sorted(spec.loops),
        "components": round_components(spec).model_dump(mode="json"),
        "params": spec.generation_params().model_dump(mode="json"),
        "pacing": asdict(spec.pacing),
        "budget": asdict(spec.budget),
        "pricing": asdict(spec.pricing) if spec.pricing else None,
        "executor": executor,
        "use_cache": spec.use_cache,
        "profile": spec.profile.model_dump(mode="json") if spec.profile is not None else None,
        "warnings": list(spec.warnings),
    }
