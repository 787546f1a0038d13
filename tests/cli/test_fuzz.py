"""Fuzz: malformed models, data files, inputs and proofs, through the CLI in-process. Every
malformed case ends in exactly one `zkc: error:` line and exit 2 (exit 1 for a proof that does
not verify); an exception escaping `main` (a traceback for the user) fails the test.

The corpora are seeded, so a failure names a case that reproduces."""

import copy
import io
import json
import random

import numpy as np
import pytest

from tests.cli.fuzz_corpus import crafted_models
from tests.cli.helpers import assert_one_error_line

pytestmark = pytest.mark.slow


def _mutated_models(good: bytes, rng: random.Random) -> dict[str, bytes]:
    """Random bytes, truncations and byte flips of a valid model."""
    cases = {f"random_{n}": rng.randbytes(n) for n in (1, 7, 100, 5000)}
    cases.update({f"truncated_{i}": good[: rng.randrange(1, len(good))] for i in range(15)})
    for i in range(80):
        data = bytearray(good)
        for _ in range(rng.choice((1, 2, 8))):
            data[rng.randrange(len(data))] = rng.getrandbits(8)
        cases[f"flipped_{i}"] = bytes(data)
    return cases


def _run(zkc, *args):
    code, _, err = zkc(*args)
    if code != 0:
        assert_one_error_line(err)
    return code, err


def test_malformed_models_are_one_line_and_exit_2(zkc, zoo_files, tmp_path):
    for name, (data, message) in crafted_models().items():
        path = tmp_path / f"{name}.onnx"
        path.write_bytes(data)
        code, err = _run(zkc, "plan", path, "--max-logrows", "14")
        assert code == 2 and f"{name}.onnx" in err and message in err, (name, err)
    good = zoo_files["mlp_digits"][0].read_bytes()
    codes = []
    for name, data in _mutated_models(good, random.Random(0)).items():
        path = tmp_path / f"{name}.onnx"
        path.write_bytes(data)
        code, err = _run(zkc, "plan", path, "--max-logrows", "14")
        # a flip inside a weight leaves a valid model: it plans (exit 0)
        assert code == 2 or (code == 0 and name.startswith("flipped")), (name, err)
        codes.append(code)
    assert codes.count(2) >= 25, codes  # the corpus does reach the error paths


