"""The compile driver without EZKL: what the artifact key covers, the inputs a build reads (the
held-out split), and a configured config keyed before the cache is asked."""

import dataclasses
import shutil

import numpy as np
import pytest
from onnx import helper

from tests.compiler.artifacts.examples import manifest
from tests.graphs import save_xy_model
from zkc.compiler.artifacts.manifest import ArtifactStore, write_manifest
from zkc.compiler.config import CompileConfig
from zkc.compiler.driver import compile as driver
from zkc.compiler.driver.compile import (
    CompileRequest,
    artifact_key,
    compile_inputs,
    pipeline_name,
    read_inputs,
)
from zkc.compiler.errors import ToolError, UserInputError
from zkc.compiler.pipeline.base import ZkcPass
from zkc.compiler.progress import Reporter

CALIBRATION = np.arange(24, dtype=np.float32).reshape(8, 3)


class _PassA(ZkcPass):
    pass_name, version = "a", 1


class _PassB(ZkcPass):
    pass_name, version = "b", 1


class _PassB2(ZkcPass):
    pass_name, version = "b", 2


@pytest.fixture
def files(tmp_path):
    """(model, calibration) files: y = Relu(x), x of shape (batch, 3); 8 samples."""
    model = save_xy_model(
        tmp_path / "m.onnx", [helper.make_node("Relu", ["x"], ["y"])], ["N", 3], ["N", 3]
    )
    np.savez(tmp_path / "calib.npz", x=CALIBRATION)
    return model, tmp_path / "calib.npz"


def _request(files, tmp_path, eval_path=None, **config):
    model, calib = files
    return CompileRequest(
        model, calib, tmp_path / "out.zkc", CompileConfig(**config), eval_path=eval_path
    )


def _key(inputs, config=None, passes=(_PassA, _PassB)):
    return artifact_key(inputs, config or CompileConfig(pipeline="p"), list(passes))


def test_the_key_changes_with_each_input_it_covers(files, tmp_path, monkeypatch):
    inputs = read_inputs(_request(files, tmp_path))
    base = _key(inputs)
    other = {
        "model": dataclasses.replace(inputs, model_sha256="0" * 64),
        "calibration": dataclasses.replace(inputs, calibration={"x": inputs.calibration["x"] + 1}),
        "eval": dataclasses.replace(inputs, evaluation={"x": inputs.evaluation["x"][:1]}),
        "eval_source": dataclasses.replace(inputs, eval_source="the --eval file"),
    }
    keys = {name: _key(changed) for name, changed in other.items()}
    keys["pass version"] = _key(inputs, passes=(_PassA, _PassB2))
    keys["pass order"] = _key(inputs, passes=(_PassB, _PassA))
    keys["field"] = _key(inputs, CompileConfig(pipeline="p", batch_size=2))
    keys["option"] = _key(inputs, CompileConfig(pipeline="p", scale=7))
    keys["pipeline"] = _key(inputs, CompileConfig(pipeline="q"))
    monkeypatch.setattr(driver, "tool_versions", lambda: {"ezkl": "0.0.0"})
    keys["tools"] = _key(inputs)
    monkeypatch.undo()
    monkeypatch.setattr(driver, "PLANNER_VERSION", -1)
    keys["planner"] = _key(inputs)
    assert len(set(keys.values()) | {base}) == len(keys) + 1, keys


def test_the_key_ignores_where_the_files_are_and_how_the_numbers_were_held(files, tmp_path):
    inputs = read_inputs(_request(files, tmp_path))
    moved = tmp_path / "elsewhere.onnx"
    shutil.copy(files[0], moved)
    again = read_inputs(dataclasses.replace(_request(files, tmp_path), model_path=moved))
    assert again.model_path != inputs.model_path and _key(again) == _key(inputs)
    as_float64 = {"x": inputs.calibration["x"].astype(np.float64)}
    assert _key(dataclasses.replace(inputs, calibration=as_float64)) == _key(inputs)


