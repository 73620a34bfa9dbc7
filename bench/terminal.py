"""Running a full-screen program under a pseudo-terminal, as an agent's SSH session would: what it
writes, when its first screen appears, its CPU time and its peak memory.

The program gets a new session with the pty as its controlling terminal, ``TERM=xterm-256color``
and the window size set with ``TIOCSWINSZ`` (80x24 unless told). Everything it writes is read
and counted as it comes (a program whose terminal is not read blocks), and kept, escape
sequences stripped, so that a test can wait for text to appear on the screen. CPU time comes
from ``/proc/PID/stat`` (user + system), peak memory from ``/proc/PID/status`` (``VmHWM``, the
resident high-water mark: what ``ru_maxrss`` reports once the process has ended). Linux only.
"""

from __future__ import annotations

import compileall
import fcntl
import functools
import os
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# CSI (with private and intermediate bytes), OSC (to BEL or ST), DCS/SOS/PM/APC strings, other
# two-byte escapes (a charset choice "ESC ( B" too); then the remaining control characters.
ESCAPE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[()*+#%][ -~]|\x1b[@-Z\\-_=><78]"
)
ANSI = re.compile(ESCAPE.pattern + r"|[\x00-\x08\x0e-\x1f]")
CTRL_Q = b"\x11"


def strip_ansi(text: str) -> str:
    return ANSI.sub("", text)


def base_env(workdir: Path) -> dict[str, str]:
    """The environment every measured program runs in: the same terminal, locale and (empty)
    settings file whoever runs the benchmark.

    Programs start from bytecode, as an installed helpdesk does (pip compiles it on install):
    the checkout's modules are compiled once here (into ``__pycache__``, which git ignores), and
    ``PYTHONDONTWRITEBYTECODE`` is not passed on. With it, every measured start of the app compiled
    its ~150 modules from source (~90 ms of CPU) while the one-module reference app compiled one."""
    config = workdir / "config.toml"
    if not config.exists():
        config.write_text("# the benchmark's settings: the defaults\n")
    compile_checkout()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("HELPDESK_", "TEXTUAL")) and key != "PYTHONDONTWRITEBYTECODE"}
    env.update({"TERM": "xterm-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
                "HELPDESK_CONFIG": str(config)})  # fmt: skip
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return env


@functools.cache
def compile_checkout() -> None:
    """Byte-compile the checkout's packages (data, tui, screens, bench) once per run."""
    for folder in ("data", "tui", "screens", "bench"):
        compileall.compile_dir(str(ROOT / folder), quiet=1, force=False)


def helpdesk_command() -> list[str]:
    """``helpdesk`` as an agent starts it: the console script beside this Python, if installed."""
    script = Path(sys.executable).with_name("helpdesk")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from helpdesk.tui.cli.main import main; sys.exit(main())"]


def _controlling_terminal() -> None:  # runs in the child, before exec
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Session:
    """One program on its own pseudo-terminal."""

    def __init__(self, argv: list[str], env: dict[str, str], *, columns: int = 80, rows: int = 24, cwd: str | None = None):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, cwd=cwd, close_fds=True,
            preexec_fn=_controlling_terminal,
        )  # fmt: skip
        os.close(slave)
        self.master = master
        self.pid = self.process.pid
        self.bytes = 0
        self.screen = ""  # everything written so far, escapes stripped
        self._raw_tail = b""
        self.closed = False

    def _read(self, timeout: float) -> int:
        """Read what is there within ``timeout`` seconds; returns the byte count (0: none)."""
        if self.closed:
            time.sleep(max(0.0, timeout))
            return 0
        ready, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not ready:
            return 0
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:  # EIO: the program has gone and the pty is closed
            data = b""
        if not data:
            self.closed = True
            return 0
        self.bytes += len(data)
        text = (self._raw_tail + data).decode("utf-8", errors="replace")
        # An escape sequence cut in two by the read: keep its start for the next one.
        cut = text.rfind("\x1b")
        if cut != -1 and cut > len(text) - 64 and not ESCAPE.match(text, cut):
            self._raw_tail = text[cut:].encode("utf-8")
            text = text[:cut]
        else:
            self._raw_tail = b""
        self.screen += strip_ansi(text)
        return len(data)

    def wait_for(self, *needles: str, timeout: float = 60.0) -> float:
        """Seconds from the start until every one of ``needles`` has been written (in any order)."""
        deadline = self.started + timeout
        while not all(n in self.screen for n in needles):
            if self.process.poll() is not None and self.closed:
                raise RuntimeError(f"the program ended (exit {self.process.returncode}) before showing {needles!r}; "
                                   f"it wrote: {self.screen[-600:]!r}")  # fmt: skip
            if time.perf_counter() > deadline:
                raise TimeoutError(f"{needles!r} not shown within {timeout:.0f} s; the screen ends: {self.screen[-600:]!r}")
            self._read(0.05)
        return time.perf_counter() - self.started

    def settle(self, quiet: float = 0.5, longest: float = 5.0) -> None:
        """Read until nothing has been written for ``quiet`` seconds (or ``longest`` passed)."""
        end = time.perf_counter() + longest
        last = time.perf_counter()
        while time.perf_counter() < end:
            if self._read(0.05):
                last = time.perf_counter()
            elif time.perf_counter() - last >= quiet:
                return

    def drain(self, seconds: float) -> int:
        """Read for ``seconds``; returns the bytes written meanwhile."""
        before = self.bytes
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            self._read(min(0.1, left))
        return self.bytes - before

    def cpu_seconds(self) -> float:
        """User + system CPU time of the program so far."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def peak_rss_mb(self) -> float:
        """The resident set's high-water mark so far, in MB (``VmHWM``)."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("no VmHWM in /proc/PID/status")

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self, quit_keys: bytes = CTRL_Q, grace: float = 3.0) -> None:
        """Quit the program with ``quit_keys``; if it is still there after ``grace`` seconds, kill
        its process group (it leads its own session: this kills only what we started)."""
        try:
            if self.process.poll() is None and quit_keys:
                try:
                    self.send(quit_keys)
                except OSError:
                    pass
                end = time.perf_counter() + grace
                while self.process.poll() is None and time.perf_counter() < end:
                    self._read(0.05)
            if self.process.poll() is None:
                try:
                    os.killpg(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.process.wait(timeout=10)
        finally:
            self.closed = True
            try:
                os.close(self.master)
            except OSError:
                pass

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
