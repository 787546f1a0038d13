"""Op coverage: one op case through plain EZKL and through zkc's passes, against onnxruntime.

plain: the model as exported -> EZKL settings, calibration, circuit, witness.
zkc:   the ezkl-default pipeline (onnxruntime-checked after every pass) -> op check -> EZKL.
No keys or proofs: the witness is what the circuit computes.
"""

from pathlib import Path

import onnx
import onnx_ir as ir

from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.data.reference_check import check_outputs
from zkc.compiler.errors import ZkcError
from zkc.compiler.ir.io_spec import io_spec
from zkc.compiler.ir.model_io import load_model, save_model
from zkc.compiler.pipeline.base import PassOptions
from zkc.compiler.pipeline.instruments import EquivalenceInstrument
from zkc.compiler.pipeline.runner import instantiate, run_pipeline
from zkc.targets.ezkl.bench_support.witness_check import witness_outputs
from zkc.targets.ezkl.config import EzklConfig
from zkc.targets.ezkl.ops import check_ops
from zkc.targets.ezkl.pipelines import pipeline_passes

SAMPLES = 4


def _compare(model_path: Path, samples, reference) -> dict:
    spec = io_spec(ir.load(model_path))
    try:
        outputs, settings = witness_outputs(model_path, samples, spec, EzklConfig())
    except ZkcError as exc:
        return {"status": "fails", "detail": str(exc)[:160]}
    # The compile's own reference check, at its default tolerance (exact for integer outputs).
    dtypes = {t.name: t.dtype for t in spec.outputs}
    expected = {k: reference[k].reshape(outputs[k].shape) for k in outputs}
    checks = check_outputs(expected, outputs, dtypes)
    err = max(c.max_abs_error for c in checks)
    status = "ok" if all(c.passed for c in checks) else "wrong"
    return {
        "status": status,
        "max_abs_error": err,
        "logrows": settings["run_args"]["logrows"],
        "rows": settings.get("num_rows"),
    }


def run_case(case, work: Path) -> dict:
    """One op case (name, op, `build()` -> ONNX proto, `samples(n)`; e.g. zkc.model_zoo's):
    statuses ok / wrong / fails / refused for both paths, errors, logrows, passes that fired,
    and the op types left after the passes (`ops_after`).

    The zkc path is measured on EZKL even where the op table does not vouch for an op (as
    `zkc compile` tries it; kept as `tried`): what `make ops` derives the table from."""
    proto = case.build()
    stem = case.name.replace("/", "__")
    plain_path = work / f"{stem}.plain.onnx"
    onnx.save(proto, plain_path)
    model = ir.load(plain_path)
    samples = case.samples(SAMPLES)
    try:  # as `zkc compile` reads it: checked, old opsets upgraded (onnxruntime runs those)
        loaded, load_error = load_model(plain_path), None
    except ZkcError as exc:
        loaded, load_error = model, exc
    reference = ReferenceRunner(loaded).run_batch(samples, io_spec(model).input_shapes())
    result = {"case": case.name, "op": case.op, "plain": _compare(plain_path, samples, reference)}
    passes = instantiate(pipeline_passes("ezkl-default"), PassOptions())
    eq = EquivalenceInstrument([{k: v[i] for k, v in samples.items()} for i in range(SAMPLES)])
    try:
        if load_error is not None:
            raise load_error
        model, log = run_pipeline(loaded, passes, [eq])
    except ZkcError as exc:
        result.update(
            rewritten_by=[], ops_after=[], zkc={"status": "fails", "detail": str(exc)[:160]}
        )
        return result
    result["rewritten_by"] = [
        r.name for r in log if r.modified and r.name not in ("static_shapes", "simplify")
    ]
    result["ops_after"] = sorted({node.op_type for node in model.graph})
    try:  # only what can never be a circuit is refused; the rest is tried, as zkc compile does
        trials = check_ops(model, case.name)
    except ZkcError as exc:
        result["zkc"] = {"status": "refused", "detail": str(exc)}
        return result
    if trials:
        result["tried"] = [f"{t.op}: {t.why}" for t in trials]
    zkc_path = work / f"{stem}.zkc.onnx"
    save_model(model, zkc_path)
    result["zkc"] = _compare(zkc_path, samples, reference)
    return result


def derive_table(results: list[dict], ezkl_version: str) -> dict:
    """The op table from `run_case` results: an op type is computed
    when it is left after the passes in a case EZKL then computes within tolerance; an op that
    only ever fails or comes out wrong gets the measured reason; `cases` keeps every case's
    zkc status, so the table says what it rests on."""
    computed = set()
    for r in results:
        if r["zkc"]["status"] == "ok":
            computed.update(r["ops_after"])
    failures: dict[str, str] = {}
    for r in results:
        if r["zkc"]["status"] != "ok" and r["op"] not in computed and r["op"] not in failures:
            zkc = r["zkc"]
            if zkc["status"] == "wrong":
                failures[r["op"]] = (
                    f"computes it wrong (max abs error {zkc['max_abs_error']:.3g} "
                    f"in op case {r['case']})"
                )
            else:
                detail = zkc.get("detail", "").split(": ", 1)[-1][:120]
                failures[r["op"]] = f"fails on it (op case {r['case']}: {detail})"
    cases = {r["case"]: r["zkc"]["status"] for r in results}
    return {
        "ezkl": ezkl_version,
        "computed": sorted(computed),
        "not_computed": dict(sorted(failures.items())),
        "cases": cases,
    }


def figures(results: list[dict], table: dict) -> dict:
    """Of the cases plain EZKL computes, the share zkc computes (within tolerance of
    onnxruntime: what its reference check accepts); of those plain EZKL refuses or gets wrong,
    the share zkc does."""

    def zkc_ok(r: dict) -> bool:
        return bool(r["zkc"]["status"] == "ok")

    plain_ok = [r for r in results if r["plain"]["status"] == "ok"]
    plain_bad = [r for r in results if r["plain"]["status"] != "ok"]
    return {
        "cases": len(results),
        "plain_ok": len(plain_ok),
        "zkc_ok_of_plain_ok": sum(map(zkc_ok, plain_ok)),
        "plain_not_ok": len(plain_bad),
        "zkc_ok_of_plain_not_ok": sum(map(zkc_ok, plain_bad)),
        "zkc_ok": sum(map(zkc_ok, results)),
    }
