"""Pass instruments: cross-cutting hooks run before and after every pass of a pipeline."""

import time
from pathlib import Path

import numpy as np
import onnx_ir as ir

from zkc.compiler.data.reference import ReferenceRunner
from zkc.compiler.errors import ToolError
from zkc.compiler.pipeline.base import ZkcPass


class Instrument:
    """Base instrument: `before(pass_, model)` and `after(pass_, model, result)` do nothing."""

    def before(self, pass_: ZkcPass, model: ir.Model) -> None:
        """Called before a pass runs."""

    def after(self, pass_: ZkcPass, model: ir.Model, result: ir.passes.PassResult) -> None:
        """Called after a pass ran, with its result."""


class TimingInstrument(Instrument):
    """Records wall seconds per pass, in run order."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._start = 0.0

    def before(self, pass_: ZkcPass, model: ir.Model) -> None:
        self._start = time.perf_counter()

    def after(self, pass_: ZkcPass, model: ir.Model, result: ir.passes.PassResult) -> None:
        self.seconds.append(time.perf_counter() - self._start)


class IRDumpInstrument(Instrument):
    """Writes the IR as text after each pass: `DIR/003_fold_batchnorm.onnx.txt`."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.index = 0

    def before(self, pass_: ZkcPass, model: ir.Model) -> None:
        if self.index == 0:
            (self.directory / "000_input.onnx.txt").write_text(str(model))

    def after(self, pass_: ZkcPass, model: ir.Model, result: ir.passes.PassResult) -> None:
        self.index += 1
        name = f"{self.index:03d}_{pass_.pass_name}.onnx.txt"
        (self.directory / name).write_text(str(result.model))


class PassEquivalenceError(ToolError):
    """A pass changed the model's outputs beyond tolerance (a miscompile)."""


class EquivalenceInstrument(Instrument):
    """Checks, with onnxruntime, that a pass that modified the model kept its outputs.

    Reference outputs come from the model before the first pass on the given samples
    (each already shaped like the model's input).
    """

    def __init__(
        self,
        samples: list[dict[str, np.ndarray]],
        rtol: float = 1e-4,
        atol: float = 1e-4,
        source: str = "the source model",
    ) -> None:
        self.samples, self.source = samples, source
        self.rtol = rtol
        self.atol = atol
        self.reference: list[list[np.ndarray]] | None = None
        self.checked: list[str] = []

    def _outputs(self, model: ir.Model, source: str) -> list[list[np.ndarray]]:
        runner = ReferenceRunner(model, source)
        return [list(runner.run(sample).values()) for sample in self.samples]

    def before(self, pass_: ZkcPass, model: ir.Model) -> None:
        if self.reference is None:
            self.reference = self._outputs(model, self.source)

    def after(self, pass_: ZkcPass, model: ir.Model, result: ir.passes.PassResult) -> None:
        if not result.modified:
            return
        if self.reference is None:
            raise ToolError(f"no reference outputs before pass '{pass_.pass_name}'")
        got = self._outputs(
            result.model,
            f"the model after pass '{pass_.pass_name}' (rerun with --disable-pass "
            f"{pass_.pass_name})",
        )
        for ref_outs, new_outs in zip(self.reference, got, strict=True):
            for ref, new in zip(ref_outs, new_outs, strict=True):
                if ref.shape != new.shape and ref.size == new.size:
                    new = new.reshape(ref.shape)
                same = ref.shape == new.shape and np.allclose(
                    ref, new, self.rtol, self.atol, equal_nan=True
                )  # NaN where the source model gives NaN (e.g. log of a negative) is kept
                if not same:
                    diff = float(np.max(np.abs(ref - new))) if ref.shape == new.shape else "shape"
                    raise PassEquivalenceError(
                        f"pass '{pass_.pass_name}' changed the model's outputs (max diff {diff}); "
                        f"rerun with --disable-pass {pass_.pass_name} to bisect"
                    )
        self.checked.append(pass_.pass_name)
