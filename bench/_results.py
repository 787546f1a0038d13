"""Where benchmark scripts put their figures: `<out>/<name>.json` and `<name>.md`."""

import json
import os
import platform
from pathlib import Path


def host() -> dict:
    """The machine the figures were measured on."""
    return {"machine": platform.machine(), "cpus": os.cpu_count()}


def write_results(out: Path, name: str, doc: dict, markdown: str) -> None:
    """Write the JSON figures and their markdown table, and print the table."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(doc, indent=2) + "\n")
    (out / f"{name}.md").write_text(markdown)
    print(markdown)
