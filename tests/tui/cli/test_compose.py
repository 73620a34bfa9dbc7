"""tui/cli/compose.py: the app is given what the settings say (the bell), never reads them itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpdesk.data.core.config import Config, TuiSettings
from helpdesk.tui.app import HelpdeskApp
from helpdesk.tui.cli.compose import run_app
from helpdesk.tui.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("bell", [True, False])
def test_the_bell_setting_reaches_the_app(bell, db_path, monkeypatch):
    ran = []
    monkeypatch.setattr(HelpdeskApp, "run", lambda app: ran.append(app))
    args = build_parser().parse_args(["--db", db_path, "--now", "2026-11-25T10:00:00+03:00"])
    assert run_app(args, Config(tui=TuiSettings(bell=bell))) == 0
    [app] = ran
    assert app.bell_on is bell


def test_the_app_starts_with_the_queue_screen_alone_and_imports_the_others_when_opened():
    code = (
        "import sys\n"
        "from helpdesk.tui.cli.compose import LATER_SCREENS, screen_set\n"
        "screens = screen_set()\n"
        "later = [module for module, _class in LATER_SCREENS.values()]\n"
        "print(sorted(m for m in later if m in sys.modules), 'helpdesk.screens.queue' in sys.modules)\n"
        "screens.reports()\n"
        "print(sorted(m for m in later if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})  # fmt: skip
    assert done.stdout.splitlines() == ["[] True", "['helpdesk.screens.reports']"], done.stderr
