"""`zkc publish`: every artifact file as a blob, manifest.json as the config, then the tag."""

import json
from dataclasses import dataclass
from pathlib import Path

from zkc.compiler.artifacts import manifest as art
from zkc.compiler.artifacts.hashing import sha256_file
from zkc.targets.registry import media
from zkc.targets.registry.backends import open_backend
from zkc.targets.registry.reference import ArtifactRef


@dataclass
class PublishResult:
    """Where the artifact went: the OCI manifest digest, and the signer if signed."""

    ref: ArtifactRef
    manifest_digest: str
    config_digest: str
    signer: str | None


def _descriptor(
    path: Path, media_type: str, title: str | None = None, sha256: str | None = None
) -> dict:
    desc = {
        "mediaType": media_type,
        "digest": f"sha256:{sha256 or sha256_file(path)}",
        "size": path.stat().st_size,
    }
    if title:
        desc["annotations"] = {media.TITLE: title}
    return desc


def publish(
    artifact: Path, ref: ArtifactRef, signer=None, username=None, password=None
) -> PublishResult:
    """Push a verified artifact; the tag is written last, so a failed push tags nothing.

    `signer(manifest_digest) -> (ss58, signature)` signs the artifact (e.g.
    zkc.targets.subnet.hotkeys.artifact_signer); the OCI manifest carries both."""
    manifest = art.load_verified(artifact)
    backend = open_backend(ref, username, password)
    config = _descriptor(artifact / art.MANIFEST, media.CONFIG_MEDIA_TYPE)
    # Every file was just hashed against the manifest: its digest is the manifest's entry.
    layers = [
        _descriptor(artifact / name, media.FILE_MEDIA_TYPE, name, manifest.files[name].sha256)
        for name in sorted(manifest.files)
    ]
    for layer in layers:
        backend.push_blob(artifact / layer["annotations"][media.TITLE], layer)
    backend.push_blob(artifact / art.MANIFEST, config)
    annotations = {"io.zkc.artifact.key": manifest.key}
    if signer is not None:
        ss58, signature = signer(config["digest"])
        annotations |= {media.SIGNER: ss58, media.SIGNATURE: signature}
    oci_manifest = {
        "schemaVersion": 2,
        "mediaType": media.MANIFEST_MEDIA_TYPE,
        "artifactType": media.ARTIFACT_TYPE,
        "config": config,
        "layers": layers,
        "annotations": annotations,
    }
    body = json.dumps(oci_manifest, sort_keys=True, separators=(",", ":")).encode()
    digest = backend.push_manifest(body, ref.tag or "latest")
    return PublishResult(ref, digest, config["digest"], annotations.get(media.SIGNER))
