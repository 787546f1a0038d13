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
