"""Fail when the oiltrail package has an import cycle (run by `make lint`).

Reads every module under src/oiltrail with `ast` (nothing is imported or run) and builds the
graph of imports between oiltrail modules: top-level imports and imports inside functions alike
(a late import still ties two modules together), but not those under `if TYPE_CHECKING:` (they
never run). Each strongly connected component of more than one module is a cycle; they are
printed with one path through them, and the exit status is 1. The same check runs on the
graph of areas (first-level packages: oiltrail.trace, oiltrail.estimate, ...).

A small script rather than a tool: import-linter checks declared layers and independence, not
"no cycles anywhere", and pycycle is unmaintained; this is 80 lines with no dependency.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "oiltrail"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path, name: str, modules: set[str]) -> set[str]:
    """The oiltrail modules `name` imports (a `from a import b` counts `a.b` when it is one)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    is_pkg = path.name == "__init__.py"
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for stmt in node.orelse:
                visit(stmt)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = name.split(".") if is_pkg else name.split(".")[:-1]
                up = here[: len(here) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    out = set()
    for target in found:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target and target != name and not name.startswith(target + "."):
            out.add(target)  # a package's own __init__ is not an edge of its submodules
    return out


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(graph[w]))))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def path_through(graph: dict[str, set[str]], comp: list[str]) -> list[str]:
    """One cycle inside a component: a shortest path from its first module back to it."""
    start, members = comp[0], set(comp)
    prev: dict[str, str] = {}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & members):
                if w == start:
                    path = [v]
                    while path[-1] != start:
                        path.append(prev[path[-1]])
                    return [*reversed(path), start]
                if w not in prev:
                    prev[w] = v
                    nxt.append(w)
        frontier = nxt
    return comp


def area(module: str) -> str:
    """`oiltrail.trace.chains` -> `oiltrail.trace`: the area (first-level package) of a module."""
    return ".".join(module.split(".")[:2])


def main() -> int:
    files = {module_name(p): p for p in sorted((ROOT / PACKAGE).rglob("*.py"))}
    modules = set(files)
    graph = {m: imports(p, m, modules) for m, p in files.items()}
    # Areas too: trace -> estimate -> trace is a cycle between two areas even when no single
    # module of each imports the other back.
    areas: dict[str, set[str]] = {area(m): set() for m in modules}
    for m, targets in graph.items():
        areas[area(m)] |= {area(t) for t in targets if area(t) != area(m)}
    found = [("module", graph, c) for c in cycles(graph)]
    found += [("area", areas, c) for c in cycles(areas)]
    for what, g, comp in found:
        print(f"import cycle ({what}s): " + " -> ".join(path_through(g, comp)))
    if found:
        print(f"{len(found)} import cycle(s) in {PACKAGE}")
        return 1
    print(f"no import cycles in {PACKAGE} ({len(modules)} modules, {len(areas)} areas)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
