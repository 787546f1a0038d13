"""`zkc publish` / `zkc pull` as a user runs them (OCI layout on disk; the registry itself: tests/targets/registry)."""

import json

import pytest

from tests.cli.helpers import assert_one_error_line

pytestmark = pytest.mark.slow


def test_publish_pull_signed_layout(zkc, mlp_artifact, tmp_path):
    ref = f"file://{tmp_path / 'layout'}:1.0.0"
    code, out, err = zkc("publish", mlp_artifact.path, ref, "--hotkey-uri", "//Alice", "--json")
    assert code == 0, err
    signer = json.loads(out)["signer"]
    code, out, err = zkc(
        "pull",
        ref,
        "-o",
        tmp_path / "got.zkc",
        "--cache-dir",
        tmp_path / "c",
        "--expect-hotkey",
        signer,
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["artifact_key"] == mlp_artifact.manifest.key
    code, _, err = zkc(
        "pull",
        ref,
        "--cache-dir",
        tmp_path / "c",
        "--expect-hotkey",
        "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
    )
    assert code == 1 and "not by 5FHneW46" in err
    assert_one_error_line(err)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pull", "oci://h:5000/Bad:1"), "repository 'Bad'"),
        (("pull", "file:///nonexistent-layout:1"), "no tag '1'"),
    ],
)
def test_mistakes_are_one_line(zkc, args, message):
    code, _, err = zkc(*args)
    assert code == 2 and message in err
    assert_one_error_line(err)
