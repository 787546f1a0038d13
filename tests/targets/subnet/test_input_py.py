"""The generated input.py, imported the way subnet 2 imports it (with stand-in base classes)."""

import importlib

import pytest
from pydantic import ValidationError

from tests.targets.subnet import standins


@pytest.fixture
def handler(mlp_package, tmp_path):
    registry = standins.install(tmp_path, mlp_package.package_dir.parent)
    try:
        cls = registry.InputRegistry.get_handler(mlp_package.circuit_id)
        base = importlib.import_module("execution_layer.base_input")
        yield cls, base.RequestType
    finally:
        standins.uninstall(tmp_path)


def test_registered_under_the_id_and_generate_validates(handler):
    cls, _ = handler
    for _ in range(20):
        data = cls.generate()
        assert list(data) == ["x", "nonce"]  # circuit input order
        cls.validate(data)
        assert 0.0 <= data["nonce"][0] < 1.0


def test_benchmark_and_real_requests_lay_out_input_data(handler):
    cls, request_type = handler
    bench = cls(request_type.BENCHMARK)
    x_values, nonce = bench.to_array()
    assert len(x_values) == 64 and len(nonce) == 1
    real = cls(request_type.RWR, {"x": [0.5] * 64, "nonce": [0.25]})
    assert real.to_array() == [[0.5] * 64, [0.25]]
    reordered = cls(request_type.RWR, {"nonce": [0.25], "x": [0.5] * 64})
    assert reordered.to_array() == real.to_array()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"x": [0.5] * 63, "nonce": [0.1]}, "at least 64"),
        ({"x": [0.5] * 64}, "nonce"),
        ({"x": [0.5] * 64, "nonce": [0.1], "extra": [1]}, "extra"),
        ({"x": [0.5] * 63 + [9.0], "nonce": [0.1]}, "outside"),
        ({"x": [0.5] * 63 + [float("nan")], "nonce": [0.1]}, "outside"),
        ({"x": [0.5] * 64, "nonce": ["a"]}, "valid number"),
    ],
)
def test_validate_rejects_bad_input(handler, data, message):
    cls, request_type = handler
    with pytest.raises(ValidationError, match=message):
        cls.validate(data)
    with pytest.raises(ValueError):
        cls(request_type.RWR, data)


def test_integer_and_boolean_inputs_are_generated_whole(tmp_path):
    """A circuit with a boolean and an int64 input: the validator's generated requests hold
    whole numbers in the calibrated range for them, reals for the float input."""
    from zkc.compiler.ir.io_spec import IOSpec, TensorSpec
    from zkc.targets.subnet.input_py import render_input_py
    from zkc.targets.subnet.lock import InputRange

    spec = IOSpec(
        inputs=[
            TensorSpec(name="mask", shape=[1, 8], dtype="bool"),
            TensorSpec(name="index", shape=[3], dtype="int64"),
            TensorSpec(name="x", shape=[1, 8], dtype="float"),
        ],
        outputs=[],
    )
    ranges = {
        "mask": InputRange(low=0, high=1),
        "index": InputRange(low=0, high=7),
        "x": InputRange(low=-1, high=1),
    }
    layer = tmp_path / "layer"
    (layer / "model_ints").mkdir(parents=True)
    (layer / "__init__.py").write_text("")
    (layer / "model_ints" / "__init__.py").write_text("")
    (layer / "model_ints" / "input.py").write_text(
        render_input_py("ints", spec, ranges, "ints", "1", "k" * 64, "0")
    )
    registry = standins.install(tmp_path / "root", layer)
    try:
        cls = registry.InputRegistry.get_handler("ints")
        seen = set()
        for _ in range(30):
            data = cls.generate()
            cls.validate(data)
            assert all(v in (0.0, 1.0) for v in data["mask"])
            assert all(v == int(v) and 0 <= v <= 7 for v in data["index"])
            seen.update(data["index"])
            assert any(v != int(v) for v in data["x"])
        assert len(seen) > 4
    finally:
        standins.uninstall(tmp_path / "root")
