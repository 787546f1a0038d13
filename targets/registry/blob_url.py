"""Registry blob URLs as download locations: the URL names the digest, so a download is checked
(zkc.compiler.artifacts.download.download_checked).

An OCI registry serves every blob at `http(s)://HOST:PORT/v2/REPO/blobs/sha256:<hex>`. A subnet
package whose `external_files["pk.key"]` is such a URL lets a miner check what it downloaded
against the digest in the URL itself (and against the package's lock).
"""

from zkc.compiler.errors import UserInputError
from zkc.targets.registry.backends import RegistryBackend
from zkc.targets.registry.reference import ArtifactRef, parse_ref

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


def blob_resolver(repository: str, username=None, password=None):
    """For `oci://HOST:PORT/REPO`: a function from a file's sha256 to the URL the registry serves
    it at, after checking it holds that blob (a subnet package's pk.key location)."""
    ref = parse_ref(repository.rstrip("/"))
    return lambda sha256: require_blob(ref, f"sha256:{sha256}", "pk.key", username, password)
