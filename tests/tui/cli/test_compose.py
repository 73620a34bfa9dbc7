"""tui/cli/compose.py: the app is given what the settings say (the bell), never reads them itself."""

from __future__ import annotations

import pytest

from helpdesk.data.core.config import Config, TuiSettings
from helpdesk.tui.app import HelpdeskApp
from helpdesk.tui.cli.compose import run_app
from helpdesk.tui.cli.main import build_parser


@pytest.mark.parametrize("bell", [True, False])
def test_the_bell_setting_reaches_the_app(bell, db_path, monkeypatch):
    ran = []
    monkeypatch.setattr(HelpdeskApp, "run", lambda app: ran.append(app))
    args = build_parser().parse_args(["--db", db_path, "--now", "2026-11-25T10:00:00+03:00"])
    assert run_app(args, Config(tui=TuiSettings(bell=bell))) == 0
    [app] = ran
    assert app.bell_on is bell
