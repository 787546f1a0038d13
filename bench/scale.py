"""Scale benchmark: the CIFAR-10 ResNet-8 (resnet8_digits32, 78k parameters, ~12.5M
multiply-accumulates) compiled within `--max-logrows 17`, proved and verified on this machine.

Measures: pieces and distinct circuits; rows of the pieces over the unsplit estimate; total
2^logrows over the rows; compile time (calibration, setup, held-out witnesses) and the peak RSS
of every process; prove wall time, core-seconds (CPU time of the proving processes) and peak
RSS; verify time and proof size; top-1 agreement with the float model on the held-out samples;
the plan's row estimate against EZKL's `num_rows` per distinct circuit; projected cluster wall
times from the measured per-piece times; and a plot of prove wall time against workers.

    python bench/scale.py --out bench/results --srs-dir ~/.ezkl/srs [--holdout 50]
        [--lowering measured|none]

`--lowering measured` (the default, as in zkc compile) lowers each convolution the measured costs
say pays (zkc.passes.conv_as_matmul); `none` keeps every op in the model's form.
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _prove import projected, prove_in_subprocess, verify_seconds
from _results import host, write_results

from zkc.compiler.artifacts.manifest import load_manifest
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.plan import plan_model
from zkc.model_zoo.export import export_zoo_model
from zkc.targets import make_target

MODEL, MAX_LOGROWS = "resnet8_digits32", 17
WORKERS = (1, 2, 4, 8, 16, 64)


def children_cpu() -> tuple[float, float]:
    """CPU seconds and peak RSS (MB) over every child process waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def compile_model(
    files, work: Path, srs_dir: Path, holdout: int, lowering: str
) -> tuple[Path, dict]:
    """`zkc compile` in a child process: the artifact, its wall time, CPU and peak RSS."""
    out = work / "r8.zkc"
    cpu0, _ = children_cpu()
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "zkc.cli",
            "compile",
            str(files.onnx_path),
            "--calibration",
            str(files.calibration_path),
            "--eval",
            str(work / "held.npz"),
            "-o",
            str(out),
            "--max-logrows",
            str(MAX_LOGROWS),
            "--lowering",
            lowering,
            "--dev-srs",
            "--srs-dir",
            str(srs_dir),
            "--no-cache",
        ],
        check=True,
    )
    wall = time.perf_counter() - start
    cpu1, peak = children_cpu()
    timings = json.loads((out / "provenance.json").read_text())["timings"]
    return out, {
        "wall_seconds": round(wall, 1),
        "core_seconds": round(cpu1 - cpu0, 1),
        "peak_rss_mb_any_process": round(peak, 1),
        "held_out": holdout,
        **{k: round(v, 1) for k, v in timings.items()},
    }


def circuits(artifact: Path, plan) -> dict:
    """Pieces, distinct circuits, rows, capacity, and the estimate against EZKL's rows."""
    facts = load_manifest(artifact).circuit
    estimate = {c.index: c.estimated_rows for c in plan.circuits}
    errors = [
        abs(estimate[c.index] - c.num_rows) / c.num_rows
        for c in facts.circuits
        if c.index in estimate and c.num_rows
    ]
    rows = sum(facts.circuit_of(p.index).num_rows or 0 for p in facts.pieces)
    capacity = sum(2 ** facts.circuit_of(p.index).logrows for p in facts.pieces)
    return {
        "pieces": len(facts.pieces),
        "distinct_circuits": len(facts.circuits),
        "logrows": sorted({c.logrows for c in facts.circuits}),
        "rows_over_pieces": rows,
        "unsplit_estimate": round(plan.unsplit_rows),
        "rows_over_unsplit": round(rows / plan.unsplit_rows, 3),
        "capacity_over_rows": round(capacity / rows, 3),
        "estimate_mean_abs_error": round(float(np.mean(errors)), 3) if errors else None,
        "plan_seconds": plan.plan_seconds,
    }


def prove_and_verify(artifact: Path, files, work: Path, srs_dir: Path) -> dict:
    with np.load(files.holdout_path) as data:
        sample = {"x": data["x"][0].tolist()}
    (work / "input.json").write_text(json.dumps(sample))
    cpu0, _ = children_cpu()
    run = prove_in_subprocess(artifact, work / "input.json", work / "proof.json", srs_dir, 1)
    cpu1, _ = children_cpu()
    seconds, raw, size = verify_seconds(artifact, work / "proof.json", srs_dir)
    pieces = run["run"]["slice_seconds"]
    return {
        "prove_wall_seconds": run["prove_wall_seconds"],
        "prove_core_seconds": round(cpu1 - cpu0, 1),
        "prove_peak_rss_mb": run["peak_rss_mb"],
        "witness_seconds": round(run["run"]["witness_seconds"], 1),
        "piece_seconds_median": round(float(np.median(pieces)), 2),
        "verify_seconds": seconds,
        "raw_proof_bytes": raw,
        "proof_file_bytes": size,
        "projected_wall_seconds": {
            n: round(projected(pieces, run["run"]["witness_seconds"], n), 1) for n in WORKERS
        },
    }


