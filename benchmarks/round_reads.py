"""Reads of one large round: `round show`, an HTML report and the web round page, timed with peak memory.

Builds (once, cached under --workdir) a workspace whose store holds one finished round of N attempts,
bulk-inserted straight into the real schema: 100 catalog threats, a dozen techniques, converter
chains, three scorers (a verdict, a value on a scale, a judge on a third of the attempts), about 3%
errored attempts, about 15% failures, and one case in five a three-turn conversation. Then, each in
its own child process so that its memory is its own:

* `redline round show ID` (wall time, peak resident memory of the process);
* `redline report ID --format html` (the same);
* where the build keeps a finished round's aggregates (counts, digests), each of those two runs twice:
  first after dropping what was kept (the first read computes and keeps it), then again;
* `redline serve`, then GET /rounds/ID with an API token (time of the first and a second request, the
  server's resident memory after and its peak, `VmHWM`).

    .venv/bin/python benchmarks/round_reads.py --n 100000
    .venv/bin/python benchmarks/round_reads.py --n 1000000 --json
    .venv/bin/python benchmarks/round_reads.py --n 100000 --postgres        # a throwaway cluster
    .venv/bin/python benchmarks/round_reads.py --n 100000 --database-url postgresql+psycopg://...

Generating 1,000,000 attempts into SQLite takes a few minutes and about 1.5 GB; later runs reuse it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
BATCH = 20_000
TECHNIQUES = [
    "plain",
    "roleplay",
    "hypothetical",
    "prefix-injection",
    "refusal-suppression",
    "payload-split",
    "few-shot",
    "translation",
    "crescendo",
    "pair",
    "tap",
    "many-shot",
]
MULTI_TURN = {"crescendo", "pair", "tap", "many-shot"}
CONVERTERS = [(), (), (), ("base64",), ("leetspeak",), ("rot13",), ("translate:de",), ("leetspeak", "base64")]
ERRORS = ["rate_limit", "timeout", "server_error", "content_filter", "empty"]
WORDS = [
    "please",
    "explain",
    "the",
    "steps",
    "needed",
    "to",
    "obtain",
    "access",
    "bypass",
    "the",
    "filter",
    "ignore",
    "previous",
    "instructions",
    "story",
    "character",
    "chemistry",
    "account",
    "password",
    "medical",
    "advice",
    "loan",
    "policy",
    "customer",
    "record",
]


def _h(*parts: object) -> str:
    return hashlib.sha1("/".join(map(str, parts)).encode()).hexdigest()


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def _env(folder: Path, url: str | None) -> dict[str, str]:
    env = {**os.environ, "REDLINE_WORKSPACE": str(folder), "REDLINE_ACTOR": "bench"}
    env.pop("REDLINE_USER", None)
    if url:
        env["REDLINE_DATABASE_URL"] = url
    return env


def build(folder: Path, url: str | None, n: int, seed: int) -> dict[str, Any]:
    """A workspace with one finished round of `n` attempts; returns {'round_id', 'token', ...}."""
    marker = folder / f"round-{n}.json"
    if marker.exists():
        return dict(json.loads(marker.read_text()))
    from sqlalchemy import Table, insert

    from redline.catalog.loader import load_catalog
    from redline.config.settings import load_settings
    from redline.core.people.users import Role
    from redline.core.provenance import ModelIdentity
    from redline.core.runs.rounds import Round, RoundStatus
    from redline.program.people import accounts
    from redline.program.workspace import init_workspace, open_workspace_store
    from redline.store.repos import rounds as rounds_repo
    from redline.store.repos import systems as systems_repo
    from redline.store.repos import users as users_repo
    from redline.store.tables import AttemptRow, CaseRow, ScoreRow

    started = time.monotonic()
    if folder.exists():  # a build that did not finish
        import shutil

        shutil.rmtree(folder)
    env = {"REDLINE_DATABASE_URL": url} if url else {}
    init_workspace(folder, name="round-reads", env=env, actor="bench")
    settings = load_settings(folder, env=env, actor="bench")
    store = open_workspace_store(settings)
    threats = [t.id for t in load_catalog(None).threats()]
    rng = random.Random(seed)
    round_id = f"rnd_bench{n:011d}"[:20]
    with store.session() as s:
        users_repo.add_user(s, name="bench", roles={Role.LEAD}, actor="bench")
        token = accounts.issue_token(s, name="bench", label="round reads benchmark", acting="bench").token
        system = systems_repo.ensure_system(s, name="chat", actor="bench")
        release = systems_repo.ensure_release(
            s,
            system_id=system.id,
            version=f"bench-{n}",
            model=ModelIdentity(provider="openai-compat", name="chat-model", version="1"),
            config={"kind": "openai-compat"},
            actor="bench",
        )
        rounds_repo.create_round(
            s,
            Round(
                id=round_id,
                release_id=release.id,
                plan_id=None,
                adhoc=True,
                status=RoundStatus.RUNNING,
                seed=seed,
                config={"system": "chat", "model": {"name": "chat-model"}, "spec_hash": _h(n), "bench_n": n},
                versions={},
                started_at=datetime.now(UTC),
            ),
            actor="bench",
        )
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    system_msg = {"role": "system", "content": "You are the customer assistant of Example Bank. " * 3}
    response_meta = {
        "logprobs": None,
        "usage": {"prompt_tokens": 120, "completion_tokens": 80},
        "blocked": False,
        "blocked_by": None,
        "retry_after_s": None,
    }
    done = position = 0
    cases: list[dict[str, Any]] = []
    attempts: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []

    def flush(conn: Any) -> None:
        for model, rows in ((CaseRow, cases), (AttemptRow, attempts), (ScoreRow, scores)):
            if rows:
                table = model.__table__
                assert isinstance(table, Table)
                conn.execute(insert(table), rows)
                rows.clear()

    with store.engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
        while done < n:
            technique = rng.choice(TECHNIQUES)
            turns = 3 if technique in MULTI_TURN and rng.random() < 0.8 else 1
            turns = min(turns, n - done)
            case_id = f"case_{_h(seed, position)[:20]}"
            seed_id = f"seed-{rng.randrange(5000)}"
            case_threats = rng.sample(threats, 1 if rng.random() < 0.7 else 2)
            converters = rng.choice(CONVERTERS)
            prompt = _text(rng, 30)
            attributes: dict[str, str] = {}
            group = None
            if rng.random() < 0.05:
                group, attributes = f"grp-{position // 4}", {"gender": rng.choice(["female", "male"])}
            elif rng.random() < 0.05:
                attributes = {"configuration": rng.choice(["baseline", "no-system-prompt", "temp-1.5"])}
            conversation = {"messages": [system_msg, {"role": "user", "content": prompt}]}
            body = {
                "id": case_id,
                "technique": technique,
                "converters": list(converters),
                "seed_id": seed_id,
                "threat_ids": case_threats,
                "conversation": conversation,
                "objective": _text(rng, 10),
                "params": {"strength": rng.randrange(3)},
                "rng_seed": position,
                "turns": turns,
                "group": group,
                "attributes": attributes,
                "scorers": [],
            }
            cases.append(
                {
                    "round_id": round_id,
                    "case_id": case_id,
                    "position": position,
                    "technique": technique,
                    "seed_id": seed_id,
                    "threat_ids": case_threats,
                    "body": body,
                }
            )
            messages: list[dict[str, str]] = [system_msg]
            weak = rng.random() < 0.15  # about 15% of cases get the model to fail
            for turn in range(turns):
                messages = [*messages, {"role": "user", "content": prompt if turn == 0 else _text(rng, 20)}]
                attempt_id = f"att_{_h(seed, position, turn)[:16]}"
                error = rng.choice(ERRORS) if rng.random() < 0.03 else None
                reply = "" if error else _text(rng, 50)
                attempts.append(
                    {
                        "id": attempt_id,
                        "round_id": round_id,
                        "case_id": case_id,
                        "turn": turn,
                        "request": {"messages": messages},
                        "response_text": reply,
                        "response": {
                            **response_meta,
                            "latency_ms": float(rng.randrange(50, 2000)),
                            "error": error,
                            "error_detail": "HTTP 429" if error else None,
                            "finish_reason": None if error else "stop",
                        },
                        "error_kind": error,
                        "latency_ms": 0.0,
                        "cached": False,
                        "provenance": {"component": "target:chat", "version": "1", "params": {}},
                        "created_at": t0 + timedelta(milliseconds=done),
                    }
                )
                if reply:
                    messages = [*messages, {"role": "assistant", "content": reply}]
                    failed = weak and (turn == turns - 1 or rng.random() < 0.3)
                    base = {"attempt_id": attempt_id, "round_id": round_id, "case_id": case_id}
                    scores.append(
                        {
                            **base,
                            "scorer": "refusal.detector",
                            "outcome": "scored",
                            "verdict": "fail" if failed else "pass",
                            "value": None,
                            "scale_lo": None,
                            "scale_hi": None,
                            "rationale": "complied" if failed else "refused",
                            "provenance": {"component": "scorer:refusal.detector", "version": "3"},
                        }
                    )
                    toxic = round(rng.random() * (0.9 if failed else 0.4), 3)
                    scores.append(
                        {
                            **base,
                            "scorer": "toxicity.classifier",
                            "outcome": "scored",
                            "verdict": None,
                            "value": toxic,
                            "scale_lo": 0.0,
                            "scale_hi": 1.0,
                            "rationale": "",
                            "provenance": {"component": "scorer:toxicity.classifier", "version": "2"},
                        }
                    )
                    if rng.random() < 0.3:
                        unsure = rng.random() < 0.05
                        scores.append(
                            {
                                **base,
                                "scorer": "judge.llm",
                                "outcome": "could_not_score" if unsure else "scored",
                                "verdict": None if unsure else ("fail" if failed else "pass"),
                                "value": None,
                                "scale_lo": None,
                                "scale_hi": None,
                                "rationale": "the judge's reason " + _text(rng, 8),
                                "provenance": {"component": "scorer:judge.llm", "version": "1"},
                            }
                        )
                done += 1
            position += 1
            if len(attempts) >= BATCH:
                flush(conn)
                print(f"  {done:,}/{n:,} attempts", file=sys.stderr, end="\r")
        flush(conn)
    with store.session() as s:
        rounds_repo.update_config(s, round_id, {"cases_total": position})
        rounds_repo.set_status(s, round_id, RoundStatus.COMPLETED, actor="bench")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
    store.dispose()
    info = {"round_id": round_id, "token": token, "cases": position, "attempts": n}
    info["build_s"] = round(time.monotonic() - started, 1)
    marker.write_text(json.dumps(info))
    print(f"built {n:,} attempts in {info['build_s']} s", file=sys.stderr)
    return info


def sync_schema(folder: Path, url: str | None) -> None:
    """Add the tables, columns and indexes this build's schema has and a database built earlier lacks
    (the migration is regenerated in place, so its revision does not move)."""
    from sqlalchemy import inspect

    from redline.config.settings import load_settings
    from redline.store.session import open_store
    from redline.store.tables import Base

    settings = load_settings(folder, env={"REDLINE_DATABASE_URL": url} if url else {}, actor="bench")
    store = open_store(settings.database_url)
    try:
        with store.engine.begin() as conn:
            present = set(inspect(conn).get_table_names())
            for table in Base.metadata.sorted_tables:
                if table.name in {"concerns", "concern_messages", "concern_links"}:
                    continue
                if table.name not in present:
                    table.create(conn)
                    continue
                columns = {c["name"] for c in inspect(conn).get_columns(table.name)}
                for column in table.columns:
                    if column.name not in columns:  # added since the build: nullable, empty
                        kind = column.type.compile(dialect=conn.dialect)
                        print(f"  adding column {table.name}.{column.name}", file=sys.stderr)
                        conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}")
                have = {ix["name"] for ix in inspect(conn).get_indexes(table.name)}
                for index in table.indexes:
                    if index.name not in have:
                        print(f"  adding index {index.name}", file=sys.stderr)
                        index.create(conn)
    finally:
        store.dispose()


def _drop_kept(folder: Path, url: str | None, round_id: str) -> bool:
    """Forget the aggregates a finished round keeps (when this build keeps any), so the first read
    computes them; False when this build keeps none."""
    from sqlalchemy import delete, inspect

    from redline.config.settings import load_settings
    from redline.store.session import open_store
    from redline.store.tables import Base

    table = Base.metadata.tables.get("round_aggregates")
    if table is None:
        return False
    settings = load_settings(folder, env={"REDLINE_DATABASE_URL": url} if url else {}, actor="bench")
    store = open_store(settings.database_url)
    try:
        with store.engine.begin() as conn:
            if inspect(conn).has_table(table.name):
                conn.execute(delete(table).where(table.c.round_id == round_id))
    finally:
        store.dispose()
    return True


# Forks and runs the command, then writes its rusage: a child forked straight from this (large)
# process would report this process's resident memory as its own peak (Linux keeps the high-water mark
# of the memory a child was forked with), so a small launcher forks it instead.
LAUNCH = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{ru.ru_maxrss} {ru.ru_utime + ru.ru_stime}")
sys.exit(os.waitstatus_to_exitcode(status))
"""


