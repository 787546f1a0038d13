"""Terminal output: a rich progress reporter, JSON printing and one-line messages."""

import contextlib
import json
import sys
import time

import numpy as np
from rich.console import Console
from rich.progress import track

from zkc.compiler.progress import Reporter

err_console = Console(stderr=True, highlight=False)


class RichReporter(Reporter):
    """Shows long steps with a spinner (or a plain line when not on a terminal) on stderr."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet

    @contextlib.contextmanager
    def step(self, label: str):
        if self.quiet:
            yield
            return
        start = time.perf_counter()
        if err_console.is_terminal:
            with err_console.status(label):
                yield
        else:
            err_console.print(f"{label} ...")
            yield
        err_console.print(f"  {label}: done in {time.perf_counter() - start:.1f}s")

    def track(self, items, total, label):
        if self.quiet or not err_console.is_terminal:
            return items
        return track(items, total=total, description=label, console=err_console, transient=True)

    def info(self, message: str) -> None:
        if not self.quiet:
            err_console.print(message)


def print_json(obj) -> None:
    """Print machine output on stdout."""
    sys.stdout.write(json.dumps(obj, indent=2, sort_keys=True, default=_default) + "\n")


def _default(obj):
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def format_outputs(outputs: dict[str, np.ndarray]) -> str:
    """Human-readable outputs: name, shape, values (rounded), argmax for score vectors."""
    lines = []
    for name, value in outputs.items():
        arr = np.asarray(value)
        flat = ", ".join(f"{v:.4f}" for v in arr.reshape(-1)[:16])
        more = " ..." if arr.size > 16 else ""
        lines.append(f"{name} {tuple(arr.shape)}: [{flat}{more}]  argmax={int(arr.argmax())}")
    return "\n".join(lines)


def quantization_line(q, sliced: bool) -> str:
    """How the scales were chosen, for compile's summary and inspect."""
    budget = " and ".join(
        ([f"max |error| <= {q.budget['max_error']:.3g}"] if "max_error" in (q.budget or {}) else [])
        + ([f"top-1 >= {q.budget['min_top1']:.2%}"] if "min_top1" in (q.budget or {}) else [])
    )
    tried = f"{len(q.candidates)} points tried"
    if q.method == "zkc-search-default":
        ezkl = q.candidates[0]
        return (
            f"quantization: zkc search at EZKL calibration's fidelity ({budget}): scale "
            f"{q.chosen.scale}, decomposition {q.chosen.decomp_base}^{q.chosen.decomp_legs}, "
            f"logrows {q.chosen.logrows} instead of EZKL's {ezkl.logrows}, {tried}"
        )
    if q.method.startswith("zkc-search"):
        shared = " shared by every slice" if sliced else ""
        return (
            f"quantization: zkc search for {budget}: scale {q.chosen.scale}{shared}, "
            f"decomposition {q.chosen.decomp_base}^{q.chosen.decomp_legs}, {tried}"
        )
    if q.method.startswith("ezkl-calibrate") and q.candidates:
        return (
            f"quantization: {q.method} (zkc's search found no fewer logrows at its "
            f"fidelity; {tried})"
        )
    return f"quantization: {q.method}" + (f" {q.scale}" if q.scale is not None else "")
