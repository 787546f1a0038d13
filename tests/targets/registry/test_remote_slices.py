"""Slice proofs on Dask workers that share no files with the client: each job names the slice's
circuit and proving key by registry blob URL and digest, and the worker fetches them into its
own cache (checked), then proves. A real LocalCluster and a real docker-registry."""

import json

import numpy as np
import pytest

from tests.conftest import _compile, subdir
from tests.targets.registry.conftest import PASSWORD, USER
from zkc.compiler.artifacts.download import ShippedFiles
from zkc.compiler.errors import ArtifactError, ToolError, UserInputError
from zkc.targets import open_artifact
from zkc.targets.registry.publish import publish
from zkc.targets.registry.reference import parse_ref
from zkc.targets.registry.shipping import blob_sources

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as local:
        yield local


@pytest.fixture(scope="module")
def sliced(zoo_files, srs_dir, module_tmp):
    return _compile("mlp_digits", zoo_files, srs_dir, subdir(module_tmp, "art"), slices=2)


def _sample(zoo_files, index):
    with np.load(zoo_files["mlp_digits"][2]) as data:
        return {"x": data["x"][index].reshape(64).astype(np.float64)}


def _shipped_files(manifest):
    return {p: e for p, e in manifest.files.items() if p.endswith(("model.compiled", "pk.key"))}


def _ship(compiled, repo, cache, srs_dir, auth=(None, None)):
    """What the CLI's --blobs-from builds: every file's blob source in the repository."""
    sources = blob_sources(repo, compiled.manifest, sorted(compiled.manifest.files), *auth)
    return ShippedFiles(sources, str(srs_dir), str(cache))


def test_workers_fetch_the_slices_from_the_registry_once(
    cluster, registry, sliced, srs_dir, zoo_files, tmp_path, zkc
):
    repo = f"oci://{registry.host}/zkc/sliced"
    publish(sliced.path, parse_ref(f"{repo}:1"))
    compiled = open_artifact(sliced.path, srs_dir)
    cache = tmp_path / "worker-cache"
    first = compiled.prove(
        _sample(zoo_files, 0),
        scheduler=cluster.scheduler_address,
        shipped=_ship(compiled, repo, cache, srs_dir),
    )
    compiled.verify(first.envelope)
    shipped = _shipped_files(compiled.manifest)
    assert len(shipped) == 4
    assert sum(first.run["slice_fetched_bytes"]) == sum(e.size for e in shipped.values())
    cached = {p.name for p in (cache / "blobs" / "sha256").iterdir()}
    assert cached == {e.sha256 for e in shipped.values()}
    # The CLI, a second request: every blob is already in the workers' cache.
    (tmp_path / "in.json").write_text(json.dumps({"x": _sample(zoo_files, 1)["x"].tolist()}))
    code, out, err = zkc(
        "prove",
        sliced.path,
        tmp_path / "in.json",
        "-o",
        tmp_path / "p.json",
        "--scheduler",
        cluster.scheduler_address,
        "--blobs-from",
        repo,
        "--worker-cache",
        cache,
        "--srs-dir",
        srs_dir,
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["slices"]["slice_fetched_bytes"] == [0, 0]
    assert zkc("verify", sliced.path, tmp_path / "p.json", "--srs-dir", srs_dir)[0] == 0


def test_a_tampered_blob_is_refused_by_the_worker(
    cluster, registry, sliced, srs_dir, zoo_files, tmp_path
):
    repo = f"oci://{registry.host}/zkc/sliced"
    publish(sliced.path, parse_ref(f"{repo}:1"))
    digest = sliced.manifest.files["slices/01/pk.key"].sha256
    blob = next(registry.storage.rglob(f"blobs/sha256/*/{digest}/data"))
    data = bytearray(blob.read_bytes())
    data[len(data) // 2] ^= 0xFF
    blob.write_bytes(bytes(data))
    compiled = open_artifact(sliced.path, srs_dir)
    cache = tmp_path / "worker-cache"
    with pytest.raises(ArtifactError, match="does not match its digest"):
        compiled.prove(
            _sample(zoo_files, 2),
            scheduler=cluster.scheduler_address,
            shipped=_ship(compiled, repo, cache, srs_dir),
        )
    assert not (cache / "blobs" / "sha256" / digest).exists()
    assert not list(cache.rglob("*.part"))


def test_blobs_must_be_published_and_need_a_cluster(registry, sliced, srs_dir, zoo_files):
    compiled = open_artifact(sliced.path, srs_dir)
    sample = _sample(zoo_files, 3)
    with pytest.raises(UserInputError, match="zkc publish"):
        _ship(compiled, f"oci://{registry.host}/zkc/never-pushed", "c", srs_dir)
    with pytest.raises(UserInputError, match="--scheduler"):
        publish(sliced.path, parse_ref(f"oci://{registry.host}/zkc/sliced:1"))
        compiled.prove(
            sample, shipped=_ship(compiled, f"oci://{registry.host}/zkc/sliced", "c", srs_dir)
        )
    with pytest.raises(UserInputError, match="oci:// registry"):
        _ship(compiled, "file:///tmp/layout:1", "c", srs_dir)


def test_workers_read_a_private_registry_with_their_own_credentials(
    auth_registry, cluster, sliced, srs_dir, zoo_files, tmp_path
):
    from distributed import LocalCluster

    repo = f"oci://{auth_registry.host}/zkc/private-sliced"
    publish(sliced.path, parse_ref(f"{repo}:1"), None, USER, PASSWORD)
    compiled = open_artifact(sliced.path, srs_dir)
    shipping = {"shipped": _ship(compiled, repo, tmp_path / "cache", srs_dir, (USER, PASSWORD))}
    # The client's credentials are never sent in a job: workers without their own are refused.
    with pytest.raises(ToolError, match="the registry needs credentials"):
        compiled.prove(_sample(zoo_files, 4), scheduler=cluster.scheduler_address, **shipping)
    env = {"ZKC_REGISTRY_USER": USER, "ZKC_REGISTRY_PASSWORD": PASSWORD}
    # A second cluster beside the module's: its HTTP server on any free port.
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=40,
        env=env,
    ) as local:
        result = compiled.prove(
            _sample(zoo_files, 4), scheduler=local.scheduler_address, **shipping
        )
    compiled.verify(result.envelope)
    assert sum(result.run["slice_fetched_bytes"]) > 0