def test_without_eval_file_the_last_quarter_is_held_out(files, tmp_path):
    inputs = read_inputs(_request(files, tmp_path))
    assert inputs.calibration["x"].shape == (6, 1, 3)  # pinned: batch 1
    np.testing.assert_array_equal(inputs.calibration["x"][:, 0], CALIBRATION[:6])
    np.testing.assert_array_equal(inputs.evaluation["x"][:, 0], CALIBRATION[6:])
    assert inputs.eval_source == "last 2 of calibration file"
    assert inputs.model_sha256 == driver.sha256_file(files[0])


def test_the_hold_out_fraction_and_the_sample_caps(files, tmp_path):
    inputs = read_inputs(
        _request(
            files, tmp_path, holdout_fraction=0.5, max_calibration_samples=3, max_eval_samples=1
        )
    )
    np.testing.assert_array_equal(inputs.calibration["x"][:, 0], CALIBRATION[:3])
    np.testing.assert_array_equal(inputs.evaluation["x"][:, 0], CALIBRATION[4:5])
    assert inputs.eval_source == "last 4 of calibration file"


def test_an_eval_file_is_used_whole(files, tmp_path):
    np.savez(tmp_path / "eval.npz", x=-CALIBRATION[:5])
    inputs = read_inputs(_request(files, tmp_path, eval_path=tmp_path / "eval.npz"))
    assert inputs.calibration["x"].shape == (8, 1, 3)
    np.testing.assert_array_equal(inputs.evaluation["x"][:, 0], -CALIBRATION[:5])
    assert inputs.eval_source == "the --eval file"


def test_one_sample_cannot_be_split(files, tmp_path):
    np.savez(files[1], x=CALIBRATION[:1])
    with pytest.raises(
        UserInputError,
        match="calibration data needs at least 2 samples to hold some out for fidelity",
    ):
        read_inputs(_request(files, tmp_path))


def test_a_large_hold_out_fraction_keeps_a_calibration_sample(files, tmp_path):
    np.savez(files[1], x=CALIBRATION[:2])
    inputs = read_inputs(_request(files, tmp_path, holdout_fraction=0.75))
    assert len(inputs.calibration["x"]) >= 1 and len(inputs.evaluation["x"]) >= 1


def test_the_batch_size_pins_the_sample_shape(files, tmp_path):
    np.savez(files[1], x=np.zeros((4, 2, 3), np.float32))
    inputs = read_inputs(_request(files, tmp_path, batch_size=2))
    assert inputs.calibration["x"].shape == (3, 2, 3)


class _FakeTarget:
    """Configures a config (its default pipeline, an option) and reuses any cached build."""

    name = "fake"

    def __init__(self):
        self.asked = []

    def configure(self, config):
        return config.model_copy(
            update={"pipeline": config.pipeline or "fake-default", "options": {"scale": 7}}
        )

    def pipeline(self, name, disabled=()):
        self.asked.append((name, tuple(disabled)))
        return [_PassA, _PassB]

    def can_reuse(self, facts):
        return True


def test_the_target_configures_the_config_before_the_key(files, tmp_path):
    request = _request(files, tmp_path, disabled_passes=("b",))
    inputs, target = read_inputs(request), _FakeTarget()
    configured = target.configure(request.config)
    key = artifact_key(inputs, configured, [_PassA, _PassB])
    assert key != artifact_key(inputs, request.config, [_PassA, _PassB])
    store = ArtifactStore(tmp_path / "cache")
    with store.building(key) as tmp:
        write_manifest(tmp, manifest(key))
    result = compile_inputs(
        inputs, request.config, target, request.output, tmp_path / "cache", Reporter()
    )
    assert result.cached and result.manifest.key == key
    assert (request.output / "manifest.json").is_file()
    assert target.asked == [("fake-default", ("b",))]


def test_an_unconfigured_config_has_no_pipeline():
    assert pipeline_name(CompileConfig(pipeline="ezkl-default")) == "ezkl-default"
    with pytest.raises(
        ToolError, match=r"the config was not configured by its target \(no pipeline\)"
    ):
        pipeline_name(CompileConfig())
