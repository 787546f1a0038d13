"""The build steps of one artifact: passes, plan, circuit models, the target's chain,
fidelity, manifest and provenance (zkc.compiler.driver.compile decides when to build)."""

import json
import math
import platform
import time
from dataclasses import dataclass
from pathlib import Path

import onnx_ir as ir

from zkc.compiler.artifacts import manifest as art
from zkc.compiler.compute.runners import ProveRunner
from zkc.compiler.config import CompileConfig
from zkc.compiler.data.fidelity import Budget, FidelityReport, fidelity_report
from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.data.samples import Samples, samples_digest, save_samples, with_column
from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.io_spec import io_spec
from zkc.compiler.ir.model_io import load_model, save_model
from zkc.compiler.limits import LARGE_LOGROWS
from zkc.compiler.pieces.build import build_pieces
from zkc.compiler.pieces.slices import MODEL_FILE
from zkc.compiler.pipeline.base import PassOptions
from zkc.compiler.pipeline.instruments import EquivalenceInstrument, IRDumpInstrument
from zkc.compiler.pipeline.runner import PassRecord, instantiate, run_pipeline
from zkc.compiler.planning.plan import choose_plan
from zkc.compiler.planning.reduction_split import split_for_budget
from zkc.compiler.planning.report import plan_report, whole_rows
from zkc.compiler.progress import Reporter
from zkc.compiler.target.chain import EmitRequest, find_links
from zkc.compiler.target.protocol import Target
from zkc.compiler.versions import tool_versions, zkc_version


@dataclass
class Lowered:
    """The model after the passes, the samples it takes (with the inputs passes add), and
    the pass log; `reference` runs the source model (the ground truth)."""

    model: ir.Model
    calibration: Samples
    evaluation: Samples
    pass_log: list[PassRecord]
    reference: ReferenceRunner
    eq_samples: list[dict]
    checked_after: list[str]


def lower(
    inputs, config: CompileConfig, passes: list, reporter: Reporter, dump_ir: Path | None = None
) -> Lowered:
    """Run the pipeline on the source model, every pass checked against onnxruntime."""
    calibration, evaluation = inputs.calibration, inputs.evaluation
    for cls in passes:  # inputs a pass adds (a nonce) are data, not weights
        for name, shape in cls.adds_inputs.items():
            calibration = with_column(calibration, name, shape, seed=0)
            evaluation = with_column(evaluation, name, shape, seed=1)
    n_eq = min(config.equivalence_samples, len(next(iter(calibration.values()))))
    eq_samples = [{k: v[i] for k, v in calibration.items()} for i in range(n_eq)]
    instruments = [EquivalenceInstrument(eq_samples, source=str(inputs.model_path))]
    if dump_ir is not None:
        instruments.append(IRDumpInstrument(dump_ir))
    options = PassOptions(batch_size=config.batch_size, input_shapes=dict(config.input_shapes))
    reference = ReferenceRunner(inputs.model, str(inputs.model_path))
    with reporter.step(f"running pipeline '{config.pipeline}' ({len(passes)} passes)"):
        model, log = run_pipeline(inputs.model, instantiate(passes, options), instruments)
    return Lowered(
        model, calibration, evaluation, log, reference, eq_samples, instruments[0].checked
    )


