"""Quantization comparison: EZKL's calibrate_settings ("resources", "accuracy") vs zkc's scale
search for the zoo's fidelity target, per zoo model, same machine, one run.

For each: logrows, rows, chosen scales, calibration seconds, setup seconds, prove seconds and
fidelity on the held-out set. Writes bench/results/quantize.{json,md}. Uses a dev SRS.

    python bench/quantize.py --out bench/results --srs-dir ~/.ezkl/srs [--models ...]
"""

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
from _zkc import compile_dev, open_dev

from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import CompileRequest
from zkc.model_zoo.export import export_zoo_model
from zkc.model_zoo.models import ZOO

METHODS = ("ezkl-resources", "ezkl-accuracy", "zkc-search")


def _config(method: str, entry) -> CompileConfig:
    if method == "zkc-search":
        budget = (
            {"min_top1": entry.min_top1_agreement}
            if entry.task == "classify"
            else {"max_error": entry.max_abs_error}
        )
        return CompileConfig(**budget)
    return CompileConfig(calibration_target=method.removeprefix("ezkl-"))


def bench_model(name: str, work: Path, srs_dir: Path) -> list[dict]:
    entry = ZOO[name]
    exported = export_zoo_model(
        name, work / f"{name}.onnx", work / f"{name}.calib.npz", work / f"{name}.holdout.npz"
    )
    with np.load(exported.holdout_path) as data:
        sample = {entry.input_name: data[entry.input_name][0]}
    rows = []
    for method in METHODS:
        result = compile_dev(
            srs_dir,
            CompileRequest(
                model_path=exported.onnx_path,
                calibration_path=exported.calibration_path,
                eval_path=exported.holdout_path,
                output=work / f"{name}.{method}.zkc",
                config=_config(method, entry),
                cache_dir=None,
            ),
        )
        timings = json.loads((result.path / "provenance.json").read_text())["timings"]
        proved = open_dev(result.path, srs_dir).prove(sample)
        m = result.manifest
        rows.append(
            {
                "model": name,
                "method": method,
                "target": entry.fidelity_target(),
                "logrows": m.circuit.logrows,
                "num_rows": m.circuit.num_rows,
                "scale": m.circuit.first.param_scale,
                "decomp": m.circuit.decomposition,
                "calibrate_s": round(timings["calibrate_seconds"], 1),
                "setup_s": round(timings["setup_seconds"], 1),
                "prove_s": round(proved.prove_seconds, 2),
                "max_abs_error": m.fidelity.max_abs_error,
                "top1": m.fidelity.top1_agreement,
                "eval_samples": m.fidelity.samples,
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--srs-dir", type=Path, default=Path("~/.ezkl/srs").expanduser())
    parser.add_argument("--models", nargs="+", default=list(ZOO))
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="zkc-bench-quant-") as tmp:
        for name in args.models:
            rows += bench_model(name, Path(tmp), args.srs_dir.expanduser())
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "quantize.json").write_text(json.dumps(rows, indent=2) + "\n")
    lines = [
        "| model | method | logrows | rows | scale | decomposition | calibrate s | setup s | prove s | max abs err | top-1 |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        top1 = f"{r['top1']:.2%}" if r["top1"] is not None else "-"
        lines.append(
            f"| {r['model']} | {r['method']} | {r['logrows']} | {r['num_rows']} | {r['scale']} | {r['decomp']} "
            f"| {r['calibrate_s']} | {r['setup_s']} | {r['prove_s']} | {r['max_abs_error']:.3g} | {top1} |"
        )
    (args.out / "quantize.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
