"""The limits and defaults every layer reads, each written once.

A circuit of 2^logrows rows needs a KZG SRS of that size: subnet miners hold SRS files for
logrows 1..25, and past 25 one circuit no longer proves on a machine of tens of GB (EZKL's
memory wall, shared/EZKL_NOTES.md). Planning without a budget searches no further than that.
"""

from pathlib import Path

MAX_LOGROWS = 25  # the largest circuit any compile asks for (--max-logrows, searches, plans)
UNBOUNDED_LOGROWS = 64  # a bound no circuit reaches: "no budget" inside the plan search
LARGE_LOGROWS = 20  # above this one circuit takes minutes and gigabytes: compile says so

DEFAULT_CACHE_DIR = Path("~/.cache/zkc")  # artifacts/<key>/ (`~` expands where it is used)
# The reference check's default: a float output may differ from onnxruntime's by this share of
# its largest magnitude (at least 1); integer and boolean outputs must match exactly.
DEFAULT_TOLERANCE = 0.01
CORES_PER_WORKER = 2  # a prover uses ~2 cores: local pools default to one worker per 2 cores
