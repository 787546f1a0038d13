"""`zkc audit`: a rebuild from the source model reproduces an artifact (and a subnet package)
file for file; another model is caught by its verifying key (exit 1)."""

import json

import onnx
import pytest
from onnx import numpy_helper

from tests.cli.helpers import assert_one_error_line

pytestmark = pytest.mark.slow


def test_the_rebuild_of_an_artifact_is_identical(zkc, mlp_artifact, zoo_files, srs_dir):
    onnx_path = zoo_files["mlp_digits"][0]
    code, out, err = zkc(
        "audit", mlp_artifact.path, "--model", onnx_path, "--srs-dir", srs_dir, "--json"
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["identical"] and report["vk_identical"]
    names = {f["name"] for f in report["files"]}
    assert {"vk.key", "pk.key", "model.compiled", "settings.json", "manifest.json"} <= names
    assert report["rebuilt_key"] == report["recorded_key"] == mlp_artifact.manifest.key


def test_another_model_is_refused_by_its_verifying_key(
    zkc, mlp_artifact, zoo_files, srs_dir, tmp_path
):
    proto = onnx.load(str(zoo_files["mlp_digits"][0]))
    weight = proto.graph.initializer[0]
    values = numpy_helper.to_array(weight).copy()
    values.flat[0] += 0.25  # one weight changed
    weight.CopyFrom(numpy_helper.from_array(values, weight.name))
    onnx.save(proto, str(tmp_path / "other.onnx"))
    code, out, err = zkc(
        "audit", mlp_artifact.path, "--model", tmp_path / "other.onnx", "--srs-dir", srs_dir
    )
    assert code == 1
    assert "NOT the model it records" in out and "DIFFERS    vk.key" in out
    assert err.strip().splitlines()[-1].startswith("zkc: error:") and "verifying keys" in err


def test_a_subnet_package_is_rebuilt_through_its_nonce_derivation(
    zkc, mlp_package, zoo_files, srs_dir
):
    code, out, err = zkc(
        "audit",
        mlp_package.package_dir,
        "--model",
        zoo_files["mlp_digits"][0],
        "--srs-dir",
        srs_dir,
        "--json",
    )
    assert code == 0, err
    report = json.loads(out)
    assert report["vk_identical"] and report["identical"]
    assert {f["name"] for f in report["files"]} >= {"vk.key", "model.compiled", "pk.key"}


def test_not_an_artifact_is_a_one_line_error(zkc, zoo_files, tmp_path):
    code, _, err = zkc("audit", tmp_path, "--model", zoo_files["mlp_digits"][0])
    assert code == 2
    assert_one_error_line(err)
    assert "neither a zkc artifact nor a zkc subnet package" in err
