"""Data files users hand in: calibration/evaluation `.npz` and inference input JSON."""

import hashlib
import json
import zipfile
from pathlib import Path

import numpy as np
from numpy.lib.npyio import NpzFile

from zkc.compiler.errors import UserInputError
from zkc.compiler.ir.io_spec import IOSpec, TensorSpec

Samples = dict[str, np.ndarray]


def _per_sample_shape(arr_shape: tuple[int, ...], spec: TensorSpec) -> bool:
    """True when `arr_shape` is (samples, *shape) or (samples, *shape without a leading 1)."""
    want = tuple(spec.shape)
    rest = arr_shape[1:]
    return rest == want or (len(want) > 0 and want[0] == 1 and rest == want[1:])


# Inputs beyond this magnitude have no fixed-point form in EZKL at any useful scale.
MAX_MAGNITUDE = 2.0**40


def _real_array(archive: NpzFile, name: str, path: Path) -> np.ndarray:
    """The array as float32: numbers (float, int, bool) only; UserInputError otherwise."""
    try:
        raw = archive[name]
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise UserInputError(f"{path}: array '{name}' cannot be read ({exc})") from exc
    if raw.dtype.kind not in "fiub":
        raise UserInputError(
            f"{path}: array '{name}' has dtype {raw.dtype}; numbers only (float, int or bool)"
        )
    with np.errstate(over="ignore"):
        arr = raw.astype(np.float32)
    if np.isfinite(arr).all():
        check_magnitude(arr, f"{path}: array '{name}'")
    return arr


def check_magnitude(arr: np.ndarray, what: str) -> None:
    """UserInputError naming `what` when finite values exceed what EZKL's fixed point holds."""
    if arr.size and float(np.abs(arr).max()) > MAX_MAGNITUDE:
        raise UserInputError(
            f"{what} holds values of magnitude up to "
            f"{float(np.abs(arr).max()):.3g}, beyond 2^40 (no fixed-point form "
            "in EZKL)"
        )


def load_samples(path: Path, spec: IOSpec) -> Samples:
    """Load an `.npz` with one array per graph input, shaped (samples, *input_shape).

    Returns arrays reshaped to (samples, *input_shape) as float32.
    """
    path = Path(path)
    if not path.is_file():
        raise UserInputError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise UserInputError(f"{path}: empty file, not an .npz file")
    try:
        archive = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise UserInputError(f"{path}: not an .npz file ({exc})") from exc
    with archive:
        samples: Samples = {}
        count = None
        for tensor in spec.inputs:
            if tensor.name not in archive.files:
                raise UserInputError(
                    f"{path}: no array for input '{tensor.name}' (has: {', '.join(archive.files)})"
                )
            arr = _real_array(archive, tensor.name, path)
            if arr.ndim == 0 or not _per_sample_shape(arr.shape, tensor):
                raise UserInputError(
                    f"{path}: array '{tensor.name}' has shape {arr.shape}, expected "
                    f"(samples, {', '.join(map(str, tensor.shape))})"
                )
            if not np.all(np.isfinite(arr)):
                raise UserInputError(f"{path}: array '{tensor.name}' contains NaN or infinity")
            if count is not None and len(arr) != count:
                raise UserInputError(f"{path}: arrays have different sample counts")
            count = len(arr)
            samples[tensor.name] = arr.reshape((len(arr), *tensor.shape))
    if not count:
        raise UserInputError(f"{path}: no samples")
    return samples


def samples_digest(samples: Samples) -> str:
    """sha256 over the arrays' names, shapes and bytes: the data's identity, whatever file held it."""
    digest = hashlib.sha256()
    for name in sorted(samples):
        arr = np.ascontiguousarray(samples[name], dtype=np.float32)
        digest.update(f"{name}:{arr.shape};".encode())
        digest.update(arr.tobytes())
    return digest.hexdigest()


def split_samples(samples: Samples, start: int, stop: int | None) -> Samples:
    """Return samples[start:stop] of every input."""
    return {k: v[start:stop] for k, v in samples.items()}


