"""tui/open_file.py: finding the system's opener and pager, and the private folder."""

from __future__ import annotations

import stat
import subprocess

from helpdesk.tui import open_file
from helpdesk.tui.open_file import Viewers, system_viewers


def which_of(*found: str):
    return lambda name: f"/usr/bin/{name}" if name in found else None


def test_xdg_open_or_open_and_the_pager_of_the_environment():
    viewers = system_viewers({"PAGER": "most -s"}, which_of("xdg-open", "most", "less"))
    assert (viewers.opener_name, viewers.pager_name) == ("xdg-open", "most")
    viewers = system_viewers({}, which_of("open", "more"))
    assert (viewers.opener_name, viewers.pager_name) == ("open", "more")
    viewers = system_viewers({"PAGER": "nonexistent"}, which_of("less"))
    assert viewers.pager_name == "less" and viewers.opener is None  # a $PAGER that is not there: the usual one
    viewers = system_viewers({"PAGER": "'unclosed"}, which_of())
    assert viewers.opener is None and viewers.pager is None and viewers.opener_name == viewers.pager_name == ""


def test_the_opener_runs_detached_with_no_terminal_and_the_pager_in_it(monkeypatch, tmp_path):
    calls = []
    monkeypatch.setattr(subprocess, "Popen", lambda *a, **k: calls.append(("popen", a, k)))
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: calls.append(("run", a, k)))
    viewers = system_viewers({"PAGER": "less -R"}, which_of("xdg-open", "less"))
    file = tmp_path / "a b.txt"
    viewers.opener(file)
    viewers.pager(file)
    (kind, args, kwargs), (kind2, args2, _) = calls
    assert (kind, args[0]) == ("popen", ["/usr/bin/xdg-open", str(file)])  # a list: no shell
    assert kwargs["stdin"] == kwargs["stdout"] == kwargs["stderr"] == subprocess.DEVNULL and kwargs["start_new_session"]
    assert (kind2, args2[0]) == ("run", ["less", "-R", str(file)])


def test_the_private_folder_is_the_users_alone_and_goes_with_cleanup():
    viewers = Viewers()
    folder = viewers.private_folder()
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and viewers.private_folder() == folder
    (folder / "x").write_text("x")
    viewers.cleanup()
    assert not folder.exists()
    viewers.cleanup()  # twice: nothing to do
    assert open_file.OPENERS == ("xdg-open", "open")
