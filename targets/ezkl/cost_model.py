"""Estimated EZKL rows for a set of graph nodes: a linear model over per-node work features.

Each node contributes `coefficient[feature] * amount` rows, where the feature is what drives
its layout in EZKL 23: multiply-accumulates for Conv/Gemm/MatMul, output elements for
element-wise ops and non-linearities, window taps for pools. A slice adds a fixed overhead
and the rows of hashing each committed tensor at its boundary; EZKL lays the Poseidon hashing out in its own chip,
so those rows bound the power of two beside the body's rows instead of adding to them. The coefficients
are fitted by `bench/cost_model.py` against EZKL's own row counts (`num_rows` from
gen_settings) and stored in `cost_coefficients.json` beside this module.
"""

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import onnx_ir as ir

from zkc.passes.conv_as_matmul import ConvShape, conv_shape

COEFFICIENTS_FILE = Path(__file__).with_name("cost_coefficients.json")
# What a circuit proving a matrix product with Freivalds' argument costs per 2^logrows against
# one without, in prove time and peak memory (bench/prove_cost.py).
PROVE_COST_FILE = Path(__file__).with_name("prove_cost.json")
MAC_OPS = {"Conv", "Gemm", "MatMul", "ConvTranspose"}
POOL_OPS = {"AveragePool", "MaxPool", "GlobalAveragePool", "GlobalMaxPool"}
FREE_OPS = {
    "Flatten",
    "Reshape",
    "Squeeze",
    "Unsqueeze",
    "Transpose",
    "Identity",
    "Constant",
    "Shape",
    "Gather",
    "Slice",
    "Concat",
    "Split",
    "Expand",
    "Pad",
}
# Rows EZKL reserves beyond the used ones (blinding factors), so 2^k must exceed rows + this.
RESERVED_ROWS = 6


def _size(value: ir.Value | None) -> int:
    if value is None or value.shape is None:
        return 0
    return math.prod(d if isinstance(d, int) else 1 for d in value.shape)


def _static(dim: int | ir.SymbolicDim) -> int:
    """A dimension the static_shapes pass made concrete; TypeError (as int() raises) if not."""
    if not isinstance(dim, int):
        raise TypeError(f"dimension {dim} is not static")
    return dim


def lowered_features(shape: ConvShape) -> list[tuple[str, int]]:
    """A convolution lowered to patches times its kernel matrix (ConvAsMatMulPass): EZKL's
    Freivalds layout of the product costs per element of the patch matrix and of the result."""
    outputs = shape.batch * shape.out_channels * shape.positions
    return [
        ("mm:patches", shape.batch * shape.patch_rows * shape.positions),
        ("mm:outputs", outputs),
    ]


def node_features(node: ir.Node, lowered: bool = False) -> list[tuple[str, int]]:
    """(feature, amount) pairs of one node's work: its main feature, and for ops whose result
    EZKL rescales (MACs, pools) the rescaled output elements. `lowered`: a Conv as
    ConvAsMatMulPass rewrites it (when it can)."""
    shape = conv_shape(node) if lowered else None
    if shape is not None:
        return lowered_features(shape)
    feature, amount = node_feature(node)
    if feature.startswith(("mac:", "pool:")):
        return [(feature, amount), ("rescale", _size(node.outputs[0]))]
    return [(feature, amount)]


def node_feature(node: ir.Node) -> tuple[str, int]:
    """(feature name, amount) of one node's main work."""
    op = node.op_type
    out = _size(node.outputs[0]) if node.outputs else 0
    if op in MAC_OPS:
        weight = node.inputs[1] if len(node.inputs) > 1 else None
        if op == "Conv" and weight is not None and weight.shape is not None:
            per_output = math.prod(_static(d) for d in weight.shape[1:])  # Cin/group * kh * kw
        elif weight is not None and weight.shape is not None and len(weight.shape) >= 2:
            transposed = (
                op == "Gemm"
                and node.attributes.get("transB") is not None
                and (node.attributes["transB"].value == 1)
            )
            per_output = _static(weight.shape[-1] if transposed else weight.shape[-2])
        else:
            per_output = 1
        return f"mac:{op}", out * per_output
    if op in POOL_OPS:
        kernel = node.attributes.get("kernel_shape")
        taps = (
            math.prod(kernel.value) if kernel is not None else _size(node.inputs[0]) // max(out, 1)
        )
        return f"pool:{op}", out * int(taps)
    if op in FREE_OPS:
        return "free", 0
    return f"elem:{op}", out


