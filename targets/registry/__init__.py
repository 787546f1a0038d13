"""zkc.targets.registry: publish artifacts to an OCI registry (or an OCI layout on disk) and pull them back verified."""

from pathlib import Path

DEFAULT_PULL_CACHE = Path("~/.cache/zkc/pulled")  # pulled artifacts, keyed by manifest digest
