"""Saved views in the queue: a tab, filters, a search and an order under a name, per agent.

``SavesViews`` is mixed into the queue screen (screens/queue.py adds ``VIEW_BINDINGS``). ``V``
saves the queue as it is under a name (a small form; a name in use asks before replacing it),
``v`` opens the chooser: Enter or the view's digit (1-9) shows it, ``d`` deletes, ``r``
renames. The command palette lists every view as "View: NAME". The views are the agent's own
(data/team/saved_views.py); the screen keeps their list, loaded in a worker, for the palette.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from helpdesk.data.core.errors import Code, HelpdeskError
from helpdesk.data.read import queue as dq
from helpdesk.data.team import saved_views as sv
from helpdesk.screens.confirm import ConfirmModal
from helpdesk.tui.errors import describe
from helpdesk.tui.i18n import N_, _
from helpdesk.tui.keys import FILTERS
from helpdesk.tui.screen_base import Dialog
from helpdesk.tui.text import literal

VIEW_BINDINGS = [
    Binding("v", "choose_view", N_("Views"), show=False, tooltip=N_("Your saved views: show, rename, delete"),
            id="queue.views", group=FILTERS),
    Binding("V", "save_view", N_("Save view"), show=False,
            tooltip=N_("Save the tab, filters, search and order under a name"), id="queue.save_view", group=FILTERS),
]
FILTER_FIELDS = tuple(f.name for f in fields(dq.QueueFilter) if f.name != "agent")


@dataclass
class ViewsLoaded(Message):
    views: list[sv.SavedView]


@dataclass
class ViewSaved(Message):
    name: str
    error: HelpdeskError | None = None
    replace: bool = False


class ViewNameModal(Dialog["str | None"]):
    """One line: the view's name. Enter saves (None: Escape)."""

    DEFAULT_CSS = """
    ViewNameModal > #view-name-box {
        width: 56; max-width: 95%; height: auto;
    }
    ViewNameModal #view-name-title { width: 1fr; text-style: bold; margin-bottom: 1; }
    ViewNameModal #view-name-hint { width: 1fr; color: $text-muted; }
    ViewNameModal #view-name-error { width: 1fr; color: $text-error; }
    """

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close without saving"), id="view_name.cancel")]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__(id="view-name")
        self._title = title
        self._value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="view-name-box", classes="dialog-box"):
            yield Label(Content(self._title), id="view-name-title", markup=False)
            yield Input(self._value, placeholder=_("View name"), id="view-name-input", compact=True, max_length=sv.NAME_LENGTH)
            yield Label("", id="view-name-error", markup=False)
            yield Label(Content(_("Enter save · Esc cancel")), id="view-name-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not " ".join(event.value.split()):
            self.query_one("#view-name-error", Label).update(Content(describe(HelpdeskError(Code.VIEW_NAME_REQUIRED))))
            return
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SavedViewsModal(Dialog["sv.SavedView | None"]):
    """The agent's views: Enter or 1-9 shows one (dismissed with it), d deletes, r renames."""

    DEFAULT_CSS = """
    SavedViewsModal > #views-box {
        width: 72; max-width: 95%; height: auto; max-height: 90%;
    }
    SavedViewsModal #views-title { width: 1fr; text-style: bold; }
    SavedViewsModal OptionList { height: auto; max-height: 14; border: none; padding: 0; }
    SavedViewsModal #views-hint { width: 1fr; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), tooltip=N_("Close without changing anything"), id="views.cancel"),
        Binding("d,delete", "delete", N_("Delete"), tooltip=N_("Delete the highlighted view"), id="views.delete"),
        Binding("r", "rename", N_("Rename"), tooltip=N_("Rename the highlighted view"), id="views.rename"),
        *[Binding(str(i), f"show({i - 1})", show=False, id=f"views.show_{i}") for i in range(1, 10)],
    ]

    def __init__(self, summary: Callable[[dq.QueueFilter], str]) -> None:
        super().__init__(id="saved-views")
        self.views: list[sv.SavedView] = []
        self.summary = summary  # a view's filter in a few words (the queue screen's)

    def compose(self) -> ComposeResult:
        with Vertical(id="views-box", classes="dialog-box"):
            yield Label(Content(_("Your saved views")), id="views-title", markup=False)
            yield OptionList(id="views-options", markup=False)
            yield Label(Content(_("Enter or 1-9 show · d delete · r rename · Esc close")), id="views-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load_views()

    @work(thread=True, exclusive=True, group="views-load", exit_on_error=False, description="list the saved views")
    def load_views(self) -> None:
        self.post_message(ViewsLoaded(sv.list_views(self.app.desk.agent)))

    def on_views_loaded(self, message: ViewsLoaded) -> None:
        self.views = message.views
        options = self.query_one(OptionList)
        highlighted = options.highlighted
        options.clear_options()
        for i, view in enumerate(self.views):
            key = Content.styled(f"{i + 1} " if i < 9 else "  ", "bold")
            options.add_option(Option(Content.assemble(key, literal(view.name, single_line=True),
                                                       Content.styled("  " + self.summary(view.filter), "dim"))))
        if not self.views:
            options.add_option(Option(Content.styled(_("No saved views yet: V saves the queue as it is."), "italic"),
                                      disabled=True))
        elif highlighted is not None:
            options.highlighted = min(highlighted, len(self.views) - 1)
        else:
            options.highlighted = 0

    def _current(self) -> sv.SavedView | None:
        index = self.query_one(OptionList).highlighted
        return self.views[index] if index is not None and index < len(self.views) else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.views):
            self.dismiss(self.views[event.option_index])

    def action_show(self, index: int) -> None:
        if index < len(self.views):
            self.dismiss(self.views[index])

    def action_delete(self) -> None:
        view = self._current()
        if view is None:
            return
        question = Content(_("Delete the view “{name}”?").format(name=literal(view.name, single_line=True).plain))
        self.app.push_screen(ConfirmModal(question, Content(self.summary(view.filter)), confirm=_("Delete")),
                             lambda yes: self.write(sv.delete_view, view.name) if yes else None)

    def action_rename(self) -> None:
        view = self._current()
        if view is not None:
            self.app.push_screen(ViewNameModal(_("Rename the view"), view.name),
                                 lambda name: self.write(sv.rename_view, view.name, name) if name else None)

    @work(thread=True, group="views-write", exit_on_error=False, description="change a saved view")
    def write(self, operation, *args) -> None:
        try:
            operation(self.app.desk, *args)
        except HelpdeskError as error:
            self.app.call_from_thread(self.notify, describe(error), severity="error", markup=False)
        self.post_message(ViewsLoaded(sv.list_views(self.app.desk.agent)))

    def action_cancel(self) -> None:
        self.dismiss(None)


class SavesViews:
    """The queue screen's saved views (mixed into QueueScreen; see the module doc)."""

    saved_views: list[sv.SavedView]

    def init_views(self) -> None:
        self.saved_views = []

    @work(thread=True, exclusive=True, group="queue-views", exit_on_error=False, description="list the saved views")
    def load_saved_views(self) -> None:
        self.post_message(ViewsLoaded(sv.list_views(self.app.desk.agent)))

    def on_views_loaded(self, message: ViewsLoaded) -> None:
        self.saved_views = message.views

    def show_view(self, view: sv.SavedView | None) -> None:
        self.load_saved_views()  # the chooser may have renamed or deleted some
        if view is None:
            return
        f = view.filter
        self._sort_chosen = f.sort not in ("due", dq.RELEVANCE)
        self.apply_filter(**{name: getattr(f, name) for name in FILTER_FIELDS})
        self.notify(_("View “{name}”").format(name=literal(view.name, single_line=True).plain), markup=False, timeout=3)

    def action_choose_view(self) -> None:
        self.app.push_screen(SavedViewsModal(self.filter_words), self.show_view)

    def action_save_view(self) -> None:
        self.app.push_screen(ViewNameModal(_("Save this view as")),
                             lambda name: self.save_view(name, self.filter) if name else None)

    @work(thread=True, group="queue-views-save", exit_on_error=False, description="save a view")
    def save_view(self, name: str, f: dq.QueueFilter, replace: bool = False) -> None:
        try:
            saved = sv.save_view(self.app.desk, name, f, replace=replace)
        except HelpdeskError as error:
            self.post_message(ViewSaved(name, error))
            return
        self.post_message(ViewSaved(saved.name, replace=replace))

    def on_view_saved(self, message: ViewSaved) -> None:
        error = message.error
        if error is not None and error.code == Code.VIEW_EXISTS:
            question = Content(_("Replace your view “{name}”?").format(name=literal(message.name, single_line=True).plain))
            f = self.filter
            self.app.push_screen(ConfirmModal(question, Content(self.filter_words(f)), confirm=_("Replace")),
                                 lambda yes: self.save_view(message.name, f, True) if yes else None)
            return
        if error is not None:
            self.notify(describe(error), title=_("Not saved"), severity="error", markup=False)
            return
        self.notify(_("View “{name}” saved: v shows your views.").format(
            name=literal(message.name, single_line=True).plain), markup=False)
        self.load_saved_views()

    def view_palette(self):
        for view in self.saved_views:
            yield (_("View: {name}").format(name=literal(view.name, single_line=True).plain), self.filter_words(view.filter),
                   lambda view=view: self.show_view(view))
