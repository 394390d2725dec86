"""`redline schedule`: the jobs of `schedules:` in redline.yaml, listed, run in the foreground or once."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.context import state

app = typer.Typer(
    help="Scheduled jobs: plans' rounds, monitoring runs and the upkeep sweep on cron schedules.",
    no_args_is_help=True,
)


@app.command("list")
def list_jobs(
    ctx: typer.Context,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The configured jobs: cron, time zone, next firing, and the last run's status (any process's)."""
    from redline.cli.output import emit_json, say, table
    from redline.program.workbench.schedules import list_schedules

    st = state(ctx)
    views = list_schedules(st.store(), st.settings())
    if json_out:
        emit_json([v.model_dump(mode="json") for v in views])
        return
    if not views:
        say("no schedules in redline.yaml (add entries under 'schedules:')")
        return
    rows = [
        (
            v.name,
            v.job + (f" {v.plan}" if v.plan else ""),
            f"{v.cron} ({v.timezone})",
            f"{v.next_fire:%Y-%m-%d %H:%M}" if v.next_fire else "disabled",
            (
                f"{v.last_run.fire_time:%Y-%m-%d %H:%M} {v.last_run.status}"
                + (f": {v.last_run.reason}" if v.last_run.reason else "")
                if v.last_run
                else "never"
            ),
        )
        for v in views
    ]
    table("Schedules", ["name", "job", "cron", "next (UTC)", "last run"], rows)


@app.command("run")
def run(
    ctx: typer.Context,
    once: Annotated[
        str | None, typer.Option("--once", metavar="NAME", help="Run this job now, once, and exit.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="With --once: print the run as JSON.")] = False,
) -> None:
    """Run the scheduler in the foreground until interrupted (Ctrl-C), or one job now with --once.

    Any number of processes may run the same schedules (`redline serve` runs them too): each firing
    runs in one of them only. A job that fails is logged in one line and recorded; the scheduler goes
    on. With --once, a failed job exits 3.
    """
    import logging

    from redline.cli.output import emit_json, say
    from redline.core.errors import ConfigError, RedlineError
    from redline.program.workbench import schedules
    from redline.store.repos.schedules import FAILED

    st = state(ctx)
    store, settings = st.store(), st.settings()
    if once is not None:
        logging.getLogger("redline.schedules").addHandler(logging.NullHandler())  # the outcome is said below
        done = schedules.run_once(store, settings, once)
        if done is None:
            say(f"{once}: this firing already runs in another process")
            return
        if json_out:
            emit_json(done.model_dump(mode="json"))
        if done.status == FAILED:
            raise RedlineError(f"schedule {once} failed: {done.reason}")
        if not json_out:
            say(f"{once}: {done.status}")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    scheduler = schedules.build_scheduler(store, settings, blocking=True)
    jobs = scheduler.get_jobs()
    if not jobs:
        raise ConfigError("no enabled schedules in redline.yaml; nothing to run")
    say(f"running {len(jobs)} scheduled jobs: {', '.join(j.id for j in jobs)} (Ctrl-C to stop)")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if scheduler.running:
            scheduler.shutdown(wait=False)
