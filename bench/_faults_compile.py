"""Chaos bench, compile and cache faults: a compile SIGKILLed at each checkpoint then rerun (the
rerun must succeed, and `zkc audit` must reproduce it), two compiles of one model into one
cache at once, and a full disk (a small tmpfs) before and during setup."""

import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from _faults_common import Model, files_under, last_line, row, zkc

from zkc.compiler.artifacts.manifest import load_verified
from zkc.compiler.faults import KILL_AT, POINTS


def _entries(cache: Path) -> list[str]:
    root = cache / "artifacts"
    return sorted(p.name for p in root.iterdir()) if root.is_dir() else []


def _audit(model: Model, artifact: Path) -> bool:
    run, _ = zkc("audit", artifact, "--model", model.onnx, "--srs-dir", model.srs_dir)
    return run.returncode == 0


def killed_at(model: Model, point: str, work: Path) -> dict:
    out, cache = work / f"killed-{point}.zkc", work / f"cache-{point}"
    killed, _ = zkc(*model.compile_args(out, cache), env={KILL_AT: point})
    rerun, seconds = zkc(*model.compile_args(out, cache))
    entries = _entries(cache)
    whole = rerun.returncode == 0 and len(entries) == 1
    consistent = (
        whole and load_verified(cache / "artifacts" / entries[0]).key == load_verified(out).key
    )
    audited = consistent and _audit(model, out)
    reused = "cache hit" in rerun.stderr
    outcome = (
        f"killed (exit {killed.returncode}); rerun exit {rerun.returncode}, "
        f"{'reused the whole entry' if reused else 'rebuilt'}; {len(entries)} cache entry; "
        f"audit {'reproduces it' if audited else 'FAILS'}"
    )
    left = [e for e in entries if e != load_verified(out).key] if consistent else entries
    ok = killed.returncode == -9 and audited and reused == (point == "cached")
    return row(f"compile killed (SIGKILL) at '{point}'", outcome, ok, seconds, left)


def concurrent(model: Model, work: Path) -> dict:
    cache, outs = work / "cache-concurrent", [work / "a.zkc", work / "b.zkc"]
    start = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda o: zkc(*model.compile_args(o, cache))[0], outs))
    seconds = round(time.perf_counter() - start, 2)
    codes, hits = [r.returncode for r in runs], sum("cache hit" in r.stderr for r in runs)
    entries = _entries(cache)
    same = codes == [0, 0] and load_verified(outs[0]).key == load_verified(outs[1]).key
    outcome = f"exits {codes}; {hits} waited and took the cached entry; {len(entries)} entry"
    return row(
        "two compiles of one model into one cache at once",
        outcome,
        same and len(entries) == 1,
        seconds,
        entries[1:],
    )


@contextmanager
def small_disk(path: Path, size: str):
    """A tmpfs of `size` mounted at `path` (needs root), unmounted afterwards."""
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)])
    if mounted.returncode != 0:
        raise SystemExit("the full-disk fault needs a tmpfs mount (root); run the bench as root")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=True)


def full_disk(model: Model, work: Path, size: str) -> dict:
    with small_disk(work / f"disk-{uuid.uuid4().hex[:6]}", size) as disk:
        run, seconds = zkc(*model.compile_args(disk / "mlp.zkc", disk / "cache"))
        line = last_line(run.stderr)
        left = files_under(disk)
        errors = [x for x in run.stderr.splitlines() if x.startswith("zkc: error:")]
        one_line = len(errors) == 1 and errors[0][:200] == line and "Traceback" not in run.stderr
        ok = run.returncode == 1 and str(disk) in line and one_line
    return row(
        f"full disk during compile ({size} tmpfs)",
        f"exit {run.returncode}: {line}",
        ok and not left,
        seconds,
        left,
    )


def compile_faults(model: Model, work: Path) -> list[dict]:
    rows = [killed_at(model, point, work) for point in POINTS]
    rows.append(concurrent(model, work))
    return rows


def disk_faults(model: Model, work: Path) -> list[dict]:
    return [full_disk(model, work, size) for size in ("16k", "24m")]
