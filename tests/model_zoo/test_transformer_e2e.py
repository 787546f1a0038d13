"""The zoo's transformer_tiny end to end: compiled to its fidelity target, proved, verified."""

import pytest

from tests.model_zoo.zoo_e2e import compile_prove_verify_to_target

pytestmark = pytest.mark.slow


def test_transformer_compiles_to_its_target_proves_and_verifies(srs_dir, tmp_path):
    compile_prove_verify_to_target("transformer_tiny", srs_dir, tmp_path)