def with_column(samples: Samples, name: str, shape: tuple[int, ...], seed: int = 0) -> Samples:
    """Samples plus one more input of uniform [0, 1) values (e.g. a nonce), reproducible by seed."""
    rng = np.random.default_rng(seed)
    column = rng.random((sample_count(samples), *shape)).astype(np.float32)
    return {**samples, name: column}


def save_samples(path: Path, samples: Samples) -> None:
    """Write samples as an `.npz` (byte-stable: zip entries carry a fixed date)."""
    with open(path, "wb") as handle:
        # allow_pickle=True is savez's default, named so that no array can be taken for it
        np.savez(handle, allow_pickle=True, **{k: samples[k] for k in sorted(samples)})


def sample_count(samples: Samples) -> int:
    """Number of samples in a set."""
    return len(next(iter(samples.values())))


def read_json(path: Path) -> object:
    """Parse a JSON file a user handed in; UserInputError naming it when missing or malformed."""
    path = Path(path)
    if not path.is_file():
        raise UserInputError(f"{path}: no such file")
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserInputError(f"{path}: not valid JSON ({exc})") from exc
    except RecursionError as exc:
        raise UserInputError(f"{path}: JSON nested too deeply to read") from exc


def parse_input_json(path: Path, spec: IOSpec) -> dict[str, np.ndarray]:
    """Read one inference input file; see `inputs_from_doc` for the layouts accepted."""
    return inputs_from_doc(read_json(path), spec, str(path))


def inputs_from_doc(doc: object, spec: IOSpec, source: str) -> dict[str, np.ndarray]:
    """One inference input: `{"<input>": nested or flat list}` or EZKL's `{"input_data": [[...]]}`.

    Returns float32 arrays in the inputs' shapes; UserInputError naming `source` and the
    input for wrong shapes, missing or unknown inputs and NaN.
    """
    if not isinstance(doc, dict):
        raise UserInputError(f"{source}: expected a JSON object of input name to values")
    if "input_data" in doc:
        return _from_ezkl_layout(source, doc["input_data"], spec)
    unknown = sorted(set(doc) - {t.name for t in spec.inputs})
    if unknown:
        raise UserInputError(f"{source}: unknown input '{unknown[0]}'")
    result = {}
    for tensor in spec.inputs:
        if tensor.name not in doc:
            raise UserInputError(f"{source}: missing input '{tensor.name}'")
        result[tensor.name] = _to_array(source, tensor, doc[tensor.name])
    return result


def _to_array(source: str, tensor: TensorSpec, value: object) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise UserInputError(
            f"{source}: input '{tensor.name}' is not a rectangular list of numbers"
        ) from exc
    want = tuple(tensor.shape)
    if arr.size == tensor.size and arr.ndim <= 1:
        arr = arr.reshape(want)  # flat values, as SN2 requests send them
    if arr.shape != want and not (want and want[0] == 1 and arr.shape == want[1:]):
        raise UserInputError(
            f"{source}: input '{tensor.name}' has shape {arr.shape}, the circuit expects {want}"
        )
    if not np.all(np.isfinite(arr)):
        raise UserInputError(f"{source}: input '{tensor.name}' contains NaN or infinity")
    check_magnitude(arr, f"{source}: input '{tensor.name}'")
    return arr.reshape(want).astype(np.float32)


def _from_ezkl_layout(source: str, data: object, spec: IOSpec) -> dict[str, np.ndarray]:
    if not isinstance(data, list) or len(data) != len(spec.inputs):
        raise UserInputError(
            f"{source}: 'input_data' must hold {len(spec.inputs)} flat list(s), one per input"
        )
    result = {}
    for tensor, flat in zip(spec.inputs, data, strict=True):
        arr = _to_array(source, tensor.model_copy(update={"shape": [tensor.size]}), flat)
        result[tensor.name] = arr.reshape(tensor.shape)
    return result
