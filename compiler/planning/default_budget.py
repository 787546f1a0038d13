"""The plan a compile builds when the user sets no budget (no --max-logrows, no --slices): the
whole circuit, or linked pieces when the target's cost model projects them to prove faster at
no more peak memory, and within this machine's memory where the whole circuit is not.

Small models stay whole: below AUTO_FROM_LOGROWS a piece's fixed costs (its own setup, keys and
witness) are not in the cost model and outweigh what a cut saves."""

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import onnx_ir as ir

from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.model_io import load_model
from zkc.compiler.planning.budget import PlanBudget, plan_for_budget
from zkc.compiler.planning.partition import PartitionPlan
from zkc.compiler.planning.plan import choose_plan, prove_factor
from zkc.compiler.planning.report import weigh, whole_size
from zkc.compiler.planning.search import CircuitCost

if TYPE_CHECKING:
    from zkc.compiler.target.chain import CircuitEstimate

# Whole circuits below this are not weighed against cuts. At 17 the cost model cut the zoo's
# transformer_tiny into 3 pieces (projected 15 s against 20 s whole) whose chain then missed
# the model's fidelity budget (97.5% top-1 against 99%): the model has no term for that.
AUTO_FROM_LOGROWS = 18
LOWEST_LOGROWS = 15  # the smallest budget tried
GAIN = 0.9  # a cut is chosen when it proves in at most this share of the whole's time


@dataclass(frozen=True)
class BudgetChoice:
    """The budget the plan is built for, and why (empty when the user set it)."""

    budget: PlanBudget
    reason: str


def plan_cost(
    plan: PartitionPlan, estimate: Callable[[int], "CircuitEstimate"]
) -> tuple[float, int, int, int]:
    """Projected prove seconds on one worker, peak bytes, pieces and largest logrows of a plan."""
    seconds, peak, pieces = 0.0, 0, 0
    for part in plan.slices:
        count = part.tiles.count if part.tiles else 1
        cost = weigh(estimate(part.estimated_logrows or 0), part.prove_factor)
        seconds += count * cost.prove_seconds
        peak, pieces = max(peak, cost.peak_bytes), pieces + count
    return seconds, peak, pieces, max(p.estimated_logrows or 0 for p in plan.slices)


def default_budget(
    path: Path,
    model: ir.Model,
    costs: list[CircuitCost],
    budget: PlanBudget,
    estimate: Callable[[int], "CircuitEstimate"],
    memory_bytes: int,
) -> BudgetChoice:
    """The user's budget when they set one; else the whole circuit or the budget (one of
    LOWEST_LOGROWS .. the whole's logrows - 1) whose plan proves fastest by the cost model."""
    if budget.cuts:
        return BudgetChoice(budget, "")
    whole = choose_plan(model, costs, None, None)
    cost = next((c for c in costs if c.key == whole.cost_key), costs[0])
    logrows = whole_size(model, cost)[1]
    if logrows < AUTO_FROM_LOGROWS:
        return BudgetChoice(budget, "")
    whole_cost = weigh(estimate(logrows), prove_factor(cost, list(model.graph)))
    fits = whole_cost.peak_bytes <= memory_bytes
    limit = whole_cost.peak_bytes if fits else memory_bytes
    best: tuple[float, int, int, int, int] | None = None
    for k in range(logrows - 1, LOWEST_LOGROWS - 1, -1):
        planned = _plan_within(path, costs, k)
        if planned is None:
            break  # a smaller budget does not plan either
        seconds, peak, pieces, largest = plan_cost(planned, estimate)
        if peak <= limit and (best is None or seconds < best[0]):
            best = (seconds, peak, pieces, largest, k)
    as_whole = f"{whole_cost.prove_seconds:,.0f} s at {whole_cost.peak_bytes / 1e9:.2f} GB whole"
    if best is None or (fits and best[0] > GAIN * whole_cost.prove_seconds):
        why = "no cut proves 10% faster" if fits else "no cut fits this machine's memory either"
        return BudgetChoice(budget, f"plan: whole circuit (logrows {logrows}): {why}")
    seconds, peak, pieces, largest, k = best
    return BudgetChoice(
        PlanBudget(max_logrows=k),
        f"plan: {pieces} linked pieces, logrows {largest} (projected prove {seconds:,.0f} s at "
        f"{peak / 1e9:.2f} GB, against {as_whole}"
        + ("" if fits else f", over this machine's {memory_bytes / 1e9:.0f} GB")
        + "); --max-logrows sets the budget yourself",
    )


def _plan_within(path: Path, costs: list[CircuitCost], max_logrows: int) -> PartitionPlan | None:
    """The plan within `max_logrows`, planned on a copy of the model file (a budget may rewrite
    it); None when the model does not plan within it."""
    with tempfile.TemporaryDirectory(prefix="zkc-budget-") as tmp:
        copy = Path(tmp) / "model.onnx"
        shutil.copyfile(path, copy)
        try:
            return plan_for_budget(copy, load_model(copy), costs, PlanBudget(max_logrows))[1]
        except UserInputError:
            return None
