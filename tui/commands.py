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

Command = tuple[str, str, Callable]


class HelpdeskCommands(Provider):
    """Offers every binding of the screen the palette was opened on, in the current language."""

    def commands(self) -> Iterable[Command]:
        screen = self.screen
        seen = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            # Ours only ("<area>.<action>" ids): Textual's own scrolling and focus keys stay out.
            if not binding.description or binding.system or not active.enabled or "." not in (binding.id or ""):
                continue
            if (binding.action, id(active.node)) in seen or binding.action == "command_palette":
                continue
            seen.add((binding.action, id(active.node)))
            key = self.app.get_key_display(binding)
            help_text = f"{binding.tooltip} ({key})" if binding.tooltip else f"({key})"
            yield binding.description, help_text, partial(self._run, active.node, binding.action)
        extra = getattr(screen, "palette_commands", None)
        if extra is not None:
            yield from extra()

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
