import json

import numpy as np
import pytest

from zkc.compiler.data.samples import load_samples, parse_input_json, samples_digest
from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.io_spec import IOSpec, TensorSpec

SPEC = IOSpec(inputs=[TensorSpec(name="x", shape=[1, 4], dtype="float")], outputs=[])


def _write(tmp_path, doc):
    path = tmp_path / "input.json"
    path.write_text(json.dumps(doc))
    return path


def test_named_input_with_or_without_batch_dim(tmp_path):
    for value in ([[1, 2, 3, 4]], [1, 2, 3, 4]):
        got = parse_input_json(_write(tmp_path, {"x": value}), SPEC)
        assert got["x"].shape == (1, 4) and got["x"].dtype == np.float32


def test_ezkl_layout_accepted(tmp_path):
    got = parse_input_json(_write(tmp_path, {"input_data": [[1, 2, 3, 4]]}), SPEC)
    np.testing.assert_array_equal(got["x"], [[1, 2, 3, 4]])


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"x": [1, 2, 3]}, r"input 'x' has shape \(3,\), the circuit expects \(1, 4\)"),
        ({"x": [1, 2, float("nan"), 4]}, "input 'x' contains NaN"),
        ({"y": [1, 2, 3, 4]}, "unknown input 'y'"),
        ({}, "missing input 'x'"),
        ({"x": [[1, 2], [3]]}, "not a rectangular list"),
        ({"input_data": [[1, 2]]}, r"input 'x' has shape \(2,\)"),
    ],
)
def test_bad_inputs_name_the_problem(tmp_path, doc, message):
    with pytest.raises(UserInputError, match=message):
        parse_input_json(_write(tmp_path, doc), SPEC)


def test_not_json(tmp_path):
    path = tmp_path / "input.json"
    path.write_text("{nope")
    with pytest.raises(UserInputError, match="input.json: not valid JSON"):
        parse_input_json(path, SPEC)


def test_npz_loading_and_errors(tmp_path):
    good = tmp_path / "good.npz"
    np.savez(good, x=np.zeros((5, 4), np.float32))
    samples = load_samples(good, SPEC)
    assert samples["x"].shape == (5, 1, 4)
    assert samples_digest(samples) == samples_digest({"x": np.zeros((5, 1, 4), np.float32)})
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, x=np.zeros((5, 3), np.float32))
    with pytest.raises(
        UserInputError, match=r"array 'x' has shape \(5, 3\), expected \(samples, 1, 4\)"
    ):
        load_samples(wrong, SPEC)
    missing = tmp_path / "missing.npz"
    np.savez(missing, y=np.zeros((5, 4), np.float32))
    with pytest.raises(UserInputError, match="no array for input 'x'"):
        load_samples(missing, SPEC)
    nan = tmp_path / "nan.npz"
    np.savez(nan, x=np.full((2, 4), np.nan, np.float32))
    with pytest.raises(UserInputError, match="contains NaN"):
        load_samples(nan, SPEC)
    text = tmp_path / "text.npz"
    text.write_text("hello")
    with pytest.raises(UserInputError, match="text.npz: not an .npz file"):
        load_samples(text, SPEC)
