"""Compile a model as linked slices: plan the cuts, write the slice models, and emit one EZKL
circuit per slice inside the artifact (`slices/NN/`), with the slice graph in the manifest.

All slices share one scale (input and params; EZKL rebases to it after every multiplication):
`--input-scale`, 13 by default, or with `--max-error`/`--min-top1` the scale
zkc.compiler.slice_search finds for that budget end to end. So a slice's committed outputs are exactly the next slice's committed inputs. The first slice
reads the model's inputs in public and the last publishes its outputs; every tensor crossing
a cut is committed on both sides: by default as a KZG commitment (EZKL `polycommit`: an
unblinded advice column whose commitment opens the proof), or as a public Poseidon hash
(EZKL `hashed`). bench/results/link_modes.md has the measurements behind the default.
"""

import dataclasses
import math
import time
from pathlib import Path

import numpy as np
import onnx_ir as ir

from zkc.compiler.config import CompileConfig
from zkc.compiler.cost_model import decomposition_key, default_cost_model
from zkc.compiler.data import Samples
from zkc.compiler.errors import ToolError, UserInputError
from zkc.compiler.fidelity import Budget, fidelity_report
from zkc.compiler.io_spec import IOSpec, io_spec
from zkc.compiler.model_io import load_model
from zkc.compiler.progress import Reporter
from zkc.compiler.slice_search import search_slice_scale
from zkc.compiler.slicing import SliceChain, check_chain, write_slices
from zkc.passes.partition import PartitionPlan, plan_partition

DEFAULT_SLICE_SCALE = 13
# Slice rows are planned 5% above the estimate: the cost model's mean error on the zoo is ~5%
# (bench/results/cost_model.md), and a slice over budget fails at calibration.
PLAN_MARGIN = 1.05
SMALL_DECOMPOSITION = (1024, 3)  # range-check table 2^10: slices may go down to logrows 11


def choose_plan(
    model: ir.Model, config: CompileConfig
) -> tuple[PartitionPlan, tuple[int, int]] | None:
    """The partition to build, with its decomposition; None for a model built whole.

    With `--max-logrows` alone a model estimated to fit is built whole. The default
    decomposition's range-check table puts a floor of logrows 15 under every circuit, so
    when that floor is what keeps slices large, the smaller decomposition is planned too
    and the cheaper plan (total 2^logrows) wins.
    """
    if config.slices is None and config.max_logrows is None:
        return None
    candidates = [(config.decomp_base, config.decomp_legs)]
    if config.decomp_base > SMALL_DECOMPOSITION[0]:
        candidates.append(SMALL_DECOMPOSITION)
    plans, errors = [], []
    for base, legs in candidates:
        if config.max_logrows is not None and config.max_logrows < int(math.log2(base)) + 1:
            continue
        try:
            cost = default_cost_model(base, legs)
            if config.link != "hashed":  # no Poseidon chip: commitments cost no rows
                cost = dataclasses.replace(
                    cost, hash_rows_per_element=0.0, hash_rows_per_tensor=0.0
                )
            plan = plan_partition(model, cost, base, config.max_logrows, config.slices,
                                  margin=PLAN_MARGIN, uniform=config.link == "polycommit")  # fmt: skip
        except UserInputError as exc:
            errors.append(exc)
            continue
        ks = [s.estimated_logrows for s in plan.slices]
        work = len(ks) * 2.0 ** max(ks) if config.link == "polycommit" else sum(2.0**k for k in ks)
        plans.append((work, len(plans), plan, (base, legs)))
    if not plans:
        raise (
            errors[0]
            if errors
            else UserInputError(
                f"--max-logrows {config.max_logrows}: below every decomposition's range-check "
                f"table; the smallest circuits zkc builds have logrows {int(math.log2(SMALL_DECOMPOSITION[0])) + 1}"
            )
        )
    _, _, plan, decomposition = min(plans, key=lambda p: p[:2])
    if not plan.sliced and config.slices is None:
        return None
    return plan, decomposition


def slice_config(config: CompileConfig, index: int, count: int, decomposition) -> CompileConfig:
    """The EZKL settings of one slice: shared fixed scale, committed links, public ends."""
    scale = config.input_scale if config.input_scale is not None else DEFAULT_SLICE_SCALE
    return config.model_copy(update={
        "input_visibility": "public" if index == 0 else config.link,
        "output_visibility": "public" if index == count - 1 else config.link,
        "param_visibility": "fixed",
        "input_scale": scale,
        "param_scale": config.param_scale if config.param_scale is not None else scale,
        "decomp_base": decomposition[0],
        "decomp_legs": decomposition[1],
        "slices": None,
        "max_error": None,  # a budget is met end to end, by the shared scale
        "min_top1": None,
    })  # fmt: skip