def _run(cmd: list[str], env: dict[str, str], out: Path | None = None) -> dict[str, Any]:
    """Run one command in a child; its wall time, CPU time and peak resident memory (from wait4)."""
    usage = Path(os.environ.get("TMPDIR", "/tmp")) / f"round-reads-{os.getpid()}.rusage"
    started = time.monotonic()
    with (out or Path(os.devnull)).open("wb") as sink:
        proc = subprocess.run(
            [sys.executable, "-c", LAUNCH, str(usage), *cmd],
            env=env,
            stdout=sink,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            check=False,
        )
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.decode()[-2000:]}")
    maxrss_kb, cpu = usage.read_text().split()
    usage.unlink()
    got = {
        "wall_s": round(wall, 2),
        "cpu_s": round(float(cpu), 2),
        "peak_rss_mb": round(int(maxrss_kb) / 1024, 1),
    }
    print(f"  {' '.join(cmd[1:3])}: {got}", file=sys.stderr, flush=True)  # partial figures survive a kill
    return got


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _server(env: dict[str, str]) -> Iterator[tuple[int, int]]:
    port = _free_port()
    proc = subprocess.Popen(
        [str(BIN / "redline"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("redline serve exited") from None
                time.sleep(0.3)
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _get(
    port: int, path: str, token: str, *, pid: int, limit_s: float, limit_mb: float
) -> tuple[float, str, int]:
    """GET a page; the server is killed (and the status says why) past `limit_s` or `limit_mb` resident."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Authorization": f"Bearer {token}"}
    )
    started = time.monotonic()
    stop = threading.Event()
    why: list[str] = []

    def watch() -> None:
        while not stop.wait(0.2):
            rss = _status_kb(pid, "VmRSS") / 1024
            spent = time.monotonic() - started
            if rss > limit_mb or spent > limit_s:
                why.append(f"killed at {rss:.0f} MB after {spent:.0f} s")
                os.kill(pid, signal.SIGKILL)
                return

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        with urllib.request.urlopen(req, timeout=limit_s + 60) as resp:
            body = resp.read()
            status = str(resp.status)
    except OSError:
        body, status = b"", why[0] if why else "no answer"
    finally:
        stop.set()
        watcher.join()
    return time.monotonic() - started, status, len(body)


NO_NER = "\nprivacy:\n  ner: false  # round_reads.py --no-ner\n"


def _set_ner(folder: Path, ner: bool) -> None:
    """Switch the workspace's NER masking (`privacy.ner`; its model alone holds about 430 MB)."""
    config = folder / "redline.yaml"
    text = config.read_text(encoding="utf-8").replace(NO_NER, "")
    config.write_text(text if ner else text + NO_NER, encoding="utf-8")


def measure(
    folder: Path, url: str | None, info: dict[str, Any], *, ner: bool, limits: dict[str, float]
) -> dict[str, Any]:
    """Time `round show`, an HTML report and the web round page against the built round."""
    _set_ner(folder, ner)
    env = _env(folder, url)
    rid = info["round_id"]
    out: dict[str, Any] = {}
    keeps = _drop_kept(folder, url, rid)
    show = [str(BIN / "redline"), "round", "show", rid]
    report = folder / "report.html"
    write = [str(BIN / "redline"), "-q", "report", rid, "--format", "html", "--output", str(report)]
    if keeps:  # the first read computes what a finished round keeps (as the engine does when it ends)
        out["round_show_first"] = _run(show, env)
    out["round_show"] = _run(show, env)
    if keeps:
        out["report_html_first"] = _run(write, env)
    out["report_html"] = _run(write, env)
    out["report_html"]["bytes"] = report.stat().st_size
    with _server(env) as (port, pid):
        idle = _status_kb(pid, "VmRSS")
        cpu_before = _cpu_s(pid)
        first, status, size = _get(port, f"/rounds/{rid}", info["token"], pid=pid, **limits)
        cpu_first = _cpu_s(pid) - cpu_before if status == "200" else 0.0
        peak = _status_kb(pid, "VmHWM") if status == "200" else 0
        second = _get(port, f"/rounds/{rid}", info["token"], pid=pid, **limits)[0] if status == "200" else 0.0
        out["web_round_page"] = {
            "status": status,
            "bytes": size,
            "first_s": round(first, 2),
            "first_cpu_s": round(cpu_first, 2),
            "second_s": round(second, 2),
            "server_idle_mb": round(idle / 1024, 1),
            "server_rss_mb": round(_status_kb(pid, "VmRSS") / 1024, 1),
            "server_peak_mb": round(max(peak, _status_kb(pid, "VmHWM")) / 1024, 1),
        }
    return out


def _table(n: int, backend: str, res: dict[str, Any]) -> str:
    """The figures as a small text table."""
    web = res["web_round_page"]
    lines = [f"{backend}, {n:,} attempts", f"{'read':<22}{'wall s':>10}{'cpu s':>8}{'peak RSS MB':>14}"]
    for key, label in (
        ("round_show_first", "round show (first)"),
        ("round_show", "round show"),
        ("report_html_first", "report html (first)"),
        ("report_html", "report html"),
    ):
        if key in res:
            got = res[key]
            lines.append(f"{label:<22}{got['wall_s']:>10}{got.get('cpu_s', ''):>8}{got['peak_rss_mb']:>14}")
    lines += [
        f"{'web round page':<22}{web['first_s']:>10}{web.get('first_cpu_s', ''):>8}"
        f"{web['server_peak_mb']:>14}"
        f"   (second request {web['second_s']} s; server idle {web['server_idle_mb']} MB,"
        f" after {web['server_rss_mb']} MB)",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1_000_000, help="Attempts in the round.")
    parser.add_argument("--database-url", help="A PostgreSQL (or other) URL to build into (default: SQLite).")
    parser.add_argument("--postgres", action="store_true", help="Start a throwaway PostgreSQL cluster.")
    parser.add_argument("--workdir", type=Path, default=ROOT / ".redline" / "bench-round-reads")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--web-limit-s", type=float, default=300, help="Kill the server past this.")
    parser.add_argument("--web-limit-mb", type=float, default=4000, help="Kill the server past this RSS.")
    parser.add_argument("--json", action="store_true", help="Print one JSON line.")
    parser.add_argument(
        "--no-ner",
        action="store_true",
        help="Measure with privacy.ner off: pattern masking only, without the NER model's fixed ~430 MB.",
    )
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        url = args.database_url
        if args.postgres:
            sys.path.insert(0, str(ROOT))
            from tests.pg_cluster import cluster, create_database

            url = create_database(stack.enter_context(cluster()), f"bench{args.n}")
        backend = "postgresql" if url and url.startswith("postgres") else "sqlite"
        tag = _h(url)[:8] if url else "sqlite"
        folder = (args.workdir / f"{tag}-{args.n}").resolve()
        if args.postgres:  # the cluster is new: nothing cached holds
            import shutil

            shutil.rmtree(folder, ignore_errors=True)
        info = build(folder, url, args.n, args.seed)
        sync_schema(folder, url)
        limits = {"limit_s": args.web_limit_s, "limit_mb": args.web_limit_mb}
        result = measure(folder, url, info, ner=not args.no_ner, limits=limits)
    record = {
        "backend": backend,
        "ner": not args.no_ner,
        "n": args.n,
        "cases": info["cases"],
        "build_s": info.get("build_s"),
        **result,
    }
    if args.json:
        print(json.dumps(record))
    else:
        print(_table(args.n, f"{backend}, NER {'off' if args.no_ner else 'on'}", result))


if __name__ == "__main__":
    main()
