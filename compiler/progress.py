"""Progress reporting hooks the library calls and the CLI renders (rich); silent by default."""

import contextlib
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")


class Reporter:
    """Silent reporter: steps and loops run without output."""

    @contextlib.contextmanager
    def step(self, label: str) -> Iterator[None]:
        """Wrap one long step (calibration, setup, proving)."""
        yield

    def track(self, items: Iterable[T], total: int, label: str) -> Iterable[T]:
        """Wrap a loop over `total` items."""
        return items

    def info(self, message: str) -> None:
        """A one-line note for the user (e.g. a cache hit)."""
