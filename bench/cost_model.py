"""Fit the slicing cost model against EZKL's real row counts, and report its error on the zoo.

For every node of the zoo models (after zkc's pipeline) a one-node circuit is generated with
EZKL (`gen_settings`: rows do not depend on the scales in EZKL 23) and its `num_rows` read.
Least squares then gives rows per unit of each feature (MACs, elements, taps) and a base per
circuit; Poseidon link costs come from the same nodes with hashed instead of public inputs and
outputs. The fit is done per decomposition (16384^2, EZKL's default; 1024^3, what slices below
logrows 15 need). The error is then measured on whole models and on the slices the partition
pass chooses, against EZKL's count for the same (sub)graphs.

    python bench/cost_model.py --out bench/results [--write-coefficients]
"""

import argparse
import json
import math
import random
import tempfile
from pathlib import Path

import numpy as np
import onnx
from _cost_model_report import report_lines

from zkc.compiler.errors import ToolError
from zkc.compiler.ir.model_io import load_model, save_model
from zkc.compiler.pieces.slices import extract_submodel
from zkc.compiler.pipeline.base import PassOptions
from zkc.compiler.pipeline.runner import instantiate, run_pipeline
from zkc.compiler.planning.partition import crossing_values, node_view
from zkc.model_zoo.export import export_zoo_model
from zkc.passes.conv_as_matmul import ConvAsMatMulPass, conv_shape
from zkc.targets.ezkl.bench_support.rows import circuit_rows
from zkc.targets.ezkl.cost_model import (
    COEFFICIENTS_FILE,
    CostModel,
    decomposition_key,
    node_features,
)
from zkc.targets.ezkl.pipelines import pipeline_passes

FIT_MODELS = ["mlp_digits", "lenet_digits", "resnet_tiny", "transformer_tiny"]
DECOMPOSITIONS = [(16384, 2), (1024, 3)]


def optimized(name: str, work: Path) -> Path:
    onnx_path = work / f"{name}.onnx"
    export_zoo_model(name, onnx_path, work / f"{name}.calib.npz", work / f"{name}.holdout.npz")
    model = load_model(onnx_path)
    passes = instantiate(
        pipeline_passes("ezkl-default", []), PassOptions(batch_size=1, input_shapes={})
    )
    model, _ = run_pipeline(model, passes, [])
    out = work / f"{name}.opt.onnx"
    save_model(model, out)
    return out


def segment_samples(path: Path, work: Path, base: int, legs: int, limit: int) -> list[dict]:
    """Circuits of contiguous runs of a model's nodes, cut where the partition pass may cut,
    linked as slices are (hashed boundaries inside the model, public at its ends): per run,
    the summed feature amounts, the boundary size, and EZKL's body and Poseidon rows."""
    model = load_model(path)
    proto = onnx.load(str(path))
    nodes, _ = node_view(model.graph)
    cuts = crossing_values(nodes, model.graph)
    legal = [i for i, c in enumerate(cuts) if c is not None]
    runs = [(a, b) for a in legal for b in legal if a < b]
    rng = random.Random(f"{path.stem}-{base}")
    runs = sorted(rng.sample(runs, min(limit, len(runs))))
    samples = []
    for a, b in runs:
        inputs = [v.name for v in cuts[a]] if a > 0 else [v.name for v in model.graph.inputs]
        outputs = (
            [v.name for v in cuts[b]] if b < len(nodes) else [v.name for v in model.graph.outputs]
        )
        sub_path = work / f"seg_{path.stem}_{a}_{b}.onnx"
        onnx.save(extract_submodel(proto, inputs, outputs), str(sub_path))
        visibility = ("public" if a == 0 else "hashed", "public" if b == len(nodes) else "hashed")
        forms = [(sub_path, False)]
        if any(conv_shape(n) is not None for n in nodes[a:b]):  # and with its convs lowered
            forms.append((lowered_copy(sub_path), True))
        for form_path, lowered in forms:
            try:
                rows, poseidon = circuit_rows(form_path, base, legs, *visibility)
            except ToolError as exc:
                print(f"{form_path.name}: skipped ({exc})")
                continue
            sample = _sample(path, model, nodes, cuts, a, b, rows, poseidon, lowered)
            samples.append(sample)
    return samples


def lowered_copy(path: Path) -> Path:
    """The model with every convolution ConvAsMatMulPass can lower lowered."""
    model = load_model(path)
    ConvAsMatMulPass()(model)
    out = path.with_suffix(".lowered.onnx")
    save_model(model, out)
    return out


