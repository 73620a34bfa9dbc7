"""A thread's conversation drawn line by line: a thread of 500 messages costs what its screenful does.

``Conversation`` is a Line API ``ScrollView`` (like the queue's TicketTable, Toolong's lesson): no
widget per message. Each entry (a message card, an event line) is turned into ``Strip``s at the
current width only when it comes into view, and kept in a small cache; its height then replaces
an estimate made from the plain text. The entries' heights (with the blank line between a card
and what is next to it, as CSS margins collapse) add up into the offsets ``render_line`` looks
lines up in. Measuring the entries a scroll brings into view keeps the first one shown where it
was (or the end at the end), so an estimate that was off never makes the text jump; entries off
screen are measured a few at a time while the app is idle (the scrollbar becomes exact). Scrolls
jump rather than animate (an animation would cross entries measured on the way), and a
conversation shorter than the view sits at its bottom, by the composer.

Cards look as they did as widgets (a bar in the author's colour on the left, notes on their own
background); the styles are component classes. The folded quote and each attachment are
*links*: Tab and Shift+Tab move between the links on screen (and on to the next widget after
the last one), Enter or a click unfolds a quote or previews an attachment (preview, open, save)
(``AttachmentChosen``). Untrusted text arrives as ``Content`` (tui/widgets/message_card.py) and
is drawn as data.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass
from itertools import accumulate
from time import monotonic
from typing import Callable

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import RenderOptions

from helpdesk.data.read.views import AttachmentView, EventView, MessageView
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.widgets.message_card import TimeContext, attachment_label, card_text, event_text, quote_label

# Rendered entries kept (each a few strips): a few screens' worth, at two widths.
CACHE_ENTRIES = 1000
WRAP = {"text_wrap": "wrap", "text_overflow": "fold", "text_align": "left", "line_pad": 0}
NO_WRAP = {"text_wrap": "nowrap", "text_overflow": "ellipsis", "text_align": "left", "line_pad": 0}
CARD_KINDS = ("customer", "agent", "note", "system")
# Entries not on screen are measured while the app is idle: this long a turn, this often.
# A turn is short and rare enough that keys pressed meanwhile do not notice it, and waits while
# the agent scrolls.
REST_BUDGET = 0.004
REST_DELAY = 0.04
REST_AFTER_SCROLL = 0.2


@dataclass(frozen=True)
class Entry:
    """One entry of the conversation: a message (a card), an event (a line), or neither (the
    "no messages yet" line). ``key`` names it across reloads; ``text``: the line's words (for an
    event, the widget's ``describe`` finds them when none are given)."""

    key: tuple
    message: MessageView | None = None
    event: EventView | None = None
    text: Content | None = None

    @property
    def margin(self) -> int:
        """Blank lines a card keeps above and below it (CSS margin 1 0; an event line has none)."""
        return 1 if self.message is not None else 0


@dataclass(frozen=True)
class Link:
    """A line (or lines) of an entry that does something: a quote to unfold, an attachment to save."""

    entry: int  # index of the entry
    line: int  # first line within the entry's strips
    lines: int
    kind: str  # "quote" | "attachment"
    attachment: AttachmentView | None = None


@dataclass
class _Drawn:
    """An entry as strips at one width, and what its links need to be drawn highlighted."""

    strips: list[Strip]
    links: list[tuple[int, int, str, AttachmentView | None, Content]]  # (line, lines, kind, attachment, content)


