"""Registry blob URLs as download locations: the URL names the digest, so a download is checked.

An OCI registry serves every blob at `http(s)://HOST:PORT/v2/REPO/blobs/sha256:<hex>`. A subnet
package whose `external_files["pk.key"]` is such a URL lets a miner check what it downloaded
against the digest in the URL itself (and against the package's lock).
"""

import re
from pathlib import Path

import requests

from zkc.compiler.errors import ArtifactError, ToolError, UserInputError
from zkc.targets.registry.backends import CHUNK, RegistryBackend, copy_verified
from zkc.targets.registry.reference import ArtifactRef

_BLOB_URL = re.compile(r"^https?://[^/]+/v2/.+/blobs/(sha256:[0-9a-f]{64})$")
LOOPBACK = ("127.0.0.1", "localhost", "[::1]")


def blob_url(ref: ArtifactRef, digest: str) -> str:
    """The URL a registry serves this blob at (plain HTTP only on loopback)."""
    if ref.scheme != "oci":
        raise UserInputError(f"{ref}: blob URLs need an oci:// registry, not a file:// layout")
    scheme = "http" if ref.host.rsplit(":", 1)[0] in LOOPBACK else "https"
    return f"{scheme}://{ref.host}/v2/{ref.repository}/blobs/{digest}"


def require_blob(ref: ArtifactRef, digest: str, what: str, username=None, password=None) -> str:
    """The blob's URL, after checking the registry holds it (UserInputError if not)."""
    backend = RegistryBackend(ref, username, password)
    if not backend.has_blob(digest):
        raise UserInputError(
            f"{what} ({digest[:19]}…) is not in {ref.host}/{ref.repository}; "
            "`zkc publish` the artifact there first"
        )
    return blob_url(ref, digest)


def digest_of(url: str) -> str | None:
    """The sha256 digest a blob URL names, or None for other URLs."""
    match = _BLOB_URL.match(url)
    return match.group(1) if match else None


def download_checked(
    url: str, dest: Path, digest: str, size: int | None = None,
    auth: tuple[str, str] | None = None,
) -> None:  # fmt: skip
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
            chunks = response.iter_content(CHUNK)
            copy_verified(chunks, dest, digest, expected, url)
    except requests.RequestException as exc:
        raise ToolError(f"{url}: download failed ({type(exc).__name__}); nothing was kept") from exc
