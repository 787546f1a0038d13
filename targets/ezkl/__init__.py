"""zkc.targets.ezkl: the EZKL proof backend (the only package that imports `ezkl`)."""