def _npz(**arrays) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def test_malformed_calibration_data_is_one_line_and_exit_2(zkc, zoo_files, srs_dir, tmp_path):
    onnx_path, calib, _ = zoo_files["mlp_digits"]
    with np.load(calib) as data:
        x = data["x"]
    pickled = io.BytesIO()
    np.save(pickled, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    cases = {
        "wrong_name": (_npz(y=x), "no array for input 'x'"),
        "wrong_shape": (_npz(x=x[:, :10]), "has shape"),
        "strings": (_npz(x=np.array(["a"] * 64)), "numbers only"),
        "complex": (_npz(x=x.astype(np.complex64)), "numbers only"),
        "nan": (_npz(x=np.full_like(x, np.nan)), "NaN or infinity"),
        "inf": (_npz(x=np.full_like(x, np.inf)), "NaN or infinity"),
        "huge_values": (_npz(x=x * 1e30), "beyond 2^40"),
        "no_samples": (_npz(x=x[:0]), "no samples"),
        "scalar": (_npz(x=np.float32(1)), "has shape ()"),
        "empty_file": (b"", "empty file"),
        "truncated": (_npz(x=x)[:300], "not an .npz file"),
        "random": (random.Random(1).randbytes(300), "not an .npz file"),
        "pickle": (pickled.getvalue(), "not an .npz file"),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / f"{name}.npz"
        path.write_bytes(data)
        out = tmp_path / f"{name}.zkc"
        code, err = _run(
            zkc,
            "compile",
            onnx_path,
            "--calibration",
            path,
            "-o",
            out,
            "--srs-dir",
            srs_dir,
            "--dev-srs",
            "--cache-dir",
            tmp_path / "cache",
        )
        assert code == 2 and f"{name}.npz" in err and message in err, (name, err)
        assert not out.exists()


def _input_cases(good: list) -> dict[str, tuple[bytes, str]]:
    def doc(value):
        return json.dumps({"x": value}).encode()

    return {
        "random": (random.Random(2).randbytes(200), "not valid JSON"),
        "empty": (b"", "not valid JSON"),
        "list": (b"[1, 2, 3]", "expected a JSON object"),
        "unknown_input": (json.dumps({"y": good}).encode(), "unknown input 'y'"),
        "short": (doc(good[:10]), "has shape (10,)"),
        "long": (doc(good * 2), "has shape (128,)"),
        "deep": (doc([[[v]] for v in good]), "has shape (64, 1, 1)"),
        "strings": (doc(["a"] * 64), "not a rectangular list"),
        "ragged": (doc([[1, 2], [3]]), "not a rectangular list"),
        "nulls": (doc([None] * 64), "NaN or infinity"),
        "nan": (doc([float("nan")] * 64), "NaN or infinity"),
        "huge_values": (doc([1e300] * 64), "beyond 2^40"),
        "huge_ints": (
            ('{"x": [' + ",".join(["1" + "0" * 400] * 64) + "]}").encode(),
            "not a rectangular list",
        ),
        "empty_list": (doc([]), "has shape (0,)"),
        "nested_too_deep": (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
    }


def test_malformed_inputs_are_one_line_and_exit_2(zkc, zoo_files, mlp_artifact, srs_dir, tmp_path):
    with np.load(zoo_files["mlp_digits"][2]) as data:
        good = data["x"][0].reshape(-1).tolist()
    for name, (data, message) in _input_cases(good).items():
        path = tmp_path / f"{name}.json"
        path.write_bytes(data)
        for command in ("run", "prove"):
            extra = ["-o", tmp_path / "proof.json"] if command == "prove" else []
            code, err = _run(zkc, command, mlp_artifact.path, path, "--srs-dir", srs_dir, *extra)
            assert code == 2 and f"{name}.json" in err and message in err, (command, name, err)
            assert not (tmp_path / "proof.json").exists()


def _mutated_proofs(good: dict, rng: random.Random) -> dict[str, dict]:
    """A valid proof file with one field replaced by junk or removed, per case."""

    def paths(value, prefix=()):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield from paths(inner, (*prefix, key))
        elif isinstance(value, list) and 0 < len(value) < 5:
            for i, inner in enumerate(value):
                yield from paths(inner, (*prefix, i))
        if prefix:
            yield prefix

    junk = [None, "x", "0xzz", -1, 2**300, 1.5, [], {}, [None], "0x", True, "1" * 1000]
    every = list(paths(good))
    cases = {}
    for _ in range(120):
        doc, path = copy.deepcopy(good), rng.choice(every)
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        if rng.random() < 0.2:
            del parent[path[-1]]
        else:
            parent[path[-1]] = rng.choice(junk)
        cases[".".join(map(str, path)) + f"#{len(cases)}"] = doc
    return cases


# Fields EZKL writes for people, not for verification: junk in them leaves the proof valid.
INFORMATIONAL = (
    "proof.pretty_public_inputs",
    "proof.version",
    "proof.split",
    "proof.timestamp",
    "proof.protocol",
    "proof.hex_proof",
    "slices",
)


def test_malformed_and_tampered_proofs_are_refused(zkc, zoo_files, mlp_artifact, srs_dir, tmp_path):
    with np.load(zoo_files["mlp_digits"][2]) as data:
        (tmp_path / "in.json").write_text(json.dumps({"x": data["x"][0].tolist()}))
    proof = tmp_path / "proof.json"
    assert (
        zkc("prove", mlp_artifact.path, tmp_path / "in.json", "-o", proof, "--srs-dir", srs_dir)[0]
        == 0
    )
    good = json.loads(proof.read_text())
    tampered = copy.deepcopy(good)
    hex_proof = tampered["proof"]["hex_proof"]
    tampered["proof"]["hex_proof"] = (
        hex_proof[:100] + ("1" if hex_proof[100] == "0" else "0") + hex_proof[101:]
    )
    cases = {**_mutated_proofs(good, random.Random(3)), "hex_proof_not_the_bytes": tampered}
    refused = 0
    for name, doc in cases.items():
        path = tmp_path / "case.json"
        path.write_text(json.dumps(doc))
        code, err = _run(zkc, "verify", mlp_artifact.path, path, "--srs-dir", srs_dir)
        assert code in (1, 2) or name.startswith(INFORMATIONAL), (name, err)
        refused += code != 0
    assert refused >= 90, refused
