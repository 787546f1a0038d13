"""zkc.targets.registry: publish artifacts to an OCI registry (or an OCI layout on disk) and pull them back verified."""
