"""The one runner that executes a pipeline of passes with instruments (a target names its
pipelines: e.g. zkc.targets.ezkl.pipelines)."""

from collections.abc import Sequence

import onnx_ir as ir
from pydantic import BaseModel

from zkc.compiler.errors import UserInputError, ZkcError
from zkc.compiler.ir.model_io import model_digest
from zkc.compiler.pipeline.base import PassOptions, ZkcPass
from zkc.compiler.pipeline.instruments import Instrument, TimingInstrument


class PassRecord(BaseModel):
    """One line of the pass log. `seconds` is kept out of hashed content."""

    name: str
    version: int
    modified: bool
    digest: str
    seconds: float = 0.0


def run_pipeline(
    model: ir.Model,
    passes: Sequence[ZkcPass],
    instruments: Sequence[Instrument] = (),
) -> tuple[ir.Model, list[PassRecord]]:
    """Run passes in order with instruments around each; return the model and the pass log."""
    timing = TimingInstrument()
    hooks = [timing, *instruments]
    log: list[PassRecord] = []
    for pass_ in passes:
        # Timing wraps the pass alone: it starts last and stops first.
        for hook in reversed(hooks):
            hook.before(pass_, model)
        result = _run_pass(pass_, model)
        for hook in hooks:
            hook.after(pass_, model, result)
        model = result.model
        log.append(
            PassRecord(
                name=pass_.pass_name,
                version=pass_.version,
                modified=result.modified,
                digest=model_digest(model),
                seconds=round(timing.seconds[-1], 4),
            )
        )
    return model, log


def _run_pass(pass_: ZkcPass, model: ir.Model) -> ir.passes.PassResult:
    """One pass; a pass that breaks on a model (an exception of its own, a failed pre- or
    post-condition) is one line naming it, not a traceback. zkc's own errors pass through."""
    try:
        return pass_(model)
    except ZkcError:
        raise
    except Exception as exc:  # any failure inside a pass, including onnx_ir's condition checks
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise UserInputError(
            f"pass '{pass_.pass_name}' failed on this model ({type(exc).__name__}: "
            f"{reason[:300]}); rerun with --disable-pass {pass_.pass_name}"
        ) from exc


def instantiate(pass_classes: Sequence[type[ZkcPass]], options: PassOptions) -> list[ZkcPass]:
    """Construct passes with shared options."""
    return [cls(options) for cls in pass_classes]
