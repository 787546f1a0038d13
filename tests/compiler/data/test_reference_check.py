"""The reference check: per output, the largest error against onnxruntime and what is allowed
(a share of the output's magnitude, a --max-error budget, or exactly for integers and booleans)."""

import numpy as np
import pytest

from zkc.compiler.data.reference_check import check_outputs, require_match
from zkc.compiler.errors import ReferenceMismatchError


def test_float_outputs_may_differ_by_a_share_of_their_magnitude():
    ref = {"y": np.array([[10.0, -40.0]]), "z": np.array([[0.1, 0.2]])}
    got = {"y": np.array([[10.3, -40.0]]), "z": np.array([[0.1, 0.205]])}
    y, z = check_outputs(ref, got, {"y": "float", "z": "float"}, tolerance=0.01)
    assert (y.allowed, z.allowed) == (0.4, 0.01)  # 1% of 40; of at least 1
    assert y.passed and z.passed
    assert not check_outputs(ref, got, {"y": "float", "z": "float"}, tolerance=0.005)[0].passed


def test_a_budget_bounds_float_outputs_but_never_integers():
    ref = {"y": np.array([1.0, 2.0]), "k": np.array([3, 4])}
    got = {"y": np.array([1.04, 2.0]), "k": np.array([3.0, 4.0000001])}
    y, k = check_outputs(ref, got, {"y": "float", "k": "int64"}, 0.01, max_error=0.05)
    assert y.allowed == 0.05 and y.passed
    assert k.allowed == 0.0 and not k.passed  # integer outputs must match exactly


def test_a_mismatch_is_one_line_naming_the_output_and_its_error():
    checks = check_outputs({"q": np.array([1.0, 1.0])}, {"q": np.array([1.0, 1.33])}, {"q": "bool"})
    with pytest.raises(ReferenceMismatchError) as caught:
        require_match(checks, 2, "hint")
    message = str(caught.value)
    assert "output 'q' (bool): max |error| 0.33, must match exactly" in message
    assert "\n" not in message and caught.value.exit_code == 1
    require_match(check_outputs({"q": np.ones(2)}, {"q": np.ones(2)}, {"q": "bool"}), 2, "")
