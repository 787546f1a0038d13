"""zkc.targets.ezkl: the EZKL proof backend (the only package that imports `ezkl`).

EZKL keeps state under `$EZKL_REPO_PATH` (default `~/.ezkl`): SRS files it falls back to when
a call gets no SRS path, and a cache of lookup and range-check tables it reads and writes on
every circuit. zkc passes every SRS path explicitly, and points EZKL's directory at zkc's own
cache (unless the user chose one), so nothing in `~/.ezkl` is read or written behind zkc's
back. EZKL reads the variable once, on its first call, hence here, before any.
"""

import os
from pathlib import Path

# The one default SRS directory: where SN2 miners keep them (`~` expands where it is used).
DEFAULT_SRS_DIR = Path("~/.ezkl/srs")
EZKL_STATE_DIR = Path("~/.cache/zkc/ezkl").expanduser()
os.environ.setdefault("EZKL_REPO_PATH", str(EZKL_STATE_DIR))
