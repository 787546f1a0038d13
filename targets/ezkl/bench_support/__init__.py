"""EZKL helpers used only by the benchmarks and `make ops` (bench/): plain-EZKL measurements
(row counts, link modes, op coverage) that the compiler itself never runs."""
