"""The thread view on a long conversation: opening it, scrolling it, leaving it, against a short one.

    .venv/bin/python -m bench.thread [--db PATH] [--messages 500] [--rounds 3] [--size 120x40]

``measure(ctx)`` opens the longest thread of ``ctx.large_db`` and a thread of about ten messages
of the same database in the real app (``App.run_test`` and a Pilot, the screens the CLI composes),
one after the other, ``rounds`` times each, and times:

- opening: from pushing the thread view to the first paint that shows the loaded thread
  (the figure); how long until the app stops working by itself (no repaint, no CPU time: idle
  work included) is reported beside it, and the keys below start only then;
- scrolling: home, down, page down, end, up, page up in the conversation, from the key to the
  repaint, median of the keys that moved the view (a short thread has fewer to move);
- back to the queue: from Escape until the thread view is gone and the queue is painted.

Each large figure is judged against the short thread's, measured in the same run. Without
``--db`` (or when its file does not exist) the command makes the database first: the demo data set plus one ticket grown to
``--messages`` messages through the ticket operations (replies, notes, customer mail with quoted
tails and attachments, status changes), in a temporary folder unless ``--db`` names the file. Opening a thread writes the
agent's seen mark and presence row, as the app does: ``--db`` should name a copy.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from textual import events

from bench.figures import BenchContext, Figure, median
from helpdesk.data.core.clock import Clock, FixedClock, parse_instant
from helpdesk.data.core.values import AttachmentInput, NewTicket
from helpdesk.data.demo import generate_demo
from helpdesk.data.rules import statuses as st
from helpdesk.data.rules.desk import Desk, os_login
from helpdesk.data.rules.regulation import load_regulation
from helpdesk.data.store import models as m
from helpdesk.data.store.agents import admins, register
from helpdesk.data.store.database import open_store
from helpdesk.data.tickets import operations as ops
from helpdesk.data.tickets.lookup import get_ticket
from helpdesk.screens.thread import ThreadScreen
from helpdesk.tui.app import HelpdeskApp
from helpdesk.tui.cli.compose import screen_set

NOW = "2026-11-25T10:00:00+03:00"
SCROLL_KEYS = ("home",) + ("down",) * 3 + ("pagedown",) * 3 + ("end",) + ("up",) * 3 + ("pageup",) * 3
QUIET_SECONDS = 0.3  # no repaint for this long: the view has settled
TIMEOUT_SECONDS = 60.0


# --- which threads -----------------------------------------------------------------------------


def longest_thread(db: Path) -> tuple[int, int]:
    """(ticket number, message count) of the ticket with the most messages."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(
            "SELECT t.number, c.n FROM (SELECT ticket_id, COUNT(*) AS n FROM message GROUP BY ticket_id"
            " ORDER BY n DESC LIMIT 1) AS c JOIN ticket AS t ON t.id = c.ticket_id"
        ).fetchone()


