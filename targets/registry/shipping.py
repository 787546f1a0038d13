"""Where cluster workers fetch an artifact's files: the registry it was published to.

A Dask worker on another machine shares no filesystem with the client. Every file of a
published artifact is a registry blob addressed by the sha256 the manifest records, so a
proof job carries URLs and digests (zkc.compiler.artifacts.download.BlobSource) instead of paths; the
worker downloads what its cache lacks and refuses bytes whose digest differs.

Credentials never travel in a job: a registry that needs them is read with the user and
password each worker has in its own environment ($ZKC_REGISTRY_USER, $ZKC_REGISTRY_PASSWORD,
as for `zkc pull`).
"""

from zkc.compiler.artifacts.download import BlobSource
from zkc.compiler.artifacts.manifest import Manifest
from zkc.compiler.errors import UserInputError
from zkc.targets.registry.blob_url import require_blob
from zkc.targets.registry.reference import parse_ref


def blob_sources(
    ref_text: str,
    manifest: Manifest,
    paths: list[str],
    username: str | None = None,
    password: str | None = None,
) -> dict[str, BlobSource]:
    """The registry URL of each artifact file in `paths`, after checking the registry holds
    every one (UserInputError naming the first it lacks)."""
    ref = parse_ref(ref_text)
    if ref.scheme != "oci":
        raise UserInputError(
            f"--blobs-from {ref_text}: workers fetch over HTTP from an oci:// registry"
        )
    sources = {}
    for path in paths:
        entry = manifest.files.get(path)
        if entry is None:
            raise UserInputError(f"--blobs-from: the artifact has no file {path}")
        digest = f"sha256:{entry.sha256}"
        url = require_blob(
            ref, digest, f"{path} of artifact {manifest.key[:12]}", username, password
        )
        sources[path] = BlobSource(url, digest, entry.size)
    return sources
