"""Stop a throwaway PostgreSQL cluster once the test process that started it is gone.

`python tests/pg_reaper.py PID BASE PG_CTL DATA [OWNER]` runs beside each cluster. Its standard input
is a pipe whose write end only the starting process holds; end of file there (or the process gone)
means that process ended, however it ended (a test worker killed by a crash included), and the cluster
is stopped and its folder removed. When the starting process tears the cluster down itself, BASE
disappears and the reaper just exits.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def main(argv: list[str]) -> int:
    pid, base, pg_ctl, data = int(argv[1]), Path(argv[2]), argv[3], argv[4]
    owner = argv[5] if len(argv) > 5 and argv[5] else None
    while base.exists() and _alive(pid):
        ready, _, _ = select.select([sys.stdin], [], [], 1.0)
        if ready and not os.read(sys.stdin.fileno(), 4096):
            break  # end of file: the starting process is gone
    time.sleep(0.5)  # a starting process tearing down by itself gets there first
    if base.exists():
        cmd = [pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"]
        if owner:
            cmd = ["runuser", "-u", owner, "--", *cmd]
        subprocess.run(cmd, capture_output=True, check=False, timeout=60)
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
