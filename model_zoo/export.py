"""Train a zoo model deterministically and export it to ONNX with calibration and held-out data."""

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from zkc.compiler.atomic import write_bytes_atomic
from zkc.compiler.errors import UserInputError
from zkc.model_zoo.digits import load_digits_split
from zkc.model_zoo.models import ZOO, ZooEntry

OUTPUT_NAME = "logits"


@dataclass
class ExportResult:
    """What `export_zoo_model` wrote and the model's held-out accuracy."""

    onnx_path: Path
    calibration_path: Path
    holdout_path: Path
    holdout_accuracy: float


def get_entry(name: str) -> ZooEntry:
    """A zoo entry by name; UserInputError listing the known names otherwise."""
    if name not in ZOO:
        raise UserInputError(f"unknown zoo model '{name}' (known: {', '.join(ZOO)})")
    return ZOO[name]


def train(entry: ZooEntry):
    """Train with a fixed seed, one thread and full-batch Adam: the same weights every run."""
    import torch

    split = load_digits_split()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    try:
        model = entry.module()
        x = torch.from_numpy(split.train_x.reshape((-1, *entry.sample_shape)))
        y = torch.from_numpy(split.train_y)
        optimiser = torch.optim.Adam(model.parameters(), lr=entry.learning_rate)
        model.train()
        for _ in range(entry.epochs):
            optimiser.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            optimiser.step()
        model.eval()
        with torch.no_grad():
            hx = torch.from_numpy(split.holdout_x.reshape((-1, *entry.sample_shape)))
            accuracy = float((model(hx).argmax(1).numpy() == split.holdout_y).mean())
    finally:
        torch.set_num_threads(threads)
    return model, split, accuracy


def export_zoo_model(
    name: str, onnx_path: Path, calibration_path: Path, holdout_path: Path | None = None
) -> ExportResult:
    """Train `name`, write its ONNX (dynamic batch), calibration `.npz` and held-out `.npz`."""
    entry = get_entry(name)
    model, split, accuracy = train(entry)
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
    return ExportResult(onnx_path, Path(calibration_path), holdout_path, accuracy)


def _onnx_bytes(model, entry: ZooEntry) -> bytes:
    import torch

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # The TorchScript exporter is deprecated but byte-deterministic at opset 17, which
        # the content-keyed cache relies on; its deprecation notice is noise to users.
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(
            model, (torch.zeros((1, *entry.sample_shape)),), buffer,
            input_names=[entry.input_name], output_names=[OUTPUT_NAME],
            dynamic_axes={entry.input_name: {0: "batch"}, OUTPUT_NAME: {0: "batch"}},
            opset_version=17, dynamo=False, training=torch.onnx.TrainingMode.EVAL,
            do_constant_folding=False,
        )  # fmt: skip
    return buffer.getvalue()


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    write_bytes_atomic(Path(path), buffer.getvalue())
