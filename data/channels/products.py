"""Which product a request names, for channels where the customer writes free text (mail, Telegram)."""

from __future__ import annotations

import re


def guess_product(text: str, names: list[str]) -> str | None:
    """The product the text names, longest name first ("Fenix+ 3" before "Fenix+"), or None.

    Case and spacing are loose ("fenix+3", "FENIX  SERVER"), word edges are not: "FireGuard 30"
    names no product.
    """
    if not text:
        return None
    for name in sorted(names, key=len, reverse=True):
        pattern = r"\s*".join(re.escape(word) for word in name.split())
        if re.search(rf"(?<![\w+]){pattern}(?![\w+])", text, re.IGNORECASE):
            return name
    return None
