"""The import layering of zkc's packages (docs/architecture.md), checked on the source.

Every import counts: absolute or relative (`from . import x` is resolved against the file's
package), at module level or inside a function (a lazy import is still a dependency); only
imports under `if TYPE_CHECKING:` are skipped. The rules:

    zkc (the facade)  ->  api
    cli  ->  api  ->  targets.subnet, targets.registry  ->  targets (the registry of targets)
         ->  targets.ezkl  ->  passes  ->  compiler

- api (the Python API) imports compiler, the registry of targets and itself: it reaches a
  target through zkc.targets, as the CLI does; the facade `zkc` re-exports api and compiler.

- compiler imports only compiler; passes only compiler and passes; model_zoo only compiler
  and model_zoo (the zoo is data, never a dependency of the compiler or a target).
- Inside the compiler, subpackages import only lower ones (COMPILER_ORDER; the root modules
  errors, limits, config, progress, versions are the floor and import no subpackage).
- targets.ezkl imports compiler, passes and itself (not subnet, registry or the zoo).
- targets.registry and targets.subnet never import each other (the CLI wires them), and
  neither imports targets.ezkl's internals: they reach a target through zkc.targets.
- Only targets.ezkl imports the `ezkl` package; the benchmarks too reach EZKL through it
  (targets/ezkl/bench_support), and nothing in zkc imports a benchmark.
"""

import ast
import itertools
import tomllib
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
TOP = ("compiler", "passes", "targets", "model_zoo", "cli", "api")

ALLOWED = {
    "compiler": {"compiler"},
    "passes": {"compiler", "passes"},
    "model_zoo": {"compiler", "model_zoo"},
    "targets": {"compiler", "passes", "targets", "targets.ezkl"},
    "targets.ezkl": {"compiler", "passes", "targets.ezkl"},
    "targets.registry": {"compiler", "targets.registry"},
    "targets.subnet": {"compiler", "passes", "targets", "targets.subnet"},
    "api": {"compiler", "targets", "api"},
    "cli": {
        "api",
        "compiler",
        "passes",
        "targets",
        "targets.ezkl",
        "targets.registry",
        "targets.subnet",
        "model_zoo",
        "cli",
    },
}

# The compiler's subpackages, lowest first: each imports only the root modules and those before it.
COMPILER_ORDER = (
    "ir",
    "data",
    "artifacts",
    "compute",
    "pipeline",
    "ops",
    "planning",
    "target",
    "pieces",
    "driver",
)


def layer(module: str) -> str:
    """`zkc.targets.ezkl.chain_build` -> `targets.ezkl`; `zkc.targets` -> `targets`."""
    parts = module.split(".")[1:]
    if parts[0] == "targets" and len(parts) >= 2 and parts[1] in ("ezkl", "registry", "subnet"):
        return f"targets.{parts[1]}"
    return parts[0]


def compiler_level(module: str) -> int:
    """-1 for the compiler's root modules, else the subpackage's place in COMPILER_ORDER."""
    parts = module.split(".")
    if len(parts) > 3 or (len(parts) == 3 and parts[2] in COMPILER_ORDER):
        return COMPILER_ORDER.index(parts[2])
    return -1


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(path: Path, package: str = "") -> list[str]:
    """Every module a source file imports, relative imports resolved against `package` (the
    dotted package the file is in)."""
    tree = ast.parse(path.read_text())
    skipped = _type_checking_lines(tree)
    found = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.append(base)
            found += [f"{base}.{alias.name}" for alias in node.names]
    return found


def _module_name(path: Path) -> tuple[str, str]:
    """(module, its package) of a source file of the top folders."""
    rel = path.relative_to(ROOT).with_suffix("")
    parts = ["zkc", *rel.parts] if rel.parts[0] != "zkc" else list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
        return ".".join(parts), ".".join(parts)
    return ".".join(parts), ".".join(parts[:-1])


def sources() -> dict[str, tuple[Path, str]]:
    """zkc module name -> (file, package), for every module of the top folders."""
    found = {}
    for top in TOP:
        for path in sorted((ROOT / top).rglob("*.py")):
            module, package = _module_name(path)
            found[module] = (path, package)
    return found


def zkc_edges() -> list[tuple[str, str, str]]:
    """(importing module, imported module, 'file -> module') for every zkc import."""
    known = sources()
    edges = []
    for module, (path, package) in known.items():
        for name in imports(path, package):
            if not name.startswith("zkc."):
                continue
            target = name if name in known else name.rsplit(".", 1)[0]
            if target in known:
                edges.append((module, target, f"{path.relative_to(ROOT)} -> {target}"))
    return edges


def test_every_import_follows_the_layering():
    broken = [how for a, b, how in zkc_edges() if layer(b) not in ALLOWED[layer(a)]]
    assert not broken, "imports that break the layering:\n" + "\n".join(broken)


def test_the_facade_reexports_only_the_api_and_the_compilers_types():
    path = ROOT / "zkc" / "__init__.py"
    imported = {layer(n) for n in imports(path, "zkc") if n.startswith("zkc.")}
    assert imported <= {"api", "compiler"}, imported


def test_compiler_subpackages_import_only_lower_ones():
    broken = [
        how
        for a, b, how in zkc_edges()
        if layer(a) == layer(b) == "compiler" and compiler_level(b) > compiler_level(a)
    ]
    assert not broken, "compiler imports that point up:\n" + "\n".join(broken)


def test_no_cycle_between_the_top_folders():
    graph = nx.DiGraph()
    for a, b, _ in zkc_edges():
        src, dst = layer(a).split(".")[0], layer(b).split(".")[0]
        if src != dst:
            graph.add_edge(src, dst)
    assert nx.is_directed_acyclic_graph(graph), list(nx.simple_cycles(graph))


def test_only_the_ezkl_target_imports_ezkl():
    offenders = [
        str(path.relative_to(ROOT))
        for module, (path, package) in sources().items()
        if layer(module) != "targets.ezkl"
        and any(n.split(".")[0] == "ezkl" for n in imports(path, package))
    ]
    offenders += [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "bench").rglob("*.py"))
        if any(n.split(".")[0] == "ezkl" for n in imports(path))
    ]
    assert not offenders


def test_nothing_in_zkc_imports_a_benchmark():
    bench = {p.stem for p in (ROOT / "bench").glob("*.py")}
    offenders = [
        f"{path.relative_to(ROOT)} -> {name}"
        for module, (path, package) in sources().items()
        for name in imports(path, package)
        if name.split(".")[0] in bench or name.startswith("bench")
    ]
    assert not offenders


def test_every_package_is_installed():
    """A folder with an __init__.py that pyproject does not list would be missing from a wheel."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    packages = {_module_name(p)[0] for top in TOP for p in (ROOT / top).rglob("__init__.py")}
    assert packages <= listed, sorted(packages - listed)


def test_the_walk_sees_lazy_and_relative_imports_and_would_catch_a_cycle(tmp_path):
    """The checker itself: a function-level import is an edge, a relative import resolves
    against the file's package, and a cycle is found."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from zkc.cli.main import main\nfrom ..ir import graph\n")
    found = imports(probe, "zkc.compiler.planning")
    assert "zkc.cli.main" in found and "zkc.compiler.ir.graph" in found
    assert compiler_level("zkc.compiler.ir.graph") < compiler_level("zkc.compiler.planning.plan")
    assert compiler_level("zkc.compiler.errors") == -1
    cyclic = nx.DiGraph(list(itertools.pairwise(["compiler", "targets", "compiler"])))
    assert not nx.is_directed_acyclic_graph(cyclic)
