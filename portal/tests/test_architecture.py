"""The structure of docs/architecture.md, checked: the import contracts of pyproject.toml ([tool.importlinter]),
no import cycle between modules, and tasks sent only through portal.tasks.enqueue."""

import ast
import re
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("portal", "registry", "monitoring", "reports")
SKIPPED_DIRS = {".venv", "node_modules", ".git", "var", "artifacts", "tests", "__pycache__"}


def test_import_contracts_are_kept():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [linter, "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _module_level_import_lines(module: str) -> set[int]:
    """Lines of the imports that run when the module is imported: not those inside functions."""
    path = ROOT.joinpath(*module.split("."))
    source = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    lines: set[int] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            if isinstance(child, ast.Import | ast.ImportFrom):
                lines.add(child.lineno)
            visit(child)

    visit(ast.parse(source.read_text(encoding="utf-8")))
    return lines


def _module_level_graph() -> grimp.ImportGraph:
    """Every module of the four apps, tests, migrations and commands included (a cycle through a test module
    breaks that test's import as surely as any other), with only the imports made at import time. An import
    inside a function runs when the function is called, once every module is loaded, so it takes part in no
    cycle: that is how tasks reach their services."""
    graph = grimp.build_graph(*PACKAGES, cache_dir=None, exclude_type_checking_imports=True)
    module_level = grimp.ImportGraph()
    for importer in graph.modules:
        module_level.add_module(importer)
        lines = _module_level_import_lines(importer)
        for imported in graph.find_modules_directly_imported_by(importer):
            details = graph.get_import_details(importer=importer, imported=imported)
            if any(detail["line_number"] in lines for detail in details):
                module_level.add_import(importer=importer, imported=imported)
    return module_level


def _cycles(graph: grimp.ImportGraph) -> list[str]:
    """Each cycle once, as "a -> b -> a": for every import a -> b, the shortest way back from b to a."""
    cycles: dict[frozenset[str], str] = {}
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back:
                cycles.setdefault(frozenset(back), " -> ".join((importer, *back)))
    return sorted(cycles.values())


def test_no_import_cycle_between_modules():
    cycles = _cycles(_module_level_graph())
    assert not cycles, "import cycles (break them as docs/architecture.md says):\n" + "\n".join(cycles)


def test_a_cycle_is_named():
    graph = grimp.ImportGraph()
    graph.add_import(importer="app.services", imported="app.tasks")
    graph.add_import(importer="app.tasks", imported="app.models")
    graph.add_import(importer="app.models", imported="app.services")
    graph.add_import(importer="app.views", imported="app.services")
    assert _cycles(graph) == ["app.models -> app.services -> app.tasks -> app.models"]


def _source_files() -> list[Path]:
    files = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if not SKIPPED_DIRS.intersection(relative.parts[:-1]) and relative.name != "conftest.py":
            files.append(relative)
    return sorted(files)


def test_tasks_are_sent_only_by_the_enqueue_helper():
    """portal.tasks.enqueue sends on commit and logs a broker error; a direct .delay() or .apply_async() would
    send inside the transaction or fail the request."""
    sending = re.compile(r"\.(delay|apply_async)\(")
    found = [
        f"{path}:{number}: {line.strip()}"
        for path in _source_files()
        if path != Path("portal/tasks.py")
        for number, line in enumerate((ROOT / path).read_text(encoding="utf-8").splitlines(), start=1)
        if sending.search(line)
    ]
    assert not found, "send tasks with portal.tasks.enqueue:\n" + "\n".join(found)
