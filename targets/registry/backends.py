"""Two places to keep OCI artifacts: a registry over HTTP (through the ORAS client) and an
OCI image layout on disk (`file://`). Both store blobs by digest and manifests by tag."""

import contextlib
import functools
import hashlib
import json
import time
from pathlib import Path

import requests

from zkc.compiler.artifacts.atomic import write_bytes_atomic, write_json_atomic
from zkc.compiler.artifacts.download import CHUNK, copy_verified
from zkc.compiler.errors import ArtifactError, ToolError, UserInputError
from zkc.targets.registry.media import MANIFEST_MEDIA_TYPE, REF_NAME
from zkc.targets.registry.reference import ArtifactRef

RETRY_PAUSES = (1.0, 3.0)  # seconds before each retry of an idempotent request


class RegistryBackend:
    """An OCI distribution registry, plain HTTP on loopback or HTTPS, via `oras.provider.Registry`."""

    def __init__(self, ref: ArtifactRef, username: str | None = None, password: str | None = None):
        import oras.provider

        insecure = ref.host.split(":")[0] in ("127.0.0.1", "localhost", "[::1]")
        self.ref = ref
        self.client = oras.provider.Registry(
            hostname=ref.host, insecure=insecure, auth_backend="basic"
        )
        if username is not None:
            self.client.auth.set_basic_auth(username, password or "")
        elif getattr(self.client.auth, "_basic_auth", None) is None:
            # Anonymous (ORAS_USER/ORAS_PASS unset): a registry that wants a login answers 401.
            self.client.auth.set_basic_auth("", "")
        try:  # fail fast when the registry is down (ORAS itself retries with back-off)
            requests.get(f"{self.client.prefix}://{ref.host}/v2/", timeout=5)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise ToolError(f"registry {ref.host} is not reachable ({type(exc).__name__})") from exc
        # A registry that stops answering must fail, not hang: (connect, read) timeouts.
        self.client.session.request = functools.partial(
            self.client.session.request, timeout=(10, 120)
        )
        self.container = self.client.get_container(
            f"{ref.host}/{ref.repository}:{ref.tag or 'latest'}"
        )

    def _request(self, url: str, method: str, **kwargs) -> requests.Response:
        # ORAS's do_request retries any error for ~2 minutes (sleeps of 2 + 3**n s); a registry
        # gone away is one line within seconds: GET/HEAD retried twice, an upload never.
        send = functools.partial(self._send, f"{self.client.prefix}://{url}", method)
        for pause in RETRY_PAUSES if method in ("GET", "HEAD") else ():
            with contextlib.suppress(requests.ConnectionError):
                return self._checked(send(**kwargs))
            time.sleep(pause)
        try:
            response = send(**kwargs)
        except requests.ConnectionError as exc:
            raise ToolError(
                f"registry {self.ref.host} is not reachable ({type(exc).__name__})"
            ) from exc
        return self._checked(response)

    def _send(self, url: str, method: str, **kwargs) -> requests.Response:
        """ORAS's request (auth handled) without its retry decorator."""
        return type(self.client).do_request.__wrapped__(self.client, url, method, **kwargs)

    def _checked(self, response: requests.Response) -> requests.Response:
        if response.status_code in (401, 403):
            raise UserInputError(
                f"registry {self.ref.host}: access denied (HTTP {response.status_code}); check the user and password"
            )
        return response

    def has_blob(self, digest: str) -> bool:
        """Whether the registry already holds this blob."""
        return self._request(self.container.get_blob_url(digest), "HEAD").status_code == 200

    def push_blob(self, path: Path, descriptor: dict) -> None:
        """Upload one file as a blob (skipped when present): a session POST, then one PUT
        streaming the file from disk (ORAS's `put_upload` reads it all into memory first)."""
        if self.has_blob(descriptor["digest"]):
            return
        import oras.utils

        try:
            session = self._request(
                self.container.upload_blob_url(), "POST", headers={"Content-Length": "0"}
            )
            location = self.client._get_location(session, self.container)
            if session.status_code != 202 or not location:
                raise ToolError(
                    f"registry {self.ref.host} refused to start an upload "
                    f"(HTTP {session.status_code})"
                )
            url = oras.utils.append_url_params(location, {"digest": descriptor["digest"]})
            # Credentials up front: a 401-then-retry would resend an already-consumed stream.
            headers = {
                "Content-Length": str(descriptor["size"]),
                "Content-Type": "application/octet-stream",
                **self.client.auth.get_auth_header(),
            }
            with open(path, "rb") as body:
                response = self._send(url, "PUT", data=body, headers=headers)
        except requests.ConnectionError as exc:
            raise ToolError(
                f"registry {self.ref.host} went away while uploading {path.name}"
            ) from exc
        if response.status_code not in (200, 201, 202):
            raise ToolError(
                f"registry {self.ref.host} refused blob {path.name} (HTTP {response.status_code})"
            )

    def push_manifest(self, manifest: bytes, tag: str) -> str:
        """PUT the manifest under `tag` (the last step: the tag appears only once every blob is there)."""
        url = self.container.manifest_url(tag)
        response = self._request(
            url, "PUT", data=manifest, headers={"Content-Type": MANIFEST_MEDIA_TYPE}
        )
        if response.status_code not in (200, 201):
            raise ToolError(
                f"registry {self.ref.host} refused the manifest (HTTP {response.status_code}: {response.text[:120]})"
            )
        return f"sha256:{hashlib.sha256(manifest).hexdigest()}"

    def fetch_manifest(self, reference: str) -> bytes:
        """The manifest's raw bytes for a tag or digest."""
        response = self._request(
            self.container.manifest_url(reference), "GET", headers={"Accept": MANIFEST_MEDIA_TYPE}
        )
        if response.status_code == 404:
            raise UserInputError(f"{self.ref}: no such artifact in the registry")
        if response.status_code != 200:
            raise ToolError(
                f"registry {self.ref.host}: manifest fetch failed (HTTP {response.status_code})"
            )
        return response.content

    def fetch_blob(self, descriptor: dict, dest: Path, what: str) -> None:
        """Download a blob to `dest`, checking its size and digest (the connection is always released)."""
        url = self.container.get_blob_url(descriptor["digest"])
        with self._request(url, "GET", stream=True) as response:
            if response.status_code != 200:
                raise ToolError(
                    f"registry {self.ref.host}: {what} fetch failed (HTTP {response.status_code})"
                )
            try:
                chunks = response.iter_content(CHUNK)
                copy_verified(chunks, dest, descriptor["digest"], descriptor["size"], what)
            except requests.RequestException as exc:
                raise ArtifactError(
                    f"{what}: download interrupted ({type(exc).__name__}); nothing was kept"
                ) from exc


