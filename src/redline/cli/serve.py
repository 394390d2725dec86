"""`redline serve`: the web workbench on the workspace's store."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.context import state


def serve(
    ctx: typer.Context,
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    proxy: Annotated[
        bool,
        typer.Option(
            "--proxy/--no-proxy",
            help="Trust X-Forwarded-For/-Proto from a reverse proxy on this machine (127.0.0.1), besides "
            "the workspace's web.trusted_proxies.",
        ),
    ] = False,
    no_schedules: Annotated[
        bool,
        typer.Option("--no-schedules", help="Do not run the workspace's scheduled jobs in this process."),
    ] = False,
) -> None:
    """Serve the web workbench: pages, a JSON API under /api/ and its OpenAPI schema (/api/openapi.json).

    The jobs of `schedules:` in redline.yaml run inside the server too (each firing once, whichever
    process takes it), unless --no-schedules."""
    import os

    import uvicorn

    from redline.cli.output import say

    settings = state(ctx).settings()
    # The app is named by import path (the front doors do not import each other); it reads the workspace
    # from the environment, as `uvicorn --factory redline.web.app:app_from_environment` would.
    os.environ["REDLINE_WORKSPACE"] = str(settings.workspace)
    os.environ["REDLINE_SCHEDULES"] = "0" if no_schedules else "1"
    trusted = [str(net) for net in settings.config.web.trusted_proxies] + (["127.0.0.1"] if proxy else [])
    say(f"Redline workbench for '{settings.config.name}' on http://{host}:{port}/ (Ctrl-C to stop)")
    # The access log keeps no client address unless web.log_client_addresses (the app's log filter).
    uvicorn.run(
        "redline.web.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        proxy_headers=bool(trusted),
        forwarded_allow_ips=",".join(trusted) if trusted else None,
        log_level="info",
        server_header=False,
    )
