"""A registry that dies mid-pull or mid-push (a real connection cut on loopback): one clear
error, bounded in time, nothing partial kept or tagged; the same transfer succeeds once the
registry is back."""

import sys
import time
from pathlib import Path

import pytest

from zkc.compiler.errors import ZkcError
from zkc.targets.registry.publish import publish
from zkc.targets.registry.pull import pull
from zkc.targets.registry.reference import parse_ref

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "bench"))
from _cutting_proxy import CuttingProxy  # noqa: E402  (the chaos bench's proxy)

pytestmark = pytest.mark.slow


def test_a_registry_dying_mid_pull_keeps_nothing(registry, mlp_artifact, tmp_path):
    publish(mlp_artifact.path, parse_ref(f"oci://{registry.host}/zkc/cut:1"))
    proxy = CuttingProxy(registry.host, cut_after=256 * 1024, direction="down")
    start = time.monotonic()
    with pytest.raises(ZkcError) as caught:
        pull(parse_ref(f"oci://{proxy.host}/zkc/cut:1"), tmp_path / "out", tmp_path / "cache")
    assert time.monotonic() - start < 30 and proxy.cut.is_set()  # not ORAS's 2-minute back-off
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "out").exists()
    assert [p for p in (tmp_path / "cache").rglob("*") if p.is_file()] == []
    again = pull(
        parse_ref(f"oci://{registry.host}/zkc/cut:1"), tmp_path / "out", tmp_path / "cache"
    )
    assert again.artifact_key == mlp_artifact.manifest.key and not again.cached


def test_a_registry_dying_mid_push_tags_nothing(registry, mlp_artifact, tmp_path):
    proxy = CuttingProxy(registry.host, cut_after=512 * 1024, direction="up")
    start = time.monotonic()
    with pytest.raises(ZkcError) as caught:
        publish(mlp_artifact.path, parse_ref(f"oci://{proxy.host}/zkc/halfpush:1"))
    assert time.monotonic() - start < 30 and proxy.cut.is_set() and "\n" not in str(caught.value)
    with pytest.raises(ZkcError, match="no such artifact"):
        pull(parse_ref(f"oci://{registry.host}/zkc/halfpush:1"), None, tmp_path / "cache")
    publish(mlp_artifact.path, parse_ref(f"oci://{registry.host}/zkc/halfpush:1"))
    assert pull(parse_ref(f"oci://{registry.host}/zkc/halfpush:1"), None, tmp_path / "c2").path
