"""Checks that only bind an unprivileged user, run the same everywhere.

File modes do not stop root, and CI runs as root: there the check runs in a forked child that
has dropped to "nobody" (uid and gid 65534), so the test proves the same thing as for any agent
instead of skipping. The child reports a JSON value through a pipe and leaves with ``_exit``
(never running pytest's own exit).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable

import pytest

NOBODY = 65534


@pytest.fixture
def open_folder():
    """A folder the unprivileged user may enter (pytest's own temporary folders are owner-only)."""
    folder = Path(tempfile.mkdtemp(prefix="hd-perm-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def as_unprivileged(check: Callable[[], object]) -> object:
    """``check()``'s JSON-able result, computed by an unprivileged user."""
    if os.geteuid() != 0:
        return json.loads(json.dumps(check()))
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            os.write(write_end, json.dumps(check()).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end) as answer:
        found = answer.read()
    os.waitpid(pid, 0)
    assert found, "the unprivileged check failed before it could answer"
    return json.loads(found)
