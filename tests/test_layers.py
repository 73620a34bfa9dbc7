"""The layer rule: data/ never imports Textual (nor Rich), checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_data_modules_import_without_textual():
    modules = sorted(
        "helpdesk.data." + ".".join(p.relative_to(ROOT / "data").with_suffix("").parts)
        for p in (ROOT / "data").rglob("*.py")
        if p.name != "__init__.py"
    )
    assert "helpdesk.data.read.queue" in modules and "helpdesk.data.demo" in modules and "helpdesk.data.store.changes" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
        "sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"data/ pulled in: {done.stdout.strip()} {done.stderr[-2000:]}"


def test_the_check_itself_would_notice_textual(tmp_path):
    """A test that cannot fail is a defect: importing tui.text (which uses Textual) must be caught."""
    code = "import sys, helpdesk.tui.text\nsys.exit(1 if 'textual' in sys.modules else 0)\n"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
