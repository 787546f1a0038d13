"""Fixtures shared by the sliced-artifact tests: mlp_digits compiled as linked slices once per
session, opened, and proofs of two requests."""

import numpy as np
import pytest

from tests.conftest import _compile, subdir
from zkc.targets import open_artifact


@pytest.fixture(scope="session")
def sliced_tmp(tmp_path_factory):
    return tmp_path_factory.mktemp("sliced")


@pytest.fixture(scope="session")
def sliced_mlp(zoo_files, srs_dir, sliced_tmp):
    """mlp_digits cut into 3 slices (one node each: a middle slice has links on both sides),
    linked by KZG commitments (the default)."""
    return _compile("mlp_digits", zoo_files, srs_dir, subdir(sliced_tmp, "sliced"), slices=3)


@pytest.fixture(scope="session")
def hashed_mlp(zoo_files, srs_dir, sliced_tmp):
    """mlp_digits cut into 2 slices linked by public Poseidon hashes."""
    return _compile(
        "mlp_digits", zoo_files, srs_dir, subdir(sliced_tmp, "hashed"), slices=2, link="hashed"
    )


@pytest.fixture(scope="session")
def compiled(sliced_mlp, srs_dir):
    return open_artifact(sliced_mlp.path, srs_dir)


def mlp_sample(zoo_files, index):
    data = np.load(zoo_files["mlp_digits"][2])
    return {"x": data["x"][index].reshape(64).astype(np.float64)}


@pytest.fixture(scope="session")
def proofs(compiled, zoo_files):
    """Proofs of two different requests (A with 2 workers, B inline)."""
    a = compiled.prove(mlp_sample(zoo_files, 0), workers=2)
    b = compiled.prove(mlp_sample(zoo_files, 1))
    return a, b
