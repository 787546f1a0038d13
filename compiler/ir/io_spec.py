"""The graph's inputs and outputs as static names and shapes (what data files are checked against)."""

import onnx_ir as ir
from pydantic import BaseModel


class TensorSpec(BaseModel):
    """One graph input or output: name, static shape and element type."""

    name: str
    shape: list[int]
    dtype: str

    @property
    def size(self) -> int:
        """Number of elements."""
        total = 1
        for dim in self.shape:
            total *= dim
        return total


class IOSpec(BaseModel):
    """The inputs and outputs of a model, in graph order."""

    inputs: list[TensorSpec]
    outputs: list[TensorSpec]

    def input_shapes(self) -> dict[str, tuple[int, ...]]:
        """Input shapes by name."""
        return {t.name: tuple(t.shape) for t in self.inputs}


def _spec(value: ir.Value) -> TensorSpec:
    dims = list(value.shape) if value.shape is not None else []
    static = [d for d in dims if isinstance(d, int)]
    if len(static) != len(dims):
        raise ValueError(f"tensor '{value.name}' has a dynamic shape {dims}")
    dtype = value.dtype.name.lower() if value.dtype is not None else "float"
    return TensorSpec(name=value.name, shape=static, dtype=dtype)


def io_spec(model: ir.Model) -> IOSpec:
    """Read the static input/output spec of a model whose shapes are pinned."""
    initializers = set(model.graph.initializers)
    inputs = [_spec(v) for v in model.graph.inputs if v.name not in initializers]
    return IOSpec(inputs=inputs, outputs=[_spec(v) for v in model.graph.outputs])