class LayoutBackend:
    """An OCI image layout directory: `oci-layout`, `index.json` (tags), `blobs/sha256/…`."""

    def __init__(self, ref: ArtifactRef):
        self.ref = ref
        self.root = Path(ref.repository)

    def _blob(self, digest: str) -> Path:
        return self.root / "blobs" / "sha256" / digest.removeprefix("sha256:")

    def _index(self) -> dict:
        path = self.root / "index.json"
        return (
            json.loads(path.read_text())
            if path.is_file()
            else {"schemaVersion": 2, "manifests": []}
        )

    def has_blob(self, digest: str) -> bool:
        """Whether the layout holds this blob."""
        return self._blob(digest).is_file()

    def push_blob(self, path: Path, descriptor: dict) -> None:
        """Copy a file into the layout's blobs (atomically; skipped when present)."""
        if not (self.root / "oci-layout").is_file():
            write_json_atomic(self.root / "oci-layout", {"imageLayoutVersion": "1.0.0"})
        if not self.has_blob(descriptor["digest"]):
            with open(path, "rb") as source:
                copy_verified(
                    iter(lambda: source.read(CHUNK), b""),
                    self._blob(descriptor["digest"]),
                    descriptor["digest"],
                    descriptor["size"],
                    path.name,
                )

    def push_manifest(self, manifest: bytes, tag: str) -> str:
        """Store the manifest blob, then point the tag at it in index.json."""
        digest = f"sha256:{hashlib.sha256(manifest).hexdigest()}"
        write_bytes_atomic(self._blob(digest), manifest)
        index = self._index()
        index["manifests"] = [
            m for m in index["manifests"] if m.get("annotations", {}).get(REF_NAME) != tag
        ]
        index["manifests"].append(
            {
                "mediaType": MANIFEST_MEDIA_TYPE,
                "digest": digest,
                "size": len(manifest),
                "annotations": {REF_NAME: tag},
            }
        )
        write_json_atomic(self.root / "index.json", index)
        return digest

    def fetch_manifest(self, reference: str) -> bytes:
        """The manifest bytes for a tag or digest."""
        digest = reference if reference.startswith("sha256:") else None
        if digest is None:
            tagged = [
                m
                for m in self._index()["manifests"]
                if m.get("annotations", {}).get(REF_NAME) == reference
            ]
            if not tagged:
                raise UserInputError(
                    f"{self.ref}: no tag '{reference}' in {self.root / 'index.json'}"
                )
            digest = tagged[-1]["digest"]
        if not self.has_blob(digest):
            raise UserInputError(f"{self.ref}: no manifest {digest[:19]}… in the layout")
        return self._blob(digest).read_bytes()

    def fetch_blob(self, descriptor: dict, dest: Path, what: str) -> None:
        """Copy a blob out, checking its size and digest."""
        path = self._blob(descriptor["digest"])
        if not path.is_file():
            raise ArtifactError(
                f"{what}: blob {descriptor['digest'][:19]}… missing from {self.root}"
            )
        with open(path, "rb") as source:
            copy_verified(
                iter(lambda: source.read(CHUNK), b""),
                dest,
                descriptor["digest"],
                descriptor["size"],
                what,
            )


def open_backend(ref: ArtifactRef, username: str | None = None, password: str | None = None):
    """The backend for a reference."""
    return RegistryBackend(ref, username, password) if ref.scheme == "oci" else LayoutBackend(ref)
