"""A virtual ticket table: it holds only the pages it has been given and asks for the rest by index.

``TicketTable`` is a Line API ``ScrollView`` (Toolong's lesson): ``render_line`` draws one
row at a time from a small LRU cache of pages. A row it does not have is drawn as a
placeholder and its page is asked for with ``PagesWanted``; the screen loads it in a worker
and hands it over with ``add_pages``. The countdown column is recomputed from the row data
and ``now`` on every tick, with no query; a tick repaints only the rows whose words changed
(the table keeps what each visible line last showed), and a cursor move only the two rows it
leaves and reaches, so an idle queue sends next to nothing to the terminal.

Columns appear by priority as the width allows (80 columns: number, flags, marks, subject,
status, countdown; 60 columns leave the marks out; 100 add product and assignee, 140 the
customer); the subject takes the rest, and the sorted column is always shown. The countdown
cell says the instant a ticket falls due (what the "due" order sorts by) and the working time
left, or overdue by how much and since when (``countdown_forms``). Per-cell state styles are component classes (``ticket-table--overdue`` ...).
The marks column says what the team's working state says about a row: unread (its subject is
bold too), the agent's draft, open by a colleague (``set_marks``, from the screen). Rows the
agent picked for a bulk change (``set_marks(picked=...)``) get a ``✓`` in a narrow first column,
shown only while something is picked, and a tinted background.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle

from helpdesk.data.read.queue import Countdown, QueueRow, countdown
from helpdesk.data.rules.working_hours import WorkingCalendar
from helpdesk.tui.i18n import N_, NP_, _, current_language, pgettext
from helpdesk.tui.labels import channel_label
from helpdesk.tui.text import literal, marked
from helpdesk.tui.timefmt import compact_duration, short_day_time, short_working, working_duration

PAGE_SIZE = 50
CACHE_PAGES = 24

# Flag symbols (single-width in every common terminal font) and their legend.
FLAG_SYMBOLS = {
    "high": ("!", N_("high priority")),
    "support_ended": ("⊘", N_("support ended")),
    "out_of_hours": ("☾", N_("received out of hours")),
}

def flag_legend() -> str:
    """"! high priority  ⊘ support ended  ☾ received out of hours" in the current language."""
    return "  ".join(f"{symbol} {_(text)}" for symbol, text in FLAG_SYMBOLS.values())


# What the team's working state says about a row (data/team/): the marks column.
MARK_SYMBOLS = {
    "unread": ("●", N_("unread")),
    "draft": ("✎", N_("your draft")),
    "viewed": ("◉", N_("open by a colleague")),
}


SHORT_STATUS = {
    "new": NP_("status", "New"),
    "open": NP_("status", "Open"),
    "waiting": NP_("status", "Waiting"),
    "resolved": NP_("status", "Resolved"),
    "closed": NP_("status", "Closed"),
    "rejected": NP_("status", "Rejected"),
}


def status_short(code: str) -> str:
    """A status in a word or two, for the table's narrow column."""
    return pgettext(*SHORT_STATUS[code]) if code in SHORT_STATUS else code


def short_when(at: datetime, tz: tzinfo, now: datetime) -> str:
    """"09:00" today, "Mon 09:00" within a week, "12 Jan 09:00" further off, with the year in
    another year (support time zone): timefmt.short_day_time."""
    return short_day_time(at, tz, now)


