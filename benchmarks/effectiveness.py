"""How much of what is planted does a scan find? `redline scan` (and garak) on the simulated applications.

For each application in benchmarks/vulnerable_apps: start it on a free loopback port with a fresh log,
run the scanner with its defaults in a temporary workspace, then judge every logged exchange with the
app's oracle and match each flagged attempt (a failing verdict) to the exchange it came from, by the
exact messages and reply. Prints per app: planted vulnerabilities, triggered (some exchange reached the
faulty code path), reported (some flag landed on an exchange that triggered it), flags, true flags (on an
exchange that triggered any planted vulnerability), flag precision, requests and wall time.

    .venv/bin/python benchmarks/effectiveness.py                     # redline, all apps
    .venv/bin/python benchmarks/effectiveness.py --apps banking --json
    .venv/bin/python benchmarks/effectiveness.py --tools redline,garak --garak-venv /tmp/garak/venv

garak runs through ../shared/bench/runners/garak_scan.sh (its default probes that run offline); its
detectors' hits (the hitlog) are its flags. PyRIT has no default probe set or scorer that runs offline, so
there is nothing of its own to count here (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.vulnerable_apps import APP_NAMES, load  # noqa: E402
from benchmarks.vulnerable_apps.common import App, Conversation  # noqa: E402
from benchmarks.vulnerable_apps.oracle import Exchange, Judgement, judge, read_log  # noqa: E402

SHARED_BENCH = ROOT.parent / "shared" / "bench"
REDLINE = ROOT / ".venv" / "bin" / "redline"


@dataclass
class Row:
    tool: str
    app: str
    planted: int
    triggered: list[str]
    reported: list[str]
    flags: int
    true_flags: int
    requests: int
    wall_s: float
    unmatched_flags: int = 0
    note: str = ""
    per_vulnerability: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def precision(self) -> float | None:
        return self.true_flags / self.flags if self.flags else None


# ------------------------------------------------------------------------------------------ app process


@contextmanager
def running_app(name: str, workdir: Path, latency_ms: float) -> Iterator[tuple[str, Path]]:
    workdir.mkdir(parents=True, exist_ok=True)
    port_file = workdir / f"{name}.port"
    log = workdir / f"{name}.jsonl"
    port_file.unlink(missing_ok=True)
    log.unlink(missing_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "benchmarks.vulnerable_apps",
        name,
        "--port",
        "0",
        "--port-file",
        str(port_file),
    ]
    cmd += ["--log", str(log), "--latency-ms", str(latency_ms)]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while not port_file.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"benchmark app {name} did not start (see {' '.join(cmd)})")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port_file.read_text().strip()}/v1", log
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def exchange_key(messages: list[dict[str, Any]], reply: str) -> str:
    conv = Conversation.from_request({"messages": messages})
    return json.dumps([[m["role"], m["content"]] for m in conv.messages] + [reply], ensure_ascii=False)


def last_user_key(last_user: str, reply: str) -> str:
    return json.dumps([last_user.strip(), reply.strip()], ensure_ascii=False)


def score(
    tool: str,
    app: App,
    j: Judgement,
    flagged: Sequence[Exchange | list[Exchange] | None],
    wall: float,
    note: str = "",
) -> Row:
    """FLAGGED: per flag, the exchange it came from, or every exchange of its tool loop (agent apps)."""
    fired_by_seq = {seq: vid for vid, seqs in j.triggered.items() for seq in seqs}
    reported: set[str] = set()
    true_flags = 0
    unmatched = 0
    flags_per_vuln: dict[str, int] = {}
    for ex in flagged:
        exs = ex if isinstance(ex, list) else [] if ex is None else [ex]
        if not exs:
            unmatched += 1
            continue
        vids = {fired_by_seq[e.seq] for e in exs if e.seq in fired_by_seq}
        if vids:
            true_flags += 1
        for vid in vids:
            reported.add(vid)
            flags_per_vuln[vid] = flags_per_vuln.get(vid, 0) + 1
    order = [v.id for v in app.vulns]
    return Row(
        tool=tool,
        app=app.name,
        planted=len(app.vulns),
        triggered=[v for v in order if j.triggered[v]],
        reported=[v for v in order if v in reported],
        flags=len(flagged),
        true_flags=true_flags,
        requests=len(j.exchanges),
        wall_s=round(wall, 1),
        unmatched_flags=unmatched,
        note=note,
        per_vulnerability={
            v: {"triggering_exchanges": len(j.triggered[v]), "flags": flags_per_vuln.get(v, 0)} for v in order
        },
    )


# ------------------------------------------------------------------------------------------ redline


def scan_options() -> str:
    out = subprocess.run([str(REDLINE), "scan", "--help"], capture_output=True, text=True, check=True)
    return out.stdout


def clean_env() -> dict[str, str]:
    env = dict(os.environ)
    for var in ("REDLINE_WORKSPACE", "REDLINE_DATABASE_URL", "REDLINE_CONCERNS_DATABASE_URL", "REDLINE_USER"):
        env.pop(var, None)
    return env


def redline_flags(db: Path, round_id: str) -> list[tuple[list[dict[str, Any]], str]]:
    """The exchanges of the round's attempts that at least one scorer failed (read-only)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT a.request, a.response_text FROM attempts a WHERE a.round_id = ? AND EXISTS ("
            "SELECT 1 FROM scores s WHERE s.attempt_id = a.id AND s.verdict = 'fail')",
            (round_id,),
        ).fetchall()
    finally:
        con.close()
    return [(json.loads(req).get("messages") or [], text or "") for req, text in rows]


