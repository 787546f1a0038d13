"""zkc.targets.subnet: Bittensor subnet 2 packaging, and the loader miners prove with."""
