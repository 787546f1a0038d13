"""EzklTarget implements the Target protocol: every method, compatible signatures, its options
validated in `configure` (defaults filled in, unknown or bad options one line naming them)."""

import inspect

import pytest

from zkc.compiler.config import CompileConfig
from zkc.compiler.errors import UserInputError
from zkc.compiler.target.protocol import Target
from zkc.targets import TARGETS, make_target
from zkc.targets.ezkl.config import EzklConfig, EzklOptions
from zkc.targets.ezkl.target import EzklTarget


def _protocol_methods() -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(Target).items()
        if callable(member) and not name.startswith("_")
    }


def test_ezkl_target_declares_and_implements_every_protocol_method():
    assert Target in EzklTarget.__mro__  # declared, so mypy checks it against the protocol
    target = make_target("ezkl")
    assert isinstance(target, EzklTarget)
    for name, wanted in _protocol_methods().items():
        method = getattr(EzklTarget, name)
        assert method is not getattr(Target, name), f"{name} is not implemented"
        assert list(inspect.signature(method).parameters) == list(wanted.parameters), name


def test_every_registered_target_is_built_by_name():
    for name in TARGETS:
        assert make_target(name).name == name
    with pytest.raises(UserInputError, match="unknown target 'nope'"):
        make_target("nope")


def test_configure_fills_in_the_pipeline_and_every_option():
    config = make_target("ezkl").configure(CompileConfig(max_logrows=15, decomp_base=1024))
    assert config.pipeline == "ezkl-default"
    assert config.options == {**EzklOptions().model_dump(mode="json"), "decomp_base": 1024}
    record = config.record()
    assert record["decomp_base"] == 1024 and record["max_logrows"] == 15
    assert "options" not in record
    assert EzklConfig.of(config).decomp_base == 1024


def test_configure_refuses_unknown_and_bad_options_in_one_line():
    target = make_target("ezkl")
    with pytest.raises(UserInputError, match="unknown option 'max_logrow' for the ezkl target"):
        target.configure(CompileConfig(max_logrow=3))
    with pytest.raises(UserInputError, match="option 'link' of the ezkl target"):
        target.configure(CompileConfig(link="carrier-pigeon"))


def test_a_flat_record_reads_back_as_the_same_config():
    config = make_target("ezkl").configure(CompileConfig(slices=2, link="hashed"))
    again = make_target("ezkl").configure(CompileConfig.model_validate(config.record()))
    assert again == config


def test_option_names_never_shadow_compile_fields():
    assert not set(EzklOptions.model_fields) & set(CompileConfig.model_fields)
