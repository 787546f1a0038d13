"""What a plan will cost, before anything is built (`zkc plan`, and `zkc compile` before a long
build): slices and tiles, distinct circuits with their estimated rows and logrows, setup and
proving core-seconds and peak memory per worker from the target's estimates, and the
proving wall time projected on 1, 4, 16 and 64 workers."""

import dataclasses
from typing import TYPE_CHECKING

import onnx_ir as ir
from pydantic import BaseModel

from zkc.compiler.planning.partition import PartitionPlan, SlicePlan, tensor_elements
from zkc.compiler.planning.search import CircuitCost

if TYPE_CHECKING:  # for types only: the target layer is above planning
    from zkc.compiler.target.chain import CircuitEstimate
    from zkc.compiler.target.protocol import Target

WORKERS = (1, 4, 16, 64)


class SliceLine(BaseModel):
    """One slice of the plan: its nodes, and its tiles when one op is cut into several."""

    index: int
    nodes: int
    first: str
    tiles: int
    split: str | None  # e.g. "conv: 16 channels x 2 rows"
    estimated_rows: int | None
    estimated_logrows: int | None


class CircuitLine(BaseModel):
    """One distinct circuit: how many pieces run it, and its estimated size."""

    index: int
    pieces: int
    estimated_rows: int | None
    logrows: int | None


class PlanReport(BaseModel):
    """The plan's figures (estimates: nothing was set up)."""

    cost_key: str | None
    slices: list[SliceLine]
    circuits: list[CircuitLine]
    pieces: int
    unsplit_rows: float
    piece_rows: float  # over every piece
    capacity: float  # sum of 2^logrows over every piece
    setup_core_seconds: float
    prove_core_seconds: float
    peak_worker_bytes: int
    projected_wall_seconds: dict[int, float]
    plan_seconds: float = 0.0
    choice: str = ""  # why this plan, when the user set no budget and a cut was weighed
    deployment: list[str] = []  # the target's estimates for deploying (EZKL: EVM transactions)

    def lines(self) -> list[str]:
        """The report for humans."""
        tiled = sum(s.tiles > 1 for s in self.slices)
        out = [self.choice] if self.choice else []
        out += [
            f"plan: {len(self.slices)} slices ({tiled} cut into tiles), {self.pieces} pieces, "
            f"{len(self.circuits)} distinct circuits (decomposition {self.cost_key})"
        ]
        for s in self.slices:
            what = f", {s.tiles} tiles ({s.split})" if s.tiles > 1 else ""
            out.append(
                f"  slice {s.index}: {s.nodes} nodes from {s.first}{what}; "
                f"~{s.estimated_rows} rows, logrows {s.estimated_logrows}"
            )
        ratio = self.piece_rows / self.unsplit_rows if self.unsplit_rows else 0.0
        out.append(
            f"  rows: {self.piece_rows:,.0f} over the pieces ({ratio:.2f}x the unsplit "
            f"{self.unsplit_rows:,.0f}); capacity sum 2^k {self.capacity:,.0f} "
            f"({self.capacity / max(self.piece_rows, 1):.2f}x the rows)"
        )
        out.append(
            f"  estimated: setup {self.setup_core_seconds:,.0f} core-s (once per "
            f"distinct circuit), proving {self.prove_core_seconds:,.0f} core-s, peak "
            f"{self.peak_worker_bytes / 1e9:.2f} GB per worker"
        )
        walls = ", ".join(f"{n}: {s:,.0f} s" for n, s in self.projected_wall_seconds.items())
        out.append(f"  projected proving wall time by workers: {walls}")
        out += [f"  {line}" for line in self.deployment]
        return out


def projected_wall(seconds: list[float], workers: int) -> float:
    """Wall time of independent jobs on `workers`: longest first to the least-loaded one."""
    loads = [0.0] * workers
    for job in sorted(seconds, reverse=True):
        loads[loads.index(min(loads))] += job
    return max(loads) if loads else 0.0


def _split(plan_slice: SlicePlan) -> str | None:
    tiles = plan_slice.tiles
    if tiles is None:
        return None
    sizes = " x ".join(
        f"{size} {'channels' if axis == 1 else 'rows'}"
        for axis, size in sorted(tiles.sizes.items())
    )
    return f"{tiles.kind}: {sizes}"


def plan_report(
    plan: PartitionPlan,
    piece_slices: list[int],
    piece_circuits: list[int],
    target: "Target",
    unsplit_rows: float,
) -> PlanReport:
    """The figures of a plan whose pieces (in order) belong to `piece_slices` and run
    `piece_circuits`; costs from `target.estimate(logrows)`."""
    slices = [
        SliceLine(
            index=s.index,
            nodes=len(s.nodes),
            first=s.nodes[0],
            tiles=s.tiles.count if s.tiles else 1,
            split=_split(s),
            estimated_rows=s.estimated_rows,
            estimated_logrows=s.estimated_logrows,
        )
        for s in plan.slices
    ]
    by_slice = [plan.slices[i] for i in piece_slices]
    circuits: dict[int, CircuitLine] = {}
    for s, c in zip(by_slice, piece_circuits, strict=True):
        line = circuits.get(c) or CircuitLine(
            index=c, pieces=0, estimated_rows=s.estimated_rows, logrows=s.estimated_logrows
        )
        circuits[c] = line.model_copy(update={"pieces": line.pieces + 1})
    ks = [s.estimated_logrows or 0 for s in by_slice]
    runs = [weigh(target.estimate(s.estimated_logrows or 0), s.prove_factor) for s in by_slice]
    setups = [target.estimate(c.logrows or 0) for c in circuits.values()]
    return PlanReport(
        cost_key=plan.cost_key,
        slices=slices,
        circuits=list(circuits.values()),
        pieces=len(by_slice),
        unsplit_rows=unsplit_rows,
        piece_rows=float(sum(s.estimated_rows or 0 for s in by_slice)),
        capacity=float(sum(2.0**k for k in ks)),
        setup_core_seconds=sum(e.setup_seconds * e.cores for e in setups),
        prove_core_seconds=sum(e.prove_seconds * e.cores for e in runs),
        peak_worker_bytes=max((e.peak_bytes for e in runs), default=0),
        projected_wall_seconds={
            n: round(projected_wall([e.prove_seconds for e in runs], n), 1) for n in WORKERS
        },
        deployment=_deployment(target, len(by_slice)),
    )


def weigh(estimate: "CircuitEstimate", factor: tuple[float, float]) -> "CircuitEstimate":
    """A circuit's estimate weighed by its forms' (prove time, memory) factor."""
    time_factor, memory_factor = factor
    return dataclasses.replace(
        estimate,
        prove_seconds=estimate.prove_seconds * time_factor,
        peak_bytes=int(estimate.peak_bytes * memory_factor),
    )


def _deployment(target: "Target", pieces: int) -> list[str]:
    """The target's deployment estimates for a chain of `pieces`, when it makes any."""
    estimate = getattr(target, "deployment_estimates", None)
    return list(estimate(pieces)) if callable(estimate) else []


def whole_size(model: ir.Model, cost: CircuitCost) -> tuple[float, int]:
    """Estimated rows and logrows of the model as one circuit (nodes and public inputs and
    outputs; the bare estimate, no planning margin)."""
    graph = model.graph
    body = sum(cost.node_rows(node) for node in graph)
    io = sum(tensor_elements(v) for v in (*graph.inputs, *graph.outputs))
    return cost.circuit_size(body, 0, 0, io, margin=False)


def whole_rows(model: ir.Model, cost: CircuitCost) -> float:
    """Estimated rows of the model as one circuit."""
    return whole_size(model, cost)[0]
