"""Op coverage: one op case through plain EZKL and through zkc's passes, against onnxruntime.

plain: the model as exported -> EZKL settings, calibration, circuit, witness.
zkc:   the ezkl-default pipeline (onnxruntime-checked after every pass) -> op check -> EZKL.
No keys or proofs: the witness is what the circuit computes.
"""

from pathlib import Path

import numpy as np
import onnx
import onnx_ir as ir

from zkc.compiler.config import CompileConfig
from zkc.compiler.errors import ZkcError
from zkc.compiler.instruments import EquivalenceInstrument
from zkc.compiler.io_spec import io_spec
from zkc.compiler.model_io import save_model
from zkc.compiler.pass_base import PassOptions
from zkc.compiler.pipeline import instantiate, run_pipeline
from zkc.compiler.reference import ReferenceRunner
from zkc.targets.ezkl.bench_support.witness_check import witness_outputs
from zkc.targets.ezkl.ops import check_ops
from zkc.targets.ezkl.pipelines import pipeline_passes

SAMPLES = 4


def _compare(model_path: Path, samples, reference) -> dict:
    spec = io_spec(ir.load(model_path))
    try:
        outputs, settings = witness_outputs(model_path, samples, spec, CompileConfig())
    except ZkcError as exc:
        return {"status": "fails", "detail": str(exc)[:160]}
    err = max(
        float(np.abs(outputs[k] - reference[k].reshape(outputs[k].shape)).max()) for k in outputs
    )
    scale = max(1.0, max(float(np.abs(v).max()) for v in reference.values()))
    status = "ok" if err <= 1e-2 * scale else "wrong"
    return {"status": status, "max_abs_error": err, "logrows": settings["run_args"]["logrows"],
            "rows": settings.get("num_rows")}  # fmt: skip


def run_case(case, work: Path) -> dict:
    """One op case (name, op, `build()` -> ONNX proto, `samples(n)`; e.g. zkc.model_zoo's):
    statuses ok / wrong / fails / refused for both paths, errors, logrows, passes that fired."""
    proto = case.build()
    plain_path = work / f"{case.name}.plain.onnx"
    onnx.save(proto, plain_path)
    model = ir.load(plain_path)
    samples = case.samples(SAMPLES)
    reference = ReferenceRunner(model).run_batch(samples, io_spec(model).input_shapes())
    result = {"case": case.name, "op": case.op, "plain": _compare(plain_path, samples, reference)}
    passes = instantiate(pipeline_passes("ezkl-default"), PassOptions())
    eq = EquivalenceInstrument([{k: v[i] for k, v in samples.items()} for i in range(SAMPLES)])
    model, log = run_pipeline(model, passes, [eq])
    result["rewritten_by"] = [
        r.name for r in log if r.modified and r.name not in ("static_shapes", "simplify")
    ]
    try:
        check_ops(model, case.name)
    except ZkcError as exc:
        result["zkc"] = {"status": "refused", "detail": str(exc)}
        return result
    zkc_path = work / f"{case.name}.zkc.onnx"
    save_model(model, zkc_path)
    result["zkc"] = _compare(zkc_path, samples, reference)
    return result
