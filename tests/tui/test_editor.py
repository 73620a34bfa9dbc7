"""tui/editor.py: the text out to a private file, the agent's editor on it, the text back."""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from pathlib import Path

import pytest

from helpdesk.tui.editor import PREFIX, EditorFailed, edit_text
from tests.pilot import HOSTILE


def fake_editor(tmp_path: Path, body: str) -> list[str]:
    """A command that runs ``body`` (Python) with ``path`` the file to edit, and records the
    file's mode and name in ``seen.txt`` beside the script."""
    script = tmp_path / "editor.py"
    script.write_text(
        "import os, stat, sys\n"
        "path = sys.argv[-1]\n"
        f"open({str(tmp_path / 'seen.txt')!r}, 'w').write(oct(stat.S_IMODE(os.stat(path).st_mode)) + ' ' + path)\n"
        + body,
        encoding="utf-8",
    )
    return [sys.executable, str(script)]


def seen(tmp_path: Path) -> tuple[str, str]:
    mode, path = (tmp_path / "seen.txt").read_text().split(" ", 1)
    return mode, path


def test_the_editor_appends_and_the_text_comes_back(tmp_path):
    command = fake_editor(tmp_path, "open(path, 'a', encoding='utf-8').write('\\nС уважением, Петрова')\n")
    assert edit_text(command, "Здравствуйте!", name="reply") == "Здравствуйте!\nС уважением, Петрова"
    mode, path = seen(tmp_path)
    assert mode == "0o600"  # only its owner may read what an agent writes
    assert Path(path).name.startswith(f"{PREFIX}reply-") and Path(path).parent == Path(tempfile.gettempdir())
    assert not os.path.exists(path)  # removed afterwards


def test_an_unchanged_file_gives_none(tmp_path):
    assert edit_text(fake_editor(tmp_path, "pass\n"), "как было") is None


def test_line_ends_the_editor_made_are_undone(tmp_path):
    # vi adds a final newline; an editor on Windows settings writes CRLF: neither is a change.
    command = fake_editor(tmp_path, "t = open(path, encoding='utf-8').read()\n"
                                    "open(path, 'w', encoding='utf-8', newline='').write(t.replace('\\n', '\\r\\n') + '\\r\\n')\n")
    assert edit_text(command, "одна\nдве") is None
    assert edit_text(command, "с переводом строки\n") == "с переводом строки\n\n"  # the text's own end kept


def test_a_failing_editor_raises_and_removes_the_file(tmp_path):
    command = fake_editor(tmp_path, "open(path, 'a').write('half'); sys.exit(3)\n")
    with pytest.raises(EditorFailed) as failed:
        edit_text(command, "текст")
    assert failed.value.reason == "failed" and failed.value.detail == "3"
    assert not os.path.exists(seen(tmp_path)[1])


def test_a_missing_editor_raises(tmp_path):
    with pytest.raises(EditorFailed) as failed:
        edit_text([str(tmp_path / "no-such-editor"), "--wait"], "текст")
    assert failed.value.reason == "missing" and failed.value.command.endswith("no-such-editor --wait")


def test_hostile_text_goes_out_and_back_exactly(tmp_path):
    text = "\n".join(HOSTILE.values()) + "\n'; rm -rf ~; echo \"$HOME\" `id` ‮ RTL \x00 end"
    command = fake_editor(tmp_path, "open(path, 'a', encoding='utf-8', newline='').write(' +')\n")
    assert edit_text(command, text) == text + " +"
