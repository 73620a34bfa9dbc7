"""tui/cli/compose.py: the app is given what the settings say (the bell), never reads them itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpdesk.data.core.config import Config, TuiSettings
from helpdesk.tui.app import HelpdeskApp
from helpdesk.tui.cli.compose import editor_command, run_app
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


# --- the agent's editor (ctrl+e in the composer) ----------------------------------------------


def test_visual_wins_over_editor_and_words_are_split_as_a_shell_would():
    found = lambda name: None  # noqa: E731 - nothing on the PATH
    assert editor_command({"VISUAL": "code --wait", "EDITOR": "vi"}, found) == ("code", "--wait")
    assert editor_command({"EDITOR": "emacs -nw '+set x'"}, found) == ("emacs", "-nw", "+set x")
    assert editor_command({"VISUAL": "  ", "EDITOR": "nano"}, found) == ("nano",)
    assert editor_command({"EDITOR": "vim 'unbalanced"}, found) == ("vim 'unbalanced",)


def test_without_the_variables_the_first_editor_on_the_path():
    on_path = {"nano": "/usr/bin/nano", "vi": "/usr/bin/vi"}
    assert editor_command({}, on_path.get) == ("/usr/bin/nano",)
    assert editor_command({}, {"sensible-editor": "/usr/bin/sensible-editor", **on_path}.get) == (
        "/usr/bin/sensible-editor",)
    assert editor_command({}, lambda name: None) is None


def test_the_editor_reaches_the_app(db_path, monkeypatch):
    ran = []
    monkeypatch.setattr(HelpdeskApp, "run", lambda app: ran.append(app))
    monkeypatch.setenv("VISUAL", "my-editor --wait")
    args = build_parser().parse_args(["--db", db_path, "--now", "2026-11-25T10:00:00+03:00"])
    assert run_app(args, Config()) == 0
    [app] = ran
    assert app.editor == ("my-editor", "--wait")

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


# What the queue's first paint does not need, and must not import (issue 10, the start-up target):
# the help, and the libraries only a later action uses (babel names dates and sizes, email.utils
# reads the addresses of the settings, playhouse.migrate upgrades an older database).
NOT_AT_START = ("helpdesk.screens.help", "babel", "email.utils", "playhouse.migrate")


def test_the_queue_paints_without_importing_what_only_later_actions_use(tmp_path):
    (tmp_path / "config.toml").write_text("")
    code = (
        "import asyncio, sys\n"
        "from helpdesk.tui.app import HelpdeskApp\n"
        "from helpdesk.tui.cli.main import main\n"
        "async def drive(app):\n"
        "    async with app.run_test(size=(120, 40)) as pilot:\n"
        "        for _ in range(400):\n"
        "            await pilot.pause(0.01)\n"
        "            if app.screen.loaded and not app.screen.loading:\n"
        "                break\n"
        "        print(type(app.screen).__name__)\n"
        "HelpdeskApp.run = lambda app: asyncio.run(drive(app))\n"
        f"main(['--db', {str(tmp_path / 'h.db')!r}, '--now', '2026-11-25T10:00:00+03:00'])\n"
        f"print(sorted(m for m in {NOT_AT_START!r} if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HELPDESK_CONFIG": str(tmp_path / "config.toml")}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert done.stdout.splitlines() == ["QueueScreen", "[]"], done.stderr
    # ... and the scan would notice one: the help, once shown
    shown = code.replace("print(type(", "await pilot.press('question_mark'); await pilot.pause()\n        print(type(")
    done = subprocess.run([sys.executable, "-c", shown], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert done.stdout.splitlines() == ["HelpScreen", "['helpdesk.screens.help']"], done.stderr
