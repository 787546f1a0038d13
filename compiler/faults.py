"""Named points where a chaos test may kill zkc outright (bench/faults.py, tests): with
ZKC_KILL_AT=<point> in the environment, the process SIGKILLs itself on reaching that point,
as the OOM killer or a supervisor would. Without it, a checkpoint does nothing."""

import os
import signal

KILL_AT = "ZKC_KILL_AT"
POINTS = ("calibrated", "set-up", "measured", "renaming", "cached")


def checkpoint(point: str) -> None:
    """Die here if the environment asks for it (a chaos test), else nothing."""
    if os.environ.get(KILL_AT) == point:
        os.kill(os.getpid(), signal.SIGKILL)
