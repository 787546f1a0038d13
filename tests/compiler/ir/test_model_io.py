import pytest

from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.model_io import load_model


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


def test_a_pre_ir4_model_whose_initializers_are_not_inputs_runs_the_pipeline(tmp_path):
    """IR 3 required initializers among the graph inputs; such old files often omit them,
    which onnxsim refuses. Loading lists them (and upgrades the opset)."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    from zkc.compiler.data.reference import ReferenceRunner
    from zkc.compiler.pipeline.base import PassOptions
    from zkc.compiler.pipeline.runner import instantiate, run_pipeline
    from zkc.targets.ezkl.pipelines import pipeline_passes

    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "c"], ["y"], name="add")],
        "old",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])],
        [numpy_helper.from_array(np.array([[1, 2, 3]], np.float32), "c")],
    )
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 8)])
    proto.ir_version = 3
    onnx.save(proto, str(tmp_path / "old.onnx"))
    model = load_model(tmp_path / "old.onnx")
    passes = instantiate(pipeline_passes("ezkl-default"), PassOptions())
    lowered, _ = run_pipeline(model, passes)
    x = np.array([[0.5, -1.0, 2.0]], np.float32)
    assert ReferenceRunner(lowered).run({"x": x})["y"].tolist() == [[1.5, 1.0, 5.0]]


def test_an_upgraded_ir3_model_takes_a_current_ir_and_runs_the_pipeline():
    """onnx's own backend case pytorch-converted/test_AvgPool1d (IR 3, opset 6): the version
    converter adds initializers and keeps IR 3, which onnxsim then refuses; the load raises the
    IR version to what the new opset needs."""
    from pathlib import Path

    import numpy as np
    import onnx
    from onnx import numpy_helper

    from zkc.compiler.data.reference import ReferenceRunner
    from zkc.compiler.ir.io_spec import io_spec
    from zkc.compiler.pipeline.base import PassOptions
    from zkc.compiler.pipeline.runner import instantiate, run_pipeline
    from zkc.targets.ezkl.pipelines import pipeline_passes

    case = Path(onnx.__file__).parent / "backend/test/data/pytorch-converted/test_AvgPool1d"
    model = load_model(case / "model.onnx")
    assert model.ir_version >= 8
    lowered, _ = run_pipeline(model, instantiate(pipeline_passes("ezkl-default"), PassOptions()))
    x = numpy_helper.to_array(onnx.load_tensor(str(case / "test_data_set_0/input_0.pb")))
    want = numpy_helper.to_array(onnx.load_tensor(str(case / "test_data_set_0/output_0.pb")))
    name = io_spec(lowered).inputs[0].name
    got = next(iter(ReferenceRunner(lowered).run({name: x}).values()))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
