"""Reference execution of an IR model with onnxruntime (the ground truth for every check)."""

import re

import numpy as np
import numpy.typing as npt
import onnx_ir as ir
import onnxruntime as ort
from onnxruntime.capi import onnxruntime_pybind11_state as ort_state

from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.model_io import model_bytes

# onnxruntime's exceptions derive from Exception alone: these are the ones a model can cause.
ORT_ERRORS = (
    ort_state.Fail,
    ort_state.InvalidArgument,
    ort_state.NotImplemented,
    ort_state.RuntimeException,
    ort_state.InvalidGraph,
    ort_state.InvalidProtobuf,
)

Feeds = dict[str, np.ndarray]


class ReferenceRunner:
    """An onnxruntime session over one model, run sample by sample.

    `run_batch` takes arrays shaped (samples, *input_shape) and returns, per output,
    an array shaped (samples, *output_shape).
    """

    def __init__(self, model: ir.Model, source: str = "the model"):
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.log_severity_level = 4  # errors are raised and reported by zkc, in one line
        self.source = source
        try:
            self.session = ort.InferenceSession(
                model_bytes(model), options, providers=["CPUExecutionProvider"]
            )
        except ORT_ERRORS as exc:
            raise UserInputError(
                f"{source}: onnxruntime cannot load it: {ort_message(exc)}"
            ) from exc
        self.input_names = [i.name for i in self.session.get_inputs()]
        # data files hold numbers as float32; each input is fed in the element type it declares
        self.input_types = {i.name: _numpy_type(i.type) for i in self.session.get_inputs()}
        self.output_names = [o.name for o in self.session.get_outputs()]

    def run(self, feeds: Feeds) -> dict[str, np.ndarray]:
        """Run one sample; returns outputs by name."""
        try:
            results = self.session.run(
                None, {k: as_type(feeds[k], self.input_types[k]) for k in self.input_names}
            )
        except ORT_ERRORS as exc:
            raise UserInputError(
                f"{self.source}: onnxruntime cannot run it: {ort_message(exc)}"
            ) from exc
        return dict(zip(self.output_names, results, strict=True))

    def run_batch(
        self, samples: Feeds, shapes: dict[str, tuple[int, ...]]
    ) -> dict[str, np.ndarray]:
        """Run every sample of a batch one at a time, reshaping each to the model's input shape."""
        count = len(next(iter(samples.values())))
        collected: dict[str, list[np.ndarray]] = {name: [] for name in self.output_names}
        for i in range(count):
            feeds = {k: samples[k][i].reshape(shapes[k]) for k in self.input_names}
            for name, value in self.run(feeds).items():
                collected[name].append(value)
        return {name: np.stack(values) for name, values in collected.items()}


_ORT_TYPES: dict[str, type[np.generic]] = {
    "tensor(float)": np.float32,
    "tensor(double)": np.float64,
    "tensor(float16)": np.float16,
    "tensor(int64)": np.int64,
    "tensor(int32)": np.int32,
    "tensor(int16)": np.int16,
    "tensor(int8)": np.int8,
    "tensor(uint8)": np.uint8,
    "tensor(uint16)": np.uint16,
    "tensor(uint32)": np.uint32,
    "tensor(uint64)": np.uint64,
    "tensor(bool)": np.bool_,
}


def _numpy_type(ort_type: str) -> type[np.generic]:
    return _ORT_TYPES.get(ort_type, np.float32)


def as_type(values: npt.ArrayLike, dtype: npt.DTypeLike) -> np.ndarray:
    """Numbers held as floats, in an input's element type: integers rounded to the nearest,
    booleans true where non-zero."""
    arr = np.asarray(values)
    if np.dtype(dtype).kind in "iu" and arr.dtype.kind == "f":
        arr = np.rint(arr)
    return arr.astype(dtype)


def ort_message(exc: BaseException) -> str:
    """onnxruntime's message on one line, without its status prefix and source paths, naming
    the node as zkc does ("node 'x' (MaxPool): ...") when onnxruntime names one."""
    text = " ".join(str(exc).split())
    text = re.sub(r"^\[ONNXRuntimeError\] : \d+ : \w+ : ", "", text)
    text = re.sub(r"/onnxruntime_src/\S+ ", "", text)
    node = re.search(r"Node \(([^)]*)\) Op \(([^)]*)\) (?:\[\w+\] )?", text)
    if node:
        text = f"node '{node.group(1)}' ({node.group(2)}): " + text[node.end() :]
    running = re.search(r"running (\w+) node\. Name:'([^']*)' Status Message: (\S+:\d+ )?", text)
    if running:
        text = f"node '{running.group(2)}' ({running.group(1)}): " + text[running.end() :]
    return text[:400]