def emit_sliced(
    art_dir: Path, plan: PartitionPlan, decomposition: tuple[int, int], calibration: Samples,
    evaluation: Samples, spec: IOSpec, config: CompileConfig, target, reporter: Reporter,
    reference, eq_samples: list[dict], ref_out: dict[str, np.ndarray],
) -> tuple[dict, dict, list[str], dict[str, np.ndarray]]:  # fmt: skip
    """Write and set up every slice; returns (circuit facts, timings, files, circuit outputs on
    the evaluation samples). With a fidelity budget the shared scale is searched first."""
    count = len(plan.slices)
    dirs = [target.slice_dir(art_dir, i) for i in range(count)]
    paths = write_slices(art_dir / "model.onnx", plan, dirs)
    chain = SliceChain(paths)
    check_chain(chain, reference, eq_samples, spec.input_shapes())
    specs = [io_spec(load_model(d / "model.onnx")) for d in dirs]
    per_slice_calibration = [
        {t.name: calib[t.name].reshape((-1, *t.shape)) for t in slice_spec.inputs}
        for slice_spec, calib in zip(specs, chain.slice_inputs(calibration), strict=True)
    ]
    timings = {"calibrate_seconds": 0.0, "setup_seconds": 0.0}
    slices = []

    def linked(tensors) -> int:
        """Public values a committed boundary adds: one hash per tensor, or none (polycommit
        commitments live in the proof, not the instances)."""
        return len(tensors) if config.link == "hashed" else 0

    def calibrate_all(cfg: CompileConfig, calibrations: list[Samples], rep: Reporter):
        """Calibrate every slice; returns ([(settings, quantization, timings)], own logrows)."""
        calibrated, own = [], []
        for index, (directory, slice_spec, calib) in enumerate(
            zip(dirs, specs, calibrations, strict=True)
        ):
            slice_cfg = slice_config(cfg, index, count, decomposition)
            calibrated.append(target.calibrate(directory, calib, slice_spec, slice_cfg, rep))
            own.append(calibrated[-1][0]["run_args"]["logrows"])  # what the slice alone needs
        if cfg.link == "polycommit":
            # A KZG commitment depends on the column length: linked slices share one logrows.
            shared = max(own)
            calibrated = [
                (target.raise_logrows(d, shared), q, t)
                for d, (_, q, t) in zip(dirs, calibrated, strict=True)
            ]
        return calibrated, own

    budget = Budget(max_error=config.max_error, min_top1=config.min_top1)
    search = None
    if config.max_error is not None or config.min_top1 is not None:

        def at_scale(scale: int, calibrations: list[Samples]) -> int:
            cfg = config.model_copy(update={"input_scale": scale, "param_scale": scale})
            settings = calibrate_all(cfg, calibrations, Reporter())[0]
            return max(s["run_args"]["logrows"] for s, _, _ in settings)

        start = time.perf_counter()
        scale, search = search_slice_scale(
            at_scale, art_dir, count, per_slice_calibration, evaluation, ref_out, spec, budget,
            config.max_logrows or 25, decomposition, target, reporter,
        )  # fmt: skip
        timings["search_seconds"] = time.perf_counter() - start
        reporter.info(f"slices share scale {scale}: {budget.describe()} on "
                      f"{search['search_samples']} held-out samples")  # fmt: skip
        config = config.model_copy(update={"input_scale": scale, "param_scale": scale})
    for spec_plan in plan.slices:
        reporter.info(f"slice {spec_plan.index + 1}/{count}: {len(spec_plan.nodes)} nodes, "
                      f"estimated logrows {spec_plan.estimated_logrows}")  # fmt: skip
    calibrated, own_logrows = calibrate_all(config, per_slice_calibration, reporter)
    for spec_plan, directory, slice_spec, own, (settings, quantization, slice_timings) in zip(
        plan.slices, dirs, specs, own_logrows, calibrated, strict=True
    ):
        index = spec_plan.index
        facts, slice_timings = target.set_up(
            directory, settings, quantization, slice_timings, reporter
        )
        for key in timings:
            timings[key] += slice_timings.get(key, 0.0)
        first, last = index == 0, index == count - 1
        slices.append(facts | {
            "index": index,
            "io": slice_spec.model_dump(mode="json"),
            "inputs": spec_plan.inputs,
            "outputs": spec_plan.outputs,
            "nodes": spec_plan.nodes,
            "calibrated_logrows": own,
            "estimated_rows": spec_plan.estimated_rows,
            "estimated_logrows": spec_plan.estimated_logrows,
            "public_inputs": sum(t.size for t in slice_spec.inputs) if first else linked(slice_spec.inputs),
            "public_outputs": sum(t.size for t in slice_spec.outputs) if last else linked(slice_spec.outputs),
        })  # fmt: skip
    for before, after in zip(slices, slices[1:], strict=False):
        if (
            set(before["output_scales"]) != set(after["input_scales"])
            or len(set(after["input_scales"])) != 1
        ):
            raise ToolError(
                f"slices {before['index']} and {after['index']}: output scales {before['output_scales']} "
                f"do not match input scales {after['input_scales']}; the link would not be bit-exact"
            )
    facts = {
        "sliced": True,
        "link": config.link,
        "logrows": max(s["logrows"] for s in slices),
        "num_rows": sum(s["num_rows"] or 0 for s in slices),
        "input_scales": slices[0]["input_scales"],
        "output_scales": slices[-1]["output_scales"],
        "param_scale": slices[0]["param_scale"],
        "run_args": slices[0]["run_args"],
        "srs": max((s["srs"] for s in slices), key=lambda s: s["logrows"]),
        "decomposition": decomposition_key(*decomposition),
        "quantization": search or {"method": "fixed-scale", "scale": slices[0]["input_scales"][0]},
        "slices": slices,
        "partition": plan.to_json(),
    }
    start = time.perf_counter()
    outputs = target.run_sliced_many(art_dir, facts, spec, evaluation, reporter)
    timings["fidelity_seconds"] = time.perf_counter() - start
    if search is not None:
        final = fidelity_report(ref_out, outputs, "held-out samples")
        if not budget.met(final):
            raise UserInputError(
                f"fidelity budget {budget.describe()}: met on the search samples at scale "
                f"{config.input_scale} but not on all {final.samples} held-out samples "
                f"({final.summary()}); loosen the budget or add calibration data"
            )
    return facts, timings, target.slice_files(count), outputs
