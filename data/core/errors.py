"""Errors the domain raises. Each carries a message fit to show a person as is."""


class HelpdeskError(Exception):
    """Base class: anything the CLI prints as one line and the TUI shows as a notice."""


class NotFoundError(HelpdeskError):
    """A ticket, product, customer or other record does not exist."""


class ValidationError(HelpdeskError):
    """Input that cannot be accepted; ``field`` names what was wrong."""

    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


class ConflictError(HelpdeskError):
    """A write based on a stale read: someone else changed the record first."""


class TransitionError(HelpdeskError):
    """A status change the workflow does not allow."""


class RegulationError(HelpdeskError):
    """A bad regulation file: names the file, the key and the problem."""

    def __init__(self, source: str, key: str, problem: str):
        super().__init__(f"{source}: {key}: {problem}")
        self.source = source
        self.key = key
        self.problem = problem
