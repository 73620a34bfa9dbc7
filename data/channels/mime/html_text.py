"""HTML mail turned into readable plain text, with the standard library's html.parser.

Block elements end lines, ``<br>`` breaks them, list items get a dash, links keep their
address (``text <https://...>``) when the text does not already show it, and scripts, styles
and the document head are dropped. Entities are decoded. The result is for reading in the
thread view, not for round trips.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "tfoot", "thead",
    "tr", "ul", "caption",
}  # fmt: skip
_SKIP = {"script", "style", "head", "title", "template", "noscript", "object", "xml"}
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0]+")


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        self.skip = 0
        self.pre = 0
        self.links: list[tuple[str, int]] = []  # (href, length of text when the link opened)
        self.quote = 0

    # --- output helpers ---
    def _text_so_far(self) -> str:
        return "".join(self.line)

    def newline(self, blank: bool = False) -> None:
        text = "".join(self.line).rstrip()
        if text or not blank:
            prefix = "> " * self.quote
            self.lines.append(prefix + text if text else prefix.rstrip())
        self.line = []
        if blank and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def write(self, text: str) -> None:
        if self.skip:
            return
        if self.pre:
            parts = text.replace("\r\n", "\n").split("\n")
            for i, part in enumerate(parts):
                if i:
                    self.newline()
                self.line.append(part)
            return
        text = _SPACES.sub(" ", text)
        if not text:
            return
        if text.startswith(" ") and (not self.line or self._text_so_far().endswith(" ")):
            text = text.lstrip(" ")
        self.line.append(text)

    # --- parser callbacks ---
    def handle_starttag(self, tag, attrs):
        tag = tag.lower()
        if tag in _SKIP:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "br":
            self.newline()
        elif tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "hr"):
            self.newline(blank=True)
        elif tag == "blockquote":
            self.newline(blank=True)
            self.quote += 1
        elif tag == "li":
            self.newline()
            self.line.append("- ")
        elif tag in _BLOCK:
            if self.line:
                self.newline()
        elif tag in ("td", "th"):
            if self.line and not self._text_so_far().endswith(" "):
                self.line.append(" ")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append((href, len(self._text_so_far())))
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            if alt:
                self.write(f" [{alt}] ")
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag.lower() in _SKIP:
            self.skip = max(0, self.skip - 1)

    def handle_endtag(self, tag):
        tag = tag.lower()
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag == "pre":
            self.pre = max(0, self.pre - 1)
        if tag == "a" and self.links:
            href, start = self.links.pop()
            shown = self._text_so_far()[start:]
            if href.startswith(("http://", "https://", "mailto:")):
                target = href[7:] if href.startswith("mailto:") else href
                if target not in shown and shown.strip():
                    self.line.append(f" <{href}>")
                elif not shown.strip():
                    self.line.append(href)
        elif tag == "blockquote":
            self.newline(blank=True)
            self.quote = max(0, self.quote - 1)
        elif tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"):
            self.newline(blank=True)
        elif tag in _BLOCK:
            if self.line:
                self.newline()

    def handle_data(self, data):
        self.write(data)

    def result(self) -> str:
        if self.line:
            self.newline()
        text = "\n".join(line.rstrip() for line in self.lines)
        text = re.sub(r"\n{3,}", "\n\n", text)
        return text.strip("\n")


def html_to_text(html: str) -> str:
    """Readable text from an HTML document or fragment (never raises)."""
    builder = _TextBuilder()
    try:
        builder.feed(html)
        builder.close()
    except Exception:  # html.parser is lenient, but never let a broken page lose the mail
        return _SPACES.sub(" ", re.sub(r"<[^>]*>", " ", html)).strip()
    return builder.result()
