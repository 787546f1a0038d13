"""Train a zoo model deterministically and export it to ONNX with calibration and held-out data."""

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zkc.compiler.artifacts.atomic import write_bytes_atomic
from zkc.compiler.errors import UserInputError
from zkc.model_zoo.digits import DataSplit, load_digits32_split, load_digits_split
from zkc.model_zoo.models import ZOO, ZooEntry

OUTPUT_NAME = "logits"


@dataclass
class ExportResult:
    """What `export_zoo_model` wrote and the model's held-out accuracy."""

    onnx_path: Path
    calibration_path: Path
    holdout_path: Path
    holdout_score: float
    holdout_metric: str


def get_entry(name: str) -> ZooEntry:
    """A zoo entry by name; UserInputError listing the known names otherwise."""
    if name not in ZOO:
        raise UserInputError(f"unknown zoo model '{name}' (known: {', '.join(ZOO)})")
    return ZOO[name]


def load_split(entry: ZooEntry) -> DataSplit:
    """The entry's data set, split deterministically."""
    if entry.dataset == "series":
        from zkc.model_zoo.series import load_series_split

        return load_series_split()
    if entry.dataset == "digits32":
        return load_digits32_split()
    return load_digits_split()


def train(entry: ZooEntry):
    """Train with a fixed seed, one thread and full-batch Adam: the same weights every run.

    Returns (model, split, held-out score): top-1 accuracy for a classifier, R^2 for a regressor.
    """
    import torch

    split = load_split(entry)
    loss_fn = (
        torch.nn.functional.cross_entropy
        if entry.task == "classify"
        else torch.nn.functional.mse_loss
    )
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    try:
        model = entry.module()
        x = torch.from_numpy(split.train_x.reshape((-1, *entry.sample_shape)))
        y = torch.from_numpy(split.train_y)
        optimiser = torch.optim.Adam(model.parameters(), lr=entry.learning_rate)
        model.train()
        batch = entry.batch_size or len(x)
        for _ in range(entry.epochs):
            order = torch.randperm(len(x)) if entry.batch_size else torch.arange(len(x))
            for start in range(0, len(x), batch):
                rows = order[start : start + batch]
                optimiser.zero_grad()
                loss_fn(model(x[rows]), y[rows]).backward()
                optimiser.step()
        model.eval()
        with torch.no_grad():
            hx = torch.from_numpy(split.holdout_x.reshape((-1, *entry.sample_shape)))
            predicted = model(hx).numpy()
    finally:
        torch.set_num_threads(threads)
    if entry.task == "classify":
        return model, split, float((predicted.argmax(1) == split.holdout_y).mean())
    residual = float(((predicted - split.holdout_y) ** 2).sum())
    return (
        model,
        split,
        1.0 - residual / float(((split.holdout_y - split.holdout_y.mean()) ** 2).sum()),
    )


def export_zoo_model(
    name: str, onnx_path: Path, calibration_path: Path, holdout_path: Path | None = None
) -> ExportResult:
    """Train `name`, write its ONNX (dynamic batch), calibration `.npz` and held-out `.npz`."""
    entry = get_entry(name)
    model, split, score = train(entry)
    onnx_path = Path(onnx_path)
    holdout_path = Path(holdout_path) if holdout_path else onnx_path.with_suffix(".holdout.npz")
    write_bytes_atomic(onnx_path, _onnx_bytes(model, entry))
    _write_npz(
        calibration_path, {entry.input_name: split.calib_x.reshape((-1, *entry.sample_shape))}
    )
    _write_npz(
        holdout_path,
        {
            entry.input_name: split.holdout_x.reshape((-1, *entry.sample_shape)),
            "labels": split.holdout_y,
        },
    )
    metric = "top-1 accuracy" if entry.task == "classify" else "R^2"
    return ExportResult(onnx_path, Path(calibration_path), holdout_path, score, metric)


def _onnx_bytes(model, entry: ZooEntry) -> bytes:
    import torch

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # The TorchScript exporter is deprecated but byte-deterministic at opset 17, which
        # the content-keyed cache relies on; its deprecation notice is noise to users.
        warnings.simplefilter("ignore", DeprecationWarning)
        # zkc pins the batch to 1 before compiling, which is what this warning asks for.
        warnings.filterwarnings("ignore", message="Exporting a model to ONNX with a batch_size")
        warnings.simplefilter("ignore", torch.jit.TracerWarning)  # the LSTM's shape check
        torch.onnx.export(
            model,
            (torch.zeros((1, *entry.sample_shape)),),
            buffer,  # type: ignore[arg-type]  # a file object is accepted; the stubs say path
            input_names=[entry.input_name],
            output_names=[OUTPUT_NAME],
            dynamic_axes={entry.input_name: {0: "batch"}, OUTPUT_NAME: {0: "batch"}},
            opset_version=17,
            dynamo=False,
            training=torch.onnx.TrainingMode.EVAL,
            do_constant_folding=False,
        )
    return buffer.getvalue()


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]  # numpy's stubs type **kwds as allow_pickle
    write_bytes_atomic(Path(path), buffer.getvalue())
