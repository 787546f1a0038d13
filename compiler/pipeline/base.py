"""What every zkc pass declares on top of onnx-ir's pass classes."""

from typing import ClassVar

import onnx_ir as ir

from zkc.compiler.ir.input_shapes import PassOptions as PassOptions  # defined with the shapes


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
