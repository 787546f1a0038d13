"""zkc.compiler.driver: the commands' implementations: compile, build, plan, audit, derive, bench, the compiled artifact."""
