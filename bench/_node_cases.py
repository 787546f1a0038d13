"""onnx's node test cases (onnx.backend.test.case.node), written to disk in the backend test
data layout (model.onnx, test_data_set_0/input_N.pb) so bench/conformance.py measures them as it
measures the backend models. The installed onnx generates them: nothing is downloaded."""

import warnings
from pathlib import Path

import numpy as np
import onnx
from onnx import numpy_helper

_T = onnx.TensorProto
NUMERIC = {_T.FLOAT, _T.DOUBLE, _T.INT64, _T.INT32, _T.INT8, _T.INT16, _T.UINT8, _T.BOOL}


def _op_names() -> list[str]:
    """ONNX's op names, longest first."""
    import onnx.defs

    return sorted({s.name for s in onnx.defs.get_all_schemas()}, key=len, reverse=True)


def _kind(test: str, model: onnx.ModelProto) -> str:
    """The op a case tests: the op named at the start of its test name (test_reduce_sum_...:
    ReduceSum), or its single node's op type."""
    squashed = test.removeprefix("test_").replace("_", "").lower()
    for name in _op_names():
        if squashed.startswith(name.lower()):
            return name
    return model.graph.node[-1].op_type if model.graph.node else "?"


def _out_of_scope(model: onnx.ModelProto, inputs: list[np.ndarray]) -> str | None:
    """Why a node case is out of scope (the issue's scope: numeric, static inputs), or None."""
    values = [*model.graph.input, *model.graph.output]
    for value in values:
        if not value.type.HasField("tensor_type"):
            return f"'{value.name}' is not a tensor (sequence, map or optional)"
        tensor = value.type.tensor_type
        if tensor.elem_type not in NUMERIC:
            return f"'{value.name}' is {_T.DataType.Name(tensor.elem_type)}"
    if not inputs:
        return "no graph inputs"
    if any(not isinstance(a, np.ndarray) or a.size == 0 for a in inputs):
        return "an empty or non-tensor input"
    return None


def materialize(root: Path) -> dict[str, str]:
    """Write every in-scope node case under root/<test name>/; returns the out-of-scope cases
    with the reason."""
    from onnx.backend.test.case.node import collect_testcases

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cases = collect_testcases(None)
    skipped = {}
    for case in cases:
        inputs = list(case.data_sets[0][0]) if case.data_sets else []
        why = _out_of_scope(case.model, inputs)
        if why is not None:
            skipped[f"node/{case.name}"] = why
            continue
        directory = root / case.name
        (directory / "test_data_set_0").mkdir(parents=True, exist_ok=True)
        onnx.save(case.model, str(directory / "model.onnx"))
        for i, array in enumerate(inputs):
            tensor = numpy_helper.from_array(np.asarray(array))
            onnx.save_tensor(tensor, str(directory / "test_data_set_0" / f"input_{i}.pb"))
    return skipped


def op_of(directory: Path) -> str:
    """The op a materialized case tests."""
    model = onnx.load(str(directory / "model.onnx"), load_external_data=False)
    return _kind(directory.name, model)