def redline_agent_flags(db: Path, round_id: str) -> list[tuple[list[dict[str, Any]], list[str]]]:
    """Failed attempts of a tool-calling round: the request's messages and, in order, the tool results
    the model read (from the action trace stored with the attempt; read-only)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT a.request, a.response FROM attempts a WHERE a.round_id = ? AND EXISTS ("
            "SELECT 1 FROM scores s WHERE s.attempt_id = a.id AND s.verdict = 'fail')",
            (round_id,),
        ).fetchall()
    finally:
        con.close()
    out = []
    for req, resp in rows:
        steps = ((json.loads(resp or "{}") or {}).get("actions") or {}).get("steps") or []
        results = []
        for st in steps:
            outcome = st.get("outcome") or {}
            err = outcome.get("error")
            results.append(f"Error: {err}" if err is not None else str(outcome.get("content") or ""))
        out.append((json.loads(req).get("messages") or [], results))
    return out


def loop_root(messages: list[dict[str, Any]]) -> str:
    """The user and assistant turns up to the last user message: what a tool loop started from."""
    msgs = [m for m in messages if isinstance(m, dict)]
    last = max((i for i, m in enumerate(msgs) if m.get("role") == "user"), default=-1)
    conv = Conversation.from_request({"messages": msgs[: last + 1]})
    return json.dumps(
        [[m["role"], m["content"]] for m in conv.messages if m["role"] in ("user", "assistant")]
    )


def loop_results(messages: list[dict[str, Any]]) -> list[str]:
    """The tool results after the last user message, in order."""
    msgs = [m for m in messages if isinstance(m, dict)]
    last = max((i for i, m in enumerate(msgs) if m.get("role") == "user"), default=-1)
    return [str(m.get("content") or "") for m in msgs[last + 1 :] if m.get("role") == "tool"]


def match_loops(
    exchanges: list[Exchange], flags: list[tuple[list[dict[str, Any]], list[str]]]
) -> list[Exchange | list[Exchange] | None]:
    """Each flagged attempt's exchanges: same starting turns, tool results a prefix of the attempt's."""
    by_root: dict[str, list[Exchange]] = {}
    for e in exchanges:
        by_root.setdefault(loop_root(e.raw_messages or e.messages), []).append(e)
    out: list[Exchange | list[Exchange] | None] = []
    for messages, results in flags:
        found = [
            e
            for e in by_root.get(loop_root(messages), [])
            if (r := loop_results(e.raw_messages or e.messages)) == results[: len(r)]
        ]
        out.append(found or None)
    return out


def run_redline(app: App, base_url: str, log: Path, workdir: Path, timeout: float) -> Row:
    ws = workdir / f"redline-{app.name}"
    ws.mkdir(parents=True, exist_ok=True)
    cmd = [str(REDLINE), "scan", "--url", base_url, "--model", app.model, "--json"]
    help_text = scan_options()
    note = "defaults"
    if "--purpose" in help_text:
        cmd += ["--purpose", app.purpose]
        note = "defaults + --purpose"
    if app.tools_file is not None and "--tools" in help_text:
        cmd += ["--tools", str(app.tools_file)]
        note += " + --tools"
    t0 = time.monotonic()
    proc = subprocess.run(cmd, cwd=ws, capture_output=True, text=True, timeout=timeout, env=clean_env())
    wall = time.monotonic() - t0
    if proc.returncode != 0:
        raise SystemExit(f"redline scan on {app.name} exited {proc.returncode}: {proc.stderr.strip()[-400:]}")
    start = proc.stdout.find("{")
    round_id = json.loads(proc.stdout[start:])["round_id"]
    dbs = sorted(ws.glob("**/.redline/redline.db"))
    if not dbs:
        raise SystemExit(f"no workspace database under {ws} after the scan")
    exchanges = read_log(log)
    j = judge(app, exchanges)
    if app.tools_file is not None:  # an agent: a flag is an attempt, its exchanges the turns of its tool loop
        return score(
            "redline", app, j, match_loops(exchanges, redline_agent_flags(dbs[0], round_id)), wall, note
        )
    exact = {exchange_key(e.messages, e.reply): e for e in exchanges}
    loose = {last_user_key(e.last_user, e.reply): e for e in exchanges}
    flagged: list[Exchange | None] = []
    for messages, reply in redline_flags(dbs[0], round_id):
        ex = exact.get(exchange_key(messages, reply))
        if ex is None:
            users = [m.get("content", "") for m in messages if m.get("role") == "user"]
            ex = loose.get(last_user_key(str(users[-1]) if users else "", reply))
        flagged.append(ex)
    return score("redline", app, j, flagged, wall, note)


# ------------------------------------------------------------------------------------------ garak


def run_garak(app: App, base_url: str, log: Path, workdir: Path, venv: Path | None, timeout: float) -> Row:
    out = workdir / f"garak-{app.name}"
    out.mkdir(parents=True, exist_ok=True)
    if venv is not None and not (out / "venv").exists():
        (out / "venv").symlink_to(venv.resolve())
    script = SHARED_BENCH / "runners" / "garak_scan.sh"
    t0 = time.monotonic()
    proc = subprocess.run(
        ["bash", str(script), base_url, app.model, str(out)], capture_output=True, text=True, timeout=timeout
    )
    wall = time.monotonic() - t0
    hitlog = out / "runs" / "scan.hitlog.jsonl"
    if proc.returncode != 0 and not hitlog.exists():
        raise SystemExit(f"garak on {app.name} exited {proc.returncode}: see {out / 'garak.log'}")
    exchanges = read_log(log)
    j = judge(app, exchanges)
    loose = {last_user_key(e.last_user, e.reply): e for e in exchanges}
    seen: set[str] = set()
    flagged: list[Exchange | None] = []
    # split on newlines only: str.splitlines also breaks at U+2028 and the like inside JSON strings
    for line in hitlog.read_text(encoding="utf-8").split("\n") if hitlog.exists() else []:
        if not line.strip():
            continue
        hit = json.loads(line)
        turns = (hit.get("prompt") or {}).get("turns") or []
        prompt = str(((turns[-1] if turns else {}).get("content") or {}).get("text") or "")
        output = hit.get("output")
        text = str(output.get("text") if isinstance(output, dict) else output or "")
        key = last_user_key(prompt, text)
        ident = str(hit.get("attempt_id") or hit.get("uuid") or key)
        if ident in seen:  # one attempt failed by several detectors is one flag
            continue
        seen.add(ident)
        flagged.append(loose.get(key))
    return score("garak", app, j, flagged, wall, "default probes that run offline")


# ------------------------------------------------------------------------------------------ output


def pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100 * a / b:.0f}%)" if b else "0/0"


def table(rows: list[Row]) -> str:
    cols = ["tool", "app", "planted", "triggered", "reported", "flags", "true flags", "flag precision"]
    cols += ["requests", "wall s"]
    lines = ["| " + " | ".join(cols) + " |", "|" + " --- |" * len(cols)]
    for r in rows:
        prec = f"{100 * r.precision:.0f}%" if r.precision is not None else "n/a"
        lines.append(
            f"| {r.tool} | {r.app} | {r.planted} | {pct(len(r.triggered), r.planted)} | "
            f"{pct(len(r.reported), r.planted)} | {r.flags} | {r.true_flags} | {prec} | "
            f"{r.requests} | {r.wall_s} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--apps", default=",".join(APP_NAMES), help="comma-separated (default: all)")
    ap.add_argument("--tools", default="redline", help="comma-separated: redline, garak")
    ap.add_argument(
        "--garak-venv", type=Path, help="an existing venv with garak 0.17.1 (else the runner installs one)"
    )
    ap.add_argument("--latency-ms", type=float, default=0.0, help="the apps' added latency per request")
    ap.add_argument("--timeout", type=float, default=1800, help="per tool and app, seconds")
    ap.add_argument("--workdir", type=Path, help="keep logs and workspaces here (default: a temp folder)")
    ap.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = ap.parse_args(argv)
    apps = [a.strip() for a in args.apps.split(",") if a.strip()]
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    for t in tools:
        if t not in ("redline", "garak"):
            raise SystemExit(f"--tools: unknown tool {t!r} (redline, garak)")
    with tempfile.TemporaryDirectory(prefix="redline-effectiveness-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        rows: list[Row] = []
        for name in apps:
            app = load(name)
            for tool in tools:
                with running_app(name, workdir / tool, args.latency_ms) as (base_url, log):
                    if tool == "redline":
                        row = run_redline(app, base_url, log, workdir, args.timeout)
                    else:
                        row = run_garak(app, base_url, log, workdir, args.garak_venv, args.timeout)
                rows.append(row)
                if not args.json:
                    print(
                        f"{tool} on {name}: triggered {len(row.triggered)}/{row.planted} {row.triggered}, "
                        f"reported {len(row.reported)}/{row.planted} {row.reported}, flags {row.flags} "
                        f"({row.true_flags} true, {row.unmatched_flags} unmatched), {row.requests} requests, "
                        f"{row.wall_s} s",
                        file=sys.stderr,
                        flush=True,
                    )
        if args.json:
            print(json.dumps([{**asdict(r), "precision": r.precision} for r in rows], indent=2))
        else:
            print(table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
