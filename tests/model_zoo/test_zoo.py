import hashlib

import numpy as np

from zkc.model_zoo.export import export_zoo_model
from zkc.model_zoo.models import ZOO


def test_export_is_deterministic_and_accurate(tmp_path, zoo_files):
    onnx_path, calib, holdout = zoo_files["mlp_digits"]
    again = export_zoo_model(
        "mlp_digits", tmp_path / "m.onnx", tmp_path / "c.npz", tmp_path / "h.npz"
    )
    for a, b in (
        (onnx_path, again.onnx_path),
        (calib, again.calibration_path),
        (holdout, again.holdout_path),
    ):
        assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    assert again.holdout_score > 0.9


def test_exported_data_layout(zoo_files):
    for name, (_, calib, holdout) in zoo_files.items():
        entry = ZOO[name]
        with np.load(calib) as data:
            assert data[entry.input_name].shape[1:] == entry.sample_shape
            assert len(data[entry.input_name]) > 100
        with np.load(holdout) as data:
            assert len(data["labels"]) == len(data[entry.input_name]) > 100


def test_resnet_tiny_is_a_dag_with_residual_adds_and_learns(tmp_path):
    import onnx

    result = export_zoo_model(
        "resnet_tiny", tmp_path / "r.onnx", tmp_path / "c.npz", tmp_path / "h.npz"
    )
    assert result.holdout_score > 0.95
    ops = [n.op_type for n in onnx.load(str(result.onnx_path)).graph.node]
    assert ops.count("Add") == 3 and ops.count("Conv") == 7
