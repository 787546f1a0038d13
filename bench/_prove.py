"""Proving for the benchmarks: in a fresh process (its own peak RSS), verification timing, and
projected cluster wall times from per-circuit proof times."""

import json
import subprocess
import sys
import time
from pathlib import Path

from _zkc import open_dev

PROVE = """
import json, sys, time
from pathlib import Path
import numpy as np
from zkc.targets import open_artifact
art, inp, out, srs, workers, scheduler = sys.argv[1:7]
c = open_artifact(Path(art), Path(srs))
inputs = {k: np.asarray(v) for k, v in json.loads(Path(inp).read_text()).items()}
start = time.perf_counter()
r = c.prove(inputs, workers=int(workers), scheduler=scheduler or None)
wall = time.perf_counter() - start
Path(out).write_text(json.dumps(r.envelope.model_dump(mode="json")))
from zkc.compiler.compute.runners import peak_rss_mb
workers = (r.run or {}).get("slice_peak_rss_mb") if int(workers) > 1 or scheduler else None
print(json.dumps({"wall": wall, "run": r.run, "self_mb": peak_rss_mb(), "children_mb": max(workers or [0])}))
"""


def prove_in_subprocess(
    artifact: Path, inputs: Path, proof: Path, srs_dir: Path, workers=1, scheduler=""
) -> dict:
    """Prove in a fresh process; its wall time, its own peak RSS (VmHWM) and that of its largest
    pool worker (each proves one slice in a fresh process)."""
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            PROVE,
            str(artifact),
            str(inputs),
            str(proof),
            str(srs_dir),
            str(workers),
            scheduler,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    elapsed = time.perf_counter() - start
    doc = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "process_seconds": round(elapsed, 2),
        "prove_wall_seconds": round(doc["wall"], 2),
        "peak_rss_mb": round(max(doc["self_mb"], doc["children_mb"]), 1),
        "driver_rss_mb": round(doc["self_mb"], 1),
        "largest_worker_rss_mb": round(doc["children_mb"], 1),
        "run": doc["run"],
    }


def verify_seconds(artifact: Path, proof: Path, srs_dir: Path) -> tuple[float, int, int]:
    from zkc.compiler.artifacts.proof import load_proof

    c = open_dev(artifact, srs_dir)
    envelope = load_proof(proof)
    start = time.perf_counter()
    c.verify(envelope)
    seconds = time.perf_counter() - start
    proofs = [s.proof for s in envelope.slices] if envelope.slices else [envelope.proof]
    raw = sum(len(p["proof"]) for p in proofs)
    return round(seconds, 3), raw, proof.stat().st_size


def projected(slice_seconds: list[float], witness: float, workers: int) -> float:
    """Wall time on `workers` cluster workers: longest slice first to the least-loaded worker."""
    loads = [0.0] * workers
    for seconds in sorted(slice_seconds, reverse=True):
        loads[loads.index(min(loads))] += seconds
    return witness + max(loads)