def _sample(
    path, model, nodes, cuts, a: int, b: int, rows: int, poseidon: int, lowered: bool
) -> dict:
    """One run's measured rows with its summed feature amounts and boundary size."""
    amounts: dict[str, int] = {}
    for node in nodes[a:b]:
        for feature, amount in node_features(node, lowered):
            amounts[feature] = amounts.get(feature, 0) + amount
    linked = [*(cuts[a] if a > 0 else []), *(cuts[b] if b < len(nodes) else [])]
    ends = [
        *(model.graph.inputs if a == 0 else []),
        *(model.graph.outputs if b == len(nodes) else []),
    ]
    amounts["io"] = sum(math.prod(v.shape) for v in (*linked, *ends))
    return {
        "model": path.stem.removesuffix(".opt"),
        "start": a,
        "stop": b,
        "lowered": lowered,
        "amounts": amounts,
        "rows": rows,
        "poseidon_rows": poseidon,
        "link_elements": sum(math.prod(v.shape) for v in linked),
        "link_tensors": len(linked),
    }


def fit(samples: list[dict]) -> CostModel:
    """Least squares (relative error) of body rows on the summed features, plus the link cost.

    EZKL reports `num_rows` as the larger of the body and the Poseidon chip, so the body is
    fitted on the circuits whose body is the larger (rows above the chip's)."""
    linked = [s for s in samples if s["link_tensors"]]
    samples = [s for s in samples if s["rows"] > s["poseidon_rows"]]
    features = sorted({f for s in samples for f in s["amounts"] if f != "free"})
    a = np.zeros((len(samples), len(features) + 1))
    y = np.array([s["rows"] for s in samples], dtype=float)
    for r, s in enumerate(samples):
        a[r, 0] = 1.0
        for f, amount in s["amounts"].items():
            if f != "free":
                a[r, 1 + features.index(f)] = amount
    weights = 1.0 / np.maximum(y, 1.0)
    coef, *_ = np.linalg.lstsq(a * weights[:, None], y * weights, rcond=None)
    coef = np.maximum(coef, 0.0)
    per_feature = {f: round(float(c), 4) for f, c in zip(features, coef[1:], strict=True)}
    elementwise = [c for f, c in per_feature.items() if f.startswith("elem:")]
    link = np.array([[s["link_elements"], s["link_tensors"]] for s in linked], dtype=float)
    extra = np.array([s["poseidon_rows"] for s in linked], dtype=float)
    link_coef = np.linalg.lstsq(link, extra, rcond=None)[0] if linked else np.zeros(2)
    io_rate = per_feature.pop("io", 0.0)
    return CostModel(
        io_rows_per_element=io_rate,
        per_feature=per_feature,
        default_elementwise=round(float(np.median(elementwise)) if elementwise else 1.0, 4),
        base_rows=round(float(coef[0]), 2),
        hash_rows_per_element=round(float(max(link_coef[0], 0.0)), 4),
        hash_rows_per_tensor=round(float(max(link_coef[1], 0.0)), 2),
    )


def estimate(cost: CostModel, sample: dict) -> float:
    body = cost.base_rows
    for feature, amount in sample["amounts"].items():
        body += cost.io_rows(amount) if feature == "io" else cost.feature_rows(feature, amount)
    return body


def evaluate(samples: list[dict], base: int) -> list[dict]:
    """Leave-one-model-out: each model's circuits estimated by a model fitted on the others."""
    rows = []
    for held in sorted({s["model"] for s in samples}):
        cost = fit([s for s in samples if s["model"] != held])
        for s in (s for s in samples if s["model"] == held):
            link = cost.link_rows(s["link_elements"], s["link_tensors"])
            est = max(estimate(cost, s), link)  # EZKL's num_rows: the larger of body and chip
            rows.append(
                {
                    "model": held,
                    "part": f"nodes {s['start']}..{s['stop'] - 1}"
                    + (" (convs lowered)" if s.get("lowered") else ""),
                    "estimated": int(est),
                    "actual": s["rows"],
                    "error": round((est - s["rows"]) / s["rows"], 4),
                    "estimated_logrows": CostModel.logrows(est, base, link),
                    "actual_logrows": CostModel.logrows(s["rows"], base, s["poseidon_rows"]),
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--segments", type=int, default=30, help="Circuits sampled per model.")
    parser.add_argument(
        "--write-coefficients",
        action="store_true",
        help=f"Also update {COEFFICIENTS_FILE.name} (the fitted model zkc uses).",
    )
    args = parser.parse_args()
    result = {"models": {}, "samples": {}, "evaluation": {}}
    with tempfile.TemporaryDirectory(prefix="zkc-bench-cost-") as tmp:
        work = Path(tmp)
        paths = [optimized(name, work) for name in FIT_MODELS]
        for base, legs in DECOMPOSITIONS:
            key = decomposition_key(base, legs)
            samples = [
                s for p in paths for s in segment_samples(p, work, base, legs, args.segments)
            ]
            result["models"][key] = fit(samples).to_json()
            result["samples"][key] = samples
            result["evaluation"][key] = evaluate(samples, base)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cost_model.json").write_text(json.dumps(result, indent=2) + "\n")
    if args.write_coefficients:
        doc = {"fitted_by": "bench/cost_model.py", "ezkl": "23.0.5", "models": result["models"]}
        COEFFICIENTS_FILE.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n")
    lines = report_lines(result["evaluation"])
    (args.out / "cost_model.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
