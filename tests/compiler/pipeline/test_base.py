"""What every zkc pass declares (ZkcPass) and the options passes read (PassOptions)."""

import dataclasses
import importlib
import pkgutil

import onnx_ir as ir
import pytest
from onnx import helper

import zkc.passes
from tests.graphs import make_model, tensor
from zkc.compiler.pipeline.base import PassOptions, ZkcPass


class _CountingPass(ir.passes.InPlacePass, ZkcPass):
    """Test-only: records the batch size it was given; modifies nothing."""

    pass_name = "counting"
    version = 3

    def call(self, model):
        model.graph.name = f"batch {self.options.batch_size}"
        return ir.passes.PassResult(model, modified=False)


class _ReturnsACopyPass(ir.passes.InPlacePass, ZkcPass):
    """Test-only: claims to work in place but returns another model."""

    pass_name = "copying"
    version = 1

    def call(self, model):
        return ir.passes.PassResult(ir.from_proto(ir.to_proto(model)), modified=True)


def _model():
    return make_model(
        [helper.make_node("Relu", ["x"], ["y"])], [tensor("x", [1, 2])], [tensor("y", [1, 2])]
    )


def test_pass_options_defaults():
    options = PassOptions()
    assert options.batch_size == 1 and options.input_shapes == {}
    assert PassOptions().input_shapes is not options.input_shapes  # not one shared dict


def test_pass_options_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        PassOptions().batch_size = 2


def test_a_pass_reads_the_options_it_was_given():
    model = _model()
    _CountingPass(PassOptions(batch_size=4))(model)
    assert model.graph.name == "batch 4"
    _CountingPass()(model)
    assert model.graph.name == "batch 1"  # no options: the defaults


def test_a_pass_returns_an_honest_result_through_onnx_ir():
    model = _model()
    result = _CountingPass()(model)
    assert result.model is model and result.modified is False


def test_an_in_place_pass_that_returns_another_model_is_refused():
    with pytest.raises(ir.passes.PassError):
        _ReturnsACopyPass()(_model())


def _zkc_passes() -> list[type[ZkcPass]]:
    for info in pkgutil.iter_modules(zkc.passes.__path__):
        importlib.import_module(f"zkc.passes.{info.name}")
    found, todo = [], list(ZkcPass.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("zkc.passes."):
            found.append(cls)
    return found


def test_every_pass_declares_a_unique_name_and_a_version():
    passes = _zkc_passes()
    assert len(passes) >= 10
    names = [cls.pass_name for cls in passes]
    assert len(set(names)) == len(names), names
    for cls in passes:
        assert isinstance(cls.version, int) and cls.version >= 1, cls
        assert issubclass(cls, ir.passes.InPlacePass | ir.passes.FunctionalPass), cls


def test_a_pass_adds_exactly_the_inputs_it_declares():
    """The compiler feeds declared inputs itself: each must be what the pass really adds."""
    adding = [cls for cls in _zkc_passes() if cls.adds_inputs]
    assert adding and ZkcPass.adds_inputs == {}
    for cls in adding:
        result = cls()(_model())
        added = {v.name: tuple(v.shape) for v in result.model.graph.inputs if v.name != "x"}
        assert added == cls.adds_inputs, cls.pass_name
