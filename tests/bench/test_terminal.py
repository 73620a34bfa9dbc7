"""bench/terminal.py: a program under a pty, its screen text without escapes, its output counted,
and a program that will not quit is ended (only it)."""

from __future__ import annotations

import signal
import sys

import pytest

from bench.terminal import Session, base_env, strip_ansi

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and pty control are Linux's")

WRITER = r"""
import sys, time
out = sys.stdout
out.write("\x1b[?1049h\x1b[2J\x1b[1;1H"); out.flush()
out.write("\x1b["); out.flush(); time.sleep(0.2)           # an escape cut in two by the reads
out.write("1mПривет\x1b[0m, \x1b]0;title\x07мир"); out.flush()
time.sleep(0.3)
out.write("x" * 1000); out.flush()
time.sleep(30)
"""


@pytest.fixture
def env(tmp_path):
    return base_env(tmp_path)


def test_the_screen_is_the_text_written_and_every_byte_is_counted(env):
    with Session([sys.executable, "-c", WRITER], env, columns=100, rows=30) as session:
        seconds = session.wait_for("Привет, мир", timeout=30)
        assert 0 < seconds < 30
        assert "\x1b" not in session.screen and "[1m" not in session.screen and "title" not in session.screen
        written = session.drain(1.0)
        assert written >= 1000 and session.bytes > written
        assert session.cpu_seconds() >= 0 and session.peak_rss_mb() > 1


def test_a_program_that_does_not_quit_is_killed_and_a_missing_text_times_out(env):
    session = Session([sys.executable, "-c", "import time; time.sleep(60)"], env)
    with pytest.raises(TimeoutError):
        session.wait_for("never", timeout=0.5)
    session.close(grace=0.2)
    assert session.process.returncode == -signal.SIGKILL


def test_a_program_that_ends_early_says_what_it_wrote(env):
    with Session([sys.executable, "-c", "print('помогите'); raise SystemExit(3)"], env) as session:
        with pytest.raises(RuntimeError, match="exit 3.*помогите"):
            session.wait_for("never", timeout=30)


def test_strip_ansi_keeps_the_text():
    assert strip_ansi("\x1b[38;2;1;2;3mA\x1b[0m\x1b[?25l\x1b]8;;http://x\x1b\\B\x1b(B") == "AB"


def test_the_environment_is_the_benchmark_s_own(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_DB", "/somewhere/else.db")
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    env = base_env(tmp_path)
    assert "HELPDESK_DB" not in env and "TEXTUAL_ANIMATIONS" not in env
    assert env["TERM"] == "xterm-256color" and env["HELPDESK_CONFIG"] == str(tmp_path / "config.toml")
