"""Text intake: bytes and files to text, HTML pages to their visible article text.

Offsets in results always index the text this module returns; for plain text
that is exactly the caller's string.
"""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from pathlib import Path

from annotator.errors import InputError

logger = logging.getLogger(__name__)

MAX_CHARS = 20_000_000
"""Largest text accepted in one article (20 M characters, ~4,000 pages)."""

_HTML_SNIFF = re.compile(r"^\s*(<!doctype html|<html\b|<head\b|<body\b)", re.IGNORECASE)
_TAG = re.compile(r"<(p|div|article|span|a|br|h[1-6]|li|script|style)\b[^>]*>", re.IGNORECASE)
_SKIP_TAGS = {
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form",
    "button", "svg", "iframe", "template", "select", "head", "menu",
}  # fmt: skip
_BLOCK_TAGS = {
    "p", "div", "article", "section", "main", "h1", "h2", "h3", "h4", "h5", "h6",
    "li", "ul", "ol", "blockquote", "figure", "figcaption", "table", "tr", "td",
    "th", "pre", "address", "dd", "dt", "time", "hr", "title",
}  # fmt: skip
_VOID = {"br", "hr", "img", "meta", "link", "input", "source", "wbr", "col", "area", "base"}


_SURROGATE = re.compile("[\ud800-\udfff]")


NO_TEXT = "record {rid}: no 'text' string field"
"""The error of a corpus record without text: one wording for every path (CLI, Ray)."""


def check_text(text: object) -> str:
    """The text itself if it can be annotated, else an :class:`InputError` saying why."""
    if not isinstance(text, str):
        raise InputError(f"expected article text as str, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise InputError(f"article of {len(text):,} characters exceeds the {MAX_CHARS:,} limit")
    if (m := _SURROGATE.search(text)) is not None:
        raise InputError(
            f"character {m.start()} is a lone surrogate (U+{ord(m.group()):04X}), not valid Unicode text; "
            "decode the input as UTF-8 with errors='replace' or fix its JSON escapes"
        )
    return text


def decode_bytes(data: bytes, name: str = "input") -> str:
    """Decode UTF-8 (with or without BOM); refuse binary data and other encodings."""
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: looks like a binary file (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"{name}: not valid UTF-8 (byte {exc.start}); convert it first, e.g. iconv -f latin1 -t utf-8"
        ) from None
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.01 * min(len(text), 65536) + 2:
        raise InputError(f"{name}: looks like a binary file (control characters), not text")
    return text


def read_file(path: str | Path) -> str:
    """Read a text or HTML file as text, with a clear error for unreadable files."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > 4 * MAX_CHARS:
            raise InputError(f"{path}: {size:,} bytes is too large for one article")
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory, not a file") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    return decode_bytes(data, str(path))


def looks_like_html(text: str) -> bool:
    """True for an HTML page or fragment rather than plain prose."""
    head = text[:4096]
    if _HTML_SNIFF.match(head):
        return True
    return len(_TAG.findall(head)) >= 3


class _VisibleText(HTMLParser):
    """Collects visible text, one block element per line, skipping page chrome."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        # The element that opened a skipped region and how many of that same tag are open
        # inside it: only its own end tag closes the region (HTML leaves <li>, <p>,
        # <option> unclosed, so counting every tag would never return to zero).
        self.skip_tag: str | None = None
        self.skip_nesting = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_nesting += 1
            return
        attr = {k: (v or "") for k, v in attrs}
        hidden = "hidden" in attr or "display:none" in attr.get("style", "").replace(" ", "")
        if tag not in _VOID and (tag in _SKIP_TAGS or hidden):
            self.skip_tag, self.skip_nesting = tag, 1
            return
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skip_tag is not None:
            if tag == self.skip_tag:
                self.skip_nesting -= 1
                if self.skip_nesting == 0:
                    self.skip_tag = None
            return
        if tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if self.skip_tag is None:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Visible text of an HTML page: one paragraph per block, no scripts, styles or navigation."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    raw = "".join(parser.parts)
    paragraphs = []
    for block in re.split(r"\n[^\S\n]*\n\s*", raw):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        block_text = "\n".join(line for line in lines if line)
        if block_text:
            paragraphs.append(block_text)
    return "\n\n".join(paragraphs)


_EN_STOP = frozenset(
    "the a an of to in and is was for on that with as by at from said it he she they "
    "his her their be has have had are were not but this which who will would".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def english_ratio(text: str, sample: int = 20000) -> float:
    """Share of words that are common English function words (about 0.3-0.5 for English)."""
    words = _WORD.findall(text[:sample].lower())
    if not words:
        return 0.0
    return sum(w in _EN_STOP for w in words) / len(words)


def language_warnings(text: str) -> list[str]:
    """Warnings for text the English model may mis-annotate."""
    words = _WORD.findall(text[:20000])
    if len(words) >= 8 and english_ratio(text) < 0.12:
        return ["text does not look like English; labels may be unreliable"]
    return []
