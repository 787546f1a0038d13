"""Processes a test session left behind: started during the session, now orphaned (parent 1),
and ours (Python: provers, workers, servers). The suite fails when there is one."""

import os
import time
from pathlib import Path


def _boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    return 0.0


def orphans_since(start: float) -> list[str]:
    """`pid: command` of every orphaned Python process started after `start` (epoch seconds)."""
    boot, ticks = _boot_time(), os.sysconf("SC_CLK_TCK")
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError, UnicodeDecodeError):
            continue  # ended while it was read
        state, ppid, started = fields[0], int(fields[1]), boot + int(fields[19]) / ticks
        program = Path(command.split(" ", 1)[0]).name
        if ppid == 1 and state != "Z" and started >= start and program.startswith("python"):
            found.append(f"{stat.parent.name}: {command.strip()[:160]}")
    return found


def wait_for_orphans(start: float, patience: float = 10.0) -> list[str]:
    """Orphans still there after `patience` seconds (workers watching their parent exit
    within about a second of its death)."""
    deadline = time.monotonic() + patience
    while (left := orphans_since(start)) and time.monotonic() < deadline:
        time.sleep(0.5)
    return left
