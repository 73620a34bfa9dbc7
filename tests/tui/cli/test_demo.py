"""tui/cli/demo.py: ``helpdesk demo`` (throw-away database, its own --lang) and ``demo --save``."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from helpdesk.tui.cli import demo as demo_cmd
from helpdesk.tui.cli.context import open_desk
from helpdesk.data.store import models as m
from helpdesk.tui.cli.main import build_parser, main


def test_demo_accepts_its_own_lang_and_the_global_one():
    parser = build_parser()
    assert parser.parse_args(["demo", "--lang", "ru"]).sub_lang == "ru"
    args = parser.parse_args(["--lang", "en", "demo"])
    assert args.lang == "en" and args.sub_lang is None and args.command == "demo"


def test_demo_save_writes_a_database_and_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "demo.db"
    assert main(["--now", "2026-11-25T10:00:00+03:00", "demo", "--save", str(target), "--tickets", "25"]) == 0
    err = capsys.readouterr().err
    assert f"25 demo tickets written to {target}" in err
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT COUNT(*) FROM ticket").fetchone()[0] == 25
    assert main(["demo", "--save", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_demo_runs_the_app_on_a_temporary_file_and_removes_it(tmp_path, monkeypatch):
    seen = {}

    def fake_run_app(args, config, *, db_target=None, before_run=None):
        seen["config"] = config
        desk = open_desk(args, config, db_target=db_target, running_clock=True)
        seen["notice"] = before_run(desk)
        seen["path"] = Path(db_target)
        seen["exists"] = seen["path"].exists()
        seen["tickets"] = m.Ticket.select().count()
        seen["lang_args"] = (args.lang, args.sub_lang)
        return 0

    monkeypatch.setattr(demo_cmd, "run_app", fake_run_app)
    monkeypatch.setenv("HELPDESK_DB", str(tmp_path / "must-not-be-used.db"))
    assert main(["--now", "2026-11-25T10:00:00+03:00", "demo", "--lang", "ru", "--tickets", "12"]) == 0
    assert seen["exists"] and seen["tickets"] == 12
    assert seen["notice"].startswith("Демо: 12 заявок создано за")
    assert seen["lang_args"] == (None, "ru")
    assert seen["config"].smtp is None and seen["config"].telegram.token_env is None  # a demo sends nothing
    assert not seen["path"].exists() and not seen["path"].parent.exists()
    assert not os.path.exists(tmp_path / "must-not-be-used.db")