def plot(result: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    projection = result["prove"]["projected_wall_seconds"]
    workers = [int(n) for n in projection]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(
        workers, [projection[n] for n in projection], "o--", label="projected from per-piece times"
    )
    ax.plot(
        [1], [result["prove"]["prove_wall_seconds"]], "s", ms=9, label="measured (this machine)"
    )
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("workers")
    ax.set_ylabel("prove wall time (s)")
    ax.set_title(f"{MODEL}: {result['circuits']['pieces']} pieces within logrows {MAX_LOGROWS}")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def render(r: dict) -> str:
    c, k, p = r["circuits"], r["compile"], r["prove"]
    walls = ", ".join(f"{n}: {s} s" for n, s in p["projected_wall_seconds"].items())
    return (
        "\n".join(
            [
                f"# Scale: {MODEL} within --max-logrows {MAX_LOGROWS}, --lowering {r['lowering']}"
                " (one run, this machine)",
                "",
                "| figure | value |",
                "|---|---|",
                f"| pieces / distinct circuits | {c['pieces']} / {c['distinct_circuits']} (logrows {c['logrows']}) |",
                f"| rows over the pieces / unsplit estimate | {c['rows_over_pieces']:,} / {c['unsplit_estimate']:,} = {c['rows_over_unsplit']} |",
                f"| sum 2^logrows / rows | {c['capacity_over_rows']} |",
                f"| plan estimate vs EZKL num_rows (mean abs error over distinct circuits) | {c['estimate_mean_abs_error']} |",
                f"| zkc plan time | {c['plan_seconds']} s |",
                f"| compile wall / core-seconds | {k['wall_seconds']} s / {k['core_seconds']} s |",
                f"| calibration / setup / held-out witnesses | {k.get('calibrate_seconds')} s / {k.get('setup_seconds')} s / {k.get('fidelity_seconds')} s |",
                f"| peak RSS of any compile process | {k['peak_rss_mb_any_process']} MB |",
                f"| prove wall / core-seconds | {p['prove_wall_seconds']} s / {p['prove_core_seconds']} s |",
                f"| prove peak RSS (largest process) | {p['prove_peak_rss_mb']} MB |",
                f"| witnesses / median piece proof | {p['witness_seconds']} s / {p['piece_seconds_median']} s |",
                f"| verify | {p['verify_seconds']} s; proof {p['proof_file_bytes']:,} bytes ({p['raw_proof_bytes']:,} raw) |",
                f"| top-1 agreement with the float model | {r['fidelity']['top1_agreement']:.2%} on {r['fidelity']['samples']} held-out samples |",
                f"| projected prove wall time by workers | {walls} |",
                "",
                "![prove wall time vs workers](scale.png)",
                "",
            ]
        )
        + "\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--srs-dir", type=Path, default=Path("~/.ezkl/srs"))
    parser.add_argument("--holdout", type=int, default=50, help="Held-out samples measured.")
    parser.add_argument("--lowering", choices=("measured", "none"), default="measured")
    parser.add_argument(
        "--keep",
        type=Path,
        help="Work in this directory and keep it (the artifact, for bench/evm.py --artifact).",
    )
    args = parser.parse_args()
    srs_dir = args.srs_dir.expanduser()
    name = "scale_lowered" if args.lowering == "measured" else "scale"
    with tempfile.TemporaryDirectory(prefix="zkc-bench-scale-") as tmp:
        work = Path(tmp) if args.keep is None else args.keep
        work.mkdir(parents=True, exist_ok=True)
        files = export_zoo_model(MODEL, work / "r8.onnx", work / "c.npz", work / "h.npz")
        with np.load(files.holdout_path) as data:
            np.savez(work / "held.npz", x=data["x"][: args.holdout])
        config = CompileConfig(max_logrows=MAX_LOGROWS, lowering=args.lowering)
        plan = plan_model(files.onnx_path, config, make_target("ezkl"))
        artifact, compiled = compile_model(files, work, srs_dir, args.holdout, args.lowering)
        result = {
            "model": MODEL,
            "max_logrows": MAX_LOGROWS,
            "lowering": args.lowering,
            "host": host(),
            "circuits": circuits(artifact, plan),
            "compile": compiled,
            "prove": prove_and_verify(artifact, files, work, srs_dir),
            "fidelity": load_manifest(artifact).fidelity.model_dump(),
        }
    args.out.mkdir(parents=True, exist_ok=True)
    plot(result, args.out / f"{name}.png")
    write_results(args.out, name, result, render(result).replace("(scale.png)", f"({name}.png)"))


if __name__ == "__main__":
    main()
