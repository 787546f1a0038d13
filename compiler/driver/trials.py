"""Ops tried on the user's own model: what the target's table does not vouch for is compiled
anyway, and the reference check on this model decides. A failure then names the op, its node
and what went wrong on this model."""

from collections.abc import Iterator
from contextlib import contextmanager

from zkc.compiler.data.reference_check import OpTrial
from zkc.compiler.errors import ReferenceMismatchError, UnsupportedOpError, ZkcError
from zkc.compiler.progress import Reporter


def announce_trials(trials: list[OpTrial], reporter: Reporter) -> None:
    """One line per op tried, before the long part of the build."""
    for trial in trials:
        reporter.info(
            f"trying {trial.op} ({_nodes(trial)}) on this model: {trial.why}; the reference "
            "check against onnxruntime decides"
        )


@contextmanager
def trying(trials: list[OpTrial], source: str) -> Iterator[None]:
    """Inside: the build of a model with tried ops. A target failure becomes the refusal of the
    first tried op, measured on this model; a reference mismatch names the ops tried."""
    try:
        yield
    except ReferenceMismatchError as exc:
        if not trials:
            raise
        tried = ", ".join(f"{t.op} ({_nodes(t)}: {t.why})" for t in trials)
        raise ReferenceMismatchError(f"{exc}; ops tried on this model: {tried}") from exc
    except ZkcError as exc:
        if not trials or isinstance(exc, UnsupportedOpError):
            raise
        first = trials[0]
        raise UnsupportedOpError(
            source,
            first.nodes[0],
            first.op,
            f"tried on this model ({first.why}) and the target failed: {exc}",
        ) from exc


def _nodes(trial: OpTrial) -> str:
    shown = ", ".join(f"'{n}'" for n in trial.nodes[:3])
    more = f" and {len(trial.nodes) - 3} more" if len(trial.nodes) > 3 else ""
    return f"node{'s' if len(trial.nodes) > 1 else ''} {shown}{more}"
