"""The static shape each graph input is pinned to (what StaticShapesPass does, and what data
files are checked against before any pass runs)."""

from dataclasses import dataclass, field

import onnx_ir as ir

from zkc.compiler.errors import UserInputError


@dataclass(frozen=True)
class PassOptions:
    """Options passes read from the compile configuration (the shapes inputs are pinned to)."""

    batch_size: int = 1
    input_shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)


def pinned_input_shapes(model: ir.Model, options: PassOptions) -> dict[str, tuple[int, ...]]:
    """The static shape each graph input gets: user-given, or batch dim -> batch_size.

    Raises UserInputError naming the input and dimension when a non-batch dimension is
    symbolic and the user gave no shape for it.
    """
    initializers = set(model.graph.initializers)
    shapes: dict[str, tuple[int, ...]] = {}
    for value in model.graph.inputs:
        if value.name in initializers:
            continue
        if value.name in options.input_shapes:
            shapes[value.name] = tuple(options.input_shapes[value.name])
            continue
        if value.shape is None:
            raise UserInputError(
                f"input '{value.name}' has no shape; give one with --input-shape {value.name}=D0,D1,..."
            )
        dims = []
        for axis, dim in enumerate(value.shape):
            if isinstance(dim, int):
                dims.append(dim)
            elif axis == 0:
                dims.append(options.batch_size)
            else:
                raise UserInputError(
                    f"input '{value.name}' has dynamic dimension '{dim}' at axis {axis} that "
                    f"cannot be pinned; give a shape with --input-shape {value.name}=D0,D1,..."
                )
        shapes[value.name or ""] = tuple(dims)
    unknown = set(options.input_shapes) - set(shapes)
    if unknown:
        raise UserInputError(f"--input-shape names no graph input '{sorted(unknown)[0]}'")
    return shapes
