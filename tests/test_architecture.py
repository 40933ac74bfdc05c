"""The import graph of exactopen: no cycles, and every import points down the layers.

Layers, bottom to top: the trusted checker, the optional accelerator and the
exception root; exact linear algebra; the mathematics (openness, networks);
certificate building; reports; the command line.  A package may import its
own modules and any lower layer, never a layer above it or beside it.  Every
import counts, function-local ones included.

The package face ``exactopen`` (its ``__init__``) offers ``Matrix`` from the
linear algebra and nothing higher; below it, modules take only its
``__version__``, and importing it loads nothing else.
"""

import ast
import functools
import pathlib

import networkx as nx

ROOT = pathlib.Path(__file__).resolve().parents[1] / "exactopen"

LAYERS = {"checker": 0, "accel": 0, "errors": 0, "linalg": 1, "openness": 2, "networks": 2,
          "certify": 3, "report": 4, "cli": 5}


def _module(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _from_imports(path):
    """``(module, names)`` of each ``from module import names`` of a file, made absolute."""
    package = _module(path) if path.name == "__init__.py" else _module(path).rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield target, [a.name for a in node.names]


def _imports(path):
    """Absolute names of the exactopen modules a file imports."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("exactopen"))
    for target, names in _from_imports(path):
        if target.startswith("exactopen"):
            names = [f"{target}.{name}" for name in names]
            yield from (n if _exists(n) else target for n in names)


def _exists(name):
    path = ROOT.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


@functools.lru_cache(maxsize=None)
def _graph():
    """The import graph, parsed once for all the tests (they do not change it)."""
    graph = nx.DiGraph()
    for path in ROOT.rglob("*.py"):
        source = _module(path)
        graph.add_node(source)
        for target in _imports(path):
            graph.add_edge(source, target)
    return graph


def _layer(module):
    parts = module.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def test_no_cycles_between_files():
    graph = _graph()
    cycles = list(nx.simple_cycles(graph))
    assert not cycles, cycles


def test_no_cycles_between_packages():
    graph = nx.DiGraph()
    for a, b in _graph().edges:
        pa, pb = a.split(".")[:2], b.split(".")[:2]
        if pa != pb and len(pb) > 1:
            graph.add_edge(".".join(pa), ".".join(pb))
    assert nx.is_directed_acyclic_graph(graph), list(nx.simple_cycles(graph))


def test_imports_point_down_the_layers():
    wrong = []
    for a, b in _graph().edges:
        if b == "exactopen" or a.split(".")[:2] == b.split(".")[:2]:
            continue  # the package face (its version), or inside one package
        if a == "exactopen" and _layer(b) == LAYERS["linalg"]:
            continue  # the face offers the matrix type
        la, lb = _layer(a), _layer(b)
        if la is None or lb is None or lb >= la:
            wrong.append(f"{a} -> {b}")
    assert not wrong, wrong


def test_the_package_face_offers_linear_algebra_only_and_is_cheap():
    import subprocess
    import sys

    assert {b for a, b in _graph().edges if a == "exactopen"} == {"exactopen.linalg.matrix"}
    taken = {name for path in ROOT.rglob("*.py") if path != ROOT / "__init__.py"
             for target, names in _from_imports(path) if target == "exactopen" for name in names}
    assert taken == {"__version__"}, taken
    code = ("import sys, exactopen; print(sorted(m for m in sys.modules if m.startswith("
            "('exactopen.', 'flint', 'numpy', 'sympy'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT.parent, check=True).stdout.strip()
    assert loaded == "[]", loaded


def test_the_checker_and_the_accelerator_import_nothing_of_exactopen():
    for a, b in _graph().edges:
        if a.startswith(("exactopen.checker", "exactopen.accel")):
            assert b.startswith(a.split(".")[0] + "." + a.split(".")[1]), f"{a} -> {b}"


def test_the_graph_sees_the_known_imports():
    graph = _graph()  # guard against a parser that silently finds nothing
    assert graph.has_edge("exactopen.cli.common", "exactopen.checker")
    assert graph.has_edge("exactopen.certify.proof", "exactopen.checker.spec")
    assert graph.number_of_edges() > 60
