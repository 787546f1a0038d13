"""Partitioning: where to cut a model into circuits that each fit a logrows budget.

The graph is viewed as a networkx DAG of nodes and ordered topologically (ties by position in
the file, so the plan is deterministic). A cut between two positions of that order is legal
when every tensor crossing it is a float activation of static shape and no model output
crosses it; residual connections and several crossing tensors are allowed: each crossing
tensor becomes a committed output of the circuit before and an input of the circuit after.
A circuit reads the tensors it uses that were made before it, and writes the tensors it makes
that are used after it: a skip connection spanning a circuit links its producer directly to
its consumer (the pieces form a DAG).

Sizes come from the target's cost function (zkc.compiler.planning.search.CircuitCost);
dynamic programming over contiguous runs of the order picks the cuts: the least total
2^logrows (or, for uniform chains, the fewest circuits), then the fewest crossing elements.
`max_logrows` bounds every circuit (a model that fits is not cut); `slices` asks for exactly
that many. A target may offer several cost functions (ways of building); the cheapest plan wins.
"""

import math
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
import onnx_ir as ir

from zkc.compiler.errors import ToolError
from zkc.compiler.ops.base import static
from zkc.compiler.planning.units import TilePlan

PLANNER_VERSION = 8  # part of every artifact key: bump when plans change (2: direct links, tiles; 3: tile halos costed; 4: parts cut at window edges, concat units; 5: reduction splits, request read past the first slice; 6: shared circuits calibrated on every piece; 7: convolutions costed and emitted lowered where measured cheaper; 8: lowered only where faster by the measured prove cost, plans weighed by it)


@dataclass(frozen=True)
class SlicePlan:
    """One slice: its nodes (positions in the order and names), the tensors at its edges, and
    for a slice cut into tiles (one op and its element-wise chain over the budget) the tiling;
    the estimates are of one circuit (one tile)."""

    index: int
    start: int
    stop: int
    nodes: list[str]
    inputs: list[str]
    outputs: list[str]
    estimated_rows: int | None
    estimated_logrows: int | None
    tiles: TilePlan | None = None
    # (prove time, peak memory) per 2^logrows against a plain circuit's (the target's forms)
    prove_factor: tuple[float, float] = (1.0, 1.0)


@dataclass(frozen=True)
class PartitionPlan:
    """Circuits in proving order, and the target's way of building them (`cost_key`; None:
    its default, for a model built whole)."""

    slices: list[SlicePlan]
    cost_key: str | None = None

    @property
    def sliced(self) -> bool:
        """More than one circuit to prove (slices, or tiles of one)."""
        return self.pieces > 1

    @property
    def pieces(self) -> int:
        """Circuits to prove: a slice, or each of its tiles."""
        return sum(s.tiles.count if s.tiles is not None else 1 for s in self.slices)

    def to_json(self) -> dict[str, Any]:
        return {
            "planner": PLANNER_VERSION,
            "cost_key": self.cost_key,
            "slices": [asdict(s) for s in self.slices],
        }


def whole_plan(model: ir.Model) -> PartitionPlan:
    """The plan of a model built as one circuit (no estimate made)."""
    graph = model.graph
    inputs = [v.name or "" for v in graph.inputs if not v.is_initializer()]
    outputs = [v.name or "" for v in graph.outputs]
    names = [node.name or f"#{i}" for i, node in enumerate(graph)]
    whole = SlicePlan(0, 0, len(names), names, inputs, outputs, None, None)
    return PartitionPlan([whole])


def node_view(graph: ir.Graph) -> tuple[list[ir.Node], nx.DiGraph]:
    """The nodes in deterministic topological order, and the networkx DAG (producer -> consumer)."""
    nodes = list(graph)
    position = {id(n): i for i, n in enumerate(nodes)}
    dag = nx.DiGraph()
    dag.add_nodes_from(range(len(nodes)))
    for i, node in enumerate(nodes):
        for value in node.inputs:
            producer = value.producer() if value is not None else None
            if producer is not None and id(producer) in position:
                dag.add_edge(position[id(producer)], i)
    order = list(nx.lexicographical_topological_sort(dag))
    return [nodes[i] for i in order], dag


