"""Compile a model as linked slices: plan the cuts, write the slice models, and emit one EZKL
circuit per slice inside the artifact (`slices/NN/`), with the slice graph in the manifest.

All slices share one scale (input and params; EZKL rebases to it after every multiplication):
`--input-scale`, 13 by default, or with `--max-error`/`--min-top1` the scale
zkc.compiler.slice_search finds for that budget end to end. So a slice's committed outputs
are exactly the next slice's committed inputs. The first slice reads the model's inputs in
public and the last publishes its outputs; every tensor crossing
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


class SliceBuild:
    """The slices of one plan, written into an artifact directory: their directories, io
    specs and calibration inputs (the float tensors reaching each slice)."""

    def __init__(self, art_dir: Path, plan: PartitionPlan, decomposition: tuple[int, int],
                 calibration: Samples, spec: IOSpec, target, reference, eq_samples: list[dict]):  # fmt: skip
        self.art_dir, self.plan, self.decomposition, self.target = (
            art_dir,
            plan,
            decomposition,
            target,
        )
        self.count = len(plan.slices)
        self.dirs = [target.slice_dir(art_dir, i) for i in range(self.count)]
        chain = SliceChain(write_slices(art_dir / "model.onnx", plan, self.dirs))
        check_chain(chain, reference, eq_samples, spec.input_shapes())
        self.specs = [io_spec(load_model(d / "model.onnx")) for d in self.dirs]
        self.calibration = [
            {t.name: calib[t.name].reshape((-1, *t.shape)) for t in slice_spec.inputs}
            for slice_spec, calib in zip(self.specs, chain.slice_inputs(calibration), strict=True)
        ]

    def calibrate(self, config: CompileConfig, calibration: list[Samples], reporter: Reporter):
        """Calibrate every slice; returns ([(settings, quantization, timings)], the logrows
        each slice alone needs). Polycommit slices are then raised to one shared logrows."""
        calibrated, own = [], []
        for index, (directory, slice_spec, calib) in enumerate(
            zip(self.dirs, self.specs, calibration, strict=True)
        ):
            cfg = slice_config(config, index, self.count, self.decomposition)
            calibrated.append(self.target.calibrate(directory, calib, slice_spec, cfg, reporter))
            own.append(calibrated[-1][0]["run_args"]["logrows"])
        if config.link == "polycommit":
            # A KZG commitment depends on the column length: linked slices share one logrows.
            calibrated = [
                (self.target.raise_logrows(d, max(own)), q, t)
                for d, (_, q, t) in zip(self.dirs, calibrated, strict=True)
            ]
        return calibrated, own

    def search_scale(self, config: CompileConfig, evaluation: Samples,
                     reference: dict[str, np.ndarray], spec: IOSpec, reporter: Reporter):  # fmt: skip
        """The shared scale for the config's fidelity budget: (config at that scale, record)."""

        def at_scale(scale: int, calibration: list[Samples]) -> int:
            cfg = config.model_copy(update={"input_scale": scale, "param_scale": scale})
            return max(s["run_args"]["logrows"] for s, _, _ in self.calibrate(cfg, calibration, Reporter())[0])  # fmt: skip

        budget = Budget(max_error=config.max_error, min_top1=config.min_top1)
        scale, record = search_slice_scale(
            at_scale, self.art_dir, self.count, self.calibration, evaluation, reference, spec,
            budget, config.max_logrows or 25, self.decomposition, self.target, reporter,
        )  # fmt: skip
        reporter.info(f"slices share scale {scale}: {budget.describe()} on "
                      f"{record['search_samples']} held-out samples")  # fmt: skip
        return config.model_copy(update={"input_scale": scale, "param_scale": scale}), record

    def set_up(self, config: CompileConfig, calibrated, own_logrows, reporter: Reporter):
        """Compile and set up every calibrated slice; returns (per-slice facts, timings)."""
        timings = {"calibrate_seconds": 0.0, "setup_seconds": 0.0}
        slices = []
        for spec_plan, directory, slice_spec, own, (settings, quantization, slice_timings) in zip(
            self.plan.slices, self.dirs, self.specs, own_logrows, calibrated, strict=True
        ):
            facts, slice_timings = self.target.set_up(
                directory, settings, quantization, slice_timings, reporter
            )
            for key in timings:
                timings[key] += slice_timings.get(key, 0.0)
            slices.append(facts | self._slice_facts(spec_plan, slice_spec, own, config.link))
        return slices, timings

    def _slice_facts(self, spec_plan, slice_spec: IOSpec, own: int, link: str) -> dict:
        first, last = spec_plan.index == 0, spec_plan.index == self.count - 1
        # A committed boundary adds one public hash per tensor (hashed), or none (polycommit
        # commitments live in the proof, not the instances).
        linked_in = len(slice_spec.inputs) if link == "hashed" else 0
        linked_out = len(slice_spec.outputs) if link == "hashed" else 0
        return {
            "index": spec_plan.index,
            "io": slice_spec.model_dump(mode="json"),
            "inputs": spec_plan.inputs,
            "outputs": spec_plan.outputs,
            "nodes": spec_plan.nodes,
            "calibrated_logrows": own,
            "estimated_rows": spec_plan.estimated_rows,
            "estimated_logrows": spec_plan.estimated_logrows,
            "public_inputs": sum(t.size for t in slice_spec.inputs) if first else linked_in,
            "public_outputs": sum(t.size for t in slice_spec.outputs) if last else linked_out,
        }


