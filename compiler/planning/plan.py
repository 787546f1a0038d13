"""The plan a compile builds: the circuits a model is cut into for a budget (`--max-logrows`,
`--slices`), chosen over the target's cost functions (zkc.compiler.planning.partition)."""

from collections.abc import Sequence

import onnx_ir as ir

from zkc.compiler.errors import UserInputError
from zkc.compiler.limits import MAX_LOGROWS
from zkc.compiler.planning.partition import (
    Boundaries,
    PartitionPlan,
    SlicePlan,
    crossing_values,
    node_view,
    tensor_elements,
    whole_plan,
)
from zkc.compiler.planning.search import CircuitCost, Segments, choose
from zkc.compiler.planning.splitter import Splitter

SearchSpace = tuple[list[ir.Node], list[float], Boundaries, Splitter | None, Segments, list[int]]


def search_space(model: ir.Model, cost: CircuitCost, slices: int | None = None) -> SearchSpace:
    """The planner's view of a model for one cost function: (nodes, node rows, crossing
    tensors per cut, boundaries, splitter, segments, legal cut positions)."""
    graph = model.graph
    nodes, _ = node_view(graph)
    cuts = crossing_values(nodes, graph)
    node_rows = [cost.node_rows(node) for node in nodes]
    prefix = [0.0]
    for rows in node_rows:
        prefix.append(prefix[-1] + rows)
    edges = Boundaries(nodes, graph)
    model_io = {id(v) for v in graph.inputs} | {id(v) for v in graph.outputs}

    def boundary(a: int, b: int) -> tuple[int, int, int]:
        values = [*edges.inputs(a, b), *edges.outputs(a, b)]
        public = sum(tensor_elements(v) for v in values if id(v) in model_io)
        linked = [v for v in values if id(v) not in model_io]
        return sum(tensor_elements(v) for v in linked), len(linked), public

    sizes = [sum(tensor_elements(v) for v in c) if c is not None else 0 for c in cuts]
    requested = {id(v) for v in graph.inputs}
    # `--slices N` asks for N circuits, one per slice: no slice is cut into tiles then.
    splitter = Splitter(nodes, cost, prefix, edges, requested) if slices is None else None

    def mixed(a: int, b: int) -> bool:
        read = {id(v) in requested for v in edges.inputs(a, b)}
        return len(read) > 1

    segments = Segments(cost, sizes, prefix, boundary, splitter, mixed)
    legal = [i for i in range(len(nodes) + 1) if cuts[i] is not None]
    return nodes, node_rows, edges, splitter, segments, legal


def plan_partition(
    model: ir.Model, cost: CircuitCost, max_logrows: int | None = None, slices: int | None = None
) -> PartitionPlan:
    """Choose cut points with one cost function; UserInputError when no partition fits."""
    n = len(list(model.graph))
    if n == 0:
        raise UserInputError("the model has no nodes to partition")
    if slices is not None and slices > n:
        raise UserInputError(f"--slices {slices}: the model has only {n} nodes")
    nodes, node_rows, edges, splitter, segments, legal = search_space(model, cost, slices)
    chosen = choose(segments, legal, max_logrows, slices)
    if chosen is None:
        raise _no_fit(nodes, node_rows, segments, legal, cost, max_logrows, slices)
    bounds, limit = chosen
    plans = []
    for index, (a, b) in enumerate(bounds):
        rows, k = segments.rows_and_logrows(a, b)
        split = splitter(a, b, limit) if k > limit and splitter is not None else None
        if split is not None:
            rows, k = split.rows, split.logrows
        inputs = [v.name or "" for v in edges.inputs(a, b)]
        outputs = [v.name or "" for v in edges.outputs(a, b)]
        plans.append(
            SlicePlan(
                index,
                a,
                b,
                [nodes[i].name or f"#{i}" for i in range(a, b)],
                inputs,
                outputs,
                int(rows),
                k,
                split.tiles if split is not None else None,
                prove_factor(cost, nodes[a:b]),
            )
        )
    return PartitionPlan(plans, cost.key)


def prove_factor(cost: CircuitCost, nodes: Sequence[ir.Node]) -> tuple[float, float]:
    """The target's (prove time, memory) factor for a circuit of these nodes, when it has
    forms that cost more per row (EZKL: Freivalds products); (1, 1) otherwise."""
    factor = getattr(cost, "prove_factor", None)
    return factor(list(nodes)) if callable(factor) else (1.0, 1.0)


def choose_plan(
    model: ir.Model, costs: Sequence[CircuitCost], max_logrows: int | None, slices: int | None
) -> PartitionPlan:
    """The plan to build: the whole model when no budget asks for slices (or it fits), else
    the cheapest partition over the target's cost functions (total 2^logrows; for uniform
    chains the count of circuits times 2^logrows). `model` must carry inferred shapes.
    """
    if slices is None and max_logrows is None:
        return whole_plan(model)
    plans, errors = [], []
    for order, cost in enumerate(costs):
        if max_logrows is not None and max_logrows < cost.min_logrows:
            continue
        try:
            plan = plan_partition(model, cost, max_logrows, slices)
        except UserInputError as exc:
            errors.append(exc)
            continue
        ks = [s.estimated_logrows or 0 for s in plan.slices]  # plan_partition estimates each
        counts = [
            (s.tiles.count if s.tiles is not None else 1) * s.prove_factor[0] for s in plan.slices
        ]
        if cost.uniform:
            work = sum(counts) * 2.0 ** max(ks)
        else:
            work = sum(c * 2.0**k for c, k in zip(counts, ks, strict=True))
        plans.append((work, order, plan))
    if not plans:
        if errors:
            raise errors[0]
        smallest = min(c.min_logrows for c in costs)
        raise UserInputError(
            f"--max-logrows {max_logrows}: below the smallest circuit this target builds "
            f"(logrows {smallest})"
        )
    plan = min(plans, key=lambda p: p[:2])[2]
    if not plan.sliced and slices is None:
        return whole_plan(model)
    return plan


def _no_fit(
    nodes: list[ir.Node],
    node_rows: list[float],
    segments: Segments,
    legal: list[int],
    cost: CircuitCost,
    max_logrows: int | None,
    slices: int | None,
) -> UserInputError:
    """The error for a budget no plan meets: the first node no circuit (or tiles of it) can
    hold, its estimated rows, and the smallest --max-logrows that would work."""
    what = f"{slices} slices" if slices else f"logrows {max_logrows}"
    limit = max_logrows or MAX_LOGROWS
    stuck = next(
        (
            i
            for i in range(len(nodes))
            if not any(segments.option(a, b, limit) for a in legal for b in legal if a <= i < b)
        ),
        max(range(len(nodes)), key=lambda i: node_rows[i]),
    )
    rows = cost.circuit_size(node_rows[stuck], 0, 0, 0, margin=False)[0]
    smallest = next(
        (
            k
            for k in range(limit + 1, MAX_LOGROWS + 1)
            if choose(segments, legal, k, slices) is not None
        ),
        None,
    )
    hint = (
        f"the smallest --max-logrows that fits is {smallest}"
        if smallest
        else f"no --max-logrows up to {MAX_LOGROWS} fits"
    )
    node = nodes[stuck]
    linked = sum(
        tensor_elements(v)
        for v in (*node.inputs, *node.outputs)
        if v is not None and v.const_value is None and not v.is_initializer()
    )
    return UserInputError(
        f"cannot partition within {what}: node '{node.name}' ({node.op_type}) needs ~{int(rows)} "
        f"rows and commits the {linked:,} elements it reads and writes, and neither fits nor "
        f"splits into tiles that fit; {hint}"
    )
