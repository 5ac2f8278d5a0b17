"""Run wrk against one URL and read its figures: requests/s, latency percentiles, statuses."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

LUA = Path(__file__).parent / "lua"
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


@dataclass
class WrkResult:
    requests_per_second: float
    latency_ms: dict[str, float]  # "50", "75", "90", "99"
    requests: int
    statuses: dict[int, int] = field(default_factory=dict)
    socket_errors: str = ""

    def share(self, *codes: int) -> int:
        return sum(n for status, n in self.statuses.items() if status in codes)


def wrk_path() -> str:
    found = shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)
    if found is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    return found


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        raise ValueError(f"unreadable wrk duration {text!r}")
    return float(match.group(1)) * UNITS[match.group(2)]


def parse(output: str) -> WrkResult:
    """Read wrk's `--latency` report."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if not rps or not total:
        raise ValueError(f"unreadable wrk output:\n{output}")
    latency = {
        pct: _ms(value)
        for pct, value in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", output, re.M)
    }
    statuses = {}
    line = re.search(r"^statuses (.*)$", output, re.M)
    if line:
        for pair in line.group(1).split():
            status, count = pair.split("=")
            statuses[int(status)] = int(count)
    errors = re.search(r"Socket errors: (.*)", output)
    return WrkResult(float(rps.group(1)), latency, int(total.group(1)), statuses,
                     errors.group(1) if errors else "")


def run(url: str, *, duration: int, connections: int, threads: int,
        headers: dict[str, str] | None = None, script: str = "count_status.lua",
        env: dict[str, str] | None = None) -> WrkResult:
    """Load `url` for `duration` seconds and return the parsed result."""
    argv = [wrk_path(), "--latency", "-t", str(threads), "-c", str(connections),
            "-d", f"{duration}s", "--timeout", "10s", "-s", str(LUA / script)]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(url)
    completed = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60,
                               env={**os.environ, **(env or {})})
    if completed.returncode != 0:
        raise RuntimeError(f"wrk failed: {completed.stderr or completed.stdout}")
    return parse(completed.stdout)