def short_thread(db: Path, messages: int = 10) -> tuple[int, int]:
    """(ticket number, message count) of a ticket with about ``messages`` messages (the closest)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(
            "SELECT t.number, c.n FROM (SELECT ticket_id, COUNT(*) AS n FROM message GROUP BY ticket_id"
            " ORDER BY ABS(n - ?), ticket_id LIMIT 1) AS c JOIN ticket AS t ON t.id = c.ticket_id",
            (messages,),
        ).fetchone()


# --- a database with one long thread -----------------------------------------------------------

_CUSTOMER = [
    "Добрый день! После обновления до версии 3.2 проект не открывается, программа пишет: ошибка 0x1F.",
    "Проверили на другом компьютере — то же самое. Журнал прикладываю.",
    "Спасибо, попробуем. Подскажите, нужно ли переустанавливать лицензию?",
    "Не помогло. Расчёт времени эвакуации по-прежнему останавливается на 37%.",
    "Здравствуйте.\nСделали всё по инструкции:\n1. удалили папку кэша;\n2. перезапустили службу;\n"
    "3. открыли проект заново.\nОшибка та же, только теперь код 0x2A.",
    "Добрый вечер! Есть ли новости по нашему вопросу? Сдача проекта в пятницу.",
]
_AGENT = [
    "Здравствуйте! Пришлите, пожалуйста, журнал из папки %APPDATA%\\Fenix\\logs.",
    "Спасибо, журнал получили. Похоже, повреждён файл сценария; попробуйте открыть резервную копию.",
    "Передали вопрос разработчикам, ответим до конца дня.",
    "Исправление вошло в сборку 3.2.1, она доступна в личном кабинете. Проверьте, пожалуйста.",
]
_NOTES = [
    "Похоже на дефект FX-1234, воспроизводится на тестовом стенде.",
    "Клиент важный, держим на контроле.",
    "Уточнил у разработки: исправление в 3.2.1.",
]
_QUOTE = "\n\n{date}, Техподдержка <support@fenix.example> пишет:\n> {text}\n> \n> С уважением, техподдержка"


def grow_thread(desk: Desk, number: int, messages: int, *, seed: int = 7) -> None:
    """Add messages to ticket ``number`` until it holds ``messages``: the customer and agents in turn,
    notes, status changes, quoted tails and a few attachments, a quarter of an hour apart."""
    rng = random.Random(seed)
    count = m.Message.select().join(m.Ticket).where(m.Ticket.number == number).count()
    last_reply = _AGENT[0]
    while count < messages:
        desk.clock.advance(timedelta(minutes=rng.randint(5, 40)))
        roll = rng.random()
        if roll < 0.45:
            body = rng.choice(_CUSTOMER)
            if rng.random() < 0.5:
                body += _QUOTE.format(date=desk.now().strftime("%d.%m.%Y, %H:%M"), text=last_reply)
            files = [AttachmentInput(f"журнал_{count}.log", b"x" * rng.randint(100, 40_000))] if rng.random() < 0.1 else []
            ops.add_customer_message(desk, number, body, attachments=files)
        elif roll < 0.85:
            last_reply = rng.choice(_AGENT)
            ops.add_reply(desk, number, last_reply)
            if rng.random() < 0.3 and get_ticket(number).status != st.WAITING:
                ops.set_status(desk, number, st.WAITING)
        else:
            ops.add_reply(desk, number, rng.choice(_NOTES), note=True)
        count += 1


def make_database(path: Path, messages: int) -> int:
    """The demo data set at ``NOW`` in ``path`` plus one ticket of ``messages`` messages; its number."""
    regulation = load_regulation()
    start = parse_instant(NOW)
    open_store(str(path), regulation, start, creator=os_login())
    generate_demo(Desk(regulation, FixedClock(start), "petrova"))
    clock = FixedClock(start - timedelta(days=60))
    desk = Desk(regulation, clock, "petrova")
    number = ops.create_ticket(desk, NewTicket(
        subject="Не открывается проект после обновления", body=_CUSTOMER[0], customer_email="ivan@zavod.example",
        customer_name="Иван Петров", product="Fenix+ 3", channel="email")).number
    ops.assign_ticket(desk, number, "petrova")
    grow_thread(desk, number, messages)
    m.database_proxy.close()
    return number


# --- timing the app ----------------------------------------------------------------------------


class Paints:
    """When the app last produced a screen update (the headless driver draws nothing: the update
    is computed all the same, which is the work measured)."""

    def __init__(self, app: HelpdeskApp) -> None:
        self.times: list[tuple[float, object]] = []
        display = app._display

        def recorded(screen, renderable) -> None:
            if renderable is not None:
                self.times.append((time.perf_counter(), screen))
            display(screen, renderable)

        app._display = recorded

    def first_after(self, start: float, screen, ready=lambda: True) -> float | None:
        for at, shown in self.times:
            if at >= start and shown is screen and ready():
                return at
        return None

    @property
    def last(self) -> float:
        return self.times[-1][0] if self.times else 0.0


async def _until(condition, what: str, timeout: float = TIMEOUT_SECONDS) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(0.001)


async def _open(pilot, paints: Paints, number: int) -> tuple[float, float, ThreadScreen]:
    """(ms to the first paint of the loaded thread, ms until it stops repainting, the screen)."""
    app = pilot.app
    start = time.perf_counter()
    app.open_ticket(number)
    screen = app.screen
    loaded_at: list[float] = []

    def painted() -> bool:
        if not loaded_at and isinstance(app.screen, ThreadScreen) and app.screen.thread is not None:
            loaded_at.append(time.perf_counter())
        return bool(loaded_at) and paints.first_after(loaded_at[0], app.screen) is not None

    await _until(painted, f"opening #{number}")
    screen = app.screen
    first = paints.first_after(loaded_at[0], screen)
    settled = await _settled(paints)
    return (first - start) * 1000, (settled - start) * 1000, screen


async def _settled(paints: Paints) -> float:
    """When the app stopped working by itself: no repaint and (nearly) no CPU time for a while
    (work done while idle, as measuring the rest of a thread, counts)."""
    deadline = time.perf_counter() + TIMEOUT_SECONDS
    busy_until = time.perf_counter()
    while time.perf_counter() < deadline:
        cpu = time.process_time()
        await asyncio.sleep(0.05)
        now = time.perf_counter()
        if time.process_time() - cpu > 0.005:
            busy_until = now
        if now - max(busy_until, paints.last) > QUIET_SECONDS:
            return max(busy_until - 0.05, paints.last)
    raise TimeoutError("settling")


async def _press(app, paints: Paints, key: str) -> float | None:
    """Ms from a key to the repaint it causes: the key handled by the app, then by the focused
    widget (a callback queued behind it on each), then the next paint. None when the key did not
    move the view (End at the end): a short thread has more of those, and they cost nothing."""
    handled = asyncio.Event()
    scrolled = app.focused
    before = scrolled.scroll_offset if scrolled is not None else None

    def behind_the_app() -> None:
        (app.focused or app.screen).call_later(handled.set)

    start = time.perf_counter()
    app.post_message(events.Key(key, None))
    app.call_later(behind_the_app)
    await asyncio.wait_for(handled.wait(), TIMEOUT_SECONDS)
    done = time.perf_counter()
    try:  # a container may scroll after a refresh: the offset is compared once painted
        await _until(lambda: paints.last > done, "a repaint", timeout=1.0)
    except TimeoutError:
        return None
    if scrolled is None or scrolled.scroll_offset == before:
        return None
    return (paints.last - start) * 1000


async def _scroll(pilot, paints: Paints, keys=SCROLL_KEYS) -> list[float]:
    samples = []
    for key in keys:
        sample = await _press(pilot.app, paints, key)
        if sample is not None:
            samples.append(sample)
        await asyncio.sleep(0.05)
    return samples


async def _back(pilot, thread: ThreadScreen, queue) -> float:
    app = pilot.app
    start = time.perf_counter()
    app.post_message(events.Key("escape", None))
    await _until(lambda: app.screen is queue and not thread.is_attached, "back to the queue")
    app.screen._on_timer_update()
    return (time.perf_counter() - start) * 1000


async def _session(desk: Desk, threads: dict[str, int], rounds: int, size: tuple[int, int]) -> dict[str, dict[str, list[float]]]:
    app = HelpdeskApp(desk, screens=screen_set(), watch_changes=False, tick_seconds=3600)
    app.animation_level = "none"  # a key scrolls at once: its whole cost lands before the repaint
    results = {name: {"open": [], "settled": [], "scroll": [], "back": []} for name in threads}
    async with app.run_test(size=size) as pilot:
        paints = Paints(app)
        await pilot.pause(0.5)
        queue = app.screen
        for _ in range(rounds):
            for name, number in threads.items():
                first, settled, screen = await _open(pilot, paints, number)
                results[name]["open"].append(first)
                results[name]["settled"].append(settled)
                results[name]["scroll"].extend(await _scroll(pilot, paints))
                results[name]["back"].append(await _back(pilot, screen, queue))
                await pilot.pause(0.2)
    return results


def run(db: Path, *, rounds: int, size: tuple[int, int] = (120, 40), agent: str | None = None) -> tuple[list[Figure], dict]:
    """The figures for ``db`` and the threads they were measured on."""
    large, large_count = longest_thread(db)
    small, small_count = short_thread(db)
    regulation = load_regulation()
    open_store(str(db), regulation, Clock().now(), creator=os_login())
    try:
        login = agent or (admins() or [os_login()])[0]
        register(login)
        desk = Desk(regulation, Clock(), login)
        results = asyncio.run(_session(desk, {"small": small, "large": large}, rounds, size))
    finally:
        m.database_proxy.close()
    s, L = results["small"], results["large"]
    where = f"#{large} ({large_count} messages) vs #{small} ({small_count} messages), {size[0]}x{size[1]}"
    figures = [
        Figure("thread view: open the longest thread, to the first paint (median)", median(L["open"]), "ms",
               "the same for a thread of about 10 messages", median(s["open"]), 1.3,
               f"{where}; repainting stopped after {median(L['settled']):.0f} ms vs {median(s['settled']):.0f} ms"),
        Figure("thread view: a scroll key in the longest thread (median)", median(L["scroll"]), "ms",
               "the same keys in a thread of about 10 messages", median(s["scroll"]), 1.5,
               f"{where}; keys {' '.join(SCROLL_KEYS)}; p90 {_p90(L['scroll']):.0f} vs {_p90(s['scroll']):.0f} ms"),
        Figure("thread view: back to the queue from the longest thread (median)", median(L["back"]), "ms",
               "back from a thread of about 10 messages", median(s["back"]), 1.5, where),
    ]
    return figures, {"large": (large, large_count), "small": (small, small_count), "results": results}


def _p90(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10)[-1] if len(samples) > 1 else samples[0]


def measure(ctx: BenchContext) -> list[Figure]:
    figures, _ = run(ctx.large_db, rounds=2 if ctx.quick else 5)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a database (a copy: opening threads writes seen marks); made there"
                        " as without --db when the file does not exist")
    parser.add_argument("--messages", type=int, default=500, help="without --db: the long thread's messages")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", default="120x40", help="terminal size, COLSxROWS")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.split("x"))
    with tempfile.TemporaryDirectory(prefix="helpdesk-bench-thread-") as tmp:
        db = args.db or Path(tmp) / "thread.db"
        if not db.exists():
            start = time.perf_counter()
            make_database(db, args.messages)
            print(f"made {db}: the demo and a {args.messages}-message thread in {time.perf_counter() - start:.1f} s")
        figures, _ = run(db, rounds=args.rounds, size=size)
    for f in figures:
        verdict = "" if f.met is None else (" met" if f.met else " MISSED")
        print(f"{f.what}: {f.value:.1f} {f.unit} vs {f.reference:.1f} {f.unit} = x{f.ratio:.2f}"
              f" (target x{f.target}){verdict}\n    {f.notes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
