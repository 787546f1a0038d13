"""Checks every rewrite pass shares: onnxruntime before == after on an op case (inside and
beyond its usual input range), the op gone, `modified` honest both ways."""

import numpy as np
import onnx_ir as ir

from tests.graphs import op_types
from zkc.compiler.data.reference import ReferenceRunner
from zkc.model_zoo.op_cases import BY_NAME


def case_model(case_name: str) -> ir.Model:
    return ir.serde.deserialize_model(BY_NAME[case_name].build())


def outputs(model: ir.Model, samples: dict) -> dict:
    return ReferenceRunner(model).run_batch(samples, {k: v.shape[1:] for k, v in samples.items()})


def check_rewrite(case_name: str, pass_cls, gone: str | None) -> ir.Model:
    """The pass rewrites the case, computes the same outputs, and leaves nothing to rewrite."""
    case = BY_NAME[case_name]
    samples = {**case.samples(6, seed=1)}
    wide = {k: v * 10 for k, v in case.samples(2, seed=2).items()}  # beyond the usual range
    before = [outputs(case_model(case_name), s) for s in (samples, wide)]
    result = pass_cls()(case_model(case_name))
    assert result.modified
    if gone is not None:
        assert gone not in op_types(result.model)
    after = [outputs(result.model, s) for s in (samples, wide)]
    for b, a in zip(before, after, strict=True):
        for name in b:
            np.testing.assert_allclose(a[name], b[name], rtol=1e-5, atol=1e-5)
    assert pass_cls()(result.model).modified is False  # nothing left to rewrite
    return result.model


def check_untouched(case_name: str, pass_cls) -> None:
    """A model with nothing for the pass to do comes back unmodified, op for op."""
    model = case_model(case_name)
    ops = op_types(model)
    result = pass_cls()(model)
    assert result.modified is False and op_types(result.model) == ops
