"""The EZKL target's cost functions for the planner (zkc.compiler.planning.search.CircuitCost).

A circuit's size is the row cost model's estimate (zkc.targets.ezkl.cost_model) of its nodes,
its public or committed elements and, for `hashed` links, the Poseidon chip beside the body.
Each decomposition is one way of building: the default decomposition's range-check table puts
a floor of logrows 15 under every circuit, so the smaller one (1024^3) is offered too and the
planner keeps the cheaper plan.
"""

import dataclasses
import math
from dataclasses import dataclass

import onnx_ir as ir

from zkc.compiler.config import CompileConfig
from zkc.compiler.planning.search import CircuitCost
from zkc.targets.ezkl.config import EzklConfig
from zkc.targets.ezkl.cost_model import CostModel, decomposition_key, default_cost_model

# Circuits are planned 5% above the estimate: the cost model's mean error on the zoo is ~5%
# (bench/results/cost_model.md), and a circuit over budget fails at calibration.
PLAN_MARGIN = 1.05
SMALL_DECOMPOSITION = (1024, 3)  # range-check table 2^10: circuits may go down to logrows 11


@dataclass(frozen=True)
class EzklCircuitCost:
    """Circuit sizes under one decomposition; `uniform`: polycommit links (one logrows for all)."""

    model: CostModel
    decomp_base: int
    decomp_legs: int
    uniform: bool
    margin: float = PLAN_MARGIN

    @property
    def key(self) -> str:
        return decomposition_key(self.decomp_base, self.decomp_legs)

    @property
    def min_logrows(self) -> int:
        return int(math.log2(self.decomp_base)) + 1

    def node_rows(self, node: ir.Node) -> float:
        return self.model.node_rows(node)

    def prove_factor(self, nodes: list[ir.Node]) -> tuple[float, float]:
        """A circuit's prove time and memory per 2^logrows against a plain one's."""
        return self.model.prove_factor(nodes)

    def circuit_size(
        self,
        body_rows: float,
        link_elements: int,
        link_tensors: int,
        end_elements: int,
        margin: bool = True,
    ) -> tuple[float, int]:
        rows = self.model.base_rows + body_rows + self.model.io_rows(link_elements + end_elements)
        hashing = self.model.link_rows(link_elements, link_tensors)
        scale = self.margin if margin else 1.0
        # EZKL lays the Poseidon chip beside the body: the circuit needs the larger of the two.
        logrows = CostModel.logrows(rows * scale, self.decomp_base, hashing * scale)
        return max(rows, hashing), logrows


def circuit_costs(compile_config: CompileConfig) -> list[CircuitCost]:
    """The config's decomposition, and the small one when the config's is larger."""
    config = EzklConfig.of(compile_config)
    candidates = [(config.decomp_base, config.decomp_legs)]
    if config.decomp_base > SMALL_DECOMPOSITION[0]:
        candidates.append(SMALL_DECOMPOSITION)
    costs: list[CircuitCost] = []
    for base, legs in candidates:
        model = default_cost_model(base, legs)
        model = dataclasses.replace(model, lowering=config.lowering == "measured")
        if config.link != "hashed":  # no Poseidon chip: commitments cost no rows
            model = dataclasses.replace(model, hash_rows_per_element=0.0, hash_rows_per_tensor=0.0)
        costs.append(EzklCircuitCost(model, base, legs, uniform=config.link == "polycommit"))
    return costs


def decomposition(cost_key: str | None, config: EzklConfig) -> tuple[int, int]:
    """(base, legs) of a planned way of building (`16384^2`), or the config's."""
    if cost_key is None:
        return config.decomp_base, config.decomp_legs
    base, legs = cost_key.split("^")
    return int(base), int(legs)
