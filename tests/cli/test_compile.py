"""`zkc compile`: caching, determinism, SRS policy and bad models."""

import json

import pytest
from onnx import helper

from tests.cli.helpers import assert_one_error_line
from tests.graphs import make_model, tensor
from zkc.compiler.ir.model_io import save_model

pytestmark = pytest.mark.slow


def _args(zoo_files, name, out, srs_dir, cache, *extra):
    onnx_path, calib, holdout = zoo_files[name]
    return [
        "compile",
        onnx_path,
        "--calibration",
        calib,
        "--eval",
        holdout,
        "-o",
        out,
        "--srs-dir",
        srs_dir,
        "--cache-dir",
        cache,
        "--dev-srs",
        "--json",
        *extra,
    ]


def test_second_compile_is_a_cache_hit_without_setup(
    zkc, zoo_files, srs_dir, tmp_path, monkeypatch
):
    args = _args(zoo_files, "mlp_digits", tmp_path / "a.zkc", srs_dir, tmp_path / "cache")
    code, out, err = zkc(*args)
    assert code == 0, err
    first = json.loads(out)
    assert first["cached"] is False

    import zkc.targets.ezkl.circuit as circuit

    def no_setup(*a, **k):
        raise AssertionError("setup ran on a cache hit")

    monkeypatch.setattr(circuit, "setup_keys", no_setup)
    code, out, err = zkc(*args)
    assert code == 0, err
    second = json.loads(out)
    assert second["cached"] is True and second["key"] == first["key"]
    code, out, err = zkc(
        *_args(zoo_files, "mlp_digits", tmp_path / "a.zkc", srs_dir, tmp_path / "cache", "--json")
    )
    assert "cache hit" not in out


def test_missing_srs_without_dev_flag_is_refused(zkc, zoo_files, tmp_path):
    args = _args(
        zoo_files, "mlp_digits", tmp_path / "x.zkc", tmp_path / "empty-srs", tmp_path / "c"
    )
    args.remove("--dev-srs")
    code, _, err = zkc(*args)
    assert code == 2
    assert "no SRS for logrows" in err and "--dev-srs" in err
    assert not (tmp_path / "x.zkc").exists()


def _bad_model_cases(tmp_path, zoo_files):
    not_onnx = tmp_path / "not.onnx"
    not_onnx.write_text("hello")
    truncated = tmp_path / "trunc.onnx"
    data = zoo_files["mlp_digits"][0].read_bytes()
    truncated.write_bytes(data[: len(data) - 40])
    unsupported = tmp_path / "unsup.onnx"
    save_model(
        make_model(
            [helper.make_node("LpNormalization", ["x"], ["logits"], name="the_lpnorm")],
            [tensor("x", [1, 64])],
            [tensor("logits", [1, 64])],
        ),
        unsupported,
    )
    dynamic = tmp_path / "dyn.onnx"
    save_model(
        make_model(
            [helper.make_node("Relu", ["x"], ["logits"], name="r")],
            [tensor("x", [1, "features"])],
            [tensor("logits", [1, "features"])],
        ),
        dynamic,
    )
    return [
        (not_onnx, "not.onnx: not an ONNX model"),
        (truncated, "trunc.onnx:"),
        (unsupported, "node 'the_lpnorm' (LpNormalization): tried on this model"),
        (dynamic, "dynamic dimension 'features' at axis 1"),
    ]


def test_bad_models_exit_2_with_one_line_and_leave_nothing(zkc, zoo_files, srs_dir, tmp_path):
    calib = zoo_files["mlp_digits"][1]
    for model, message in _bad_model_cases(tmp_path, zoo_files):
        out = tmp_path / f"{model.stem}.zkc"
        code, _, err = zkc(
            "compile",
            model,
            "--calibration",
            calib,
            "-o",
            out,
            "--srs-dir",
            srs_dir,
            "--cache-dir",
            tmp_path / "cache",
            "--dev-srs",
        )
        assert code == 2, (model, err)
        assert message in err, err
        assert_one_error_line(err)
        assert not out.exists()
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(f".{out.name}")]
