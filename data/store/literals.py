"""Integers written into the SQL text: ``IN`` over a page of ids without a bound parameter each.

peewee builds a node for every parameter of a query (``x.in_(ids)`` with 1,000 ids costs some
10 ms of Python before SQLite sees it); a list of integers needs none. Every value is passed
through ``int()``, so nothing but digits and a sign can reach the SQL text.
"""

from __future__ import annotations

from typing import Iterable

import peewee as pw


def integers(values: Iterable[int]) -> pw.Node:
    """``(1, 2, 3)`` for ``column.in_(integers(ids))``; ``(NULL)`` (matching nothing) when empty."""
    text = ", ".join(str(int(value)) for value in values)
    return pw.SQL(f"({text or 'NULL'})")
