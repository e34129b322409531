"""Character-level span conventions shared by the decoder, the corpora and the metrics.

A span names words, so it never starts or ends on whitespace or punctuation
other than a full stop, "%", "!", "?", "&" or a bracket it closes ("Leslie
Wimes, a caucus president," is "Leslie Wimes, a caucus president"). The
model's output, the PolNeAR training targets and the span metrics all go
through :func:`trim`, so "exact" compares the same thing.
"""

from __future__ import annotations

import re
import unicodedata

_DETERMINER_BEFORE = re.compile(r"\b(a|an|the|one|two|three|four|five|several|some|many)\s+$", re.IGNORECASE)


_KEEP = frozenset(".%!?&")  # "Jr.", "42%", "Black Girls Rock!", "AT&T"


def _edge(char: str) -> bool:
    """Whitespace, or punctuation a name does not end with."""
    return char.isspace() or (char not in _KEEP and unicodedata.category(char).startswith("P"))


# only round brackets: widening this to "[]" changes 12 PolNeAR spans the shipped models were trained on
_PAIRS = {"(": ")"}
_OPENERS = {v: k for k, v in _PAIRS.items()}


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``text[start:end]`` past edge whitespace and punctuation.

    A bracket pair stays whole: "Gov. Terry McAuliffe (D)" keeps its closing
    parenthesis because the opening one is inside the span. A span of
    punctuation only is returned unchanged.
    """
    a, b = start, end
    while a < b and _edge(text[a]):
        if text[a] in _PAIRS and _PAIRS[text[a]] in text[a:b]:
            break
        a += 1
    while b > a and _edge(text[b - 1]):
        if text[b - 1] in _OPENERS and _OPENERS[text[b - 1]] in text[a : b - 1]:
            break
        b -= 1
    return (a, b) if a < b else (start, end)


def close_brackets(text: str, start: int, end: int, reach: int = 16) -> int:
    """End a span after the bracket it opened ("Sen. Lindsey Graham (R-S.C.") when it closes close by."""
    if text.count("(", start, end) <= text.count(")", start, end):
        return end
    close = text.find(")", end, end + reach)
    return close + 1 if close != -1 and "(" not in text[end:close] else end


def widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a span to whole words (subword tokens may cut a word)."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end


def with_determiner(text: str, start: int) -> int:
    """Start a source span at its determiner ("a senior official", "the official"), as the corpus does."""
    m = _DETERMINER_BEFORE.search(text, max(0, start - 12), start)
    return m.start() if m else start
