"""The references the app's terminal figures are judged against: minimal Textual apps.

    .venv/bin/python -m bench.reference_app table   # Header, a DataTable of 50 rows, Footer
    .venv/bin/python -m bench.reference_app clock   # Header, a clock ticking each second, Footer

``table`` is the floor of any Textual app that opens on a table (the queue): time to its first
rows is what start-up is compared with. ``clock`` is the floor of a screen that shows the time:
what a full-screen app that changes once a second writes to the terminal and spends idle.
Nothing of the helpdesk is imported.
"""

from __future__ import annotations

import sys
from datetime import datetime

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header, Static

ROWS = 50
FIRST_ROW = "REF-0001"  # what the benchmark waits for on the screen
FIRST_SUBJECT = "Не запускается расчёт"
SUBJECTS = (FIRST_SUBJECT, "Ошибка активации лицензии", "Как перенести проект", "Экспорт отчёта в PDF")


class TableApp(App):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("No.", "Subject", "Status", "Countdown")
        for i in range(ROWS):
            table.add_row(f"REF-{i + 1:04d}", SUBJECTS[i % len(SUBJECTS)], "New", f"due in {i + 1} h {i % 60:02d} min")


class ClockApp(App):
    BINDINGS = [("ctrl+q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="clock")
        yield Footer()

    def on_mount(self) -> None:
        self.tick()
        self.set_interval(1, self.tick)

    def tick(self) -> None:
        self.query_one("#clock", Static).update(datetime.now().strftime("%H:%M:%S"))


def main(argv: list[str]) -> int:
    kind = argv[0] if argv else "table"
    app = {"table": TableApp, "clock": ClockApp}[kind]()
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
