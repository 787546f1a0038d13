"""Room on disk: checked before a step that writes much (a proving key is hundreds of MB), and a
full disk met anyway is one line naming the path, never a traceback."""

import contextlib
import errno
import shutil
from collections.abc import Iterator
from pathlib import Path

from zkc.compiler.errors import NoSpaceError

MB = 1 << 20


def ensure_room(directory: Path, needed: int, what: str) -> None:
    """NoSpaceError unless `directory`'s file system has `needed` bytes free."""
    free = shutil.disk_usage(directory).free
    if free < needed:
        raise NoSpaceError(
            f"{directory}: not enough room for {what}: ~{needed / MB:,.0f} MB needed, "
            f"{free / MB:,.0f} MB free"
        )


def is_disk_full(exc: BaseException) -> bool:
    """A full disk (or quota), as an OSError or as a tool's message about one."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc)
    return "No space left on device" in text or "os error 28" in text


def disk_full(exc: BaseException, where: Path | str | None = None) -> NoSpaceError:
    """The one line for a full disk met while writing."""
    path = getattr(exc, "filename", None) or where or "the disk"
    return NoSpaceError(f"{path}: no space left on device ({type(exc).__name__}: {exc})")


@contextlib.contextmanager
def naming_full_disk(where: Path) -> Iterator[None]:
    """Inside: writes under `where`; a full disk met there (an OSError that names no file)
    becomes the one line naming `where`."""
    try:
        yield
    except OSError as exc:
        if is_disk_full(exc):
            raise disk_full(exc, where) from exc
        raise
