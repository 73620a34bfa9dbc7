"""The command palette (ctrl+p): every key of the current screen, plus commands that take an argument.

Titles come from the bindings' descriptions, translated when the palette asks (``active_bindings``
of ``tui.screen_base.BaseScreen``); a screen may add its own entries with ``palette_commands()``
yielding ``(title, help, callback)``. Typing a number offers "Open ticket #N". The palette parses
help text as markup, so every text goes in escaped or as ``Content``.
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Iterable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from helpdesk.tui.i18n import _
from helpdesk.tui.keys import is_ours

Command = tuple[str, str, Callable]


class HelpdeskCommands(Provider):
    """Offers every binding of the screen the palette was opened on, in the current language."""

    def commands(self) -> Iterable[Command]:
        screen = self.screen
        seen = set()
        for node, binding, enabled in self._bindings(screen):
            # Ours only ("<area>.<action>" ids): Textual's own scrolling and focus keys stay out.
            if not enabled or not is_ours(binding):
                continue
            if (binding.action, id(node)) in seen or binding.action == "command_palette":
                continue
            seen.add((binding.action, id(node)))
            key = self.app.get_key_display(binding)
            # A dialog's bindings come untranslated (only BaseScreen translates); _() of a
            # translated text leaves it as it is.
            title, tooltip = _(binding.description), _(binding.tooltip) if binding.tooltip else ""
            help_text = f"{tooltip} ({key})" if tooltip else f"({key})"
            yield title, help_text, partial(self._run, node, binding.action)
        extra = getattr(screen, "palette_commands", None)
        if extra is not None:
            yield from extra()

    def _bindings(self, screen):
        """(node, binding, enabled) of the screen's keys; in a dialog, the App's priority keys too."""
        for active in screen.active_bindings.values():
            yield active.node, active.binding, active.enabled
        if screen.is_modal:  # a dialog's key chain stops at the dialog, but the App's priority keys work there
            app = self.app
            for bindings in app._bindings.key_to_bindings.values():
                for binding in bindings:
                    if binding.priority:
                        yield app, binding, bool(app.check_action(binding.action, ()))

    async def _run(self, node, action: str) -> None:
        await self.app.run_action(action, node)

    async def discover(self) -> Hits:
        for title, help_text, callback in self.commands():
            yield DiscoveryHit(Content(title), callback, text=title, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self.commands():
            score = max(matcher.match(title), matcher.match(help_text) * 0.8)
            if score > 0:
                display = matcher.highlight(title) if "[" not in title else Content(title)
                yield Hit(score, display, callback, text=title, help=escape(help_text))
        number = query.strip().lstrip("#")
        if number.isdigit() and hasattr(self.app, "open_ticket"):
            title = _("Open ticket #{number}").format(number=number)
            yield Hit(1.0, Content(title), partial(self.app.open_ticket, int(number)), text=title,
                      help=escape(_("Show the ticket's thread")))
