"""Every raise of a HelpdeskError passes a Code, so no English sentence can reach an agent again.

The code may be written as ``Code.MEMBER`` (or a choice of two), passed on from another error
(``exc.code``) or derived from an OSError (``os_code(exc)``). HelpdeskError itself refuses
anything but a Code when it is raised (tests/data/core/test_errors.py); this scan also finds
the raises no test reaches.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from helpdesk.data.core.errors import HelpdeskError

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("data", "tui", "screens")


def sources() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def error_classes() -> set[str]:
    for path in sources():
        if path.name != "__init__.py" and "locale" not in path.parts:
            importlib.import_module("helpdesk." + ".".join(path.relative_to(ROOT).with_suffix("").parts))
    found, todo = set(), [HelpdeskError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return found


def _passes_a_code(arg: ast.expr) -> bool:
    if isinstance(arg, ast.IfExp):
        return _passes_a_code(arg.body) and _passes_a_code(arg.orelse)
    if isinstance(arg, ast.Attribute):
        return (isinstance(arg.value, ast.Name) and arg.value.id == "Code") or arg.attr == "code"
    return isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "os_code"


def old_style_raises(source: str, classes: set[str]) -> list[int]:
    """Lines raising one of ``classes`` without a code among the positional arguments."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call)):
            continue
        func = node.exc.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if name in classes and not any(_passes_a_code(arg) for arg in node.exc.args):
            lines.append(node.lineno)
    return lines


@pytest.fixture(scope="module")
def classes():
    return error_classes()


def test_the_scan_knows_the_error_classes_and_tells_old_from_new(classes):
    assert {"HelpdeskError", "ValidationError", "FileProblem", "ConfigError", "DocumentError"} <= classes
    assert old_style_raises('raise NotFoundError(f"no ticket #{n}")', classes) == [1]
    assert old_style_raises('raise errors.ValidationError("email", "not an address")', classes) == [1]
    assert old_style_raises("raise NotFoundError(Code.TICKET_NOT_FOUND, number=n)", classes) == []
    assert old_style_raises("raise DocumentError(path, exc.code, **exc.params)", classes) == []
    assert old_style_raises("raise RegulationError(s, k, Code.SETTING_MISSING if v else Code.SETTING_NOT_TABLE)", classes) == []
    assert old_style_raises('raise RegulationError(s, k, Code.SETTING_MISSING if v else "must be a table")', classes) == [1]
    assert old_style_raises('raise ValueError("not ours")', classes) == []


def test_every_raise_passes_a_code(classes):
    offenders = []
    for path in sources():
        name = path.relative_to(ROOT).as_posix()
        offenders += [f"{name}:{line}" for line in old_style_raises(path.read_text(encoding="utf-8"), classes)]
    assert not offenders, "raise with a Code, not a sentence: " + ", ".join(offenders)
