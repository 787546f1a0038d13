"""Calling EZKL's Python bindings: coroutine results, and its Rust-side printing kept off the terminal."""

import asyncio
import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from zkc.compiler.artifacts.room import disk_full, is_disk_full
from zkc.compiler.errors import ToolError

# EZKL logs every failed calibration attempt through Python logging at ERROR level; without
# this, Python's last-resort handler would print them to a user's terminal.
_ezkl_log = logging.getLogger("ezkl")
_ezkl_log.addHandler(logging.NullHandler())
_ezkl_log.propagate = False


def resolve(result):
    """EZKL returns a coroutine from some calls (gen_witness, calibrate_settings): run it."""
    if asyncio.iscoroutine(result):
        return asyncio.run(result)
    return result


@contextlib.contextmanager
def captured_native_output() -> Iterator[list[str]]:
    """Redirect fds 1 and 2 (where EZKL's Rust code prints) into a buffer while the block runs.

    Yields a list that receives the captured text when the block ends.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    box: list[str] = []
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 1)
        os.dup2(sink.fileno(), 2)
        try:
            yield box
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            sink.seek(0)
            box.append(sink.read().decode(errors="replace"))


def call_ezkl(step: str, fn, *args, **kwargs):
    """Run one EZKL call quietly; turn its failures into a ToolError naming the step."""
    try:
        with captured_native_output() as log:
            result = resolve(fn(*args, **kwargs))
    except Exception as exc:
        if is_disk_full(exc):
            raise disk_full(exc, _paths(args)) from exc
        raise ToolError(f"EZKL {step} failed: {_first_line(exc)}") from exc
    except BaseException as exc:  # a Rust panic arrives as pyo3's PanicException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise ToolError(f"EZKL {step} failed (it panicked): {_first_line(exc)}") from exc
    if result is False:
        tail = "; ".join(line for line in log[0].splitlines()[-3:] if line.strip())
        raise ToolError(f"EZKL {step} failed{': ' + tail if tail else ''}")
    return result


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _paths(args: tuple[object, ...]) -> str | None:
    """The files an EZKL call was handed (what a full disk stopped it writing)."""
    named = [str(a) for a in args if isinstance(a, str | Path) and "/" in str(a)]
    return ", ".join(named) or None
