"""The build steps of one artifact: passes, plan, circuit models, the target's chain,
fidelity, manifest and provenance (zkc.compiler.driver.compile decides when to build)."""

import json
import platform
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import onnx_ir as ir

from zkc.compiler.artifacts import manifest as art
from zkc.compiler.artifacts.facts import ChainFacts, PieceFacts
from zkc.compiler.compute.runners import ProveRunner, total_memory
from zkc.compiler.config import CompileConfig
from zkc.compiler.data.fidelity import Budget, FidelityReport, fidelity_report
from zkc.compiler.data.reference_check import check_outputs, require_match
from zkc.compiler.data.samples import samples_digest, save_samples
from zkc.compiler.driver.lowering import Lowered
from zkc.compiler.driver.lowering import lower as lower  # callers import it from here too
from zkc.compiler.driver.trials import announce_trials, trying
from zkc.compiler.errors import UserInputError
from zkc.compiler.faults import checkpoint
from zkc.compiler.ir.io_spec import IOSpec, io_spec
from zkc.compiler.ir.model_io import load_model, save_model
from zkc.compiler.limits import LARGE_LOGROWS
from zkc.compiler.pieces.build import build_pieces
from zkc.compiler.pieces.slices import MODEL_FILE
from zkc.compiler.pipeline.base import ZkcPass
from zkc.compiler.planning.budget import PlanBudget, plan_for_budget
from zkc.compiler.planning.default_budget import default_budget
from zkc.compiler.planning.partition import PartitionPlan
from zkc.compiler.planning.report import plan_report, whole_rows, whole_size
from zkc.compiler.planning.search import CircuitCost
from zkc.compiler.progress import Reporter
from zkc.compiler.target.chain import EmitRequest, find_links
from zkc.compiler.target.protocol import Target
from zkc.compiler.versions import tool_versions, zkc_version

if TYPE_CHECKING:  # for types only: compile imports this module
    from zkc.compiler.driver.compile import BuildInputs


def build_artifact(
    tmp: Path,
    inputs: "BuildInputs",
    key: str,
    config: CompileConfig,
    passes: Sequence[type[ZkcPass]],
    target: Target,
    reporter: Reporter,
    dump_ir: Path | None = None,
    runner: ProveRunner | None = None,
) -> art.Manifest:
    """Build the artifact for `inputs` into `tmp`; returns its manifest."""
    started = time.perf_counter()
    low = lower(inputs, config, passes, reporter, dump_ir)
    trials = target.check_model(low.model, str(inputs.model_path))
    announce_trials(trials, reporter)
    spec = io_spec(low.model)
    save_model(low.model, tmp / MODEL_FILE)
    ref_out = low.reference.run_batch(low.evaluation, spec.input_shapes())
    planned, costs, plan, within = plan_circuits(tmp, low.model, config, target, reporter)
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
        within,
        spec,
        low.evaluation,
        ref_out,
        runner or ProveRunner(),
    )
    with trying(trials, str(inputs.model_path)):
        facts, timings, fidelity = emit_and_measure(request, target, inputs.eval_source, reporter)
    fidelity = fidelity.model_copy(update={"ops_tried": trials})
    # The data travels with the artifact: an audit or a derived build rebuilds from it.
    save_samples(tmp / art.CALIBRATION_FILE, low.calibration)
    save_samples(tmp / art.EVAL_FILE, low.evaluation)
    files = [*model_files, *target.files(facts), art.CALIBRATION_FILE, art.EVAL_FILE]
    manifest = make_manifest(tmp, key, inputs, config, low, spec, target, facts, fidelity, files)
    art.write_manifest(tmp, manifest)
    write_provenance(tmp, inputs, low, timings, time.perf_counter() - started)
    return manifest


def plan_circuits(
    tmp: Path, model: ir.Model, config: CompileConfig, target: Target, reporter: Reporter
) -> tuple[ir.Model, list[CircuitCost], PartitionPlan, CompileConfig]:
    """The model the pieces are cut from (saved in `tmp`, read back with inferred shapes when a
    budget asks for a plan), the target's cost functions, and the plan chosen with them."""
    costs = target.circuit_costs(config)
    choice = default_budget(
        tmp / MODEL_FILE, model, costs, PlanBudget.of(config), target.estimate, total_memory()
    )
    if choice.reason:
        reporter.info(choice.reason)
    planned, plan = plan_for_budget(tmp / MODEL_FILE, model, costs, choice.budget)
    return planned, costs, plan, _within(config, choice.budget)


