"""`zkc package` as a user runs it: the subnet package, the competition submission, mistakes."""

import json

import pytest

from tests.cli.helpers import assert_one_error_line
from zkc.compiler.artifacts.hashing import sha256_file

pytestmark = pytest.mark.slow


def _package(zkc, artifact, out, srs_dir, *extra):
    return zkc(
        "package",
        artifact,
        "--target",
        "subnet",
        "-o",
        out,
        "--name",
        "MLP",
        "--author",
        "t",
        "--pk-url-base",
        "https://host/circuits",
        "--srs-dir",
        srs_dir,
        "--cache-dir",
        artifact.parent / "cache",
        *extra,
    )


def test_package_json_output(zkc, mlp_artifact, srs_dir, tmp_path):
    code, out, err = _package(
        zkc, mlp_artifact.path, tmp_path / "dl", srs_dir, "--allow-dev-srs", "--json"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert doc["rebuilt_with_nonce"] is True
    assert doc["package_dir"].endswith(f"model_{doc['circuit_id']}")
    assert sha256_file(tmp_path / "external" / doc["circuit_id"] / "pk.key")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ((), "insecure dev SRS"),
        (("--allow-dev-srs", "--version", "1.0"), "metadata field 'version'"),
        (("--allow-dev-srs", "--name", ""), "--name is required"),
    ],
)
def test_package_mistakes_are_one_line_exit_2(zkc, mlp_artifact, srs_dir, tmp_path, extra, message):
    code, _, err = _package(zkc, mlp_artifact.path, tmp_path / "dl", srs_dir, *extra)
    assert code == 2 and message in err
    assert_one_error_line(err)
    assert not (tmp_path / "dl").exists()


def test_not_an_artifact(zkc, tmp_path, srs_dir):
    code, _, err = _package(zkc, tmp_path / "nope.zkc", tmp_path / "dl", srs_dir)
    assert code == 2 and "nope.zkc: no such artifact directory" in err
    assert_one_error_line(err)


def test_competition_submission(zkc, mlp_artifact, srs_dir, tmp_path):
    code, out, err = zkc(
        "package",
        mlp_artifact.path,
        "--competition",
        "-o",
        tmp_path / "sub",
        "--allow-dev-srs",
        "--srs-dir",
        srs_dir,
        "--cache-dir",
        mlp_artifact.path.parent / "cache",
        "--json",
    )
    assert code == 0, err
    doc = json.loads(out)
    directory = tmp_path / "sub" / doc["sha256"]
    assert sorted(p.name for p in directory.iterdir()) == ["model.compiled", "settings.json"]
    assert sha256_file(directory / "model.compiled") == doc["sha256"]
    run_args = json.loads((directory / "settings.json").read_text())["run_args"]
    assert (
        run_args["input_visibility"],
        run_args["output_visibility"],
        run_args["param_visibility"],
    ) == (
        "Private",
        "Public",
        "Private",
    )
