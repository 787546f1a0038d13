"""Link-mode measurement: EZKL `hashed` vs `polycommit` links on lenet_digits cut in two
(after the first pooling layer), same scale and decomposition: rows, logrows, setup and prove
time, and whether a polycommit link can be verified with EZKL's API at all.

    python bench/link_modes.py --out bench/results --srs-dir ~/.ezkl/srs
"""

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np

from zkc.compiler.ir.model_io import load_model, save_model
from zkc.compiler.pieces.slices import extract_submodel
from zkc.compiler.pipeline.base import PassOptions
from zkc.compiler.pipeline.runner import instantiate, run_pipeline
from zkc.model_zoo.export import export_zoo_model
from zkc.targets.ezkl.bench_support.link_modes import measure_link_modes
from zkc.targets.ezkl.pipelines import pipeline_passes

CUT = "/features/features.3/AveragePool_output_0"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--srs-dir", type=Path, default=Path("~/.ezkl/srs"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zkc-bench-links-") as tmp:
        work = Path(tmp)
        exported = export_zoo_model(
            "lenet_digits", work / "lenet.onnx", work / "calib.npz", work / "hold.npz"
        )
        model = load_model(exported.onnx_path)
        passes = instantiate(
            pipeline_passes("ezkl-default", []), PassOptions(batch_size=1, input_shapes={})
        )
        model, _ = run_pipeline(model, passes, [])
        save_model(model, work / "opt.onnx")
        import onnx

        proto = onnx.load(str(work / "opt.onnx"))
        slices = [work / "s0.onnx", work / "s1.onnx"]
        onnx.save(extract_submodel(proto, ["x"], [CUT]), str(slices[0]))
        onnx.save(extract_submodel(proto, [CUT], ["logits"]), str(slices[1]))
        data = np.load(exported.calibration_path)["x"][:8]
        import onnxruntime as ort

        first = ort.InferenceSession(str(slices[0]))
        shape = [d if isinstance(d, int) else 1 for d in first.get_inputs()[0].shape]
        cut = np.stack(
            [first.run(None, {"x": x.reshape(shape).astype(np.float32)})[0] for x in data]
        )
        calib = [data.reshape(-1).tolist(), cut.reshape(-1).tolist()]
        result = measure_link_modes(slices, data[0], calib, work, args.srs_dir.expanduser())
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "link_modes.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    lines = [
        "# Link modes on lenet_digits cut after the first pool (96 elements cross)",
        "",
        "| link | slice | logrows | rows | module sizes | setup s | prove s | verifies | link holds | EZKL swap_proof_commitments |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for mode, rows in result.items():
        for i, r in enumerate(rows):
            swap = r.get("link_check_with_own_witness", "-")
            holds = r.get("link_points_equal", r.get("link_hashes_equal", "-"))
            lines.append(
                f"| {mode} | {i} | {r['logrows']} | {r['num_rows']} | {json.dumps(r['module_sizes'])} | "
                f"{r['setup_seconds']} | {r['prove_seconds']} | {r['verifies']} | {holds} | {swap} |"
            )
    (args.out / "link_modes.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
