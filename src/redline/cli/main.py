"""The `redline` command: global options, sub-commands, and the one place errors become exit codes.

Exit codes: 0 ok; 1 gate failed or findings above threshold; 2 usage or configuration error;
3 runtime error. Heavy modules are imported inside commands, so `redline --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from redline import __version__
from redline.cli import attacks as attacks_cmd
from redline.cli import audit as audit_cmd
from redline.cli import catalog as catalog_cmd
from redline.cli import compare as compare_cmd
from redline.cli import concern as concern_cmd
from redline.cli import db as db_cmd
from redline.cli import demo as demo_cmd
from redline.cli import export as export_cmd
from redline.cli import finding as finding_cmd
from redline.cli import gate as gate_cmd
from redline.cli import lessons as lessons_cmd
from redline.cli import login as login_cmd
from redline.cli import mitigation as mitigation_cmd
from redline.cli import monitor as monitor_cmd
from redline.cli import onboarding as onboarding_cmd
from redline.cli import perspectives as perspectives_cmd
from redline.cli import plan as plan_cmd
from redline.cli import playbook as playbook_cmd
from redline.cli import release as release_cmd
from redline.cli import replay as replay_cmd
from redline.cli import report as report_cmd
from redline.cli import review as review_cmd
from redline.cli import round as round_cmd
from redline.cli import scan as scan_cmd
from redline.cli import schedule as schedule_cmd
from redline.cli import scorers as scorers_cmd
from redline.cli import seeds as seeds_cmd
from redline.cli import serve as serve_cmd
from redline.cli import system as system_cmd
from redline.cli import user as user_cmd
from redline.cli import workspace as workspace_cmd
from redline.cli.context import CliState

EXIT_OK = 0
EXIT_GATE_FAILED = 1
EXIT_USAGE = 2
EXIT_RUNTIME = 3

app = typer.Typer(
    name="redline",
    help="Run an ethical red-teaming program on AI models: probe, score, govern, report.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"redline {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def main(
    ctx: typer.Context,
    workspace: Annotated[
        Path | None,
        typer.Option(
            "--workspace", "-w", help="Workspace folder (default: REDLINE_WORKSPACE or nearest parent)."
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only what machines need.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Global options."""
    ctx.obj = CliState(workspace=workspace, debug=debug, quiet=quiet)
    ctx.call_on_close(ctx.obj.close)
    if ctx.invoked_subcommand != "serve":  # the server's requests say for themselves who acts
        ctx.obj.begin()


app.command("init")(workspace_cmd.init)
app.command("demo")(demo_cmd.demo)
app.add_typer(attacks_cmd.app, name="attacks")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(catalog_cmd.app, name="catalog")
app.add_typer(concern_cmd.app, name="concern")
app.add_typer(db_cmd.app, name="db")
app.add_typer(system_cmd.app, name="system")
app.command("report")(report_cmd.report)
app.add_typer(export_cmd.app, name="export")
app.command("replay")(replay_cmd.replay)
app.add_typer(scorers_cmd.app, name="scorers")
app.add_typer(plan_cmd.app, name="plan")
app.add_typer(perspectives_cmd.app, name="perspectives")
app.add_typer(playbook_cmd.app, name="playbook")
app.add_typer(user_cmd.app, name="user")
app.command("compare")(compare_cmd.compare)
app.add_typer(finding_cmd.app, name="finding")
app.command("lessons")(lessons_cmd.lessons)
app.add_typer(gate_cmd.app, name="gate")
app.add_typer(mitigation_cmd.app, name="mitigation")
app.add_typer(monitor_cmd.app, name="monitor")
app.add_typer(onboarding_cmd.app, name="onboarding")
app.add_typer(release_cmd.app, name="release")
app.add_typer(seeds_cmd.app, name="seeds")
app.command("serve")(serve_cmd.serve)
app.command("login")(login_cmd.login)
app.command("logout")(login_cmd.logout)
app.add_typer(round_cmd.app, name="round")
app.add_typer(review_cmd.app, name="review")
app.command("scan")(scan_cmd.scan)
app.add_typer(schedule_cmd.app, name="schedule")


def run(argv: list[str] | None = None) -> int:
    """Entry point of the console script; returns (and exits with) the exit code."""
    from typer.exceptions import TyperException

    from redline.core.errors import RedlineError

    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    command = typer.main.get_command(app)
    try:
        result = command.main(args=args, prog_name="redline", standalone_mode=False)
        code = result if isinstance(result, int) else EXIT_OK
    except typer.Exit as exc:
        code = exc.exit_code
    except TyperException as exc:  # usage errors from the (vendored) click parser
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            sys.stderr.write(f"error: {exc}\n")
        code = EXIT_USAGE
    except (typer.Abort, KeyboardInterrupt):
        sys.stderr.write("aborted\n")
        code = 130
    except RedlineError as exc:
        if debug:
            raise
        sys.stderr.write(f"error: {exc}\n")
        code = exc.exit_code
    except ModuleNotFoundError as exc:  # an optional extra that is not installed: name it, exit 2
        from redline.cli.extras import missing_extra_message

        message = missing_extra_message(exc)
        if debug or message is None:
            if debug:
                raise
            sys.stderr.write(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)\n")
            code = EXIT_RUNTIME
        else:
            sys.stderr.write(f"error: {message}\n")
            code = EXIT_USAGE
    except Exception as exc:  # the edge: anything unexpected becomes one line and exit 3
        if debug:
            raise
        sys.stderr.write(f"internal error: {type(exc).__name__}: {exc} (run with --debug for details)\n")
        code = EXIT_RUNTIME
    if argv is None:
        sys.exit(code)
    return code


if __name__ == "__main__":
    run()
