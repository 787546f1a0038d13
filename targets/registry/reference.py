"""Where an artifact is published: `oci://HOST:PORT/REPO:TAG` (or `@sha256:…`), or `file://DIR:TAG`."""

import re
from dataclasses import dataclass
from pathlib import Path

from zkc.compiler.errors import UserInputError

_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_REPO = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$")


@dataclass(frozen=True)
class ArtifactRef:
    """A parsed artifact reference: a registry repository or an OCI layout directory, and a tag or digest."""

    scheme: str  # "oci" or "file"
    host: str  # "HOST:PORT" for oci, "" for file
    repository: str  # registry repository, or the layout directory for file
    tag: str | None
    digest: str | None

    @property
    def reference(self) -> str:
        """What to fetch: the tag if given (checked against the digest), else the digest."""
        return self.tag or self.digest or "latest"

    def __str__(self) -> str:
        where = f"{self.host}/{self.repository}" if self.scheme == "oci" else self.repository
        tag = f":{self.tag}" if self.tag else ""
        return f"{self.scheme}://{where}{tag}" + (f"@{self.digest}" if self.digest else "")


def parse_ref(text: str) -> ArtifactRef:
    """Parse a reference; UserInputError naming the part that is wrong."""
    scheme, sep, rest = text.partition("://")
    if not sep or scheme not in ("oci", "file"):
        raise UserInputError(f"'{text}': expected oci://HOST:PORT/REPO:TAG or file://DIR:TAG")
    digest = tag = None
    if "@" in rest:
        rest, digest = rest.rsplit("@", 1)
        if not _DIGEST.match(digest):
            raise UserInputError(f"'{text}': digest '{digest}' is not sha256:<64 hex>")
    # A tag may come with a digest (TAG@DIGEST): the tag must still point at that digest.
    head, colon, maybe_tag = rest.rpartition(":")
    if colon and "/" not in maybe_tag and not (scheme == "oci" and "/" not in head):
        rest, tag = head, maybe_tag
        if not _TAG.match(tag):
            raise UserInputError(f"'{text}': tag '{tag}' is not a valid tag")
    if scheme == "file":
        if not rest.startswith("/"):
            raise UserInputError(f"'{text}': a file:// reference needs an absolute directory")
        return ArtifactRef(
            "file", "", str(Path(rest)), tag or (None if digest else "latest"), digest
        )
    host, slash, repository = rest.partition("/")
    if not slash or not host or not _REPO.match(repository):
        raise UserInputError(f"'{text}': repository '{repository}' is not HOST:PORT/lowercase/path")
    return ArtifactRef("oci", host, repository, tag or (None if digest else "latest"), digest)
