"""zkc.compiler.driver.plan: the DAG cut, the split search, tiles and reduction splits, the plan report."""