def check_link_scales(slices: list[dict]) -> None:
    """ToolError unless each slice's output scales are the next slice's (one) input scale."""
    for before, after in zip(slices, slices[1:], strict=False):
        if (
            set(before["output_scales"]) != set(after["input_scales"])
            or len(set(after["input_scales"])) != 1
        ):
            raise ToolError(
                f"slices {before['index']} and {after['index']}: output scales {before['output_scales']} "
                f"do not match input scales {after['input_scales']}; the link would not be bit-exact"
            )


def emit_sliced(
    art_dir: Path, plan: PartitionPlan, decomposition: tuple[int, int], calibration: Samples,
    evaluation: Samples, spec: IOSpec, config: CompileConfig, target, reporter: Reporter,
    reference, eq_samples: list[dict], ref_out: dict[str, np.ndarray],
) -> tuple[dict, dict, list[str], dict[str, np.ndarray]]:  # fmt: skip
    """Write and set up every slice; returns (circuit facts, timings, files, circuit outputs on
    the evaluation samples). With a fidelity budget the shared scale is searched first."""
    build = SliceBuild(art_dir, plan, decomposition, calibration, spec, target, reference,
                       eq_samples)  # fmt: skip
    budget = Budget(max_error=config.max_error, min_top1=config.min_top1)
    search, search_seconds = None, 0.0
    if config.max_error is not None or config.min_top1 is not None:
        start = time.perf_counter()
        config, search = build.search_scale(config, evaluation, ref_out, spec, reporter)
        search_seconds = time.perf_counter() - start
    for spec_plan in plan.slices:
        reporter.info(f"slice {spec_plan.index + 1}/{build.count}: {len(spec_plan.nodes)} nodes, "
                      f"estimated logrows {spec_plan.estimated_logrows}")  # fmt: skip
    calibrated, own_logrows = build.calibrate(config, build.calibration, reporter)
    slices, timings = build.set_up(config, calibrated, own_logrows, reporter)
    if search is not None:
        timings["search_seconds"] = search_seconds
    check_link_scales(slices)
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
    final = fidelity_report(ref_out, outputs, "held-out samples")
    if search is not None and not budget.met(final):
        raise UserInputError(
            f"fidelity budget {budget.describe()}: met on the search samples at scale "
            f"{config.input_scale} but not on all {final.samples} held-out samples "
            f"({final.summary()}); loosen the budget or add calibration data"
        )
    return facts, timings, target.slice_files(build.count), outputs