def build_artifact(
    tmp: Path,
    inputs,
    key: str,
    config: CompileConfig,
    passes: list,
    target: Target,
    reporter: Reporter,
    dump_ir: Path | None = None,
    runner: ProveRunner | None = None,
) -> art.Manifest:
    """Build the artifact for `inputs` (a compile.BuildInputs) into `tmp`; returns its manifest."""
    started = time.perf_counter()
    low = lower(inputs, config, passes, reporter, dump_ir)
    target.check_model(low.model, str(inputs.model_path))
    spec = io_spec(low.model)
    save_model(low.model, tmp / MODEL_FILE)
    ref_out = low.reference.run_batch(low.evaluation, spec.input_shapes())
    wants_plan = config.slices is not None or config.max_logrows is not None
    planned = load_model(tmp / MODEL_FILE, infer_shapes=True) if wants_plan else low.model
    costs = target.circuit_costs(config)
    if (
        config.slices is None
        and config.max_logrows is not None
        and split_for_budget(planned, costs, config.max_logrows)
    ):  # nodes too big for any tile: partial ops and a Sum, in the model the pieces cut
        save_model(planned, tmp / MODEL_FILE)
        planned = load_model(tmp / MODEL_FILE, infer_shapes=True)
    plan = choose_plan(planned, costs, config.max_logrows, config.slices)
    circuits, pieces, model_files = build_pieces(
        tmp, plan, low.calibration, spec, low.reference, low.eq_samples
    )
    if plan.sliced:
        announce_plan(plan, pieces, planned, costs, target, reporter)
    else:
        announce_size(tmp, planned, costs[0], reporter)
    request = EmitRequest(
        tmp,
        circuits,
        pieces,
        find_links(pieces, spec),
        plan.cost_key,
        config,
        spec,
        low.evaluation,
        ref_out,
        runner or ProveRunner(),
    )
    facts, timings = target.emit(request, reporter)
    start = time.perf_counter()
    outputs = target.run(tmp, facts, spec, low.evaluation, reporter, request.runner)
    fidelity = fidelity_report(ref_out, outputs, inputs.eval_source)
    timings["fidelity_seconds"] = time.perf_counter() - start
    check_budget(config, fidelity)
    # The data travels with the artifact: an audit or a derived build rebuilds from it.
    save_samples(tmp / art.CALIBRATION_FILE, low.calibration)
    save_samples(tmp / art.EVAL_FILE, low.evaluation)
    files = [*model_files, *target.files(facts), art.CALIBRATION_FILE, art.EVAL_FILE]
    manifest = art.Manifest(
        key=key,
        zkc_version=zkc_version(),
        tools=tool_versions(),
        source=source_record(inputs),
        config=config.record(),
        pipeline=config.pipeline,
        passes=[art.PassLogEntry(**r.model_dump(exclude={"seconds"})) for r in low.pass_log],
        io=spec,
        target=target.name,
        circuit=facts,
        fidelity=fidelity,
        files=art.hash_files(tmp, files),
    )
    art.write_manifest(tmp, manifest)
    write_provenance(tmp, inputs, low, timings, time.perf_counter() - started)
    return manifest


def announce_plan(plan, pieces, planned, costs, target, reporter: Reporter) -> None:
    """What `zkc plan` shows, before the long part of the build."""
    cost = next((c for c in costs if c.key == plan.cost_key), costs[0])
    report = plan_report(
        plan,
        [p.slice for p in pieces],
        [p.circuit for p in pieces],
        target,
        whole_rows(planned, cost),
    )
    for line in report.lines():
        reporter.info(line)


def announce_size(tmp: Path, model, cost, reporter: Reporter) -> None:
    """One circuit's estimated rows before EZKL starts, so a large model says what is coming."""
    if any(v.shape is None for node in model.graph for v in node.outputs):
        model = load_model(tmp / MODEL_FILE, infer_shapes=True)
    graph = model.graph
    io = sum(math.prod(v.shape) for v in (*graph.inputs, *graph.outputs) if v.shape is not None)
    rows, logrows = cost.circuit_size(sum(cost.node_rows(n) for n in graph), 0, 0, io, margin=False)
    hint = (
        f"; that is slow and memory-hungry, --max-logrows {LARGE_LOGROWS} slices it"
        if logrows > LARGE_LOGROWS
        else ""
    )
    reporter.info(f"one circuit: ~{rows:,.0f} rows estimated (logrows ~{logrows}){hint}")


def check_budget(config: CompileConfig, fidelity: FidelityReport) -> None:
    """UserInputError unless the fidelity on all held-out samples meets the config's budget."""
    budget = Budget(max_error=config.max_error, min_top1=config.min_top1)
    if not budget.met(fidelity):
        raise UserInputError(
            f"fidelity budget {budget.describe()}: met on the search samples but not on all "
            f"{fidelity.samples} held-out samples ({fidelity.summary()}); loosen the budget or "
            "add calibration data"
        )


def source_record(inputs) -> dict[str, str]:
    """What the artifact was built from: the model file's and the samples' digests."""
    return {
        "model_sha256": inputs.model_sha256,
        "calibration_sha256": samples_digest(inputs.calibration),
        "eval_sha256": samples_digest(inputs.evaluation),
        "eval_source": inputs.eval_source,
    }


def write_provenance(tmp: Path, inputs, low: Lowered, timings: dict, seconds: float) -> None:
    """provenance.json: host, paths and timings (no hash covers it)."""
    provenance = {
        "host": platform.node(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "model_path": str(inputs.model_path),
        "pass_seconds": {r.name: r.seconds for r in low.pass_log},
        "equivalence_checked_after": low.checked_after,
        "timings": {k: round(v, 4) for k, v in timings.items()},
        "total_seconds": round(seconds, 4),
    }
    (tmp / art.PROVENANCE).write_text(json.dumps(provenance, indent=2, sort_keys=True) + "\n")
