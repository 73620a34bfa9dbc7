"""App-wide messages (widget-specific ones are nested in their sender)."""

from __future__ import annotations

from textual.message import Message


class TicketsChanged(Message, bubble=False):  # the keyword: a class attribute alone is reset by Message.__init_subclass__
    """Tickets may have changed: after our own writes, or when another process committed.

    The App sends it to every screen in the stack; each screen reloads its own data in a
    worker. A flood collapses to one (``can_replace``); the numbers of the collapsed messages
    are kept, and an empty ``numbers`` means "any ticket".

    Post it to the App (``self.app.post_message(TicketsChanged((number,)))``) or call
    ``app.tickets_changed(...)``; it does not bubble, so a screen's copy stays with the screen.
    """

    bubble = False

    def __init__(self, numbers: tuple[int, ...] = (), *, external: bool = False) -> None:
        super().__init__()
        self.numbers = tuple(numbers)  # the tickets known to have changed; empty: any
        self.external = external  # seen by the change watcher (another process or connection)

    def can_replace(self, message: Message) -> bool:
        if not isinstance(message, TicketsChanged):
            return False
        if self.numbers and message.numbers:
            self.numbers = tuple(sorted(set(self.numbers) | set(message.numbers)))
        else:
            self.numbers = ()
        self.external = self.external or message.external
        return True


class PresenceChanged(Message, bubble=False):
    """Who else has which ticket open changed (an app beat, left, or stopped beating).

    The App sends it to every screen with the other agents' live heartbeats (data/team/presence.py
    ``Here``); it is sent only when that list changed, so a screen may repaint on it.
    """

    bubble = False

    def __init__(self, here: tuple) -> None:
        super().__init__()
        self.here = here


class MarksChanged(Message, bubble=False):
    """This agent's own marks on tickets changed: what they have seen, where they have a draft.

    No ticket changed (TicketsChanged is not sent): the queue reloads its marks. Post it to the
    App, which hands it to every screen, like TicketsChanged.
    """

    bubble = False

    def __init__(self, numbers: tuple[int, ...] = ()) -> None:
        super().__init__()
        self.numbers = tuple(numbers)
