import pytest

from zkc.compiler.errors import UserInputError
from zkc.compiler.model_io import load_model


def test_not_onnx(tmp_path):
    bad = tmp_path / "model.onnx"
    bad.write_text("this is not a model\n" * 10)
    with pytest.raises(UserInputError, match=r"model.onnx: not an ONNX model"):
        load_model(bad)


def test_truncated_onnx(zoo_files, tmp_path):
    data = zoo_files["mlp_digits"][0].read_bytes()
    cut = tmp_path / "cut.onnx"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(
        UserInputError, match=r"cut.onnx: (not an ONNX model or truncated|invalid ONNX)"
    ):
        load_model(cut)


def test_missing_and_empty(tmp_path):
    with pytest.raises(UserInputError, match="no such file"):
        load_model(tmp_path / "nope.onnx")
    (tmp_path / "empty.onnx").write_bytes(b"")
    with pytest.raises(UserInputError, match="empty file"):
        load_model(tmp_path / "empty.onnx")