@dataclass(frozen=True)
class CostModel:
    """Fitted coefficients: rows per unit of each feature, a per-slice base, and link costs."""

    per_feature: dict[str, float]
    default_elementwise: float
    base_rows: float
    hash_rows_per_element: float
    hash_rows_per_tensor: float
    io_rows_per_element: float = 0.0
    lowering: bool = True  # convolutions lowered where cheaper (the target's `lowering` option)
    freivalds_prove_factor: float = 1.0  # a lowered circuit's prove time per 2^k, against 1
    freivalds_memory_factor: float = 1.0

    def feature_rows(self, feature: str, amount: int) -> float:
        """Rows for an amount of one feature (unknown element-wise ops: the median op's rate)."""
        if feature == "free":
            return 0.0
        if feature in self.per_feature:
            return self.per_feature[feature] * amount
        if feature.startswith("mac:"):
            rate = max(
                (v for k, v in self.per_feature.items() if k.startswith("mac:")), default=1.0
            )
            return rate * amount
        return self.default_elementwise * amount

    def node_rows(self, node: ir.Node) -> float:
        """Estimated rows of one node, as the target emits it (a Conv lowered when cheaper)."""
        shape = conv_shape(node)
        direct = sum(self.feature_rows(f, a) for f, a in node_features(node))
        if shape is None or not self.lowers(shape):
            return direct
        return sum(self.feature_rows(f, a) for f, a in lowered_features(shape))

    def lowers(self, shape: ConvShape) -> bool:
        """Whether a convolution of this shape proves faster as patches times its kernel
        matrix than as a Conv, by the measured coefficients: fewer rows, by more than the
        measured cost of a Freivalds circuit's rows (never, where they lack either)."""
        needed = ("mac:Conv", "mm:patches", "mm:outputs")
        if not self.lowering or not all(f in self.per_feature for f in needed):
            return False
        direct = self.per_feature["mac:Conv"] * shape.macs + self.feature_rows(
            "rescale", shape.batch * shape.out_channels * shape.positions
        )
        lowered = sum(self.feature_rows(f, a) for f, a in lowered_features(shape))
        return lowered * self.freivalds_prove_factor < direct

    def prove_factor(self, nodes: list[ir.Node]) -> tuple[float, float]:
        """(prove time, peak memory) of a circuit of these nodes per 2^logrows, against a
        circuit without a Freivalds product: the measured factors when a node is lowered."""
        for node in nodes:
            shape = conv_shape(node)
            if shape is not None and self.lowers(shape):
                return self.freivalds_prove_factor, self.freivalds_memory_factor
        return 1.0, 1.0

    def io_rows(self, elements: int) -> float:
        """Rows for a circuit's input and output elements (public or committed)."""
        return self.io_rows_per_element * elements

    def link_rows(self, elements: int, tensors: int) -> float:
        """Poseidon rows for hashing committed boundary tensors (0 when there are none)."""
        if tensors == 0:
            return 0.0
        return self.hash_rows_per_element * elements + self.hash_rows_per_tensor * tensors

    def rows(self, nodes: list[ir.Node], io_elements: int = 0) -> float:
        """Estimated rows of the circuit's body (EZKL's `num_rows`) for these nodes."""
        return self.base_rows + sum(self.node_rows(n) for n in nodes) + self.io_rows(io_elements)

    @staticmethod
    def logrows(rows: float, decomp_base: int, hash_rows: float = 0.0) -> int:
        """The power of two EZKL picks: above the body's and the hash chip's rows (plus the
        reserved ones), and above the range-check table of the decomposition base."""
        floor = int(math.log2(decomp_base)) + 1
        return max(floor, math.ceil(math.log2(max(rows, hash_rows) + RESERVED_ROWS + 1)))

    def to_json(self) -> dict:
        return {
            "per_feature": self.per_feature,
            "default_elementwise": self.default_elementwise,
            "base_rows": self.base_rows,
            "hash_rows_per_element": self.hash_rows_per_element,
            "hash_rows_per_tensor": self.hash_rows_per_tensor,
            "io_rows_per_element": self.io_rows_per_element,
        }


def decomposition_key(decomp_base: int, decomp_legs: int) -> str:
    return f"{decomp_base}^{decomp_legs}"


@lru_cache(maxsize=8)
def default_cost_model(decomp_base: int = 16384, decomp_legs: int = 2) -> CostModel:
    """The cost model fitted for EZKL 23.0.5 at this decomposition (see bench/cost_model.py);
    the nearest fitted decomposition when this one was not fitted."""
    models = json.loads(COEFFICIENTS_FILE.read_text())["models"]
    key = decomposition_key(decomp_base, decomp_legs)
    if key not in models:
        key = min(
            models, key=lambda k: abs(math.log2(int(k.split("^")[0])) - math.log2(decomp_base))
        )
    factors = json.loads(PROVE_COST_FILE.read_text())
    return CostModel(
        **models[key],
        freivalds_prove_factor=factors["freivalds_prove_factor"],
        freivalds_memory_factor=factors["freivalds_memory_factor"],
    )
