"""The EZKL target's named pipelines: every pass in one, disabling and unknown names."""

import importlib
import pkgutil

import pytest

import zkc.passes
from zkc.compiler.errors import UserInputError
from zkc.compiler.pipeline.base import ZkcPass
from zkc.targets.ezkl.lowering import LOWERINGS
from zkc.targets.ezkl.pipelines import PIPELINES, pipeline_passes


def test_every_pass_belongs_to_a_pipeline():
    in_pipelines = {cls for passes in PIPELINES.values() for cls in passes} | set(LOWERINGS)
    for info in pkgutil.iter_modules(zkc.passes.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"zkc.passes.{info.name}")
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, ZkcPass)
                and obj.__module__ == module.__name__
            ):
                assert obj in in_pipelines, f"{obj.__name__} is in no pipeline nor lowering"
                assert obj.__doc__ and isinstance(obj.version, int)


def test_disable_pass_and_unknown_names():
    names = [p.pass_name for p in pipeline_passes("ezkl-default", ["simplify"])]
    assert "simplify" not in names and "static_shapes" in names
    with pytest.raises(UserInputError, match="no pass 'nope'"):
        pipeline_passes("ezkl-default", ["nope"])
    with pytest.raises(UserInputError, match="unknown pipeline 'x'"):
        pipeline_passes("x")
