"""Admission control for `zkc serve`: a bounded queue in front of the provers, and an answer
at once (503 with Retry-After) for a request that could not be proved before its deadline,
instead of a late one; a request whose deadline passes while it waits is dropped unproved.

The expected wait of a new request is the rounds of proving ahead of it (requests in flight
over the workers, plus its own) times the circuit's measured prove seconds (a moving average;
unknown until a first proof, when nothing is refused for time).
"""

import asyncio
import math
import time
from dataclasses import dataclass, field

SMOOTHING = 0.3  # weight of the newest prove time in the moving average


class Refused(Exception):
    """A request turned away: HTTP status, reason, and seconds to wait before retrying."""

    def __init__(self, status: int, reason: str, retry_after: float):
        super().__init__(reason)
        self.status, self.reason, self.retry_after = status, reason, max(1, math.ceil(retry_after))


@dataclass
class Admission:
    """In-flight requests (queued and proving) over `workers` provers, at most `max_queue`
    waiting; prove-time estimates per circuit."""

    workers: int
    max_queue: int
    in_flight: int = 0
    proving: int = 0
    estimates: dict[str, float] = field(default_factory=dict)
    _slots: asyncio.Semaphore | None = None

    def slots(self) -> asyncio.Semaphore:
        if self._slots is None:  # created in the server's event loop
            self._slots = asyncio.Semaphore(self.workers)
        return self._slots

    @property
    def queued(self) -> int:
        return self.in_flight - self.proving

    def expected_wait(self, circuit_id: str) -> float | None:
        """Seconds until a new request for this circuit would be proved, if known."""
        seconds = self.estimates.get(circuit_id)
        if seconds is None:
            return None
        return (self.in_flight // self.workers + 1) * seconds

    def admit(self, circuit_id: str, deadline: float) -> None:
        """Refused (503) when the queue is full or the request could not finish in time."""
        if self.queued >= self.max_queue and self.in_flight >= self.workers:
            retry_after = self.expected_wait(circuit_id) or 1.0
            raise Refused(503, f"the prover queue is full ({self.queued} waiting)", retry_after)
        wait = self.expected_wait(circuit_id)
        left = deadline - time.monotonic()
        if wait is not None and wait > left:
            raise Refused(
                503,
                f"expected wait {wait:.1f} s exceeds the request's deadline "
                f"({max(left, 0):.1f} s left)",
                wait - left,
            )

    async def wait_turn(self, circuit_id: str, deadline: float) -> None:
        """Wait for a free prover; Refused (503) if the deadline passes first (not proved)."""
        left = deadline - time.monotonic() - (self.estimates.get(circuit_id) or 0.0)
        try:
            await asyncio.wait_for(self.slots().acquire(), timeout=max(left, 0.001))
        except TimeoutError:
            raise Refused(
                503,
                "the request's deadline passed while it was queued; not proved",
                self.expected_wait(circuit_id) or 1.0,
            ) from None
        self.proving += 1

    def done(self, circuit_id: str, seconds: float | None) -> None:
        """A proof finished (seconds) or failed (None): free its prover."""
        self.proving -= 1
        self.slots().release()
        if seconds is not None:
            old = self.estimates.get(circuit_id)
            self.estimates[circuit_id] = (
                seconds if old is None else (1 - SMOOTHING) * old + SMOOTHING * seconds
            )