def countdown_forms(cd: Countdown, tz: tzinfo, now: datetime) -> list[str]:
    """The countdown cell's words, longest first: one form per state, the same in every row,
    and shorter forms of the same facts for a narrow column (``countdown_text`` picks).

    A ticket with a target shows the instant it falls due (what the "due" order sorts by)
    and the working time left; an overdue one by how much working time and since when
    (only since when while that is no working time yet: overdue since Friday 17:00 is on
    Monday 08:00); one that support takes up when it opens, from when, and when it falls due.
    """
    if cd.kind == "starts":
        opens = short_when(cd.at, tz, now)
        if cd.due is None:
            return [_("from {when}").format(when=opens)]
        return [_("from {when}, by {due}").format(when=opens, due=short_when(cd.due, tz, now)),
                _("from {when}").format(when=opens)]
    if cd.kind == "due":
        when = short_when(cd.at, tz, now)
        return [_("by {when}, {duration} work").format(when=when, duration=short_working(cd.left)),
                _("by {when}").format(when=when)]
    if cd.kind == "overdue":
        when = short_when(cd.at, tz, now)
        since = _("overdue since {when}").format(when=when)
        if cd.left < timedelta(minutes=1):
            return [since]
        duration = short_working(cd.left)
        return [_("overdue by {duration} work, since {when}").format(duration=duration, when=when),
                _("−{duration} since {when}").format(duration=duration, when=when),
                since]
    if cd.kind == "waited":
        return [_("waited {duration}").format(duration=working_duration(cd.left))]
    if cd.kind == "waiting":
        return [_("customer's turn, {duration}").format(duration=compact_duration(cd.left))]
    return ["—"]


def countdown_text(cd: Countdown, tz: tzinfo, now: datetime, width: int | None = None) -> str:
    """The countdown cell's words: the longest form that fits ``width`` (all of it without one)."""
    forms = countdown_forms(cd, tz, now)
    if width is None:
        return forms[0]
    if cd.kind == "overdue" and len(forms) > 1 and width < OVERDUE_LONG_WIDTH:
        forms = forms[1:]  # one form for every overdue row of the column
    return next((form for form in forms if cell_len(form) <= width), forms[-1])


def shown_instant(cd: Countdown) -> datetime | None:
    """The instant a row's countdown shows (and the "due" order sorts by): when it falls due."""
    return cd.due


def age_text(row: QueueRow, now: datetime) -> str:
    return compact_duration(now - row.created_at)


@dataclass(frozen=True)
class Column:
    key: str
    title: str  # msgid, translated when drawn
    width: int  # 0: takes the rest (the subject)
    align: str = "left"


PICK_SYMBOL = "✓"

COLUMNS = {
    "pick": Column("pick", "", 1),
    "number": Column("number", N_("No."), 6, "right"),
    "flags": Column("flags", "", 3),
    "marks": Column("marks", "", 3),
    "subject": Column("subject", N_("Subject"), 0),
    "customer": Column("customer", N_("Customer"), 18),
    "product": Column("product", N_("Product"), 14),
    "channel": Column("channel", N_("Channel"), 9),
    "status": Column("status", N_("Status"), 9),
    "assignee": Column("assignee", N_("Assignee"), 11),  # "Исполнитель"
    "age": Column("age", N_("Age"), 11, "right"),  # "20 дн. 14 ч"
    "waited": Column("waited", N_("Worked"), 10, "right"),
    "countdown": Column("countdown", N_("Countdown"), 30),
}
REQUIRED = ("number", "flags", "subject", "status", "countdown")
# Optional columns in the order they appear, each from a row width on (a terminal one column
# wider: the scroll bar): the marks from 60, product and assignee from 100 columns, the
# customer from 140; then the rest while the subject keeps SUBJECT_MIN.
SHOWN_FROM = {"marks": 59, "product": 99, "assignee": 99, "customer": 139}
SUBJECT_LEAST = 12  # what the marks, product, assignee and customer leave the subject at least
OPTIONAL = ("marks", "product", "assignee", "customer", "age", "channel", "waited")
ORDER = ("pick", "number", "flags", "marks", "subject", "customer", "product", "channel", "status", "assignee", "age", "waited",
         "countdown")
SUBJECT_MIN = 40
# The countdown column's width by row width: 30 holds every Russian form that matters at 80
# columns ("до пн 10:50, 1 ч 50 мин раб."); from 160 columns the long overdue form fits too
# ("просрочена на 1 ч 05 мин раб., с пт 17:00"); under 80 the short forms ("до пн 10:50").
COUNTDOWN_WIDTHS = ((159, 42), (119, 32), (79, 30), (0, 22))
# The long overdue form needs this much; narrower, every overdue row takes the short one.
OVERDUE_LONG_WIDTH = 41
SORT_COLUMNS = {"due": "countdown", "age": "age", "number": "number"}
# Which way each order's column runs when not reversed, as the column shows it: soonest due
# first (instants ascending), oldest first (ages descending), newest first (numbers descending).
SORT_ASCENDS = {"due": True, "age": False, "number": False}
# A search's snippet in the subject cell starts this many characters before its first match.
SNIPPET_LEAD = 8
URGENT = {"ticket-table--pick", "ticket-table--soon", "ticket-table--overdue", "ticket-table--stale", "ticket-table--flag",
          "ticket-table--mark", "ticket-table--unread"}


