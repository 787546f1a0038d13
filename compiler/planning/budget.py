"""What a compile asks of the plan (`--max-logrows`, `--slices`) and the one place it is applied
to a model file: reduction splits where no tile fits, then the plan."""

from dataclasses import dataclass, replace
from pathlib import Path

import onnx_ir as ir

from zkc.compiler.config import CompileConfig
from zkc.compiler.ir.model_io import load_model, save_model
from zkc.compiler.planning.partition import PartitionPlan
from zkc.compiler.planning.plan import choose_plan
from zkc.compiler.planning.reduction_split import split_for_budget
from zkc.compiler.planning.report import whole_size
from zkc.compiler.planning.search import CircuitCost


@dataclass(frozen=True)
class PlanBudget:
    """Every circuit within `max_logrows`, or exactly `slices` circuits (None: no bound)."""

    max_logrows: int | None = None
    slices: int | None = None

    @classmethod
    def of(cls, config: CompileConfig) -> "PlanBudget":
        return cls(config.max_logrows, config.slices)

    @property
    def cuts(self) -> bool:
        """Whether the budget may cut the model (else it is built whole)."""
        return self.max_logrows is not None or self.slices is not None


def plan_for_budget(
    path: Path, model: ir.Model, costs: list[CircuitCost], budget: PlanBudget
) -> tuple[ir.Model, PartitionPlan]:
    """The model the pieces are cut from and the plan chosen with the target's cost functions.

    With a budget the model file at `path` is read back with inferred shapes; a node that
    neither fits nor tiles within `max_logrows` is rewritten into partials and a Sum (saved
    to `path`, which the pieces are cut from)."""
    planned = load_model(path, infer_shapes=True) if budget.cuts else model
    limit = budget.max_logrows
    if budget.slices is None and limit is not None and split_for_budget(planned, costs, limit):
        save_model(planned, path)
        planned = load_model(path, infer_shapes=True)
    return planned, choose_plan(planned, costs, limit, budget.slices)


def estimated(plan: PartitionPlan, model: ir.Model, cost: CircuitCost) -> PartitionPlan:
    """A whole-model plan with its one circuit's estimate filled in (a sliced plan as is)."""
    if plan.sliced:
        return plan
    rows, logrows = whole_size(model, cost)
    whole = replace(plan.slices[0], estimated_rows=int(rows), estimated_logrows=logrows)
    return replace(plan, slices=[whole])
