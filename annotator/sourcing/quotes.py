"""Quotations: the one place that knows the quotation marks and where a quotation is open.

Quoted words are someone's own words: content, never a source, and the mark of a direct
quote (strength 3 for a named speaker). The segmenter follows a quotation across
sentences, the source rules skip words inside one, and the scorer and the silver
labeller ask whether a sentence quotes someone, all through this module.

A curly or angled mark says whether it opens or closes; a straight ``"`` opens where it
starts the text or follows a space, bracket or dash, and closes otherwise. Single
quotation marks are left out of the counting: ``’`` is far more often an apostrophe than
a closing mark; an opening ``‘`` still starts a quotation (:func:`opens_with_quote`).
"""

from __future__ import annotations

import bisect
import re

OPENING = "“«„"
CLOSING = "”»"
STRAIGHT = '"'
SINGLE_OPENING = "‘"
QUOTE_MARKS = frozenset(OPENING + CLOSING + STRAIGHT)
_BEFORE_OPENING = frozenset(" \t\n([{—–")
_MARK = re.compile("[" + re.escape(OPENING + CLOSING + STRAIGHT) + "]")
_QUOTED = re.compile(f"[{OPENING}{STRAIGHT}]([^{OPENING}{CLOSING}{STRAIGHT}]+)[{CLOSING}{STRAIGHT}]")


def marks(text: str) -> list[tuple[int, bool]]:
    """Every quotation mark in ``text`` as ``(position, opens)``."""
    out = []
    for m in _MARK.finditer(text):
        ch, i = m.group(0), m.start()
        opens = ch in OPENING or (ch == STRAIGHT and (i == 0 or text[i - 1] in _BEFORE_OPENING))
        out.append((i, opens))
    return out


def inside(text: str, pos: int) -> bool:
    """Whether ``pos`` lies inside a quotation, including one opened in an earlier
    sentence and closed in this one (more closing than opening marks after ``pos``)."""
    found = marks(text)
    depth_before = sum(1 if opens else -1 for i, opens in found if i < pos)
    depth_after = sum(1 if opens else -1 for i, opens in found if i >= pos)
    return depth_before > 0 or depth_after < 0


class QuoteMap:
    """Where quotations are open in one text, for many :func:`inside` questions at
    O(log n) each (a long article asks once per mention)."""

    def __init__(self, text: str) -> None:
        found = marks(text)
        self._positions = [i for i, _ in found]
        depth, self._depths = 0, []
        for _, opens in found:
            depth += 1 if opens else -1
            self._depths.append(depth)  # depth after each mark
        self._total = depth

    def inside(self, pos: int) -> bool:
        """Same answer as :func:`inside` for the text the map was made from."""
        k = bisect.bisect_left(self._positions, pos)  # marks before pos
        before = self._depths[k - 1] if k else 0
        return before > 0 or self._total - before < 0


def open_after(fragment: str, was_open: bool) -> bool:
    """Whether a quotation is still open after ``fragment``, given whether it was open
    before it (the segmenter's sentence-to-sentence state)."""
    state = was_open
    for _, opens in marks(fragment):
        state = opens
    return state


def has_mark(text: str) -> bool:
    """Whether ``text`` holds any quotation mark."""
    return _MARK.search(text) is not None


def has_direct_quote(sentence: str, min_words: int = 3) -> bool:
    """Whether the sentence quotes someone verbatim (a quoted stretch of a few words)."""
    return any(len(m.group(1).split()) >= min_words for m in _QUOTED.finditer(sentence))


def opens_with_quote(text: str) -> bool:
    """Whether ``text`` starts with an opening quotation mark, single ones included
    (after white space)."""
    stripped = text.lstrip()
    return bool(stripped) and stripped[0] in OPENING + STRAIGHT + SINGLE_OPENING