# Columns of free text, cut at a word boundary when they do not fit.
WORD_CUT = {"subject", "customer", "product"}


def sort_arrow(sort: str, reverse: bool) -> str:
    """"▲" when the sorted column's values go up down the rows, "▼" when they go down."""
    return "▲" if SORT_ASCENDS.get(sort, True) != reverse else "▼"


def layout_columns(width: int, *, picking: bool = False, sort: str | None = None) -> list[tuple[Column, int]]:
    """The columns that fit ``width`` and each one's width (the subject takes the rest); with
    ``picking`` (rows are picked for a bulk change) the pick column first; the column of
    ``sort`` is always shown (sorting by age shows the age at 80 columns)."""
    required = ("pick", *REQUIRED) if picking else REQUIRED
    widths = {key: COLUMNS[key].width for key in COLUMNS}
    widths["countdown"] = next(w for least, w in COUNTDOWN_WIDTHS if width >= least)
    sorted_key = SORT_COLUMNS.get(sort or "")
    if sorted_key and sorted_key not in required:
        required = (*required, sorted_key)
    chosen = set(required)
    fixed = sum(widths[k] for k in required) + len(required) - 1
    for key in OPTIONAL:
        if key in chosen:
            continue
        extra = widths[key] + 1
        least = SHOWN_FROM.get(key)
        room = width - fixed - extra
        if (width >= least and room >= SUBJECT_LEAST) if least is not None else room >= SUBJECT_MIN:
            chosen.add(key)
            fixed += extra
        elif least is None:
            break
    subject = max(8, width - fixed)
    return [(COLUMNS[k], subject if k == "subject" else widths[k]) for k in ORDER if k in chosen]


