"""Per-piece overhead: where one piece's prove time goes, against a bare `ezkl.prove` on the same
files (issue "Fewer rows per multiply-accumulate", item 4).

A zoo model is compiled into linked pieces (`--max-logrows`); one request's witnesses are made as
`zkc prove` makes them; then the largest piece is proved, each way `reps` times (median):
- bare EZKL in a fresh process: `import ezkl` and `ezkl.prove`, timed apart;
- zkc inline (`prove_job` in this process: one worker, the default on two cores);
- zkc in a pool worker started for the job (what each piece paid before workers lived on);
- zkc in a pool worker that lives across jobs (today's pools), after a first job warmed it.

    python bench/piece_overhead.py --out bench/results --srs-dir /tmp/srs [--reps 3]
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _results import host, write_results
from _zkc import compile_dev

from zkc.compiler.artifacts.manifest import load_manifest
from zkc.compiler.compute.lifecycle import process_pool, stop_pool
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import CompileRequest
from zkc.model_zoo.export import export_zoo_model
from zkc.targets.ezkl import srs
from zkc.targets.ezkl.chain_prove import commit_keys, local_jobs, prove_job, runnable
from zkc.targets.ezkl.witness import witness_dag

MODEL, MAX_LOGROWS = "lenet_digits", 14
BARE = """
import sys, time
start = time.perf_counter()
import ezkl
imported = time.perf_counter()
compiled, pk, witness, srs, proof = sys.argv[1:6]  # prove_job's order
ezkl.prove(witness, compiled, pk, proof, srs)
print(imported - start, time.perf_counter() - imported)
"""


def bare(job: tuple) -> dict:
    """A fresh process: its wall time, the import and the prove inside it."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", BARE, *job], capture_output=True, check=True)
    imports, prove = (float(x) for x in out.stdout.split()[-2:])
    return {"wall": time.perf_counter() - start, "imports": imports, "prove": prove}


def pooled(job: tuple, warm: bool) -> float:
    """Seconds from submitting `job` to its result, in a pool of one worker (warmed first by one
    job when `warm`; else a worker started for this job)."""
    pool = process_pool(1, max_tasks_per_child=None if warm else 1)
    try:
        if warm:
            pool.submit(prove_job, *job).result()
        start = time.perf_counter()
        pool.submit(prove_job, *job).result()
        return time.perf_counter() - start
    finally:
        stop_pool(pool)


def measure(art: Path, srs_dir: Path, work: Path, reps: int) -> dict:
    facts = load_manifest(art).circuit
    spec = load_manifest(art).io
    run = runnable(art, facts)
    keys = commit_keys(art, facts, srs.SrsDirectory(srs_dir))
    with np.load(work / "h.npz") as data:
        sample = {spec.inputs[0].name: data["x"][0]}
    start = time.perf_counter()
    chain = witness_dag(run, spec, sample, work, keys)
    witness_seconds = time.perf_counter() - start
    jobs = local_jobs(art, facts, chain, keys, work, {})
    largest = max(range(len(jobs)), key=lambda i: facts.circuit_of(i).num_rows or 0)
    job = jobs[largest]
    runs = {
        "bare": [bare(job) for _ in range(reps)],
        "inline": [prove_job(*job)["seconds"] for _ in range(reps)],
        "fresh_worker": [pooled(job, warm=False) for _ in range(reps)],
        "living_worker": [pooled(job, warm=True) for _ in range(reps)],
    }
    med = statistics.median
    return {
        "model": MODEL,
        "max_logrows": MAX_LOGROWS,
        "pieces": len(facts.pieces),
        "piece": largest,
        "piece_logrows": facts.circuit_of(largest).logrows,
        "witness_seconds_all_pieces": round(witness_seconds, 2),
        "reps": reps,
        "bare_wall": round(med(r["wall"] for r in runs["bare"]), 2),
        "bare_imports": round(med(r["imports"] for r in runs["bare"]), 2),
        "bare_prove": round(med(r["prove"] for r in runs["bare"]), 2),
        "zkc_inline": round(med(runs["inline"]), 2),
        "zkc_fresh_worker": round(med(runs["fresh_worker"]), 2),
        "zkc_living_worker": round(med(runs["living_worker"]), 2),
        "host": host(),
    }


def render(r: dict) -> str:
    def over(seconds: float) -> str:
        return f"{seconds - r['bare_prove']:+.2f}"

    rows = [
        ("bare EZKL: fresh process (wall)", r["bare_wall"], over(r["bare_wall"])),
        ("bare EZKL: `import ezkl` in it", r["bare_imports"], ""),
        ("bare EZKL: `ezkl.prove` in it", r["bare_prove"], ""),
        ("zkc inline (one worker)", r["zkc_inline"], over(r["zkc_inline"])),
        (
            "zkc pool, a worker started for the job",
            r["zkc_fresh_worker"],
            over(r["zkc_fresh_worker"]),
        ),
        (
            "zkc pool, a worker living across jobs",
            r["zkc_living_worker"],
            over(r["zkc_living_worker"]),
        ),
    ]
    lines = [
        f"# Per-piece overhead: {r['model']} at --max-logrows {r['max_logrows']} "
        f"({r['pieces']} pieces; piece {r['piece']}, logrows {r['piece_logrows']}; "
        f"median of {r['reps']}, this machine)",
        "",
        "| one piece's proof | seconds | over bare `ezkl.prove` |",
        "|---|---|---|",
        *[f"| {name} | {s} | {over} |" for name, s, over in rows],
        "",
        f"One request's witnesses, every piece: {r['witness_seconds_all_pieces']} s.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--srs-dir", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zkc-bench-overhead-") as tmp:
        work = Path(tmp)
        files = export_zoo_model(MODEL, work / "m.onnx", work / "c.npz", work / "h.npz")
        request = CompileRequest(
            model_path=files.onnx_path,
            calibration_path=files.calibration_path,
            output=work / "m.zkc",
            config=CompileConfig(max_logrows=MAX_LOGROWS, max_eval_samples=8),
            cache_dir=None,
        )
        art = compile_dev(args.srs_dir.expanduser(), request).path
        result = measure(art, args.srs_dir.expanduser(), work, args.reps)
    write_results(args.out, "piece_overhead", result, render(result))


if __name__ == "__main__":
    main()
