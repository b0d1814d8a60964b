"""The package's layout keeps its shape: no import cycle among the modules of volunteers/ (an
import inside a function counts too, and so does the package whose __init__ an import runs
first, so none can hide one), no module over 500 lines, and the
centre's time zone in one home (volunteers/clock.py)."""

from __future__ import annotations

import ast
from functools import cache
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "volunteers"
MAX_LINES = 500

#: Edges allowed to close a cycle (none). A listed edge that no longer exists fails the test.
KNOWN_CYCLE_EDGES: set[tuple[str, str]] = set()

#: Modules allowed over the limit for now (none). A listed module under the limit fails the test.
KNOWN_LONG_MODULES: set[str] = set()

#: Modules allowed to hold or borrow the zone outside clock.py (none). A listed module that no
#: longer does fails the test.
KNOWN_ZONE_HOMES: set[str] = set()
KNOWN_ZONE_BORROWERS: set[str] = set()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _type_only(tree: ast.Module) -> set[int]:
    """Nodes under `if TYPE_CHECKING:`: never executed, so no edge (models name each other in
    their relationships' annotations both ways)."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    return skipped


def imported_modules(name: str, path: Path) -> dict[str, int]:
    """The package's modules that `name` imports anywhere (functions included), with a line."""
    known = modules()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_only(tree)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    edges: dict[str, int] = {}
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known:
                    edges.setdefault(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target not in known:
                continue
            for alias in node.names:
                # `from pkg import name` reaches the module pkg.name if there is one, else pkg.
                submodule = f"{target}.{alias.name}"
                edges.setdefault(submodule if submodule in known else target, node.lineno)
    # Importing a.b.c first runs the packages a.b and a (their __init__), unless the importer
    # lives inside them and they are already running.
    own_packages = {".".join(name.split(".")[:depth]) for depth in range(1, name.count(".") + 1)}
    for target, line in list(edges.items()):
        parts = target.split(".")
        for depth in range(2, len(parts)):
            package_name = ".".join(parts[:depth])
            if package_name in known and package_name not in own_packages:
                edges.setdefault(package_name, line)
    edges.pop(name, None)
    return edges


@cache
def import_graph() -> dict[str, dict[str, int]]:
    return {name: imported_modules(name, path) for name, path in modules().items()}


def find_cycle(graph: dict[str, dict[str, int]]) -> list[str] | None:
    """One cycle as a path of modules (first == last), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in graph.get(node, {}):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def describe(cycle: list[str], graph: dict[str, dict[str, int]]) -> str:
    return "\n".join(
        f"  {source} -> {target}  ({modules()[source].relative_to(ROOT)}:{graph[source][target]})"
        for source, target in pairwise(cycle)
    )


def test_the_graph_sees_relative_function_level_and_package_imports():
    graph = import_graph()
    # `from ..security.links import ...` runs the package volunteers.web.security first.
    assert "volunteers.web.security" in graph["volunteers.web.auth.routes"]
    # `from .users import ...` at the top, and `from . import ServiceError` (a name, not a module).
    assert "volunteers.services.users" in graph["volunteers.services.accounts"]
    assert "volunteers.services" in graph["volunteers.services.accounts"]
    # `from . import offers` inside a function is an edge to the module offers.
    assert "volunteers.services.offers" in graph["volunteers.services.requests"]
    # Type-only imports are not edges.
    assert "volunteers.models.organisation" not in graph["volunteers.models.user"]
    assert find_cycle({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}}) == ["a", "b", "c", "a"]


def test_no_import_cycle_among_the_modules():
    graph = {source: dict(targets) for source, targets in import_graph().items()}
    stale = sorted(edge for edge in KNOWN_CYCLE_EDGES if edge[1] not in graph.get(edge[0], {}))
    assert not stale, f"these imports are gone: remove them from KNOWN_CYCLE_EDGES: {stale}"
    for source, target in KNOWN_CYCLE_EDGES:
        del graph[source][target]
    cycle = find_cycle(graph)
    assert cycle is None, (
        "import cycle (an import inside a function counts: move the shared part to a module "
        "both can import):\n" + describe(cycle, graph)
    )


def test_no_module_over_500_lines():
    lengths = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines()) for path in modules().values()
    }
    too_long = {path: lines for path, lines in lengths.items() if lines > MAX_LINES}
    assert set(too_long) <= KNOWN_LONG_MODULES, f"split these modules by the jobs they do: {too_long}"
    stale = sorted(KNOWN_LONG_MODULES - set(too_long))
    assert not stale, f"these modules are short now: remove them from KNOWN_LONG_MODULES: {stale}"


def _zone_borrowed(path: Path) -> bool:
    """Imports BERLIN from anywhere but clock.py."""
    return any(
        isinstance(node, ast.ImportFrom)
        and not (node.module or "").endswith("clock")
        and any(alias.name == "BERLIN" for alias in node.names)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
    )


def test_the_centre_time_zone_has_one_home():
    paths = {str(path.relative_to(ROOT)): path for path in modules().values()}
    homes = {
        name
        for name, path in paths.items()
        if "ZoneInfo(" in path.read_text(encoding="utf-8") or '"Europe/Berlin"' in path.read_text(encoding="utf-8")
    }
    borrowers = {name for name, path in paths.items() if _zone_borrowed(path)}
    assert homes - KNOWN_ZONE_HOMES == {"volunteers/clock.py"}, "the zone is volunteers/clock.py's BERLIN"
    assert borrowers <= KNOWN_ZONE_BORROWERS, f"import BERLIN from clock.py: {borrowers - KNOWN_ZONE_BORROWERS}"
    stale = sorted((KNOWN_ZONE_HOMES - homes) | (KNOWN_ZONE_BORROWERS - borrowers))
    assert not stale, f"remove from KNOWN_ZONE_HOMES / KNOWN_ZONE_BORROWERS: {stale}"
