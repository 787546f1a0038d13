"""The build steps of one artifact: passes, plan, circuit models, the target's chain,
fidelity, manifest and provenance (zkc.compiler.compile decides when to build)."""

import json
import platform
import time
from pathlib import Path

from zkc.compiler import artifact as art
from zkc.compiler.chain import EmitRequest
from zkc.compiler.config import CompileConfig
from zkc.compiler.data import samples_digest, save_samples, with_column
from zkc.compiler.errors import UserInputError
from zkc.compiler.fidelity import Budget, fidelity_report
from zkc.compiler.instruments import EquivalenceInstrument, IRDumpInstrument
from zkc.compiler.io_spec import io_spec
from zkc.compiler.model_io import load_model, save_model
from zkc.compiler.pass_base import PassOptions
from zkc.compiler.pipeline import instantiate, run_pipeline
from zkc.compiler.plan import choose_plan
from zkc.compiler.progress import Reporter
from zkc.compiler.reference import ReferenceRunner
from zkc.compiler.slicing import MODEL_FILE, circuit_models
from zkc.compiler.versions import tool_versions, zkc_version


def build_artifact(tmp: Path, inputs, key: str, config: CompileConfig, passes: list, target,
                   reporter: Reporter, dump_ir: Path | None = None) -> art.Manifest:  # fmt: skip
    """Build the artifact for `inputs` (a compile.BuildInputs) into `tmp`; returns its manifest."""
    started = time.perf_counter()
    calibration, evaluation = inputs.calibration, inputs.evaluation
    for cls in passes:  # inputs a pass adds (a nonce) are data, not weights
        for name, shape in cls.adds_inputs.items():
            calibration = with_column(calibration, name, shape, seed=0)
            evaluation = with_column(evaluation, name, shape, seed=1)
    reference = ReferenceRunner(inputs.model)
    n_eq = min(config.equivalence_samples, len(next(iter(calibration.values()))))
    eq_samples = [{k: v[i] for k, v in calibration.items()} for i in range(n_eq)]
    instruments = [EquivalenceInstrument(eq_samples)]
    if dump_ir is not None:
        instruments.append(IRDumpInstrument(dump_ir))
    options = PassOptions(batch_size=config.batch_size, input_shapes=dict(config.input_shapes))
    with reporter.step(f"running pipeline '{config.pipeline}' ({len(passes)} passes)"):
        model, pass_log = run_pipeline(inputs.model, instantiate(passes, options), instruments)
    target.check_model(model, str(inputs.model_path))
    spec = io_spec(model)
    save_model(model, tmp / MODEL_FILE)
    ref_out = reference.run_batch(evaluation, spec.input_shapes())
    wants_plan = config.slices is not None or config.max_logrows is not None
    planned = load_model(tmp / MODEL_FILE, infer_shapes=True) if wants_plan else model
    plan = choose_plan(planned, target.circuit_costs(config), config.max_logrows, config.slices)
    if plan.sliced:
        reporter.info(f"slicing into {len(plan.slices)} linked circuits "
                      f"(estimated logrows {[s.estimated_logrows for s in plan.slices]})")  # fmt: skip
    circuits, model_files = circuit_models(tmp, plan, calibration, spec, reference, eq_samples)
    request = EmitRequest(tmp, circuits, plan.cost_key, config, spec, evaluation, ref_out)
    facts, timings = target.emit(request, reporter)
    start = time.perf_counter()
    fidelity = fidelity_report(ref_out, target.run(tmp, facts, spec, evaluation, reporter),
                               inputs.eval_source)  # fmt: skip
    timings["fidelity_seconds"] = time.perf_counter() - start
    budget = Budget(max_error=config.max_error, min_top1=config.min_top1)
    if not budget.met(fidelity):
        raise UserInputError(
            f"fidelity budget {budget.describe()}: met on the search samples but not on all "
            f"{fidelity.samples} held-out samples ({fidelity.summary()}); loosen the budget or "
            "add calibration data"
        )
    # The data travels with the artifact: an audit or a derived build rebuilds from it.
    save_samples(tmp / art.CALIBRATION_FILE, calibration)
    save_samples(tmp / art.EVAL_FILE, evaluation)
    manifest = art.Manifest(
        key=key, zkc_version=zkc_version(), tools=tool_versions(),
        source={"model_sha256": inputs.model_sha256,
                "calibration_sha256": samples_digest(inputs.calibration),
                "eval_sha256": samples_digest(inputs.evaluation), "eval_source": inputs.eval_source},
        config=config.model_dump(mode="json"), pipeline=config.pipeline,
        passes=[art.PassLogEntry(**r.model_dump(exclude={"seconds"})) for r in pass_log],
        io=spec, target=target.name, circuit=facts, fidelity=fidelity,
        files=art.hash_files(tmp, [*model_files, *target.files(facts), art.CALIBRATION_FILE,
                                   art.EVAL_FILE]),
    )  # fmt: skip
    art.write_manifest(tmp, manifest)
    provenance = {
        "host": platform.node(), "platform": platform.platform(),
        "python": platform.python_version(), "model_path": str(inputs.model_path),
        "pass_seconds": {r.name: r.seconds for r in pass_log},
        "equivalence_checked_after": instruments[0].checked,
        "timings": {k: round(v, 4) for k, v in timings.items()},
        "total_seconds": round(time.perf_counter() - started, 4),
    }  # fmt: skip
    (tmp / art.PROVENANCE).write_text(json.dumps(provenance, indent=2, sort_keys=True) + "\n")
    return manifest
