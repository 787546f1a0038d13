"""What a circuit's proof costs per 2^logrows, by the form its ops take: a convolution as is,
and the same convolution lowered to patches times its kernel matrix (ConvAsMatMulPass), whose
matrix product EZKL proves with Freivalds' argument. Both are set up at the same logrows with
their rows below 2^logrows, so the difference is what the form costs per row of capacity: the
planner weighs a lowered circuit's prove time and memory by it.

    python -m zkc.targets.ezkl.bench_support.prove_cost FORM LOGROWS OUT_SIZE WORK SRS_DIR

runs one form ("conv" or "lowered") in the calling process and prints one JSON line: rows,
setup and prove seconds, proving key bytes and the process's peak RSS."""

import json
import sys
import time
from pathlib import Path

import ezkl
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from zkc.compiler.compute.runners import peak_rss_mb
from zkc.compiler.ir.model_io import load_model, save_model
from zkc.passes.conv_as_matmul import ConvAsMatMulPass
from zkc.targets.ezkl import proving
from zkc.targets.ezkl._native import call_ezkl
from zkc.targets.ezkl.srs import find_srs

CHANNELS = 16


def conv_model(out_size: int, path: Path) -> None:
    """A 3x3, 16-to-16-channel convolution without padding or bias giving out_size²."""
    rng = np.random.default_rng(0)
    weight = (rng.normal(size=(CHANNELS, CHANNELS, 3, 3)) / 12).astype(np.float32)
    side = out_size + 2
    graph = helper.make_graph(
        [
            helper.make_node(
                "Conv",
                ["x", "w"],
                ["y"],
                name="conv",
                kernel_shape=[3, 3],
                strides=[1, 1],
                pads=[0, 0, 0, 0],
                dilations=[1, 1],
            )
        ],
        "conv",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, CHANNELS, side, side])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, CHANNELS, out_size, out_size])],
        [numpy_helper.from_array(weight, "w")],
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    proto.ir_version = 8
    onnx.save(proto, str(path))


def measure(form: str, logrows: int, out_size: int, work: Path, srs_dir: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    model = work / "model.onnx"
    conv_model(out_size, model)
    if form == "lowered":
        ir_model = load_model(model, infer_shapes=True)
        if not ConvAsMatMulPass()(ir_model).modified:
            raise RuntimeError("the convolution was not lowered")
        save_model(ir_model, model)
    side = out_size + 2
    x = np.random.default_rng(1).uniform(-1, 1, (1, CHANNELS, side, side))
    (work / "input.json").write_text(json.dumps({"input_data": [x.reshape(-1).tolist()]}))
    args = ezkl.PyRunArgs()
    args.input_visibility, args.output_visibility = "public", "public"  # type: ignore[attr-defined]
    args.param_visibility = "fixed"  # type: ignore[attr-defined]
    args.input_scale, args.param_scale = 7, 7  # type: ignore[attr-defined]
    args.logrows = logrows  # type: ignore[attr-defined]
    settings = work / "settings.json"
    call_ezkl("gen_settings", ezkl.gen_settings, str(model), str(settings), py_run_args=args)
    doc = json.loads(settings.read_text())
    doc["run_args"]["logrows"] = logrows
    settings.write_text(json.dumps(doc))
    compiled, pk, vk = work / "model.compiled", work / "pk.key", work / "vk.key"
    call_ezkl("compile_circuit", ezkl.compile_circuit, str(model), str(compiled), str(settings))
    srs, _ = find_srs(srs_dir, logrows, allow_dev_generate=True)
    witness = work / "witness.json"
    call_ezkl(
        "gen_witness", ezkl.gen_witness, str(work / "input.json"), str(compiled), str(witness)
    )
    start = time.perf_counter()
    call_ezkl("setup", ezkl.setup, str(compiled), str(vk), str(pk), str(srs))
    setup = time.perf_counter() - start
    start = time.perf_counter()
    proof = work / "proof.json"
    call_ezkl("prove", ezkl.prove, str(witness), str(compiled), str(pk), str(proof), str(srs))
    prove = time.perf_counter() - start
    ok = proving.verify(proof, settings, vk, srs)
    return {
        "form": form,
        "logrows": logrows,
        "rows": doc["num_rows"],
        "setup_seconds": round(setup, 2),
        "prove_seconds": round(prove, 2),
        "pk_bytes": pk.stat().st_size,
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "verified": bool(ok),
    }


if __name__ == "__main__":
    form, logrows, out_size, work, srs_dir = sys.argv[1:6]
    print(json.dumps(measure(form, int(logrows), int(out_size), Path(work), Path(srs_dir))))
