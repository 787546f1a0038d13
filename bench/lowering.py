"""Lowering benchmark: rows per multiply-accumulate of every convolution and matrix product of
resnet8_digits32 and onnx's light_resnet50, as the source writes them and as zkc emits them.

Each layer (after zkc's pipeline) becomes a one-node circuit, measured with EZKL's own
`gen_settings` (num_rows; decomposition 16384^2, scale 7, public input and output, fixed
parameters) directly and after ConvAsMatMulPass, next to the cost model's estimates and the
form the EZKL target chooses. Layers whose direct form is estimated above `--max-measure-rows`
are not laid out on this machine: their rows are the fitted cost model's estimate, marked so.

    python bench/lowering.py --out bench/results [--max-measure-rows 8000000]
"""

import argparse
import tempfile
from pathlib import Path

import onnx
import onnx_ir as ir
from _results import host, write_results
from cost_model import lowered_copy, optimized

from zkc.compiler.errors import ToolError
from zkc.compiler.ir.model_io import load_model, save_model
from zkc.compiler.pieces.slices import extract_submodel
from zkc.compiler.pipeline.base import PassOptions
from zkc.compiler.pipeline.runner import instantiate, run_pipeline
from zkc.compiler.planning.partition import node_view
from zkc.passes.conv_as_matmul import conv_shape
from zkc.targets.ezkl.bench_support.rows import circuit_rows
from zkc.targets.ezkl.cost_model import (
    default_cost_model,
    lowered_features,
    node_feature,
    node_features,
)
from zkc.targets.ezkl.pipelines import pipeline_passes

LIGHT = Path(onnx.__file__).parent / "backend/test/data/light/light_resnet50.onnx"
LAYER_OPS = ("Conv", "MatMul", "Gemm")


def pipelined(path: Path, work: Path) -> Path:
    """The model after zkc's ezkl-default pipeline (static shapes, explicit attributes)."""
    passes = instantiate(pipeline_passes("ezkl-default", []), PassOptions())
    model, _ = run_pipeline(load_model(path), passes, [])
    out = work / f"{path.stem}.opt.onnx"
    save_model(model, out)
    return out


def layers(path: Path) -> list[ir.Node]:
    model = ir.load(path)
    nodes, _ = node_view(model.graph)
    return [n for n in nodes if n.op_type in LAYER_OPS]


def measure(node: ir.Node, proto, work: Path, limit: int) -> dict:
    cost = default_cost_model(16384, 2)
    shape = conv_shape(node)
    direct_est = sum(cost.feature_rows(f, a) for f, a in node_features(node))
    macs = node_feature(node)[1]  # multiply-accumulates
    row = {"layer": node.name, "op": node.op_type, "macs": macs, "lowered_chosen": False}
    row["direct_estimate"] = int(direct_est)
    if shape is not None:
        row["lowered_estimate"] = int(
            sum(cost.feature_rows(f, a) for f, a in lowered_features(shape))
        )
        row["lowered_chosen"] = cost.lowers(shape)
    if direct_est > limit:
        return {**row, "measured": False}
    sub = work / f"layer_{len(list(work.iterdir()))}.onnx"
    names = [v.name for v in node.inputs if v is not None and not v.is_initializer()]
    onnx.save(extract_submodel(proto, names[:1], [node.outputs[0].name]), str(sub))
    try:
        row["direct_rows"] = circuit_rows(sub, 16384, 2, scale=7)[0]
        if shape is not None:
            row["lowered_rows"] = circuit_rows(lowered_copy(sub), 16384, 2, scale=7)[0]
    except ToolError as exc:
        return {**row, "measured": False, "error": str(exc)[:120]}
    return {**row, "measured": True}


def per_mac(row: dict, form: str) -> str:
    rows = row.get(f"{form}_rows", row.get(f"{form}_estimate"))
    if rows is None or not row["macs"]:
        return "-"
    mark = "" if f"{form}_rows" in row else " (est.)"
    return f"{rows / row['macs']:.3f}{mark}"


def render(doc: dict) -> str:
    lines = [
        "# Rows per multiply-accumulate, as written and as zkc emits (EZKL 23.0.5, 16384^2)",
        "",
    ]
    for model, rows in doc["models"].items():
        emitted = sum(
            r.get("lowered_rows" if r["lowered_chosen"] else "direct_rows", 0) for r in rows
        )
        direct = sum(r.get("direct_rows", 0) for r in rows)
        lines += [
            f"## {model}",
            "",
            f"Measured layers: {direct:,} rows as written, {emitted:,} as emitted.",
            "",
        ]
        lines += [
            "| layer | op | MACs | rows/MAC as written | rows/MAC lowered | emitted as |",
            "|---|---|---|---|---|---|",
        ]
        for r in rows:
            form = "patches x matrix" if r["lowered_chosen"] else r["op"]
            lines.append(
                f"| {r['layer']} | {r['op']} | {r['macs']:,} | {per_mac(r, 'direct')} | {per_mac(r, 'lowered')} | {form} |"
            )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("bench/results"))
    parser.add_argument("--max-measure-rows", type=int, default=8_000_000)
    args = parser.parse_args()
    doc: dict = {"host": host(), "models": {}}
    with tempfile.TemporaryDirectory(prefix="zkc-bench-lowering-") as tmp:
        work = Path(tmp)
        sources = {"resnet8_digits32": optimized("resnet8_digits32", work)}
        if LIGHT.is_file():
            sources["light_resnet50"] = pipelined(LIGHT, work)
        for name, path in sources.items():
            layer_dir = work / f"{name}-layers"
            layer_dir.mkdir()
            proto = onnx.load(str(path))
            doc["models"][name] = [
                measure(n, proto, layer_dir, args.max_measure_rows) for n in layers(path)
            ]
            print(f"{name}: {len(doc['models'][name])} layers", flush=True)
    write_results(args.out, "lowering", doc, render(doc))


if __name__ == "__main__":
    main()
