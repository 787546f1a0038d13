"""The package request subnet tests build with (the session's `mlp_package` is in tests/conftest.py)."""

from zkc.targets.subnet.package import PackageRequest

METADATA = {"name": "MLP digits", "description": "test", "author": "zkc tests", "version": "1.0.0"}
PK_URL = "https://circuits.example/zkc"


def package_request(artifact, out_dir, **overrides) -> PackageRequest:
    """The request the tests package with (dev SRS allowed: test SRS files are generated)."""
    fields = dict(
        artifact=artifact,
        out_dir=out_dir,
        metadata=dict(METADATA),
        pk_url_base=PK_URL,
        allow_dev_srs=True,
        cache_dir=artifact.parent / "cache",
    )
    return PackageRequest(**{**fields, **overrides})
