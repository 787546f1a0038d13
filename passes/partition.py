"""Partition: choose where to cut a model into slices that each fit a logrows budget.

An analysis pass: it reads the IR and returns a plan; it does not rewrite the model. The
graph is viewed as a networkx DAG of nodes and ordered topologically (ties by position in
the file, so the plan is deterministic). A cut between two positions of that order is
legal when every tensor crossing it is a float activation of static shape and no model
output crosses it; residual connections and several crossing tensors are allowed: each
crossing tensor becomes a committed output of the slice before and an input of the slice
after. A tensor crossing both ends of a slice (a skip connection spanning it) passes through
it: the slice model copies it to an output of its own (see zkc.compiler.slicing).

Cuts are chosen by dynamic programming over contiguous runs of the order. Each slice's
rows come from the cost model (its nodes plus the hashing of its committed boundary), which
gives its logrows; the objective is the total of 2^logrows over the slices (what proving
time and memory follow), then the fewest crossing elements. `max_logrows` bounds every
slice (a model that fits is not cut); `slices` asks for exactly that many.
"""

import math
from dataclasses import asdict, dataclass

import networkx as nx
import onnx_ir as ir

from zkc.compiler.cost_model import CostModel
from zkc.compiler.errors import UserInputError
from zkc.passes._partition_search import Segments, choose

PASS_NAME = "partition"
VERSION = 1


@dataclass(frozen=True)
class SlicePlan:
    """One slice: its nodes (positions in the order and names) and the tensors at its edges."""

    index: int
    start: int
    stop: int
    nodes: list[str]
    inputs: list[str]
    outputs: list[str]
    estimated_rows: int
    estimated_logrows: int


@dataclass(frozen=True)
class PartitionPlan:
    """Slices in proving order; `crossing[i]` are the tensors committed between slice i and i+1."""

    slices: list[SlicePlan]
    order: list[str]

    @property
    def sliced(self) -> bool:
        return len(self.slices) > 1

    def to_json(self) -> dict:
        return {"pass": PASS_NAME, "version": VERSION, "slices": [asdict(s) for s in self.slices]}


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


def _elements(value: ir.Value) -> int:
    return math.prod(value.shape) if value.shape is not None else 0


def crossing_values(nodes: list[ir.Node], graph: ir.Graph) -> list[list[ir.Value] | None]:
    """For each cut position 0..n: the tensors crossing it, or None where a cut is illegal."""
    n = len(nodes)
    position = {id(node): i for i, node in enumerate(nodes)}
    produced_at: dict[int, int] = {}
    last_use: dict[int, int] = {}
    values: dict[int, ir.Value] = {}
    outputs = {id(v) for v in graph.outputs}
    for value in graph.inputs:
        produced_at[id(value)], values[id(value)] = -1, value
    for i, node in enumerate(nodes):
        for value in node.outputs:
            produced_at[id(value)], values[id(value)] = i, value
        for value in node.inputs:
            if value is not None and not _is_constant(value):
                last_use[id(value)] = max(last_use.get(id(value), -1), i)
                values[id(value)] = value
    for value in graph.outputs:
        last_use[id(value)] = n  # outputs leave from the last slice
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
            if not (static and is_float) or produced_at[id(value)] < 0 or id(value) in outputs:
                legal = False  # model inputs and outputs enter and leave at the ends only
        if cut in (0, n) or legal:
            cuts.append(
                sorted(crossing, key=lambda v: (position.get(id(v.producer()), -1), v.name))
            )
        else:
            cuts.append(None)
    return cuts


def plan_partition(
    model: ir.Model,
    cost: CostModel,
    decomp_base: int,
    max_logrows: int | None = None,
    slices: int | None = None,
    margin: float = 1.0,
    uniform: bool = False,
) -> PartitionPlan:
    """Choose cut points; UserInputError when no partition fits the budget.

    `margin` scales the estimated rows when choosing each slice's logrows, so that the cost
    model's error does not push a slice over the budget at compile time. `uniform` plans for
    slices that are all set up at the same logrows (polycommit links need it: a KZG
    commitment depends on the column length), so the count of slices is what costs.
    """
    graph = model.graph
    nodes, _ = node_view(graph)
    n = len(nodes)
    if n == 0:
        raise UserInputError("the model has no nodes to partition")
    if slices is not None and slices > n:
        raise UserInputError(f"--slices {slices}: the model has only {n} nodes")
    cuts = crossing_values(nodes, graph)
    node_rows = [cost.node_rows(node) for node in nodes]
    prefix = [0.0]
    for rows in node_rows:
        prefix.append(prefix[-1] + rows)
    in_elements = sum(_elements(v) for v in graph.inputs if not v.is_initializer())
    segments = Segments(
        cost, decomp_base, margin,
        sizes=[sum(_elements(v) for v in c) if c is not None else 0 for c in cuts],
        counts=[len(c) if c is not None else 0 for c in cuts], prefix=prefix,
        in_elements=in_elements, out_elements=sum(_elements(v) for v in graph.outputs),
    )  # fmt: skip
    legal = [i for i in range(n + 1) if cuts[i] is not None]
    bounds = choose(segments, legal, max_logrows, slices, uniform)
    if bounds is None:
        worst = max(range(n), key=lambda i: node_rows[i])
        rows = cost.base_rows + node_rows[worst]
        k = CostModel.logrows(rows, decomp_base)
        what = f"{slices} slices" if slices else f"logrows {max_logrows}"
        raise UserInputError(
            f"cannot partition within {what}: node '{nodes[worst].name}' ({nodes[worst].op_type}) "
            f"alone needs ~{int(rows)} rows (logrows {k}), or no legal cut points fit"
        )
    plans = []
    for index, (a, b) in enumerate(bounds):
        rows, k = segments.rows_and_logrows(a, b)
        inputs = [v.name for v in cuts[a]] if a > 0 else [v.name for v in graph.inputs]
        outputs = [v.name for v in cuts[b]] if b < n else [v.name for v in graph.outputs]
        plans.append(SlicePlan(index, a, b, [nodes[i].name or f"#{i}" for i in range(a, b)],
                               inputs, outputs, int(rows), k))  # fmt: skip
    return PartitionPlan(plans, [node.name for node in nodes])