def _within(config: CompileConfig, budget: PlanBudget) -> CompileConfig:
    """The config the circuits are built with: the chosen budget's logrows bound included."""
    if budget.max_logrows == config.max_logrows:
        return config
    return config.model_copy(update={"max_logrows": budget.max_logrows})


def emit_and_measure(
    request: EmitRequest, target: Target, eval_source: str, reporter: Reporter
) -> tuple[ChainFacts, dict[str, float], FidelityReport]:
    """The target's chain built into the artifact, its facts and step timings, and its
    fidelity on the held-out samples; UserInputError when that misses the config's budget."""
    facts, timings = target.emit(request, reporter)
    checkpoint("set-up")
    start = time.perf_counter()
    outputs = target.run(
        request.art_dir, facts, request.spec, request.evaluation, reporter, request.runner
    )
    fidelity = fidelity_report(request.reference, outputs, eval_source)
    timings["fidelity_seconds"] = time.perf_counter() - start
    config = request.config
    dtypes = {t.name: t.dtype for t in request.spec.outputs}
    checks = check_outputs(request.reference, outputs, dtypes, config.tolerance, config.max_error)
    fidelity = fidelity.model_copy(update={"tolerance": config.tolerance, "outputs": checks})
    checkpoint("measured")
    check_budget(config, fidelity)
    require_match(checks, fidelity.samples, mismatch_hint(config))
    return facts, timings, fidelity


def make_manifest(
    tmp: Path,
    key: str,
    inputs: "BuildInputs",
    config: CompileConfig,
    low: Lowered,
    spec: IOSpec,
    target: Target,
    facts: ChainFacts,
    fidelity: FidelityReport,
    files: list[str],
) -> art.Manifest:
    """The artifact's manifest: its key, versions, sources, config, pass log, io, circuits,
    fidelity, and the hashes of `files` (relative to `tmp`)."""
    return art.Manifest(
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


def announce_plan(
    plan: PartitionPlan,
    pieces: list[PieceFacts],
    planned: ir.Model,
    costs: list[CircuitCost],
    target: Target,
    reporter: Reporter,
) -> None:
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


def announce_size(tmp: Path, model: ir.Model, cost: CircuitCost, reporter: Reporter) -> None:
    """One circuit's estimated rows before EZKL starts, so a large model says what is coming."""
    if any(v.shape is None for node in model.graph for v in node.outputs):
        model = load_model(tmp / MODEL_FILE, infer_shapes=True)
    rows, logrows = whole_size(model, cost)
    hint = (
        f"; that is slow and memory-hungry, --max-logrows {LARGE_LOGROWS} slices it"
        if logrows > LARGE_LOGROWS
        else ""
    )
    reporter.info(f"one circuit: ~{rows:,.0f} rows estimated (logrows ~{logrows}){hint}")


def mismatch_hint(config: CompileConfig) -> str:
    """What a user can do when the reference check fails."""
    return (
        f"if that is rounding, --tolerance (now {config.tolerance:g} of an output's largest "
        "magnitude) or a budget (--max-error, --min-top1: zkc then searches scales for it) says "
        "how much is allowed; integer and boolean outputs must match exactly"
    )


def check_budget(config: CompileConfig, fidelity: FidelityReport) -> None:
    """UserInputError unless the fidelity on all held-out samples meets the config's budget."""
    budget = Budget(max_error=config.max_error, min_top1=config.min_top1)
    if not budget.met(fidelity):
        raise UserInputError(
            f"fidelity budget {budget.describe()}: met on the search samples but not on all "
            f"{fidelity.samples} held-out samples ({fidelity.summary()}); loosen the budget or "
            "add calibration data"
        )


def source_record(inputs: "BuildInputs") -> dict[str, str]:
    """What the artifact was built from: the model file's and the samples' digests."""
    return {
        "model_sha256": inputs.model_sha256,
        "calibration_sha256": samples_digest(inputs.calibration),
        "eval_sha256": samples_digest(inputs.evaluation),
        "eval_source": inputs.eval_source,
    }


def write_provenance(
    tmp: Path, inputs: "BuildInputs", low: Lowered, timings: dict[str, float], seconds: float
) -> None:
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
