"""The architecture holds: the import-linter contracts of .importlinter are kept, and no module
imports one of the helpdesk's own modules inside a function (the way to hide a cycle)."""

from __future__ import annotations

import ast
import configparser
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
SOURCES = ("data", "tui", "screens")


def lint_imports(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(config), "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


def test_the_import_contracts_are_kept():
    done = lint_imports(ROOT / ".importlinter")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "6 kept, 0 broken" in done.stdout


def test_the_contracts_would_notice_a_layer_turned_upside_down(tmp_path):
    """A check that cannot fail is a defect: with the layers reversed, this code base breaks them."""
    text = (ROOT / ".importlinter").read_text()
    upside_down = text.replace(
        "    helpdesk.screens\n    helpdesk.tui\n    helpdesk.data\n", "    helpdesk.data\n    helpdesk.tui\n    helpdesk.screens\n"
    )
    assert upside_down != text
    config = tmp_path / "upside-down.ini"
    config.write_text(upside_down)
    done = lint_imports(config)
    assert done.returncode == 1 and "BROKEN" in done.stdout


def function_level_imports(path: Path, root: Path = ROOT) -> list[str]:
    """``file:line module`` for every import of a helpdesk module inside a function or method."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(func):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            found += [f"{path.relative_to(root)}:{node.lineno} {n}" for n in names if n.split(".")[0] == "helpdesk"]
    return found


def test_no_helpdesk_module_is_imported_inside_a_function():
    found = [hit for source in SOURCES for path in sorted((ROOT / source).rglob("*.py")) for hit in function_level_imports(path)]
    assert found == []


def test_the_scan_would_notice_an_import_inside_a_function(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import helpdesk.tui\n\ndef f():\n    from helpdesk.data.rules import statuses\n    return statuses\n")
    assert function_level_imports(sample, tmp_path) == ["sample.py:4 helpdesk.data.rules"]


# The one exception to "no helpdesk import inside a function": the composition root imports
# modules only when they are needed, through ``importlib.import_module`` on the module names of
# its tables: a command's modules when that command runs (tui/cli/main.py, so that ``helpdesk
# hours`` does not pay for the store and the app), a screen's when it is first opened
# (tui/cli/compose.py, so that the app starts with the queue's alone). import-linter does not
# see those imports, and the scan above does not either: this keeps them in those two modules,
# where the tables say what they load.
LAZY_IMPORT_ALLOWED = {"tui/cli/main.py", "tui/cli/compose.py"}


def dynamic_imports(path: Path, root: Path = ROOT) -> list[str]:
    """``file:line`` for every ``importlib.import_module(...)`` or ``__import__(...)`` call."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("import_module", "__import__"):
                found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def test_only_the_composition_root_imports_modules_by_name():
    found = [hit for source in SOURCES for path in sorted((ROOT / source).rglob("*.py")) for hit in dynamic_imports(path)
             if str(path.relative_to(ROOT)) not in LAZY_IMPORT_ALLOWED]
    assert found == []
    assert all(dynamic_imports(ROOT / path) for path in LAZY_IMPORT_ALLOWED)  # they are there, in the root


def test_the_scan_would_notice_an_import_by_name(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import importlib\n\ndef f(name):\n    return importlib.import_module(name)\n")
    assert dynamic_imports(sample, tmp_path) == ["sample.py:4"]


def test_every_module_of_tui_but_the_cli_is_forbidden_to_import_the_cli():
    """The cli-on-top contract lists tui's modules one by one: a new one must join the list."""
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    listed = set(config["importlinter:contract:cli-on-top"]["source_modules"].split())
    modules = {
        f"helpdesk.tui.{path.stem}" for path in (ROOT / "tui").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }
    assert modules - {"helpdesk.tui.cli"} <= listed