def _is_constant(value: ir.Value) -> bool:
    if value.is_initializer() or value.const_value is not None:
        return True
    producer = value.producer()
    return producer is not None and producer.op_type == "Constant"


def tensor_elements(value: ir.Value) -> int:
    """Elements of a tensor (0 when its shape is unknown); ToolError when it is dynamic."""
    if value.shape is None:
        return 0
    dims = static(value)
    if dims is None:
        raise ToolError(f"tensor '{value.name}' has a dynamic shape {value.shape}")
    return math.prod(dims)


def _lifetimes(
    nodes: list[ir.Node], graph: ir.Graph
) -> tuple[dict[int, int], dict[int, int], dict[int, ir.Value]]:
    """Each non-constant tensor's producing position (-1: a model input) and last use."""
    produced_at: dict[int, int] = {}
    last_use: dict[int, int] = {}
    values: dict[int, ir.Value] = {}
    for value in graph.inputs:
        produced_at[id(value)], values[id(value)] = -1, value
    for i, node in enumerate(nodes):
        for value in node.outputs:
            produced_at[id(value)], values[id(value)] = i, value
        for used in node.inputs:
            if used is not None and not _is_constant(used):
                last_use[id(used)] = max(last_use.get(id(used), -1), i)
                values[id(used)] = used
    for value in graph.outputs:
        last_use[id(value)] = len(nodes)  # outputs leave from the last circuit
    return produced_at, last_use, values


class Boundaries:
    """The tensors each contiguous run [a, b) of the node order reads (made before `a`, used in
    the run) and writes (made in the run, used at or after `b`, or a model output)."""

    def __init__(self, nodes: list[ir.Node], graph: ir.Graph) -> None:
        self.n = len(nodes)
        made: dict[int, tuple[int, ir.Value]] = {
            id(v): (-1, v) for v in graph.inputs if not v.is_initializer()
        }
        uses: dict[int, list[int]] = {}
        for i, node in enumerate(nodes):
            for value in node.outputs:
                made[id(value)] = (i, value)
            for used in node.inputs:
                if used is not None and not _is_constant(used):
                    uses.setdefault(id(used), []).append(i)
        for value in graph.outputs:
            uses.setdefault(id(value), []).append(self.n)
        # (made at, uses, value), ordered by producer position then name (as crossing_values).
        self.values = sorted(
            ((at, sorted(uses[key]), value) for key, (at, value) in made.items() if key in uses),
            key=lambda item: (item[0], item[2].name),
        )

    def inputs(self, a: int, b: int) -> list[ir.Value]:
        return [v for at, used, v in self.values if at < a and any(a <= u < b for u in used)]

    def outputs(self, a: int, b: int) -> list[ir.Value]:
        return [v for at, used, v in self.values if a <= at < b and used[-1] >= b]


def crossing_values(nodes: list[ir.Node], graph: ir.Graph) -> list[list[ir.Value] | None]:
    """For each cut position 0..n: the tensors crossing it, or None where a cut is illegal."""
    n = len(nodes)
    position = {id(node): i for i, node in enumerate(nodes)}
    produced_at, last_use, values = _lifetimes(nodes, graph)
    outputs = {id(v) for v in graph.outputs}
    cuts: list[list[ir.Value] | None] = []
    for cut in range(n + 1):
        crossing = [
            values[key]
            for key, start in produced_at.items()
            if start < cut <= last_use.get(key, -2) and key in values
        ]
        legal = 0 < cut < n
        for value in crossing:
            static = value.shape is not None and all(isinstance(d, int) for d in value.shape)
            is_float = value.dtype in (ir.DataType.FLOAT, ir.DataType.DOUBLE, ir.DataType.FLOAT16)
            if not (static and is_float) or id(value) in outputs:
                legal = False  # model outputs leave at the end only
        if cut in (0, n) or legal:
            cuts.append(
                sorted(crossing, key=lambda v: (position.get(id(v.producer()), -1), v.name))
            )
        else:
            cuts.append(None)
    return cuts
