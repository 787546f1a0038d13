"""CompileConfig: flat construction, the flat record, target options; the limits it validates with."""

import pytest
from pydantic import ValidationError

from zkc.compiler.artifacts.hashing import sha256_json
from zkc.compiler.config import CompileConfig
from zkc.compiler.limits import LARGE_LOGROWS, MAX_LOGROWS, UNBOUNDED_LOGROWS


def test_names_that_are_not_fields_are_target_options():
    config = CompileConfig(max_logrows=17, decomp_base=1024, link="hashed")
    assert config.max_logrows == 17
    assert config.options == {"decomp_base": 1024, "link": "hashed"}
    assert not hasattr(config, "decomp_base")


def test_flat_names_join_the_options_given_as_a_dict():
    config = CompileConfig(options={"scale": 7}, decomp_legs=3)
    assert config.options == {"scale": 7, "decomp_legs": 3}


def test_fields_alone_leave_the_options_empty():
    config = CompileConfig(batch_size=2, disabled_passes=("simplify",))
    assert config.options == {}
    assert config.disabled_passes == ("simplify",)


def test_record_is_flat_json_with_every_field_and_option():
    config = CompileConfig(input_shapes={"x": (1, 3)}, decomp_base=256)
    record = config.record()
    assert "options" not in record
    assert record["decomp_base"] == 256
    assert record["input_shapes"] == {"x": [1, 3]}  # JSON form: the key hashes it
    assert record["target"] == "ezkl" and record["holdout_fraction"] == 0.25
    generic = set(CompileConfig.model_fields) - {"options"}
    assert set(record) == generic | {"decomp_base"}
    sha256_json(record)  # hashable as canonical JSON


def test_record_differs_with_an_option_and_with_a_field():
    base = CompileConfig().record()
    assert CompileConfig(scale=7).record() != base
    assert CompileConfig(batch_size=2).record() != base
    assert CompileConfig(scale=7).record() != CompileConfig(scale=8).record()


def test_record_refuses_an_option_that_shadows_a_field():
    config = CompileConfig(options={"batch_size": 4, "max_logrows": 3})
    with pytest.raises(
        ValueError, match=r"target options shadow compile fields: \['batch_size', 'max_logrows'\]"
    ):
        config.record()


def test_with_options_replaces_some_and_keeps_the_rest():
    config = CompileConfig(scale=7, link="hashed", batch_size=2)
    changed = config.with_options(scale=9, columns=4)
    assert changed.options == {"scale": 9, "link": "hashed", "columns": 4}
    assert changed.batch_size == 2
    assert config.options == {"scale": 7, "link": "hashed"}  # the original is unchanged


def test_with_options_cannot_smuggle_in_a_field():
    changed = CompileConfig().with_options(batch_size=3)
    assert changed.batch_size == 1
    with pytest.raises(ValueError, match="shadow compile fields: \\['batch_size'\\]"):
        changed.record()


def test_the_config_is_frozen():
    config = CompileConfig()
    with pytest.raises(ValidationError, match="frozen"):
        config.batch_size = 2


def test_max_logrows_is_bounded_by_the_limit():
    assert CompileConfig(max_logrows=MAX_LOGROWS).max_logrows == MAX_LOGROWS
    with pytest.raises(ValidationError, match=f"less than or equal to {MAX_LOGROWS}"):
        CompileConfig(max_logrows=MAX_LOGROWS + 1)
    with pytest.raises(ValidationError, match="greater than or equal to 1"):
        CompileConfig(max_logrows=0)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("batch_size", 0, "greater than or equal to 1"),
        ("slices", 0, "greater than or equal to 1"),
        ("max_error", 0.0, "greater than 0"),
        ("min_top1", 1.5, "less than or equal to 1"),
        ("holdout_fraction", 1.0, "less than 1"),
        ("holdout_fraction", 0.0, "greater than 0"),
        ("max_calibration_samples", 0, "greater than or equal to 1"),
        ("equivalence_samples", 0, "greater than or equal to 1"),
    ],
)
def test_bad_values_are_refused_naming_the_field(field, value, message):
    with pytest.raises(ValidationError, match=message) as info:
        CompileConfig(**{field: value})
    assert field in str(info.value)


def test_a_bad_value_is_not_taken_for_an_option():
    with pytest.raises(ValidationError, match="batch_size"):
        CompileConfig(batch_size="many")


def test_the_limits_are_ordered():
    """The large-circuit warning sits below the ceiling, and "unbounded" above any circuit."""
    assert 1 <= LARGE_LOGROWS < MAX_LOGROWS < UNBOUNDED_LOGROWS
