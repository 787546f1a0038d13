"""What the chaos bench's fault groups share: the `zkc` command line as an operator runs it,
a compiled mlp_digits, process watching, and one row of the table."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

MODEL = "mlp_digits"
GONE_WITHIN = 15.0  # seconds after which a process still alive counts as left behind


def zkc(
    *args, env: dict | None = None, timeout: float = 900
) -> tuple[subprocess.CompletedProcess, float]:
    """`python -m zkc.cli ARGS`: the finished process and its wall seconds."""
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "zkc.cli", *map(str, args)],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return run, round(time.perf_counter() - start, 2)


def zkc_popen(*args, **kwargs) -> subprocess.Popen:
    """`python -m zkc.cli ARGS` started in the background."""
    cmd = [sys.executable, "-m", "zkc.cli", *map(str, args)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, **kwargs)


def last_line(text: str) -> str:
    """The error line an operator reads (the last non-empty line of stderr)."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def row(fault: str, outcome: str, ok: bool, recover: float | None, left: list) -> dict:
    """One row of the table: the fault, what zkc did, time to recover, what was left behind."""
    return {
        "fault": fault,
        "outcome": outcome,
        "as_intended": ok,
        "recover_seconds": recover,
        "left_behind": [str(x) for x in left],
    }


class Model:
    """mlp_digits exported once; compiled (whole, and in 2 linked slices) on demand."""

    def __init__(self, work: Path, srs_dir: Path):
        self.work, self.srs_dir = work, srs_dir
        self.onnx, self.calib, self.holdout = (
            work / f"{MODEL}{s}" for s in (".onnx", ".calib.npz", ".holdout.npz")
        )
        run, _ = zkc(
            "zoo",
            "export",
            MODEL,
            "-o",
            self.onnx,
            "--calibration",
            self.calib,
            "--holdout",
            self.holdout,
        )
        if run.returncode:
            raise SystemExit(f"zkc zoo export failed: {last_line(run.stderr)}")
        sample = _first_sample(self.holdout)
        self.input_json = work / "input.json"
        self.input_json.write_text(json.dumps({"x": sample}))

    def compile_args(self, out: Path, cache: Path, *extra) -> list:
        """The compile command line into `out` with the cache `cache`."""
        return [
            "compile",
            self.onnx,
            "--calibration",
            self.calib,
            "--eval",
            self.holdout,
            "-o",
            out,
            "--cache-dir",
            cache,
            "--srs-dir",
            self.srs_dir,
            "--dev-srs",
            "--quantize",
            "ezkl",
            *extra,
        ]

    def compiled(self, name: str, *extra) -> Path:
        """An artifact compiled once into the work directory (`--slices 2` for a sliced one)."""
        out = self.work / f"{name}.zkc"
        if not out.exists():
            run, _ = zkc(*self.compile_args(out, self.work / "cache", *extra))
            if run.returncode:
                raise SystemExit(f"compile {name} failed: {last_line(run.stderr)}")
        return out


def _first_sample(holdout: Path) -> list:
    import numpy as np

    return np.load(holdout)["x"][0].reshape(-1).tolist()


def children(pid: int, count: int, within: float = 60.0) -> list[int]:
    """At least `count` descendants of `pid` (waits up to `within` seconds), or those found."""
    deadline, found = time.monotonic() + within, []
    while time.monotonic() < deadline:
        try:
            found = [p.pid for p in psutil.Process(pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            return found
        if len(found) >= count:
            return found
        time.sleep(0.1)
    return found


def left_after(pids: list[int], within: float = GONE_WITHIN) -> list[int]:
    """The pids still running `within` seconds from now (zombies count as gone)."""

    def running(pid: int) -> bool:
        try:
            return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return False

    deadline = time.monotonic() + within
    while time.monotonic() < deadline and any(map(running, pids)):
        time.sleep(0.2)
    return [p for p in pids if running(p)]


def files_under(path: Path, skip: tuple[str, ...] = ("locks",)) -> list[Path]:
    """Files left under `path` (lock files excluded: empty, reused, never trusted)."""
    if not path.exists():
        return []
    return [p for p in path.rglob("*") if p.is_file() and not set(skip) & set(p.parts)]
