"""`zkc plan`: the plan a compile would build for a model and budget, with its estimated costs,
in seconds and without EZKL (the passes run on random inputs in the model's shapes, each
checked against onnxruntime)."""

import tempfile
import time
from pathlib import Path

import numpy as np

from zkc.compiler.compute.runners import total_memory
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver.compile import pipeline_name
from zkc.compiler.driver.lowering import lower
from zkc.compiler.ir.input_shapes import pinned_input_shapes
from zkc.compiler.ir.model_io import load_model, save_model
from zkc.compiler.pieces.build import plan_pieces
from zkc.compiler.pipeline.base import PassOptions
from zkc.compiler.planning.budget import PlanBudget, estimated, plan_for_budget
from zkc.compiler.planning.default_budget import default_budget
from zkc.compiler.planning.report import PlanReport, plan_report, whole_rows
from zkc.compiler.progress import Reporter
from zkc.compiler.target.protocol import Target

RANDOM_SAMPLES = 2


class _Inputs:
    """What `lower` reads: the model and a few random samples in its input shapes."""

    def __init__(self, model_path: Path, config: CompileConfig):
        self.model_path, self.model = model_path, load_model(model_path)
        options = PassOptions(batch_size=config.batch_size, input_shapes=dict(config.input_shapes))
        rng = np.random.default_rng(0)
        shapes = pinned_input_shapes(self.model, options)
        self.calibration = {
            n: rng.random((RANDOM_SAMPLES, *s), dtype=np.float32) for n, s in shapes.items()
        }
        self.evaluation = self.calibration


def plan_model(
    model_path: Path, config: CompileConfig, target: Target, reporter: Reporter | None = None
) -> PlanReport:
    """The plan `zkc compile` would build for this model and config, with its figures."""
    start = time.perf_counter()
    reporter = reporter or Reporter()
    inputs = _Inputs(Path(model_path), config)
    config = target.configure(config)
    passes = target.pipeline(pipeline_name(config), config.disabled_passes)
    low = lower(
        inputs, config.model_copy(update={"equivalence_samples": RANDOM_SAMPLES}), passes, reporter
    )
    target.check_model(low.model, str(model_path))
    with tempfile.TemporaryDirectory(prefix="zkc-plan-") as tmp:
        path = Path(tmp) / "model.onnx"
        save_model(low.model, path)
        costs = target.circuit_costs(config)
        with reporter.step("planning"):
            model = load_model(path, infer_shapes=True)
            choice = default_budget(
                path, model, costs, PlanBudget.of(config), target.estimate, total_memory()
            )
            planned, plan = plan_for_budget(path, model, costs, choice.budget)
            build = plan_pieces(plan, path) if plan.sliced else None
    cost = next((c for c in costs if c.key == plan.cost_key), costs[0])
    plan = estimated(plan, planned, cost)
    slices = [p.slice for p in build.pieces] if build else [0]
    circuits = [p.circuit for p in build.pieces] if build else [0]
    report = plan_report(plan, slices, circuits, target, whole_rows(planned, cost))
    seconds = round(time.perf_counter() - start, 2)
    return report.model_copy(update={"plan_seconds": seconds, "choice": choice.reason})
