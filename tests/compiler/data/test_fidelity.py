"""Fidelity reports and budgets."""

from zkc.compiler.data.fidelity import Budget, FidelityReport


def _report(err, top1=None):
    return FidelityReport(
        samples=4, source="t", max_abs_error=err, mean_abs_error=err, top1_agreement=top1
    )


def test_budget():
    both = Budget(max_error=0.1, min_top1=0.99)
    assert both.met(_report(0.05, 1.0))
    assert not both.met(_report(0.2, 1.0)) and not both.met(_report(0.05, 0.9))
    assert not Budget(min_top1=0.5).met(_report(0.0, None))  # no classifier output: not met
    assert both.describe() == "max |error| <= 0.1 and top-1 agreement >= 99.00%"
