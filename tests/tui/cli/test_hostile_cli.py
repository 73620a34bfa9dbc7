"""Property test of the command line as a user runs it (a subprocess, real argv bytes): whatever
text the options carry, no traceback; a ticket it creates reads back as given (``new --json``
reads it through the same view as ``show --json``); a refusal is one line on stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.strategies import as_stored_line, emails, filled_texts, has_surrogate, phones, poisoned, with_poison

ROOT = Path(__file__).resolve().parents[3]
# One argument may hold at most 128 KiB (Linux MAX_ARG_STRLEN), and no NUL (argv is C strings).
MAX_ARGUMENT = 20_000
OPTIONS = {"subject": "--subject", "name": "--name", "body": "--body", "email": "--from", "phone": "--phone"}


def argument(text: str | None) -> str | None:
    return None if text is None else text.replace("\x00", "")[:MAX_ARGUMENT]


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(subject=filled_texts, name=filled_texts, body=filled_texts, email=st.one_of(st.emails(), emails),
       phone=st.one_of(st.none(), phones), poison=poisoned(list(OPTIONS)))  # fmt: skip
def test_new_takes_any_text_or_refuses_it_in_one_line(subject, name, body, email, phone, poison):
    values = with_poison({key: argument(value) for key, value in dict(subject=subject, name=name, body=body, email=email,
                                                                        phone=phone).items()}, poison)  # fmt: skip
    # Bytes as a terminal would pass them: a lone surrogate becomes bytes that are not UTF-8.
    args = [f"{OPTIONS[key]}={value}".encode("utf-8", "surrogatepass") for key, value in values.items() if value is not None]
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "HELPDESK_CONFIG": str(Path(folder) / "absent.toml"), "PYTHONPATH": str(ROOT), "LC_ALL": "C.UTF-8"}
        env.pop("HELPDESK_NOW", None)
        done = subprocess.run(
            [sys.executable, "-m", "helpdesk.tui.cli.main", "--db", str(Path(folder) / "h.db"), "--lang", "en",
             "--now", "2026-11-25T10:00:00+03:00", "new", "--product=Fenix+ 3", *args, "--json"],
            capture_output=True, env=env, cwd=ROOT, timeout=120,
        )  # fmt: skip
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    if done.returncode != 0:
        assert done.returncode in (1, 2) and err.startswith("helpdesk") and err.count("\n") == 1 and err.endswith("\n"), err
        event(f"refused: exit {done.returncode}, {err[:40]}")  # --hypothesis-show-statistics: why
        return
    event("accepted")
    assert not any(has_surrogate(value) for value in values.values())
    shown = json.loads(done.stdout)
    assert shown["subject"] == as_stored_line(values["subject"])
    assert shown["messages"][0]["body"] == values["body"]
    assert shown["customer"]["name"] == as_stored_line(values["name"]) or not as_stored_line(values["name"])
