"""Stopping `zkc serve` the way a supervisor does (SIGTERM or SIGINT from systemd, Docker, ^C):
the server stops taking proof requests (503 with Retry-After), lets the proofs in flight finish
within a grace period, then stops its provers and exits. A second signal stops it at once.
Killed outright (SIGKILL, the OOM killer), its provers notice and exit on their own
(zkc.compiler.compute.lifecycle)."""

import threading
import time
from dataclasses import dataclass, field
from types import FrameType

import uvicorn

DEFAULT_GRACE = 30.0  # seconds the proofs in flight get to finish after a stop signal
RETRY_AFTER = 5  # what a refused caller is told to wait (another server takes over)


@dataclass
class Drain:
    """Whether the server is stopping, and the count of proofs it waits for."""

    grace: float = DEFAULT_GRACE
    in_flight: int = 0
    since: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def active(self) -> bool:
        return self.since is not None

    def start(self) -> None:
        with self._lock:
            if self.since is None:
                self.since = time.monotonic()

    def settled(self) -> bool:
        """Nothing in flight any more, or the grace period is over."""
        if self.since is None:
            return False
        return self.in_flight <= 0 or time.monotonic() - self.since >= self.grace


class DrainingServer(uvicorn.Server):
    """uvicorn's server, draining on the first stop signal instead of closing at once."""

    def __init__(self, config: uvicorn.Config, drain: Drain):
        super().__init__(config)
        self.drain = drain

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self.drain.active:  # a second signal: stop now
            super().handle_exit(sig, frame)
            return
        self.drain.start()
        threading.Thread(target=self._exit_when_settled, name="zkc-drain", daemon=True).start()

    def _exit_when_settled(self) -> None:
        while not self.drain.settled():
            time.sleep(0.1)
        self.should_exit = True
