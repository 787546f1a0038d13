"""`zkc pull`: fetch an artifact, check every digest and the manifest's hashes, and keep it in a
cache keyed by digest (written atomically; a second pull transfers no blob)."""

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from zkc.compiler.artifacts import manifest as art
from zkc.compiler.artifacts.atomic import atomic_directory
from zkc.compiler.errors import ArtifactError, UserInputError
from zkc.targets.registry import DEFAULT_PULL_CACHE as DEFAULT_CACHE
from zkc.targets.registry import media
from zkc.targets.registry.backends import open_backend
from zkc.targets.registry.reference import ArtifactRef


@dataclass
class PullResult:
    """The pulled artifact directory, its digests and signer, and whether the cache had it."""

    path: Path
    manifest_digest: str
    artifact_key: str
    signer: str | None
    cached: bool


def pull(
    ref: ArtifactRef,
    output: Path | None,
    cache_root: Path = DEFAULT_CACHE,
    check_signature=None,
    username=None,
    password=None,
) -> PullResult:
    """Pull `ref` into the cache (and copy it to `output`); refuses anything that does not check out.

    `check_signature(manifest_digest, ss58, signature)` raises unless the artifact's signature
    is acceptable (e.g. zkc.targets.subnet.hotkeys.signature_check)."""
    backend = open_backend(ref, username, password)
    body = backend.fetch_manifest(ref.reference)
    digest = f"sha256:{hashlib.sha256(body).hexdigest()}"
    if ref.digest and digest != ref.digest:
        if ref.tag:
            raise ArtifactError(f"{ref}: tag '{ref.tag}' moved: it now points at {digest}")
        raise ArtifactError(f"{ref}: the registry returned a manifest with digest {digest}")
    oci = json.loads(body)
    if oci.get("artifactType") != media.ARTIFACT_TYPE:
        raise ArtifactError(f"{ref}: not a zkc artifact (artifactType {oci.get('artifactType')!r})")
    notes = oci.get("annotations", {})
    if check_signature is not None:
        check_signature(
            oci["config"]["digest"], notes.get(media.SIGNER), notes.get(media.SIGNATURE)
        )
    cache_dir = Path(cache_root).expanduser() / digest.removeprefix("sha256:")
    cached = cache_dir.is_dir()
    try:
        if cached:
            manifest = art.load_verified(cache_dir)
        else:
            with atomic_directory(cache_dir) as tmp:
                manifest = _fetch_all(backend, oci, tmp, ref)
        if output is not None:
            with atomic_directory(Path(output)) as tmp:
                for item in sorted(cache_dir.iterdir()):
                    if item.is_dir():  # a sliced artifact's slices/NN/
                        shutil.copytree(item, tmp / item.name)
                    else:
                        shutil.copyfile(item, tmp / item.name)
    except OSError as exc:  # disk full, permissions: the atomic writes left nothing behind
        raise ArtifactError(
            f"{ref}: cannot write the pulled artifact ({exc.strerror or exc}); nothing was kept"
        ) from exc
    return PullResult(
        Path(output) if output else cache_dir, digest, manifest.key, notes.get(media.SIGNER), cached
    )


def _fetch_all(backend, oci: dict, tmp: Path, ref: ArtifactRef) -> art.Manifest:
    backend.fetch_blob(oci["config"], tmp / art.MANIFEST, f"{ref} manifest.json")
    manifest = art.load_manifest(tmp)
    if manifest.schema_version != art.SCHEMA_VERSION:
        raise ArtifactError(
            f"{ref}: artifact schema version {manifest.schema_version}, this zkc reads {art.SCHEMA_VERSION}"
        )
    titles = {layer.get("annotations", {}).get(media.TITLE): layer for layer in oci["layers"]}
    if set(titles) != set(manifest.files):
        raise ArtifactError(
            f"{ref}: its files {sorted(map(str, titles))} are not the manifest's {sorted(manifest.files)}"
        )
    for name, layer in titles.items():
        parts = Path(name).parts
        if Path(name).is_absolute() or ".." in parts or not parts:
            raise ArtifactError(f"{ref}: file name '{name}' would be written outside the artifact")
        entry = manifest.files[name]
        if layer["digest"] != f"sha256:{entry.sha256}" or layer["size"] != entry.size:
            raise ArtifactError(f"{ref}: {name} in the registry is not the file the manifest lists")
        # Streamed through sha256 and refused unless it is this digest: the manifest's entry.
        backend.fetch_blob(layer, tmp / name, f"{ref} {name}")
    return manifest


def published_digest(ref: ArtifactRef, username=None, password=None) -> str:
    """The artifact digest (its config blob) of a published artifact, fetched by reference."""
    manifest = json.loads(open_backend(ref, username, password).fetch_manifest(ref.reference))
    digest = manifest.get("config", {}).get("digest", "")
    if not digest.startswith("sha256:") or len(digest) != 71:
        raise UserInputError(f"{ref}: its OCI manifest has no sha256 config digest")
    return digest