def fit_words(content: Content, width: int) -> Content:
    """``content`` in ``width`` cells: whole, or cut at a word boundary with "…" (mid-word only
    when the last word boundary would leave less than half the width)."""
    if content.cell_length <= width:
        return content.truncate(width, pad=True)
    plain = content.plain
    room = width - 1  # the ellipsis
    cut = room
    while cut > 0 and cell_len(plain[:cut]) > room:
        cut -= 1
    space = plain.rfind(" ", 0, cut + 1)
    if space >= max(1, room // 2):
        cut = space
    return Content.assemble(content[:cut].rstrip(), "…").truncate(width, pad=True)


class TicketTable(ScrollView, can_focus=True, inherit_bindings=False):
    """The queue's rows, drawn on demand from pages the screen loads."""

    ALLOW_MAXIMIZE = False
    COMPONENT_CLASSES = {
        "ticket-table--header",
        "ticket-table--sorted",
        "ticket-table--cursor",
        "ticket-table--placeholder",
        "ticket-table--number",
        "ticket-table--new",
        "ticket-table--muted",
        "ticket-table--flag",
        "ticket-table--mark",
        "ticket-table--unread",
        "ticket-table--soon",
        "ticket-table--overdue",
        "ticket-table--closed",
        "ticket-table--stale",
        "ticket-table--done",
        "ticket-table--match",
        "ticket-table--snippet",
        "ticket-table--picked",
        "ticket-table--pick",
    }

    DEFAULT_CSS = """
    TicketTable {
        height: 1fr;
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        background: $surface;
    }
    TicketTable > .ticket-table--header { background: $panel; color: $text; text-style: bold; }
    TicketTable > .ticket-table--sorted { color: $text-accent; text-style: bold; }
    TicketTable > .ticket-table--cursor { background: $block-cursor-blurred-background; }
    TicketTable:focus > .ticket-table--cursor { background: $block-cursor-background; text-style: bold; }
    TicketTable > .ticket-table--placeholder { color: $text-disabled; }
    TicketTable > .ticket-table--number { color: $text-muted; }
    TicketTable > .ticket-table--new { color: $text-primary; text-style: bold; }
    TicketTable > .ticket-table--muted { color: $text-muted; }
    TicketTable > .ticket-table--flag { color: $text-warning; }
    TicketTable > .ticket-table--mark { color: $text-accent; text-style: bold; }
    TicketTable > .ticket-table--unread { text-style: bold; }
    TicketTable > .ticket-table--soon { color: $text-warning; text-style: bold; }
    TicketTable > .ticket-table--overdue { color: $text-error; text-style: bold; }
    TicketTable > .ticket-table--closed { color: $text-secondary; }
    TicketTable > .ticket-table--stale { color: $text-warning; }
    TicketTable > .ticket-table--done { color: $text-muted; }
    TicketTable > .ticket-table--match { color: $text-accent; text-style: bold reverse; }
    TicketTable > .ticket-table--snippet { color: $text-muted; text-style: italic; }
    TicketTable > .ticket-table--picked { background: $accent-muted; }
    TicketTable > .ticket-table--pick { color: $text-accent; text-style: bold; }
    """

    BINDINGS = [
        Binding("up,k", "cursor_up", N_("Up"), show=False, tooltip=N_("Previous ticket"), id="table.up"),
        Binding("down,j", "cursor_down", N_("Down"), show=False, tooltip=N_("Next ticket"), id="table.down"),
        Binding("pageup", "page_up", N_("Page up"), show=False, tooltip=N_("One screen up"), id="table.page_up"),
        Binding("pagedown", "page_down", N_("Page down"), show=False, tooltip=N_("One screen down"), id="table.page_down"),
        Binding("home", "first", N_("First ticket"), show=False, tooltip=N_("Go to the first ticket"), id="table.first"),
        Binding("end", "last", N_("Last ticket"), show=False, tooltip=N_("Go to the last ticket"), id="table.last"),
        Binding("enter", "choose", N_("Open ticket"), tooltip=N_("Open the ticket's thread"), id="table.open"),
    ]

    # Neither repaints the whole table by itself: the watchers below refresh only the lines
    # that change.
    cursor_row: var[int] = var(0, always_update=True)
    now: var[datetime | None] = var(None)

    class PagesWanted(Message):
        """Rows the table needs: ``requests`` is a tuple of (page index, the sort key of the row
        before the page or None, the sort key of the row after it or None), for keyset paging."""

        def __init__(self, table: TicketTable, generation: int, requests: tuple[tuple[int, tuple | None], ...]):
            super().__init__()
            self.table = table
            self.generation = generation
            self.requests = requests

    class TicketChosen(Message):
        """Enter or a click on the cursor row: open this ticket."""

        def __init__(self, table: TicketTable, number: int):
            super().__init__()
            self.table = table
            self.number = number

    class TicketHighlighted(Message):
        """The cursor moved to another row (``row`` is None while its page loads or when empty)."""

        def __init__(self, table: TicketTable, index: int, row: QueueRow | None):
            super().__init__()
            self.table = table
            self.index = index
            self.row = row

    class SortClicked(Message):
        """A click on a sortable column title."""

        def __init__(self, table: TicketTable, sort: str):
            super().__init__()
            self.table = table
            self.sort = sort

    def __init__(self, calendar: WorkingCalendar, *, stale_days: int = 5, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.calendar = calendar
        self.stale_days = stale_days
        self.total = 0
        self.generation = 0
        self.sort = "due"
        self.reverse = False
        self._pages: OrderedDict[int, list[QueueRow]] = OrderedDict()
        self._pending: set[int] = set()
        self._wanted: set[int] = set()
        self._request_scheduled = False
        self._last_highlight: tuple[int, int | None] | None = None
        # What each visible line (y) showed when last drawn: a tick compares and repaints the changed ones.
        self._drawn: dict[int, tuple] = {}
        # Ticket numbers marked in the marks column (the screen loads them; data/team/).
        self.unread: frozenset[int] = frozenset()
        self.drafts: frozenset[int] = frozenset()
        self.viewed: frozenset[int] = frozenset()
        self.picked: frozenset[int] = frozenset()  # picked for a bulk change (the screen keeps what was read)

    # --- data in ------------------------------------------------------------------------

    def reset(self, generation: int, total: int, offset: int, rows: tuple[QueueRow, ...] | list[QueueRow],
              cursor: int | None = None) -> None:
        """Start over with a new result: its size, the page at ``offset``, and where the cursor goes."""
        self.generation = generation
        self.total = total
        self._pages.clear()
        self._pending.clear()
        self._wanted.clear()
        rows = list(rows)
        for i in range(0, len(rows), PAGE_SIZE):
            self._pages[(offset + i) // PAGE_SIZE] = rows[i: i + PAGE_SIZE]
        self.virtual_size = Size(self.size.width, total + 1)
        if cursor is None:
            cursor = self.cursor_row
        self._last_highlight = None
        self.cursor_row = max(0, min(cursor, total - 1)) if total else 0
        self._repaint_changed()  # a reload that changed nothing on screen sends nothing

    def add_pages(self, generation: int, pages: dict[int, list[QueueRow]]) -> None:
        """Pages a worker loaded; ignored if a newer result has replaced the one they belong to."""
        if generation != self.generation:
            return
        for index, rows in pages.items():
            self._pending.discard(index)
            self._pages[index] = list(rows)
            self._pages.move_to_end(index)
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)
        self._post_highlight()
        self._repaint_changed()

    def set_marks(self, *, unread: frozenset[int] | None = None, drafts: frozenset[int] | None = None,
                  viewed: frozenset[int] | None = None, picked: frozenset[int] | None = None) -> None:
        """Which tickets are unread, have the agent's draft, are open elsewhere, are picked;
        repaints only on a change."""
        changed = False
        for name, value in (("unread", unread), ("drafts", drafts), ("viewed", viewed), ("picked", picked)):
            if value is not None and value != getattr(self, name):
                setattr(self, name, value)
                changed = True
        if changed:
            self._repaint_changed()

    def row_at(self, index: int) -> QueueRow | None:
        if not 0 <= index < self.total:
            return None
        page = self._pages.get(index // PAGE_SIZE)
        if page is None:
            return None
        offset = index % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    @property
    def cursor_ticket(self) -> QueueRow | None:
        return self.row_at(self.cursor_row)

    def index_of(self, number: int) -> int | None:
        """The index of a ticket among the cached rows (None if not cached)."""
        for page, rows in self._pages.items():
            for i, row in enumerate(rows):
                if row.number == number:
                    return page * PAGE_SIZE + i
        return None

    @property
    def cached_pages(self) -> tuple[int, ...]:
        return tuple(sorted(self._pages))

    @property
    def loading(self) -> bool:
        """Whether a page is asked for (or about to be), or a row on screen is not loaded yet."""
        if self._pending or self._wanted or self._request_scheduled:
            return True
        top = int(self.scroll_y)
        return any(self.row_at(i) is None for i in range(top, min(self.total, top + self._body_height)))

    # --- paging ------------------------------------------------------------------------

    def _want(self, index: int) -> None:
        page = index // PAGE_SIZE
        if page in self._pages or page in self._pending or page in self._wanted:
            return
        self._wanted.add(page)
        if not self._request_scheduled:
            self._request_scheduled = True
            self.call_after_refresh(self._send_wanted)

    def _send_wanted(self) -> None:
        self._request_scheduled = False
        wanted, self._wanted = sorted(self._wanted), set()
        requests = []
        for page in wanted:
            if page in self._pages or page in self._pending:
                continue
            # By keyset from a neighbouring page the table holds (a range on the queue's index);
            # without one the data layer reads from the nearer end (the last page: backwards).
            previous, following = self._pages.get(page - 1), self._pages.get(page + 1)
            after = previous[-1].sort_key if previous and len(previous) == PAGE_SIZE else None
            before = following[0].sort_key if following and after is None else None
            requests.append((page, after, before))
            self._pending.add(page)
        if requests:
            self.post_message(self.PagesWanted(self, self.generation, tuple(requests)))

    def forget_pending(self, generation: int, pages) -> None:
        """A page load failed or was dropped: let the table ask again."""
        if generation == self.generation:
            self._pending.difference_update(pages)

    # --- cursor ------------------------------------------------------------------------

    @property
    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def validate_cursor_row(self, value: int) -> int:
        return max(0, min(value, self.total - 1)) if self.total else 0

    def watch_cursor_row(self, old: int, new: int) -> None:
        top = int(self.scroll_y)
        self._scroll_cursor_into_view()
        if int(self.scroll_y) != top:
            self.refresh()  # scrolled: every line moves
        elif old != new:
            self._refresh_index(old)
            self._refresh_index(new)
        self._post_highlight()

    def _refresh_index(self, index: int) -> None:
        """Repaint the line that shows row ``index`` (if it is on screen)."""
        y = index - int(self.scroll_y) + 1
        if 1 <= y <= self._body_height:
            self.refresh(Region(0, y, self._row_width, 1))

    def _post_highlight(self) -> None:
        row = self.cursor_ticket
        key = (self.cursor_row, row.number if row else None, self.generation)
        if key != self._last_highlight:
            self._last_highlight = key
            self.post_message(self.TicketHighlighted(self, self.cursor_row, row))

    def _scroll_cursor_into_view(self) -> None:
        height = self._body_height
        top = int(self.scroll_y)
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + height:
            self.scroll_to(y=self.cursor_row - height + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= self._body_height

    def action_page_down(self) -> None:
        self.cursor_row += self._body_height

    def action_first(self) -> None:
        self.cursor_row = 0

    def action_last(self) -> None:
        self.cursor_row = self.total - 1

    def action_choose(self) -> None:
        row = self.cursor_ticket
        if row is not None:
            self.post_message(self.TicketChosen(self, row.number))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            sort = self._sort_at(offset.x)
            if sort is not None:
                self.post_message(self.SortClicked(self, sort))
            return
        index = int(self.scroll_y) + offset.y - 1
        if not 0 <= index < self.total:
            return
        again = index == self.cursor_row
        self.cursor_row = index
        if again or event.chain >= 2:
            self.action_choose()

    def _sort_at(self, x: int) -> str | None:
        left = 0
        for column, width in self.layout(self._row_width):
            if left <= x < left + width:
                for sort, key in SORT_COLUMNS.items():
                    if key == column.key:
                        return sort
                return None
            left += width + 1
        return None

    # --- drawing ------------------------------------------------------------------------

    def watch_now(self) -> None:
        """A tick: repaint only the visible rows whose words or states changed."""
        self._repaint_changed()

    def _line_signature(self, y: int, cells: dict | None = None) -> tuple:
        """What line ``y`` shows now (lines with equal signatures look the same): the column
        titles, a blank or the empty text, a row still loading, or a row's cells (words, state)."""
        width = self._row_width
        if y == 0:
            return ("header", width, self.sort, self.reverse)
        index = int(self.scroll_y) + y - 1
        if index >= self.total:
            return ("blank", width)
        row = self.row_at(index)
        if row is None:
            return ("loading", width, index == self.cursor_row)
        cells = self.cells(row) if cells is None else cells
        # Words, their own styles (a search's marks) and the cell's state: all a cell shows.
        shown = tuple((cells[c.key][0].plain, tuple(cells[c.key][0].spans), cells[c.key][1])
                      for c, _w in self.layout(width))
        return ("row", width, index, row.number, index == self.cursor_row, shown)

    def _repaint_changed(self) -> None:
        """Repaint the visible lines that would look different from what they showed when last
        drawn (of a row that is still the same row under the same cursor: just its changed cells)."""
        width = self._row_width
        top = int(self.scroll_y)
        for y in range(self._body_height + 1):
            now = self._line_signature(y)
            before = self._drawn.get(y)
            if y and now[0] == "loading":
                self._want_around(y, top + y - 1, None)  # asked for again after a reset
            if now == before:
                continue
            if before is not None and now[0] == before[0] == "row" and now[:-1] == before[:-1]:
                left = 0
                for (column, w), was, shows in zip(self.layout(width), before[-1], now[-1]):
                    if was != shows:
                        self.refresh(Region(left, y, w, 1))
                    left += w + 1
            else:
                self.refresh(Region(0, y, width, 1))

    @property
    def drawn_lines(self) -> dict[int, tuple]:
        """Each visible line's signature as last drawn (for tests)."""
        return dict(self._drawn)

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.total + 1)
        self._scroll_cursor_into_view()

    def layout(self, width: int) -> list[tuple[Column, int]]:
        return layout_columns(width, picking=bool(self.picked), sort=self.sort)

    @property
    def _row_width(self) -> int:
        return self.scrollable_content_region.width

    def _style(self, name: str) -> RichStyle:
        return self.get_component_rich_style(name, partial=True)

    def render_line(self, y: int) -> Strip:
        width = self._row_width
        base = self.rich_style
        if y == 0:
            self._drawn[y] = self._line_signature(y)
            return self._header_strip(width, base)
        index = int(self.scroll_y) + y - 1
        row = self.row_at(index)
        cells = self.cells(row) if row is not None else None
        self._drawn[y] = self._line_signature(y, cells)
        self._want_around(y, index, row)
        if index >= self.total:
            return Strip.blank(width, base)
        if row is None:
            style = base + self._style("ticket-table--placeholder")
            if index == self.cursor_row:
                style = style + self._style("ticket-table--cursor")
            return self._text_strip("  …", width, style)
        return self._row_strip(row, index, width, base, cells)

    def _want_around(self, y: int, index: int, row: QueueRow | None) -> None:
        """Ask for the page a drawn line needs, and the next one near the bottom of the screen."""
        if index >= self.total:
            return
        if row is None:
            self._want(index)
            if y == self._body_height:  # the screen ends near a page boundary: the next page too
                self._want(index + PAGE_SIZE // 2)
        elif y == self._body_height and index + 1 < self.total:
            self._want(index + 1)  # keep the next page coming while scrolling down

    def _text_strip(self, text: str, width: int, style: RichStyle) -> Strip:
        content = Content(text).truncate(width, ellipsis=True, pad=True)
        return Strip([Segment(content.plain, style)], width)

    def _header_strip(self, width: int, base: RichStyle) -> Strip:
        header = base + self._style("ticket-table--header")
        sorted_style = header + self._style("ticket-table--sorted")
        sorted_key = SORT_COLUMNS.get(self.sort)
        segments = []
        for i, (column, w) in enumerate(self.layout(width)):
            if i:
                segments.append(Segment(" ", header))
            title = _(column.title) if column.title else ""
            style = header
            if column.key == sorted_key:
                title = f"{title}{sort_arrow(self.sort, self.reverse)}"
                style = sorted_style
            segments.append(Segment(self._fit(Content(title), w, column.align).plain, style))
        used = sum(len(s.text) for s in segments)
        return Strip(segments + [Segment(" " * max(0, width - used), header)], width).crop(0, width)

    @staticmethod
    def _fit(content: Content, width: int, align: str) -> Content:
        if content.cell_length > width:
            return content.truncate(width, ellipsis=True)
        if align == "right":
            return content.pad_left(width - content.cell_length)
        return content.truncate(width, pad=True)

    def cells(self, row: QueueRow) -> dict[str, tuple[Content, str]]:
        """Each column's content and state component class for ``row`` at ``now``."""
        now = self.now or self.app.now()
        tz = self.calendar.tz
        widths = {column.key: w for column, w in self.layout(self._row_width)}
        cd = countdown(row, self.calendar, now, stale_days=self.stale_days)
        flags = ""
        flags += FLAG_SYMBOLS["high"][0] if row.priority == "high" else " "
        flags += FLAG_SYMBOLS["support_ended"][0] if row.support_ended else " "
        flags += FLAG_SYMBOLS["out_of_hours"][0] if row.out_of_hours else " "
        state = {"-soon": "ticket-table--soon", "-overdue": "ticket-table--overdue", "-closed": "ticket-table--closed",
                 "-stale": "ticket-table--stale"}.get(cd.state, "ticket-table--done" if cd.kind == "done" else "")
        status = status_short(row.status)
        unread = row.number in self.unread
        marks = "".join(MARK_SYMBOLS[name][0] if row.number in numbers else " "
                        for name, numbers in (("unread", self.unread), ("draft", self.drafts), ("viewed", self.viewed)))
        return {
            "pick": (Content(PICK_SYMBOL if row.number in self.picked else " "), "ticket-table--pick"),
            "number": (Content(str(row.number)), "ticket-table--number"),
            "flags": (Content(flags), "ticket-table--flag"),
            "marks": (Content(marks), "ticket-table--mark"),
            "subject": (self.search_subject(row) or literal(row.subject, single_line=True),
                        "ticket-table--unread" if unread else ""),
            "customer": (literal(row.customer_name or row.customer_email or "", single_line=True), ""),
            "product": (literal(row.product or "—", single_line=True), "ticket-table--muted" if not row.product else ""),
            "channel": (Content(channel_label(row.channel)), "ticket-table--muted"),
            "status": (Content(status), "ticket-table--stale" if cd.state == "-stale" else ("ticket-table--new" if row.status == "new" else "")),
            "assignee": (literal(row.assignee or "—", single_line=True), "ticket-table--muted" if not row.assignee else ""),
            "age": (Content(age_text(row, now)), "ticket-table--muted"),
            "waited": (Content(working_duration(cd.waited) if cd.kind != "done" else ""), "ticket-table--muted"),
            "countdown": (Content(countdown_text(cd, tz, now, widths.get("countdown"))), state),
        }

    def search_subject(self, row: QueueRow) -> Content | None:
        """While searching, the subject cell says where the row matched: its subject with the
        matched words marked, or, when the words are elsewhere (messages, notes, the customer),
        the snippet around them in italics. None when the row is not a search result."""
        match = row.match
        if match is None:
            return None
        width = dict((column.key, w) for column, w in self.layout(self._row_width)).get("subject", SUBJECT_MIN)
        mark = VisualStyle.from_rich_style(self._style("ticket-table--match"))
        if match.subject.marks or match.snippet is None:
            return marked(match.subject.fitted(width, most_before=True).parts(), mark=mark)
        snippet = VisualStyle.from_rich_style(self._style("ticket-table--snippet"))
        return marked(match.snippet.cropped(SNIPPET_LEAD).fitted(width).parts(), mark=mark, style=snippet)

    def _row_strip(self, row: QueueRow, index: int, width: int, base: RichStyle, cells: dict | None = None) -> Strip:
        cursor = index == self.cursor_row
        if row.number in self.picked:
            base = base + self._style("ticket-table--picked")
        row_style = base + self._style("ticket-table--cursor") if cursor else base
        cells = self.cells(row) if cells is None else cells
        segments: list[Segment] = []
        for i, (column, w) in enumerate(self.layout(width)):
            if i:
                segments.append(Segment(" ", row_style))
            content, state = cells[column.key]
            if cursor and state not in URGENT:
                state = ""  # on the cursor bar only warnings keep their colour (readability)
            style = base + self._style(state) if state else base
            if cursor:
                style = style + self._style("ticket-table--cursor")
            fitted = fit_words(content, w) if column.key in WORD_CUT else self._fit(content, w, column.align)
            segments.extend(fitted.render_segments(VisualStyle.from_rich_style(style)))
        used = sum(Segment.get_line_length([s]) for s in segments)
        if used < width:
            segments.append(Segment(" " * (width - used), row_style))
        return Strip(segments).crop(0, width)

    def row_text(self, index: int) -> str:
        """The plain text of a row as drawn at the current width (for tests and exports)."""
        row = self.row_at(index)
        if row is None:
            return ""
        return self._row_strip(row, index, self._row_width, RichStyle()).text

