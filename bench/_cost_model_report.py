"""cost_model.md: per decomposition and model, the cost model's estimate errors (bench/cost_model.py)."""

import numpy as np


def report_lines(evaluation: dict) -> list[str]:
    """cost_model.md: per decomposition and model, estimate errors and logrows hits."""
    lines = [
        "# Cost model: estimated vs EZKL rows (leave-one-model-out)",
        "",
        "Each model's circuits are estimated by coefficients fitted on the other models' circuits.",
        "",
    ]
    for key, rows in evaluation.items():
        lines += [
            f"## decomposition {key}",
            "",
            "| model | circuits | mean abs error rows | max abs error rows | logrows exact | logrows within 1 |",
            "|---|---|---|---|---|---|",
        ]
        for model in sorted({r["model"] for r in rows}) + ["all", "all, convs lowered"]:
            sel = [r for r in rows if model in ("all", r["model"])]
            if model == "all, convs lowered":
                sel = [r for r in rows if "lowered" in r["part"]]
            if not sel:
                continue
            errors = [abs(r["error"]) for r in sel]
            exact = sum(r["estimated_logrows"] == r["actual_logrows"] for r in sel)
            near = sum(abs(r["estimated_logrows"] - r["actual_logrows"]) <= 1 for r in sel)
            lines.append(
                f"| {model} | {len(sel)} | {np.mean(errors):.1%} | {max(errors):.1%} | "
                f"{exact / len(sel):.0%} | {near / len(sel):.0%} |"
            )
        lines.append("")
    return lines