class Conversation(ScrollView, can_focus=True):
    """Messages and events of one thread, oldest on top, drawn only where they are seen."""

    ALLOW_MAXIMIZE = False
    COMPONENT_CLASSES = {
        "conversation--customer",
        "conversation--agent",
        "conversation--note",
        "conversation--system",
        "conversation--bar-customer",
        "conversation--bar-agent",
        "conversation--bar-note",
        "conversation--bar-system",
        "conversation--event",
        "conversation--attachment",
        "conversation--quote-focus",
        "conversation--attachment-focus",
        "conversation--link-hover",
    }

    DEFAULT_CSS = """
    Conversation {
        overflow-x: hidden;
    }
    /* A card's text on its own background (a note), or in its own colour (an automatic message). */
    Conversation > .conversation--note { background: $warning-muted; }
    Conversation > .conversation--system { color: $text-muted; }
    /* The bar on a card's left says whose it is. */
    Conversation > .conversation--bar-customer { color: $primary; }
    Conversation > .conversation--bar-agent { color: $success; }
    Conversation > .conversation--bar-note { color: $warning; }
    Conversation > .conversation--bar-system { color: $secondary; }
    /* Status, assignee, scope and priority changes between the messages. */
    Conversation > .conversation--event { color: $text-muted; }
    Conversation > .conversation--attachment { color: $text-primary; }
    Conversation > .conversation--quote-focus { background: $primary 30%; }
    Conversation > .conversation--attachment-focus { background: $primary; color: $text; }
    Conversation > .conversation--link-hover { text-style: underline; }
    """

    BINDINGS = [
        Binding("enter", "toggle_quote", N_("Show quote"), tooltip=N_("Show or hide the quoted previous messages"),
                id="thread.toggle_quote"),
        Binding("enter", "save_attachment", N_("Attachment"), tooltip=N_("Preview this attachment, open or save it"),
                id="thread.save_attachment"),
        Binding("tab", "next_link", N_("Next quote or attachment"), show=False,
                tooltip=N_("Move to the next quote or attachment (the first on screen to begin with)"), id="thread.next_link"),
        Binding("shift+tab", "previous_link", N_("Previous quote or attachment"), show=False,
                tooltip=N_("Move to the previous quote or attachment (the last on screen to begin with)"), id="thread.previous_link"),
    ]

    class AttachmentChosen(Message):
        """The agent wants to see this attachment (Enter on it, or a click): preview, open or save."""

        def __init__(self, attachment: AttachmentView) -> None:
            super().__init__()
            self.attachment = attachment

    def __init__(self, *, describe: Callable[[EventView], Content] | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        """``describe``: an event's words (when its entry has no ``text``); drawn only when seen."""
        super().__init__(id=id, classes=classes)
        self.describe = describe or (lambda event: Content(event.action))
        self.entries: list[Entry] = []
        self.times: TimeContext | None = None
        self._gaps: list[int] = []  # blank lines above each entry (margins collapse, as in CSS)
        self._estimates: list[int] = []
        self._estimates_width = -1
        self._heights: list[int | None] = []  # measured at self._width; None: not yet (estimated)
        self._width = 0
        self._starts: list[int] | None = None  # where each entry's slot starts (its gap first)
        self._total = 0
        self._cache: OrderedDict[tuple, _Drawn] = OrderedDict()
        self._styles: dict[tuple, dict[str, VisualStyle]] = {}
        self._expanded: set[tuple] = set()  # keys of entries whose quote is unfolded
        self._follow = True  # at the end: stay there as entries come and heights settle
        self._settling = False
        self._measuring_rest = False
        self._resettle_due = False
        self._scrolled_at = 0.0
        self._choosing = False
        self.link: Link | None = None  # the link Tab chose (highlighted while focused)
        self._hover: Link | None = None

    # --- data in ---------------------------------------------------------------------------

    def show(self, entries: list[Entry], times: TimeContext) -> None:
        """Show these entries (a reload, or the rest of a thread that opened on its latest ones).
        Entries already shown keep their measures (by key), changed ones are drawn again, and
        the first line in view stays in view (the end, when the view was at the end)."""
        if self.times is not None and (times.now is None or self.times.now is None
                                       or times.now.date() != self.times.now.date()
                                       or (times.support_tz, times.agent_tz) != (self.times.support_tz, self.times.agent_tz)):
            self._cache.clear()  # "today" / weekday names move with the date
            self._heights = [None] * len(self._heights)
        self.times = times
        anchor = self._anchor()
        known = {entry.key: (entry, height) for entry, height in zip(self.entries, self._heights)}
        old_link = self.link
        link_key = self.entries[old_link.entry].key if old_link is not None else None
        self.entries = list(entries)
        heights: list[int | None] = []
        for entry in self.entries:
            before = known.get(entry.key)
            if before is not None and before[0] != entry:  # e.g. its delivery state changed
                for cached in [k for k in self._cache if k[0] == entry.key]:
                    del self._cache[cached]
            heights.append(before[1] if before is not None and before[0] == entry else None)
        self._heights = heights
        margins = [entry.margin for entry in self.entries]
        self._gaps = [max(m, above) for m, above in zip(margins, [0, *margins])]
        self._estimates_width = -1
        self._starts = None
        index = {entry.key: i for i, entry in enumerate(self.entries)}
        self._expanded &= set(index)
        self.link = self._hover = None
        if link_key in index:
            self.link = next((link for link in self._entry_links(index[link_key])
                              if (link.line, link.kind) == (old_link.line, old_link.kind)), None)
        if anchor is not None and anchor[0] in index and self._width > 0:
            starts = self._layout()
            self._place(starts[index[anchor[0]]] + anchor[1])
        self._settle()
        self.refresh()

    def _anchor(self) -> tuple[tuple, int] | None:
        """(key of the entry at the top of the view, lines of it above the view), unless the
        view follows the end."""
        if self._follow or not self.entries or self._width <= 0:
            return None
        top = int(self.scroll_y)
        index = self._entry_at(top)
        if index >= len(self.entries):
            return None
        return self.entries[index].key, top - self._layout()[index]

    # --- measuring ---------------------------------------------------------------------------

    @property
    def content_width(self) -> int:
        return self.scrollable_content_region.width

    def _estimate(self, entry: Entry, width: int) -> int:
        """A cheap guess of an entry's height (from the plain text), until it is drawn."""
        msg = entry.message
        if msg is None:
            return 1
        body = msg.body or ""
        return 2 + body.count("\n") + len(body) // max(1, width - 3) + len(msg.attachments)

    def _gap(self, index: int) -> int:
        """Blank lines above entry ``index`` (its margin and the one above it collapse)."""
        return self._gaps[index]

    def _layout(self) -> list[int]:
        if self._starts is None:
            width = self._width
            if self._estimates_width != width or len(self._estimates) != len(self.entries):
                self._estimates = [self._estimate(entry, width) for entry in self.entries]
                self._estimates_width = width
            slots = [
                gap + (estimate if height is None else height)
                for gap, estimate, height in zip(self._gaps, self._estimates, self._heights)
            ]
            self._starts = [0, *accumulate(slots)]
            self._total = self._starts[-1] + (self.entries[-1].margin if self.entries else 0)
        return self._starts

    def _entry_at(self, y: int) -> int:
        """The index of the entry whose slot holds virtual line ``y`` (len(entries) past the end)."""
        starts = self._layout()
        return min(bisect_right(starts, y) - 1, len(self.entries))

    def _measure(self, indices) -> None:
        """Draw entries ``indices`` (their heights become exact) keeping the first line shown
        where it was, or the end in view when the view follows the end."""
        starts = self._layout()
        top = int(self.scroll_y)
        anchor = self._entry_at(top)
        offset = top - starts[anchor] if anchor < len(self.entries) else 0
        changed = False
        for i in indices:
            if self._heights[i] is None:
                self._heights[i] = len(self._drawn(i).strips)
                changed = True
        if not changed:
            return
        self._starts = None
        starts = self._layout()
        self.virtual_size = Size(self._width, self._total)
        if self._follow:
            self._place(self._total - self._viewport_height)
        elif anchor < len(self.entries):
            self._place(starts[anchor] + min(offset, starts[anchor + 1] - starts[anchor] - 1))

    @property
    def _viewport_height(self) -> int:
        return max(1, self.scrollable_content_region.height)

    def _settle(self) -> None:
        """Draw every entry the viewport shows, so that what is on screen is exact; then measure
        the rest a few at a time while the app is idle (the scrollbar becomes exact too)."""
        if self._settling:
            return
        width = self.content_width
        if width <= 0:
            return
        if not self.show_vertical_scrollbar and self.styles.overflow_y == "auto" and width != self._width:
            # Entries taller than the view bring the scrollbar, which takes a column: measure at
            # that width at once rather than twice (the estimates are enough to know).
            tall = sum(self._gaps) + sum(self._estimate(entry, width) for entry in self.entries)
            if tall > self._viewport_height:
                width -= self.styles.scrollbar_size_vertical
        self._settling = True
        try:
            if width != self._width:
                self._width = width
                self._heights = [None] * len(self.entries)
                self._starts = None
            for _ in range(50):  # each round measures what the last one brought into view
                self._layout()
                height = self._viewport_height
                top = self._total - height if self._follow else int(self.scroll_y)
                top = max(0, min(top, self._total - height))
                first, last = self._entry_at(top), self._entry_at(top + height - 1)
                todo = [i for i in range(first, min(last + 1, len(self.entries))) if self._heights[i] is None]
                if not todo:
                    break
                self._measure(todo)
            self.virtual_size = Size(width, self._total)
            if self._follow:
                self._place(self._total - self._viewport_height)
        finally:
            self._settling = False
        self._sync_scrollbar()
        self.call_after_refresh(self._sync_scrollbar)  # a scrollbar shown by this layout starts at 0
        if None in self._heights and not self._measuring_rest:
            self._measuring_rest = True
            self.set_timer(REST_DELAY, self._measure_rest)

    def _measure_rest(self) -> None:
        """Measure entries not measured yet, newest first, for about ``REST_BUDGET`` seconds a turn."""
        self._measuring_rest = False
        if not self.is_attached or self._width <= 0:
            return
        if monotonic() - self._scrolled_at < REST_AFTER_SCROLL:
            self._measuring_rest = True
            self.set_timer(REST_AFTER_SCROLL, self._measure_rest)
            return
        deadline = monotonic() + REST_BUDGET
        todo = []
        for i in range(len(self._heights) - 1, -1, -1):
            if self._heights[i] is None:
                todo.append(i)
                self._drawn(i)
                if monotonic() > deadline:
                    break
        self._settling = True
        try:
            self._measure(todo)
        finally:
            self._settling = False
        self._sync_scrollbar()
        if None in self._heights:
            self._measuring_rest = True
            self.set_timer(REST_DELAY, self._measure_rest)

    def _sync_scrollbar(self) -> None:
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.position = self.scroll_y

    def _place(self, y: int) -> None:
        """Scroll to ``y`` without animation (and without measuring again: the caller does)."""
        y = max(0, min(y, self._total - self._viewport_height))
        if y != int(self.scroll_y):
            if self.virtual_size.height != self._total:  # scroll_y is kept within it
                self.virtual_size = Size(self._width, self._total)
            self.scroll_target_y = y
            self.scroll_y = y

    def _scroll_to(self, x: float | None = None, y: float | None = None, *, animate: bool = True, **kwargs) -> bool:
        # Every scroll jumps: an animation passes through entries that are measured on the way,
        # and the place it aims for moves under it.
        return super()._scroll_to(x, y, animate=False, **kwargs)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        if not self._settling:
            self._scrolled_at = monotonic()
            self._follow = new_value >= self.max_scroll_y
            self._settle()
            self._drop_hidden_link()
        super().watch_scroll_y(old_value, new_value)

    def on_resize(self, event: events.Resize) -> None:
        self._resettle()

    def watch_show_vertical_scrollbar(self, shown: bool) -> None:
        # The scrollbar takes a column from the entries (or gives it back): draw them again.
        self.call_later(self._resettle)

    def scroll_to_end(self) -> None:
        """Show the newest entry and keep following the end."""
        self._follow = True
        self._settle()

    @property
    def at_end(self) -> bool:
        return self.scroll_y >= self.max_scroll_y

    # --- drawing ---------------------------------------------------------------------------

    def _style_set(self) -> dict[str, VisualStyle]:
        """The styles entries are drawn in, for the current look (focus tints the background)."""
        base = self.visual_style
        key = (base, self.app.theme)
        styles = self._styles.get(key)
        if styles is None:
            styles = {"base": base}
            for kind in CARD_KINDS:
                card = self._layer(base, f"conversation--{kind}")
                styles[kind] = card
                styles[f"bar-{kind}"] = self._layer(card, f"conversation--bar-{kind}")
                styles[f"attachment-{kind}"] = self._layer(card, "conversation--attachment")
                styles[f"quote-focus-{kind}"] = self._layer(card, "conversation--quote-focus")
                styles[f"attachment-focus-{kind}"] = self._layer(styles[f"attachment-{kind}"],
                                                                 "conversation--attachment-focus")
            styles["event"] = self._layer(base, "conversation--event")
            styles["hover"] = self._layer(VisualStyle(), "conversation--link-hover")
            self._styles = {key: styles}
        return styles

    def _layer(self, below: VisualStyle, component: str) -> VisualStyle:
        """A component class's style over ``below``, composed as a child widget's would be."""
        styles = self.get_component_styles(component)
        background, color = below.background, below.foreground
        if styles.has_rule("background"):
            background = (background or VisualStyle().background) + styles.background
        if styles.has_rule("color"):
            color = styles.color
        if styles.has_rule("auto_color") and styles.auto_color and background is not None:
            color = background.get_contrast_text(color.a)
        text = styles.text_style
        return VisualStyle(
            background, color,
            bold=text.bold if text.bold is not None else below.bold,
            dim=text.dim if text.dim is not None else below.dim,
            italic=text.italic if text.italic is not None else below.italic,
            underline=text.underline if text.underline is not None else below.underline,
            reverse=text.reverse if text.reverse is not None else below.reverse,
            strike=text.strike if text.strike is not None else below.strike,
        )

    def _lines(self, content: Content, width: int, style: VisualStyle, rules=WRAP) -> list[Strip]:
        strips = content.render_strips(width, None, style, RenderOptions(self._get_style, rules))
        fill = RichStyle(bgcolor=style.background.rich_color) if style.background is not None else None
        return [strip.extend_cell_length(width, fill).crop(0, width) for strip in strips] or [Strip.blank(width, fill)]

    def _drawn(self, index: int) -> _Drawn:
        entry = self.entries[index]
        styles = self._style_set()
        width = self._width
        key = (entry.key, width, entry.key in self._expanded, styles["base"])
        drawn = self._cache.get(key)
        if drawn is None:
            drawn = self._draw(entry, width, styles)
            self._cache[key] = drawn
            while len(self._cache) > CACHE_ENTRIES:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        return drawn

    def _draw(self, entry: Entry, width: int, styles: dict[str, VisualStyle]) -> _Drawn:
        if entry.message is None:
            if entry.event is not None:
                words = entry.text if entry.text is not None else self.describe(entry.event)
                content = event_text(entry.event, words, self.times)
            else:
                content = entry.text or Content(_("No messages yet."))
            return _Drawn(self._padded(self._lines(content, max(1, width - 2), styles["event"]), styles["event"]), [])
        msg = entry.message
        kind = msg.kind if msg.kind in CARD_KINDS else "customer"
        card = styles[kind]
        inner = max(1, width - 3)
        text, quoted = card_text(msg, self.times)
        lines = self._lines(text, inner, card)
        links: list[tuple[int, int, str, AttachmentView | None, Content]] = []
        if quoted:
            label = quote_label(quoted, expanded=entry.key in self._expanded)
            quote_lines = self._lines(label, inner, card)
            links.append((len(lines), len(quote_lines), "quote", None, label))
            lines += quote_lines
        for attachment in msg.attachments:
            label = attachment_label(attachment)
            links.append((len(lines), 1, "attachment", attachment, label))
            lines += self._attachment_line(label, inner, styles[f"attachment-{kind}"], card)
        return _Drawn(self._barred(lines, styles, kind), links)

    def _attachment_line(self, label: Content, inner: int, style: VisualStyle, card: VisualStyle) -> list[Strip]:
        """One line as wide as its text (``width: auto``), cut with an ellipsis when too long."""
        shown = label.truncate(inner, ellipsis=True) if label.cell_length > inner else label
        strip = self._lines(shown, max(1, shown.cell_length), style, NO_WRAP)[0]
        fill = RichStyle(bgcolor=card.background.rich_color) if card.background is not None else None
        return [strip.extend_cell_length(inner, fill)]

    def _barred(self, lines: list[Strip], styles: dict[str, VisualStyle], kind: str) -> list[Strip]:
        """Card lines behind the bar on the left (``border-left: outer``) and a cell of padding each side."""
        card = styles[kind]
        bar = styles[f"bar-{kind}"]
        bar_segment = Segment("▌", RichStyle(color=bar.foreground.rich_color if bar.foreground else None,
                                             bgcolor=card.background.rich_color if card.background else None))
        pad = Segment(" ", RichStyle(bgcolor=card.background.rich_color) if card.background else None)
        return [Strip([bar_segment, pad, *line, pad]) for line in lines]

    def _padded(self, lines: list[Strip], style: VisualStyle) -> list[Strip]:
        pad = Segment(" ", RichStyle(bgcolor=style.background.rich_color) if style.background else None)
        return [Strip([pad, *line, pad]) for line in lines]

    def render_line(self, y: int) -> Strip:
        width = self._width or self.content_width
        base = self._style_set()["base"]
        blank = Strip.blank(width, RichStyle(bgcolor=base.background.rich_color) if base.background else None)
        if not self.entries or width <= 0:
            return blank
        line_y = int(self.scroll_y) + y - self._bottom_gap
        if line_y < 0:
            return blank
        index = self._entry_at(line_y)
        if index >= len(self.entries):
            return blank
        line = line_y - self._layout()[index] - self._gap(index)
        if line < 0:
            return blank
        drawn = self._drawn(index)
        if self._heights[index] is None:
            self._heights[index] = len(drawn.strips)  # drawn before it was settled: settle after this frame
            self._starts = None
            if not self._resettle_due:
                self._resettle_due = True
                self.call_after_refresh(self._resettle)
        if line >= len(drawn.strips):
            return blank
        strip = drawn.strips[line]
        for link_line, lines, kind, attachment, label in drawn.links:
            if link_line <= line < link_line + lines:
                here = Link(index, link_line, lines, kind, attachment)
                focused = self.has_focus and self.link == here
                hovered = self._hover == here
                if focused or hovered:
                    strip = self._link_strip(index, here, label, line - link_line, focused, hovered)
        return strip

    @property
    def _bottom_gap(self) -> int:
        """Blank lines above a conversation shorter than the view: it sits at the bottom, by the
        composer, as the newest message always does."""
        self._layout()
        return max(0, self._viewport_height - self._total)

    def _resettle(self) -> None:
        self._resettle_due = False
        self._settle()
        self.refresh()

    def _link_strip(self, index: int, link: Link, label: Content, line: int, focused: bool, hovered: bool) -> Strip:
        """A link's line highlighted: focused (Tab chose it) and/or under the mouse."""
        styles = self._style_set()
        msg = self.entries[index].message
        kind = msg.kind if msg.kind in CARD_KINDS else "customer"
        inner = max(1, self._width - 3)
        card = styles[kind]
        if link.kind == "quote":
            style = styles[f"quote-focus-{kind}"] if focused else card
            if hovered:
                style = style + styles["hover"]
            lines = self._lines(label, inner, style)
            body = lines[min(line, len(lines) - 1)]
        else:
            style = styles[f"attachment-focus-{kind}"] if focused else styles[f"attachment-{kind}"]
            if hovered:
                style = style + styles["hover"]
            body = self._attachment_line(label, inner, style, card)[0]
        return self._barred([body], styles, kind)[0]

    # --- links: Tab, Enter, the mouse --------------------------------------------------------

    def _entry_links(self, index: int) -> list[Link]:
        """The links of entry ``index`` (drawing it if it may have any), in order."""
        msg = self.entries[index].message
        if msg is None or (not msg.attachments and msg.kind != "customer"):
            return []
        return [Link(index, line, lines, kind, attachment)
                for line, lines, kind, attachment, _label in self._drawn(index).links]

    def _links(self, first: int, last: int) -> list[Link]:
        """The links of entries ``first`` .. ``last``, in order."""
        return [link for index in range(max(0, first), min(last, len(self.entries) - 1) + 1)
                for link in self._entry_links(index)]

    def _link_top(self, link: Link) -> int:
        return self._layout()[link.entry] + self._gap(link.entry) + link.line

    def _visible(self) -> tuple[int, int]:
        top = int(self.scroll_y)
        return top, top + max(1, self.scrollable_content_region.height)

    def _links_in_view(self) -> list[Link]:
        top, bottom = self._visible()
        links = self._links(self._entry_at(top), self._entry_at(bottom - 1))
        return [link for link in links if top <= self._link_top(link) < bottom]

    def _choose(self, link: Link | None) -> None:
        """Highlight ``link`` and scroll it into view (measuring what comes into view on the way)."""
        self.link = link
        if link is not None:
            self._choosing = True
            try:
                for _ in range(5):  # each scroll measures the entries it shows: the link may move
                    top, bottom = self._visible()
                    at = self._link_top(link)
                    if top <= at and at + link.lines <= bottom:
                        break
                    self._follow = False
                    self.scroll_to_region(Region(0, at, 1, link.lines), animate=False, immediate=True)
            finally:
                self._choosing = False
        self.refresh()
        self.screen.refresh_bindings()

    def _drop_hidden_link(self) -> None:
        if self.link is not None and not self._choosing:
            top, bottom = self._visible()
            if self.link.entry >= len(self.entries) or not top <= self._link_top(self.link) < bottom:
                self.link = None
                self.screen.refresh_bindings()

    def action_next_link(self) -> None:
        """The next link: after the chosen one, or the first on screen; past the last, the next widget."""
        if self.link is None:
            found = next(iter(self._links_in_view()), None)
        else:
            found = next(self._walk_links(self.link, 1), None)
        self._choose(found)
        if found is None:
            self.screen.focus_next()

    def action_previous_link(self) -> None:
        """The previous link: before the chosen one, or the last on screen; then the widget before."""
        if self.link is None:
            found = next(iter(reversed(self._links_in_view())), None)
        else:
            found = next(self._walk_links(self.link, -1), None)
        self._choose(found)
        if found is None:
            self.screen.focus_previous()

    def _walk_links(self, start: Link, step: int):
        """The links after (``step`` 1) or before (-1) ``start``, nearest first, drawing entries as it goes."""
        index = start.entry
        while 0 <= index < len(self.entries):
            links = self._entry_links(index)
            for link in links if step > 0 else reversed(links):
                if (link.entry, link.line) > (start.entry, start.line) if step > 0 else \
                        (link.entry, link.line) < (start.entry, start.line):
                    yield link
            index += step

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_quote":
            return self.link is not None and self.link.kind == "quote"
        if action == "save_attachment":
            return self.link is not None and self.link.kind == "attachment"
        return True

    def action_toggle_quote(self) -> None:
        if self.link is not None and self.link.kind == "quote":
            self._activate(self.link)

    def action_save_attachment(self) -> None:
        if self.link is not None and self.link.kind == "attachment":
            self._activate(self.link)

    def _activate(self, link: Link) -> None:
        if link.kind == "attachment":
            self.post_message(self.AttachmentChosen(link.attachment))
            return
        key = self.entries[link.entry].key
        self._expanded ^= {key}
        self._heights[link.entry] = None
        self._starts = None
        follow, self._follow = self._follow, False  # the quote unfolds below: what is above stays
        self._settling = True
        try:
            self._measure([link.entry])
        finally:
            self._settling = False
        self._follow = follow and self.at_end
        self._sync_scrollbar()
        if self.link is not None and self.link.entry == link.entry and self.link.kind == "quote":
            self.link = Link(link.entry, link.line, self._quote_lines(link.entry), "quote")
        self.refresh()

    def _quote_lines(self, index: int) -> int:
        for line, lines, kind, _a, _l in self._drawn(index).links:
            if kind == "quote":
                return lines
        return 1

    def link_at(self, y: int) -> Link | None:
        """The link drawn on line ``y`` of the widget (None: none there)."""
        line_y = int(self.scroll_y) + y - self._bottom_gap
        if line_y < 0:
            return None
        index = self._entry_at(line_y)
        if index >= len(self.entries):
            return None
        line = line_y - self._layout()[index] - self._gap(index)
        for link in self._links(index, index):
            if link.line <= line < link.line + link.lines:
                if link.kind == "attachment":
                    return link
                return Link(index, link.line, link.lines, "quote")
        return None

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        link = self.link_at(offset.y)
        if link is not None:
            if link.kind == "attachment" and offset.x >= 2 + self._label_width(link):
                return  # beside the name, not on it (the line is as wide as its text)
            self._activate(link)

    def _label_width(self, link: Link) -> int:
        return min(attachment_label(link.attachment).cell_length, max(1, self._width - 3))

    def on_mouse_move(self, event: events.MouseMove) -> None:
        offset = event.get_content_offset(self)
        link = self.link_at(offset.y) if offset is not None else None
        if link is not None and link.kind == "attachment" and offset.x >= 2 + self._label_width(link):
            link = None
        if link != self._hover:
            self._hover = link
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        self.refresh()

    def on_focus(self, event: events.Focus) -> None:
        self.refresh()

    # --- for tests and the screen -----------------------------------------------------------

    def entry_text(self, index: int) -> str:
        """The plain text of entry ``index`` as drawn at the current width."""
        return "\n".join(strip.text.rstrip() for strip in self._drawn(index).strips)

    @property
    def drawn_entries(self) -> int:
        """How many entries have been drawn (measured) at the current width."""
        return sum(1 for h in self._heights if h is not None)
