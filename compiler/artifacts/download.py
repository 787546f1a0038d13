"""Digest-checked transfers, used by the registry client and by cluster workers alike.

Content-addressed files move as blobs named by their sha256: whatever arrives is streamed
through the hash and kept (by an atomic rename) only if it is exactly the expected bytes.
A job that ships files to workers carries `BlobSource`s (URL, digest, size) instead of paths;
who builds them (the registry the artifact was published to) is the caller's choice.
"""

import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import requests

from zkc.compiler.errors import ArtifactError, ToolError

CHUNK = 1 << 20
# An OCI registry serves every blob at http(s)://HOST:PORT/v2/REPO/blobs/sha256:<hex>.
_BLOB_URL = re.compile(r"^https?://[^/]+/v2/.+/blobs/(sha256:[0-9a-f]{64})$")
USER_ENV, PASSWORD_ENV = "ZKC_REGISTRY_USER", "ZKC_REGISTRY_PASSWORD"


@dataclass(frozen=True)
class BlobSource:
    """One file as a worker fetches it: URL, digest (sha256:<hex>) and size."""

    url: str
    digest: str
    size: int


@dataclass(frozen=True)
class ShippedFiles:
    """How cluster workers get an artifact's files without a shared filesystem: blob sources
    by artifact path, and the SRS directory and blob cache on the workers (`~` expands there)."""

    sources: dict[str, BlobSource]
    srs_dir: str
    cache_dir: str


def env_auth() -> tuple[str, str] | None:
    """Basic-auth credentials in this process's environment ($ZKC_REGISTRY_USER and
    $ZKC_REGISTRY_PASSWORD), if any: each worker uses its own; none travel in a job."""
    user = os.environ.get(USER_ENV)
    return (user, os.environ.get(PASSWORD_ENV, "")) if user else None


def copy_verified(source: Iterable[bytes], dest: Path, digest: str, size: int, what: str) -> None:
    """Stream bytes (an iterable of chunks) to `dest` via a temp file; ArtifactError unless
    exactly `size` bytes with this sha256 arrived (nothing is left behind on failure)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    hasher, count = hashlib.sha256(), 0
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in source:
                hasher.update(chunk)
                count += len(chunk)
                out.write(chunk)
        if count != size:
            raise ArtifactError(
                f"{what}: {count} bytes arrived, {size} expected (truncated download)"
            )
        if f"sha256:{hasher.hexdigest()}" != digest:
            raise ArtifactError(
                f"{what}: content does not match its digest {digest[:19]}… (tampered or corrupted)"
            )
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def digest_of(url: str) -> str | None:
    """The sha256 digest a registry blob URL names, or None for other URLs."""
    match = _BLOB_URL.match(url)
    return match.group(1) if match else None


def download_checked(
    url: str,
    dest: Path,
    digest: str,
    size: int | None = None,
    auth: tuple[str, str] | None = None,
) -> None:
    """Download `url` to `dest` atomically, refusing bytes whose sha256 is not `digest`.

    A registry blob URL must also name `digest`: a URL naming another blob is refused before
    any byte moves. `auth`: basic-auth (user, password) for a registry that needs it.
    """
    named = digest_of(url)
    if named is not None and named != digest:
        raise ArtifactError(f"{url}: names blob {named[:19]}…, but {digest[:19]}… is expected")
    try:
        with requests.get(url, stream=True, timeout=(10, 120), auth=auth) as response:
            if response.status_code in (401, 403):
                raise ToolError(
                    f"{url}: access denied (HTTP {response.status_code}); "
                    + ("check the user and password" if auth else "the registry needs credentials")
                )
            if response.status_code != 200:
                raise ToolError(f"{url}: download failed (HTTP {response.status_code})")
            expected = size if size is not None else int(response.headers.get("Content-Length", -1))
            copy_verified(response.iter_content(CHUNK), dest, digest, expected, url)
    except requests.RequestException as exc:
        raise ToolError(f"{url}: download failed ({type(exc).__name__}); nothing was kept") from exc
