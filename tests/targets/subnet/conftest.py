"""A subnet package of the mlp_digits artifact, built once per session."""

import pytest

from tests.conftest import dev_target
from zkc.targets.subnet.package import PackageRequest, package_for_subnet

METADATA = {"name": "MLP digits", "description": "test", "author": "zkc tests", "version": "1.0.0"}
PK_URL = "https://circuits.example/zkc"


def package_request(artifact, out_dir, **overrides) -> PackageRequest:
    """The request the tests package with (dev SRS allowed: test SRS files are generated)."""
    fields = dict(
        artifact=artifact, out_dir=out_dir, metadata=dict(METADATA), pk_url_base=PK_URL,
        allow_dev_srs=True, cache_dir=artifact.parent / "cache",
    )  # fmt: skip
    return PackageRequest(**{**fields, **overrides})


@pytest.fixture(scope="session")
def mlp_package(mlp_artifact, srs_dir, tmp_path_factory):
    """mlp_digits packaged for the subnet (rebuilt with a nonce input): the PackageResult."""
    out = tmp_path_factory.mktemp("subnet") / "deployment_layer"
    return package_for_subnet(package_request(mlp_artifact.path, out), dev_target(srs_dir))
