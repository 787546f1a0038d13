"""What the Python API accepts as a model and as samples, turned into the files the compile
driver reads: a model as a path, an `onnx.ModelProto` or a `torch.nn.Module` (exported here);
samples as an array (one-input models), a dict of arrays, or a `.npz` path."""

import io
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeGuard

import numpy as np
import onnx

from zkc.compiler.artifacts.atomic import write_bytes_atomic
from zkc.compiler.errors import UserInputError

# What a model may be: a file, a loaded ONNX model, or a torch module.
ModelLike = str | os.PathLike[str] | onnx.ModelProto | Any
# What samples may be: an array (one-input models), arrays by input name, or a .npz file.
SamplesLike = str | os.PathLike[str] | np.ndarray | Mapping[str, Any]

OPSET = 17  # what a torch module is exported at (EZKL's tract reads opsets up to 18)


def is_path(value: object) -> TypeGuard[str | os.PathLike[str]]:
    """Whether a model or samples argument names a file."""
    return isinstance(value, str | os.PathLike)


def _torch_module(model: object) -> bool:
    """Whether `model` is a torch.nn.Module (without importing torch when it is not)."""
    return any(
        cls.__module__.startswith("torch.nn") and cls.__name__ == "Module"
        for cls in type(model).__mro__
    )


def model_file(
    model: ModelLike, calibration: SamplesLike, example_inputs: Any, workdir: Path
) -> Path:
    """The model as an ONNX file: a path as is, a ModelProto saved, a torch module exported
    (opset 17, the batch axis dynamic) with `example_inputs` or the first calibration sample."""
    if is_path(model):
        path = Path(model)
        if not path.is_file():
            raise UserInputError(f"{path}: no such model file")
        return path
    path = workdir / "model.onnx"
    if isinstance(model, onnx.ModelProto):
        write_bytes_atomic(path, model.SerializeToString(deterministic=True))
        return path
    if _torch_module(model):
        write_bytes_atomic(path, _export_torch(model, calibration, example_inputs))
        return path
    raise UserInputError(
        f"model: expected a path, an onnx.ModelProto or a torch.nn.Module, "
        f"got {type(model).__name__}"
    )


def _example(calibration: SamplesLike, example_inputs: Any) -> tuple[tuple[Any, ...], list[str]]:
    """The export's example arguments (batch 1) and their input names."""
    import torch

    if example_inputs is not None:
        given = example_inputs if isinstance(example_inputs, tuple) else (example_inputs,)
        args = tuple(torch.as_tensor(np.asarray(a, dtype=np.float32)) for a in given)
        if isinstance(calibration, Mapping) and len(calibration) == len(args):
            return args, [str(k) for k in calibration]
        return args, ["input"] if len(args) == 1 else [f"input_{i}" for i in range(len(args))]
    if is_path(calibration):
        with np.load(Path(calibration)) as data:
            arrays = {k: data[k] for k in data.files}
    elif isinstance(calibration, Mapping):
        arrays = {k: np.asarray(v) for k, v in calibration.items()}
    else:
        arrays = {"input": np.asarray(calibration)}
    args = tuple(torch.as_tensor(a[:1].astype(np.float32)) for a in arrays.values())
    return args, list(arrays)


def _export_torch(model: Any, calibration: SamplesLike, example_inputs: Any) -> bytes:
    import torch

    args, names = _example(calibration, example_inputs)
    model.eval()
    with torch.no_grad():
        result = model(*args)
    count = len(result) if isinstance(result, tuple | list) else 1
    outputs = ["output"] if count == 1 else [f"output_{i}" for i in range(count)]
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # The TorchScript exporter is deprecated but byte-deterministic at opset 17, which the
        # content-keyed cache relies on (zkc.model_zoo.export does the same).
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message="Exporting a model to ONNX with a batch_size")
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        torch.onnx.export(
            model,
            args,
            buffer,  # type: ignore[arg-type]  # a file object is accepted; the stubs say path
            input_names=names,
            output_names=outputs,
            dynamic_axes={n: {0: "batch"} for n in [*names, *outputs]},
            opset_version=OPSET,
            dynamo=False,
            training=torch.onnx.TrainingMode.EVAL,
            do_constant_folding=False,
        )
    return buffer.getvalue()


def input_names(model_path: Path) -> list[str]:
    """The graph inputs of an ONNX file that are not initializers."""
    try:
        graph = onnx.load(str(model_path), load_external_data=False).graph
    except Exception as exc:  # onnx raises DecodeError, ValueError, OSError… on a bad file
        raise UserInputError(f"{model_path}: not an ONNX model ({exc})") from exc
    constants = {t.name for t in graph.initializer}
    return [v.name for v in graph.input if v.name not in constants]


def samples_file(samples: SamplesLike, names: list[str], workdir: Path, label: str) -> Path:
    """Samples as a .npz file of one array per input, shaped (samples, *input shape)."""
    if is_path(samples):
        return Path(samples)
    if isinstance(samples, Mapping):
        arrays = {str(k): np.asarray(v) for k, v in samples.items()}
    elif len(names) == 1:
        arrays = {names[0]: np.asarray(samples)}
    else:
        raise UserInputError(
            f"{label}: the model has {len(names)} inputs ({', '.join(names)}); "
            "give a dict of arrays by input name"
        )
    path = workdir / f"{label}.npz"
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stubs type **kwds oddly
    write_bytes_atomic(path, buffer.getvalue())
    return path


def one_input(inputs: Any, names: list[str]) -> dict[str, Any]:
    """One inference's inputs by name: a dict as is, an array for a one-input model."""
    if isinstance(inputs, Mapping):
        return {str(k): v for k, v in inputs.items()}
    if len(names) != 1:
        raise UserInputError(
            f"inputs: the model has {len(names)} inputs ({', '.join(names)}); "
            "give a dict of arrays by input name"
        )
    return {names[0]: inputs}
