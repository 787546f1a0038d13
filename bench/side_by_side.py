"""Side by side with plain EZKL: one CNN that EZKL proves whole on this machine, through EZKL's
own flow (settings, calibrate for resources, setup, prove) and through zkc's default compile and
one within --max-logrows 17, one after the other in one run: setup or compile time, prove wall time
and peak memory of the proving process, max |error| against onnxruntime, verification.

    python bench/side_by_side.py --out bench/results --srs-dir DIR

The CNN is resnet8_digits32's stem (3x32x32 -> Conv 3->16 3x3, BatchNorm, ReLU -> 16x32x32),
cut from the zoo model as exported; calibration on 20 samples, fidelity on 5 held-out ones.
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
import onnx
from _prove import prove_in_subprocess
from _results import host, write_results

from zkc import load
from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.ir.model_io import load_model
from zkc.compiler.pieces.slices import extract_submodel
from zkc.model_zoo.export import export_zoo_model

MODEL, CUT = "resnet8_digits32", "/stem/stem.2/Relu_output_0"
PLAIN = "zkc.targets.ezkl.bench_support.plain_flow"
ZKC_FLOWS = {"zkc default": [], "zkc --max-logrows 17": ["--max-logrows", "17"]}


def child(args: list[str]) -> tuple[dict | None, float, float]:
    """Run a child; its last JSON line (if any), wall seconds and peak RSS (MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{args[:3]} failed: {done.stderr.strip().splitlines()[-3:]}")
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return (json.loads(lines[-1]) if lines else None), wall, max(peak, before) / 1024


def zkc_flow(name: str, extra: list[str], work: Path, srs_dir: Path) -> dict:
    out = work / f"{name.replace(' ', '_')}.zkc"
    _, wall, _ = child(
        ["-m", "zkc.cli", "compile", str(work / "cnn.onnx"), "--calibration", str(work / "c.npz")]
        + ["--eval", str(work / "h.npz"), "-o", str(out), "--dev-srs", "--srs-dir", str(srs_dir)]
        + ["--no-cache", *extra]
    )
    artifact = load(out, srs_dir=srs_dir)
    circuits = artifact.manifest.circuit
    with np.load(work / "h.npz") as data:
        x = data["x"]
    (work / "in.json").write_text(json.dumps({"x": x[:1].tolist()}))
    proved = prove_in_subprocess(out, work / "in.json", work / "p.json", srs_dir)
    reference = ReferenceRunner(load_model(work / "cnn.onnx"))
    error = max(
        float(np.abs(artifact.run(x[i : i + 1])[k] - v).max())
        for i in range(len(x))
        for k, v in reference.run({"x": x[i : i + 1]}).items()
    )
    return {
        "flow": name,
        "logrows": max(c.logrows for c in circuits.circuits),
        "pieces": len(circuits.pieces),
        "setup_or_compile_s": round(wall, 1),
        "prove_s": proved["prove_wall_seconds"],
        "prove_peak_mb": proved["peak_rss_mb"],
        "max_abs_error": error,
        "verified": artifact.verify(work / "p.json"),
    }


def plain_flow(work: Path, srs_dir: Path) -> dict:
    plain = work / "plain"
    prepared, wall, _ = child(
        ["-m", PLAIN, "prepare", str(work / "cnn.onnx"), str(work / "c.npz"), str(plain)]
        + [str(srs_dir)]
    )
    proved, _, _ = child(
        ["-m", PLAIN, "prove", str(work / "cnn.onnx"), str(plain)] + [str(work / "h.npz")]
    )
    assert prepared is not None and proved is not None
    return {
        "flow": "plain EZKL",
        "logrows": prepared["logrows"],
        "pieces": 1,
        "setup_or_compile_s": round(wall, 1),
        **{k: proved[k] for k in ("prove_s", "verified", "max_abs_error")},
        "prove_peak_mb": proved["prove_peak_mb"],
    }


def markdown(rows: list[dict]) -> str:
    plain = rows[0]
    lines = [
        f"# Side by side: {MODEL}'s stem, plain EZKL and zkc (one run, this machine)",
        "",
        "| flow | logrows | pieces | settings+setup / compile s | prove s (x plain) | "
        "prove peak MB (x plain) | max abs error | verified |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        t, m = r["prove_s"] / plain["prove_s"], r["prove_peak_mb"] / plain["prove_peak_mb"]
        lines.append(
            f"| {r['flow']} | {r['logrows']} | {r['pieces']} | {r['setup_or_compile_s']} | "
            f"{r['prove_s']} ({t:.2f}x) | {r['prove_peak_mb']:,.0f} ({m:.2f}x) | "
            f"{r['max_abs_error']:.4g} | {r['verified']} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--srs-dir", type=Path, required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zkc-bench-side-") as tmp:
        work = Path(tmp)
        files = export_zoo_model(MODEL, work / "m.onnx", work / "mc.npz", work / "mh.npz")
        proto = onnx.load(str(files.onnx_path))
        stem = extract_submodel(proto, ["x"], [CUT])
        for value in (*stem.graph.input, *stem.graph.output):
            value.type.tensor_type.shape.dim[0].dim_value = 1  # batch 1, as EZKL proves it
        onnx.save(stem, str(work / "cnn.onnx"))
        with np.load(files.calibration_path) as c, np.load(files.holdout_path) as h:
            np.savez(work / "c.npz", x=c["x"][:20])
            np.savez(work / "h.npz", x=h["x"][:5])
        rows = [plain_flow(work, args.srs_dir)]
        rows += [zkc_flow(name, extra, work, args.srs_dir) for name, extra in ZKC_FLOWS.items()]
    doc = {"host": host(), "model": f"{MODEL} stem", "rows": rows}
    write_results(args.out, "side_by_side", doc, markdown(rows))


if __name__ == "__main__":
    main()
