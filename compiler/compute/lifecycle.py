"""Every process zkc starts ends with its owner.

Worker processes (spawned, never forked: EZKL and onnxruntime hold threads) watch their parent:
when it is gone (killed outright, the OOM killer), the parent's death reparents them and they
exit within WATCH_SECONDS. A pool zkc closes is closed for good: its workers are terminated,
then killed if they linger, and waited for, so none is left sleeping on a queue that no one
will ever write to.
"""

import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

WATCH_SECONDS = 1.0  # how often a worker checks that its parent is alive
STOP_SECONDS = 5.0  # how long a terminated worker may take before it is killed


def watch_parent(parent: int) -> None:
    """In a worker: exit as soon as `parent`, the process that started it, is gone (a daemon
    thread polling the parent pid; a pool's initializer). The pid is the starter's own, passed
    in: a worker whose parent was killed while it was still importing finds itself already
    reparented and exits at once, where reading its parent here would adopt the new one."""
    if os.getppid() != parent:
        os._exit(0)

    def watch() -> None:
        while True:
            time.sleep(WATCH_SECONDS)
            if os.getppid() != parent:
                os._exit(0)  # the owner is gone: nobody will read what this worker makes

    threading.Thread(target=watch, name="zkc-parent-watch", daemon=True).start()


def process_pool(workers: int, max_tasks_per_child: int | None = None) -> ProcessPoolExecutor:
    """A spawn-context pool whose workers end with this process."""
    return ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=watch_parent,
        initargs=(os.getpid(),),
        max_tasks_per_child=max_tasks_per_child,
    )


def stop_pool(pool: ProcessPoolExecutor, grace: float = STOP_SECONDS) -> None:
    """Close a pool for good: cancel what has not started, terminate the workers, kill those
    still alive after `grace` seconds, and reap them all."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1.0)


def descendants(pid: int) -> list[int]:
    """The pids of a process's children, grandchildren, ... (Linux /proc)."""
    found: list[int] = []
    frontier = [pid]
    while frontier:
        current = frontier.pop()
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                children = [int(c) for c in task.read_text().split()]
            except OSError:  # the task ended while it was read
                continue
            found += children
            frontier += children
    return found


def alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
