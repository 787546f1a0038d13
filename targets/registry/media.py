"""OCI media types and annotations of a zkc artifact."""

ARTIFACT_TYPE = "application/vnd.zkc.artifact.v1"
CONFIG_MEDIA_TYPE = "application/vnd.zkc.manifest.v1+json"  # the artifact's manifest.json
FILE_MEDIA_TYPE = "application/vnd.zkc.file.v1"
MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json"
TITLE = "org.opencontainers.image.title"
REF_NAME = "org.opencontainers.image.ref.name"
SIGNER = "io.zkc.signer.ss58"
SIGNATURE = "io.zkc.signature"
