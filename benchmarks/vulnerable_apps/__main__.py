"""``python -m benchmarks.vulnerable_apps APP [--port 0 --port-file F --log F.jsonl --latency-ms N]``."""

from .server import main

raise SystemExit(main())
