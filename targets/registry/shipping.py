"""Where cluster workers fetch a sliced artifact's files: the registry it was published to.

A Dask worker on another machine shares no filesystem with the client. Every file of a
published artifact is a registry blob addressed by the sha256 the manifest records, so a
slice-proof job carries URLs and digests instead of paths; the worker downloads what its
cache lacks and refuses bytes whose digest differs (zkc.targets.ezkl.remote).
"""

from dataclasses import dataclass

from zkc.compiler.artifact import Manifest
from zkc.compiler.errors import UserInputError
from zkc.targets.registry.blob_url import require_blob
from zkc.targets.registry.reference import parse_ref


@dataclass(frozen=True)
class BlobSource:
    """One file as a worker fetches it: URL, digest (sha256:<hex>) and size."""

    url: str
    digest: str
    size: int


@dataclass(frozen=True)
class ShippedFiles:
    """How cluster workers get a sliced artifact: blob sources by artifact path, the SRS
    directory and blob cache on the workers (`~` expands there)."""

    sources: dict[str, BlobSource]
    srs_dir: str
    cache_dir: str


def blob_sources(ref_text: str, manifest: Manifest, paths: list[str]) -> dict[str, BlobSource]:
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
        url = require_blob(ref, digest, f"{path} of artifact {manifest.key[:12]}")
        sources[path] = BlobSource(url, digest, entry.size)
    return sources
