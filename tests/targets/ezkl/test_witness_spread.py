"""The held-out run's witnesses spread over every core when there are enough of them, and run
inline (no processes started) when there are few."""

from types import SimpleNamespace

import numpy as np
import pytest

from zkc.compiler.compute import runners
from zkc.compiler.compute.runners import ProveRunner
from zkc.targets.ezkl import witness


@pytest.mark.parametrize("samples, pieces, expected", [(10, 2, 1), (100, 5, 2), (50, 72, 2)])
def test_witness_workers_follow_the_amount_of_work(monkeypatch, samples, pieces, expected):
    seen = {}

    def fake_run_jobs(fn, jobs, workers, scheduler):
        seen["workers"] = workers
        return [{"y": job[3]["x"]} for job in jobs]

    monkeypatch.setattr(runners, "run_jobs", fake_run_jobs)
    monkeypatch.setattr(runners.os, "cpu_count", lambda: 2)
    facts = SimpleNamespace(pieces=[None] * pieces, model_dump_json=lambda: "{}")
    spec = SimpleNamespace(outputs=[SimpleNamespace(name="y")], model_dump_json=lambda: "{}")
    x = np.arange(samples, dtype=np.float32).reshape(samples, 1)
    out = witness.run_spread("/nowhere", facts, spec, {"x": x}, ProveRunner(1))
    assert seen["workers"] == expected
    assert np.array_equal(out["y"], x)  # every sample once, in order
