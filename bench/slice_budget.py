"""Slicing with a fidelity budget: what the search for the slices' shared scale costs and buys.

Per model, the same slicing compiled twice, same run: at the default fixed scale (13), and
with a budget (`--min-top1 0.99 --max-error 0.01`), where zkc searches the shared scale end
to end (every slice calibrated and compiled per point, witness chain on 24 held-out
samples, no keys until chosen). Reported: compile seconds, search seconds, points tried,
the chosen scale and logrows, and fidelity on 120 held-out samples.

    python bench/slice_budget.py --out bench/results --srs-dir ~/.ezkl/srs
"""

import argparse
import json
import tempfile
import time
from pathlib import Path

from _results import host, write_results
from _zkc import compile_dev

from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import CompileRequest
from zkc.model_zoo.export import export_zoo_model

SLICINGS = {"lenet_digits": {"max_logrows": 14}, "resnet_tiny": {"max_logrows": 15}}
BUDGET = {"min_top1": 0.99, "max_error": 0.01}


def compile_once(files, out: Path, srs_dir: Path, **config) -> dict:
    start = time.perf_counter()
    result = compile_dev(
        srs_dir,
        CompileRequest(
            model_path=files.onnx_path,
            calibration_path=files.calibration_path,
            eval_path=files.holdout_path,
            output=out,
            config=CompileConfig(max_calibration_samples=24, max_eval_samples=120, **config),
            cache_dir=None,
        ),
    )
    seconds = time.perf_counter() - start
    circuit, fidelity = result.manifest.circuit, result.manifest.fidelity
    search = circuit.quantization.model_dump()
    provenance = json.loads((out / "provenance.json").read_text())
    return {
        "compile_seconds": round(seconds, 1),
        "search_seconds": provenance["timings"].get("search_seconds"),
        "points_tried": len(search.get("candidates", [])),
        "scale": circuit.first.input_scales[0],
        "slices": len(circuit.circuits),
        "logrows": circuit.logrows,
        "top1_agreement": fidelity.top1_agreement,
        "max_abs_error": fidelity.max_abs_error,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--srs-dir", type=Path, default=Path("~/.ezkl/srs"))
    args = parser.parse_args()
    srs_dir = args.srs_dir.expanduser()
    rows = []
    with tempfile.TemporaryDirectory(prefix="zkc-bench-budget-") as tmp:
        work = Path(tmp)
        for name, slicing in SLICINGS.items():
            files = export_zoo_model(
                name, work / f"{name}.onnx", work / f"{name}.c.npz", work / f"{name}.h.npz"
            )
            fixed = compile_once(files, work / f"{name}.fixed.zkc", srs_dir, **slicing)
            budget = compile_once(files, work / f"{name}.budget.zkc", srs_dir, **slicing, **BUDGET)
            rows.append({"model": name, "slicing": slicing, "fixed": fixed, "budget": budget})
            print(json.dumps(rows[-1]), flush=True)
    result = {"budget": BUDGET, "rows": rows, "host": host()}
    write_results(args.out, "slice_budget", result, render(result))


def render(r: dict) -> str:
    lines = [
        "# Slicing with a fidelity budget (`--min-top1 0.99 --max-error 0.01`) vs the fixed "
        "default scale",
        "",
        "| model | slicing | scale | compile s | search s (points) | slices (logrows) | "
        "top-1 (120 held-out) | max abs err |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in r["rows"]:
        slicing = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in row["slicing"].items())
        for label in ("fixed", "budget"):
            d = row[label]
            search = (
                f"{d['search_seconds']:.1f} ({d['points_tried']})" if d["search_seconds"] else "-"
            )
            scale = f"{d['scale']} ({'searched' if label == 'budget' else 'default'})"
            lines.append(
                f"| {row['model']} | {slicing} | {scale} | {d['compile_seconds']} | {search} | "
                f"{d['slices']} ({d['logrows']}) | {d['top1_agreement']:.2%} | {d['max_abs_error']:.4g} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
