"""A filter of a list: one line showing the current choice, and a pick list only when asked.

``FilterPick`` replaces Textual's ``Select`` in the queue's filter bar: a Select composes its
current-value line, its arrows and an OptionList with every choice as soon as it is mounted
(four of them cost the queue's first paint about 100 ms); a FilterPick is one widget that draws
its choice ("Все продукты ▼") and builds its ``PickList`` the first time it is opened.

Keys: Enter, space, ↓ or ↑ open the list on the current choice; in the list ↑ ↓ PgUp PgDn Home
End move, letters jump to the choice that holds them, Enter chooses, Escape closes only the list
(the focus stays on the FilterPick: tui/screen_base.py leaves a widget that binds Escape alone).
Mouse: a click on the FilterPick opens or closes the list, a click on a choice chooses it, a click
elsewhere closes it. The list is as wide as its longest choice (within the screen).

Messages: ``Changed`` when the value changes (set by a choice or by code, as Select's), then
``Chosen`` after every choice made in the list, the same value again too: the screen
(BaseScreen) answers it by giving the focus back to its main widget. Escape posts neither.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from textual import events, on
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import var
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from helpdesk.tui.i18n import N_

ARROW_CLOSED, ARROW_OPEN = "▼", "▲"
JUMP_RESET = 0.7  # seconds after the last letter typed in a list before a new jump starts afresh


def fit_widths(natural: list[int], room: int) -> int | None:
    """The widest any of ``natural`` widths may be so that all fit in ``room`` cells, taking from
    the widest first (None: all fit as they are). Never below 6 cells."""
    if sum(natural) <= room:
        return None
    cap = max(natural)
    while cap > 6 and sum(min(width, cap) for width in natural) > room:
        cap -= 1
    return cap


class PickList(OptionList):
    """The choices of a FilterPick, shown under it over the screen while it is open."""

    BINDINGS = [Binding("escape", "dismiss", N_("Close the list"), tooltip=N_("Close an open list and keep the field as it was"))]
    ALLOW_SELECT = False

    class Dismissed(Message):
        """The list should close: Escape (``lost_focus`` False) or the focus went elsewhere."""

        def __init__(self, lost_focus: bool) -> None:
            super().__init__()
            self.lost_focus = lost_focus

    def __init__(self, *options: Option) -> None:
        super().__init__(*options, compact=True)
        self._typed = ""
        self._typed_at = 0.0

    def check_consume_key(self, key: str, character: str | None = None) -> bool:
        return character is not None and character.isprintable() and character != " "

    def on_key(self, event: events.Key) -> None:
        """Letters jump to the first choice that holds what was typed (as Select's list does)."""
        character = event.character
        if character is None or not character.isprintable() or character == " " or not event.is_printable:
            return
        event.stop()
        event.prevent_default()
        now = event.time
        self._typed = (self._typed if now - self._typed_at < JUMP_RESET else "") + character.lower()
        self._typed_at = now
        # The choice where the letters come earliest (the first such on a tie).
        found = []
        for index, option in enumerate(self.options):
            prompt = option.prompt.plain if isinstance(option.prompt, Content) else str(option.prompt)
            position = prompt.lower().find(self._typed)
            if position >= 0:
                found.append((position, index))
        if found:
            self.highlighted = min(found)[1]

    def action_dismiss(self) -> None:
        self.post_message(self.Dismissed(lost_focus=False))

    def _on_blur(self, event: events.Blur) -> None:
        self.post_message(self.Dismissed(lost_focus=True))
        self.suppress_click()  # a click that took the focus away only closes the list (as Select's)

    @on(OptionList.OptionHighlighted)
    def _keep_highlight(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()


class FilterPick(Widget, can_focus=True):
    """One filter: its current choice on one line; Enter (or a click) opens the choices."""

    DEFAULT_CSS = """
    FilterPick {
        width: auto;
        height: 1;
        padding: 0 1 0 0;
        background: $surface;
        color: $foreground;
        pointer: pointer;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        &:focus {
            background-tint: $foreground 5%;
        }
        & > PickList {
            display: none;
            overlay: screen;
            constrain: inside none;
            height: auto;
            max-height: 12;
            offset-y: 1;
            color: $foreground;
            background: $surface;
            scrollbar-size-vertical: 1;
            &:focus {
                background-tint: $foreground 5%;
            }
            & > .option-list--option {
                padding: 0 1;
            }
        }
        &.-open > PickList {
            display: block;
        }
    }
    """

    BINDINGS = [Binding("enter,space,down,up", "open", N_("Open the list"), show=False)]
    ALLOW_SELECT = False

    expanded: var[bool] = var(False, init=False)
    """Whether the list is open."""

    class Changed(Message):
        """The value changed (a choice, or code setting ``value``)."""

        def __init__(self, pick: FilterPick, value: Hashable) -> None:
            super().__init__()
            self.pick = pick
            self.value = value

        @property
        def control(self) -> FilterPick:
            return self.pick

    class Chosen(Message):
        """A choice was made in the list (after ``Changed``, if it changed the value)."""

        def __init__(self, pick: FilterPick) -> None:
            super().__init__()
            self.pick = pick

        @property
        def control(self) -> FilterPick:
            return self.pick

    def __init__(self, options: Iterable[tuple[str | Content, Hashable]], *, value: Hashable | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._options: list[tuple[Content, Hashable]] = [
            (label if isinstance(label, Content) else Content(label), choice) for label, choice in options
        ]
        if not self._options:
            raise ValueError("a FilterPick needs at least one choice")
        values = [choice for _, choice in self._options]
        self._value = values[0] if value is None else value
        self._open_at_press = False
        if self._value not in values:
            raise ValueError(f"{self._value!r} is none of the choices")

    # --- the value ----------------------------------------------------------------------

    @property
    def options(self) -> list[tuple[Content, Hashable]]:
        return list(self._options)

    @property
    def value(self) -> Hashable:
        return self._value

    @value.setter
    def value(self, value: Hashable) -> None:
        if self._index(value) is None:
            raise ValueError(f"{value!r} is none of the choices")
        if value == self._value:
            return
        self._value = value
        self.refresh(layout=True)
        self.post_message(self.Changed(self, value))

    @property
    def label(self) -> Content:
        """The current choice as shown."""
        return self._options[self._index(self._value) or 0][0]

    def _index(self, value: Hashable) -> int | None:
        for index, (_, choice) in enumerate(self._options):
            if choice == value:
                return index
        return None

    # --- drawing ------------------------------------------------------------------------

    def render(self) -> Content:
        arrow = ARROW_OPEN if self.expanded else ARROW_CLOSED
        label = self.label
        room = self.content_size.width - 2  # the arrow and the space before it
        if 0 < room < label.cell_length:
            label = label.truncate(room, ellipsis=True)
        return Content.assemble(label, " ", (arrow, "$foreground 50%"))

    def get_content_width(self, container, viewport) -> int:
        return self.natural_width() - 1  # without the padding

    def natural_width(self) -> int:
        """Cells the FilterPick takes to show its choice uncut: the label, its arrow, the padding."""
        return self.label.cell_length + 3

    def list_width(self) -> int:
        """Cells the open list needs: its longest choice, its padding and a scroll bar if it scrolls."""
        longest = max(label.cell_length for label, _ in self._options)
        scrollbar = 1 if len(self._options) > 12 else 0
        return longest + 2 + scrollbar

    # --- the list -----------------------------------------------------------------------

    @property
    def pick_list(self) -> PickList | None:
        """The list, once it has been opened."""
        lists = self.query_children(PickList)
        return lists.first() if lists else None

    def action_open(self) -> None:
        if self.expanded:
            return
        pick_list = self.pick_list
        if pick_list is None:
            pick_list = PickList(*(Option(label) for label, _ in self._options))
            self.mount(pick_list)
        pick_list.styles.width = min(self.list_width(), max(self.screen.size.width, 1))
        pick_list.highlighted = self._index(self._value)
        self.expanded = True
        pick_list.focus(scroll_visible=False)
        pick_list.call_after_refresh(pick_list.scroll_to_highlight)

    def close(self, *, focus: bool = True) -> None:
        """Close the list (``focus``: give the focus back to this FilterPick)."""
        self.expanded = False
        if focus:
            self.focus()

    def _watch_expanded(self, expanded: bool) -> None:
        self.set_class(expanded, "-open")
        self.refresh()

    def _on_mouse_down(self, event: events.MouseDown) -> None:
        # Whether the list was open when the button went down: the press moves the focus from the
        # list to this widget, which closes the list before the click arrives.
        self._open_at_press = self.expanded

    def _on_click(self, event: events.Click) -> None:
        if event.widget is not self:
            return  # a click in the list: the list answers it
        event.stop()
        if self._open_at_press or self.expanded:
            self.close()
        else:
            self.focus()
            self.action_open()

    @on(PickList.Dismissed)
    def _dismissed(self, event: PickList.Dismissed) -> None:
        event.stop()
        if self.expanded:
            self.close(focus=not event.lost_focus)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.close()
        self.value = self._options[event.option_index][1]
        # After Changed (and the screen's answer to it): the screen's answer to Chosen comes last.
        self.call_after_refresh(self.post_message, self.Chosen(self))
