"""The import layering of zkc's packages (docs/architecture.md), checked on the source.

Every `import` of a `zkc.*` module counts, at module level or inside a function (a lazy
import is still a dependency); only imports under `if TYPE_CHECKING:` are skipped. The rule:

    cli  ->  targets.subnet, targets.registry  ->  targets (base, registry of targets)
         ->  targets.ezkl  ->  passes  ->  compiler

- compiler imports only compiler; passes only compiler and passes; model_zoo only compiler
  and model_zoo (the zoo is data, never a dependency of the compiler or a target).
- targets.ezkl imports compiler, passes and itself (not subnet, registry or the zoo).
- targets.registry and targets.subnet never import each other (the CLI wires them), and
  neither imports targets.ezkl's internals: they reach a target through zkc.targets.
- Only targets.ezkl imports the `ezkl` package.
"""

import ast
import itertools
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
TOP = ("compiler", "passes", "targets", "model_zoo", "cli")

ALLOWED = {
    "compiler": {"compiler"},
    "passes": {"compiler", "passes"},
    "model_zoo": {"compiler", "model_zoo"},
    "targets": {"compiler", "passes", "targets", "targets.ezkl"},
    "targets.ezkl": {"compiler", "passes", "targets.ezkl"},
    "targets.registry": {"compiler", "targets.registry"},
    "targets.subnet": {"compiler", "passes", "targets", "targets.subnet"},
    "cli": {
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


def layer(module: str) -> str:
    """`zkc.targets.ezkl.chain_build` -> `targets.ezkl`; `zkc.compiler.target.protocol` -> `targets`."""
    parts = module.split(".")[1:]
    if parts[0] == "targets" and len(parts) > 2:
        return f"targets.{parts[1]}"
    if parts[0] == "targets" and len(parts) == 2 and parts[1] in ("ezkl", "registry", "subnet"):
        return f"targets.{parts[1]}"
    return parts[0]


def _type_checking_lines(tree: ast.AST) -> set[int]:
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def imports(path: Path) -> list[str]:
    """Every module a source file imports (absolute names)."""
    tree = ast.parse(path.read_text())
    skipped = _type_checking_lines(tree)
    found = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def sources() -> dict[str, Path]:
    """zkc module name -> file, for every module of the top folders."""
    found = {}
    for top in TOP:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).with_suffix("")
            parts = [p for p in rel.parts if p != "__init__"]
            found["zkc." + ".".join(parts)] = path
    return found


def zkc_edges() -> list[tuple[str, str, str]]:
    """(importing layer, imported layer, 'file -> module') for every zkc import."""
    known = sources()
    edges = []
    for module, path in known.items():
        for name in imports(path):
            if not name.startswith("zkc."):
                continue
            target = name if name in known else name.rsplit(".", 1)[0]
            if target in known:
                edges.append(
                    (layer(module), layer(target), f"{path.relative_to(ROOT)} -> {target}")
                )
    return edges


def test_every_import_follows_the_layering():
    broken = [how for src, dst, how in zkc_edges() if dst not in ALLOWED[src]]
    assert not broken, "imports that break the layering:\n" + "\n".join(broken)


def test_no_cycle_between_the_top_folders():
    graph = nx.DiGraph()
    for src, dst, _ in zkc_edges():
        a, b = src.split(".")[0], dst.split(".")[0]
        if a != b:
            graph.add_edge(a, b)
    assert nx.is_directed_acyclic_graph(graph), list(nx.simple_cycles(graph))


def test_only_the_ezkl_target_imports_ezkl():
    offenders = [
        str(path.relative_to(ROOT))
        for module, path in sources().items()
        if layer(module) != "targets.ezkl" and any(n.split(".")[0] == "ezkl" for n in imports(path))
    ]
    assert not offenders


def test_the_walk_sees_lazy_imports_and_would_catch_a_cycle(tmp_path):
    """The checker itself: a function-level import is an edge, and a cycle is found."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from zkc.cli.main import main\n")
    assert "zkc.cli.main" in imports(probe)
    cyclic = nx.DiGraph(list(itertools.pairwise(["compiler", "targets", "compiler"])))
    assert not nx.is_directed_acyclic_graph(cyclic)
