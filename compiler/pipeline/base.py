"""What every zkc pass declares on top of onnx-ir's pass classes."""

from dataclasses import dataclass, field
from typing import ClassVar

import onnx_ir as ir


@dataclass(frozen=True)
class PassOptions:
    """Options passes read from the compile configuration."""

    batch_size: int = 1
    input_shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)


class ZkcPass(ir.passes.PassBase):
    """Mixin of class attributes every pass in `zkc.passes` defines.

    `pass_name` shows up in logs and IR dumps; `version` is bumped on any behaviour change
    and is part of every artifact key. `adds_inputs`: graph inputs the pass adds (name ->
    shape) that no data file can hold; the compiler feeds them uniform [0, 1) values.
    """

    pass_name: ClassVar[str]
    version: ClassVar[int]
    adds_inputs: ClassVar[dict[str, tuple[int, ...]]] = {}

    def __init__(self, options: PassOptions | None = None):
        self.options = options or PassOptions()
