"""Compiler-core benchmark: for every zoo model, compile, prove and verify, and record the figures.

Writes bench/results/core.json and core.md: logrows, calibration/setup/prove/verify seconds,
peak RSS of the `zkc prove` process, pk/vk/proof sizes and fidelity. Compiles bypass the
cache so calibration and setup are really measured. Uses a dev SRS (generated if missing).

    python bench/core.py --out bench/results --srs-dir ~/.ezkl/srs
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _zkc import compile_dev, open_dev

from zkc.compiler.artifacts.proof import load_proof
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import CompileRequest
from zkc.model_zoo.export import export_zoo_model
from zkc.model_zoo.models import ZOO


def measure_prove(
    artifact: Path, input_json: Path, proof: Path, srs_dir: Path
) -> tuple[float, float, int]:
    """Run `zkc prove` as its own process: (wall seconds, EZKL prove seconds, peak RSS bytes)."""
    cmd = [
        sys.executable,
        "-m",
        "zkc.cli",
        "prove",
        str(artifact),
        str(input_json),
        "-o",
        str(proof),
        "--srs-dir",
        str(srs_dir),
        "--json",
    ]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"zkc prove failed: {err.decode()}")
    return wall, json.loads(out)["prove_seconds"], usage.ru_maxrss * 1024


def _first_sample(name: str, holdout: Path, work: Path) -> Path:
    """The first held-out sample as a prove request."""
    with np.load(holdout) as data:
        sample = data[ZOO[name].input_name][0]
    input_json = work / f"{name}.input.json"
    input_json.write_text(json.dumps({ZOO[name].input_name: sample.tolist()}))
    return input_json


def bench_model(name: str, work: Path, srs_dir: Path) -> dict:
    """Every figure for one zoo model."""
    exported = export_zoo_model(
        name, work / f"{name}.onnx", work / f"{name}.calib.npz", work / f"{name}.holdout.npz"
    )
    request = CompileRequest(
        model_path=exported.onnx_path,
        calibration_path=exported.calibration_path,
        eval_path=exported.holdout_path,
        output=work / f"{name}.zkc",
        config=CompileConfig(max_eval_samples=400),
        cache_dir=None,
    )
    start = time.perf_counter()
    result = compile_dev(srs_dir, request)
    compile_seconds = time.perf_counter() - start
    provenance = json.loads((result.path / "provenance.json").read_text())
    input_json = _first_sample(name, exported.holdout_path, work)
    proof_path = work / f"{name}.proof.json"
    prove_wall, prove_seconds, prove_rss = measure_prove(
        result.path, input_json, proof_path, srs_dir
    )
    artifact = open_dev(result.path, srs_dir)
    envelope = load_proof(proof_path)
    start = time.perf_counter()
    artifact.verify(envelope)
    verify_seconds = time.perf_counter() - start
    m = result.manifest
    return {
        "model": name,
        "logrows": m.circuit.logrows,
        "num_rows": m.circuit.num_rows,
        "input_scale": m.circuit.first.input_scales,
        "param_scale": m.circuit.first.param_scale,
        "compile_seconds": round(compile_seconds, 2),
        "calibrate_seconds": round(provenance["timings"]["calibrate_seconds"], 2),
        "setup_seconds": round(provenance["timings"]["setup_seconds"], 2),
        "prove_seconds": round(prove_seconds, 2),
        "prove_process_wall_seconds": round(prove_wall, 2),
        "prove_peak_rss_mb": round(prove_rss / 2**20, 1),
        "verify_seconds": round(verify_seconds, 3),
        "pk_bytes": m.files["pk.key"].size,
        "vk_bytes": m.files["vk.key"].size,
        "proof_bytes": len(bytes.fromhex(envelope.proof["hex_proof"].removeprefix("0x"))),
        "proof_json_bytes": proof_path.stat().st_size,
        "fidelity": m.fidelity.model_dump(),
        "torch_holdout_score": exported.holdout_score,
    }


def to_markdown(rows: list[dict], meta: dict) -> str:
    """A table for humans."""
    head = (
        "| model | logrows | rows | calibrate s | setup s | prove s | prove peak RSS MB | verify s "
        "| pk MB | vk KB | proof B | top-1 agreement | max abs err |"
    )
    lines = [
        f"# zkc core benchmark\n\n{meta['when']} on {meta['platform']}, {meta['cpus']} CPUs, ezkl {meta['ezkl']}\n",
        head,
        "|" + "---|" * 13,
    ]
    for r in rows:
        f = r["fidelity"]
        lines.append(
            f"| {r['model']} | {r['logrows']} | {r['num_rows']} | {r['calibrate_seconds']} | {r['setup_seconds']} "
            f"| {r['prove_seconds']} | {r['prove_peak_rss_mb']} | {r['verify_seconds']} | {r['pk_bytes'] / 1e6:.1f} "
            f"| {r['vk_bytes'] / 1e3:.1f} | {r['proof_bytes']} | {f['top1_agreement']:.2%} ({f['samples']} held-out) "
            f"| {f['max_abs_error']:.4g} |"
        )
    lines.append("\nprove peak RSS is that of the whole `zkc prove` process (Python, onnx, EZKL).")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the benchmark for every zoo model (or those named)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--srs-dir", type=Path, default=Path("~/.ezkl/srs").expanduser())
    parser.add_argument("models", nargs="*", default=list(ZOO))
    args = parser.parse_args()
    from importlib.metadata import version

    meta = {
        "when": time.strftime("%Y-%m-%d"),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "ezkl": version("ezkl"),
    }
    with tempfile.TemporaryDirectory(prefix="zkc-bench-") as tmp:
        rows = []
        for name in args.models:
            print(f"benchmarking {name} ...", file=sys.stderr)
            rows.append(bench_model(name, Path(tmp), args.srs_dir.expanduser()))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "core.json").write_text(
        json.dumps({"meta": meta, "results": rows}, indent=2) + "\n"
    )
    (args.out / "core.md").write_text(to_markdown(rows, meta))
    print(to_markdown(rows, meta))


if __name__ == "__main__":
    main()
