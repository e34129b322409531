"""Character-level span conventions shared by the decoder, the corpora and the metrics.

A span names words, so it never starts or ends on whitespace or punctuation,
except that it may end on a full stop, "%", "!", "?" or "&" and keeps a
bracket pair whole ("Leslie Wimes, a caucus president," is "Leslie Wimes, a
caucus president"; ". Xi" is "Xi"). The
model's output, the PolNeAR training targets and the span metrics all go
through :func:`trim`, so "exact" compares the same thing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from annotator.cues import (
    CALENDAR_WORDS,
    DETERMINERS,
    FOCUS_ADVERBS,
    PREPOSITIONS,
    RELATIVE_PRONOUNS,
    REPORTING_VERBS,
    SUBORDINATORS,
    TITLE_ABBREVIATIONS,
)

_DETERMINER_BEFORE = re.compile(r"\b(?:" + "|".join(DETERMINERS) + r")\s+$", re.IGNORECASE)
_CONJUNCTION_START = re.compile(r"(?:and|or)\s", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"[\w'’.-]+\s+$")
_OPENING_WORD = re.compile(r"([A-Za-z]+)[\s,]+(?=\S)")
_CLOSING_WORD = re.compile(r"[\s,]+([a-z]+)$")  # lower case only: "officials at the WHO"
# A source does not open on these ("even Obama", "among Republican Party leaders",
# "which Beijing"); "that" and "whose" may ("that official", "whose spokesman"), and
# "who" opens a relative clause, not a name ("Sunshine, who remains friendly").
_NOT_OPENING = PREPOSITIONS | SUBORDINATORS | FOCUS_ADVERBS | frozenset({"which"})
# ... nor close on these ("Mr. Kirk, who", "The Trump campaign on", "Donald Trump, a").
_NOT_CLOSING = PREPOSITIONS | RELATIVE_PRONOUNS | frozenset({"a", "an", "the", "and", "or", "but"})
_NEXT_WORD = re.compile(r"[ \t]+([A-Z]\.(?=\s)|[A-Z][\w'’-]*)")  # "J." of "Donald J. Trump"
_NOT_NAME_END = _NOT_CLOSING | frozenset(DETERMINERS)  # "The" of "The Trump campaign"
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z]{4,}")


Run = tuple[str, int, int, float]
"""A tagged span: (type, start, end, score), as ``annotator.model.decode_runs`` returns it."""

_KEEP = frozenset(".%!?&")  # "Jr.", "42%", "Black Girls Rock!", "AT&T"
_KEEP_AT_START: frozenset[str] = frozenset()  # a name starts on a word


def _edge(char: str, keep: frozenset[str] = _KEEP) -> bool:
    """Whitespace, or punctuation a name does not end with (start with, for ``_KEEP_AT_START``)."""
    return char.isspace() or (char not in keep and unicodedata.category(char).startswith("P"))


_PAIRS = {"(": ")", "[": "]"}
_OPENERS = {v: k for k, v in _PAIRS.items()}


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``text[start:end]`` past edge whitespace and punctuation.

    A bracket pair stays whole: "Gov. Terry McAuliffe (D)" keeps its closing
    parenthesis because the opening one is inside the span. A span of
    punctuation only is returned unchanged.
    """
    a, b = start, end
    while a < b and _edge(text[a], _KEEP_AT_START):
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
    for opener, closer in _PAIRS.items():
        if text.count(opener, start, end) > text.count(closer, start, end):
            close = text.find(closer, end, end + reach)
            if close != -1 and opener not in text[end:close]:
                return close + 1
    return end


def overlaps(p: tuple[int, int], g: tuple[int, int]) -> bool:
    """Whether two ``(start, end)`` spans share a character."""
    return p[0] < g[1] and g[0] < p[1]


def widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Grow a span to whole words (subword tokens may cut a word)."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and text[end].isalnum() and text[end - 1].isalnum():
        end += 1
    return start, end


_TITLE_WORD = r"(?:" + "|".join(sorted(t.capitalize() for t in TITLE_ABBREVIATIONS)) + r")"
_TITLE = _TITLE_WORD + r"\."
_TITLE_BEFORE = re.compile(_TITLE + r"\s+$")
_TITLE_AT_END = re.compile(r"\b" + _TITLE + r"$")
_TITLE_WORD_AT_END = re.compile(r"\b" + _TITLE_WORD + r"$")
_NAME_AFTER = re.compile(r"\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")


def with_title(text: str, start: int, end: int) -> tuple[int, int]:
    """Keep a person's title and name together: "Xi" after "Mr. " takes the title, and
    a span ending on "Sen." (or on "Sen" before its full stop) takes the capitalised name
    that follows it."""
    m = _TITLE_BEFORE.search(text, max(0, start - 8), start)
    if m and (m.start() == 0 or not text[m.start() - 1].isalnum()):
        start = m.start()
    if text.startswith(".", end) and _TITLE_WORD_AT_END.search(text, start, end):
        end += 1  # the tagger stopped before the title's full stop ("Mr" of "Mr. Obama")
    if _TITLE_AT_END.search(text, start, end):
        after = _NAME_AFTER.match(text, end)
        if after:
            end = after.end()
    return start, end


def with_first_conjunct(text: str, start: int) -> int:
    """Start a span that begins on "and"/"or" at the word before it: the tagger may miss
    the first conjunct ("Chinese" in "both Chinese and US officials")."""
    if not _CONJUNCTION_START.match(text, start):
        return start
    m = _WORD_BEFORE.search(text, max(0, start - 30), start)
    return m.start() if m else start


def with_determiner(text: str, start: int) -> int:
    """Start a source span at its determiner ("a senior official", "the official"), as the corpus does."""
    m = _DETERMINER_BEFORE.search(text, max(0, start - 12), start)
    return m.start() if m else start


def without_edge_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut words a noun phrase naming a source neither opens nor closes on.

    The tagger's run may spill over a clause's edge: a trailing relative pronoun
    ("Mr. Kirk, who" is "Mr. Kirk"; both corpora mark "who" as a source of its own,
    or not at all), preposition or article ("The Trump campaign on [Tuesday]"),
    or a leading focus adverb, preposition or subordinator ("even Obama",
    "among Republican Party leaders"). A span that is only such a word is kept.
    """
    while m := _CLOSING_WORD.search(text, start, end):
        if m.group(1) not in _NOT_CLOSING or m.start() <= start:
            break
        end = m.start()
    while (m := _OPENING_WORD.match(text, start, end)) and m.group(1).lower() in _NOT_OPENING:
        start = m.end()
    return start, end


def with_rest_of_name(text: str, start: int, end: int) -> int:
    """End a source that stops inside a name after the name's last capitalised word
    ("Donald" of "Donald Trump said"), but not on a date or a reporting verb
    ("Trump Tuesday", "Trump Says"), nor in a title-case headline, where every
    word is capitalised ("Hillary Just Insulted The Benghazi Victims")."""
    last = text[start:end].rsplit(maxsplit=1)[-1] if end > start else ""
    if not last[:1].isupper() or not last[-1].isalnum() or last.lower() in _NOT_NAME_END:
        return end
    if not _LOWER_WORD.search(text):  # a title-case headline: every word is capitalised
        return end
    while (m := _NEXT_WORD.match(text, end)) and not _ends_name(m.group(1)):
        end = m.end()
    return end


def _ends_name(word: str) -> bool:
    lower = word.lower()
    return word == "I" or re.sub(r"['’]s$", "", lower) in CALENDAR_WORDS or lower in REPORTING_VERBS


def is_relative_pronoun(words: str) -> bool:
    """Whether source words start with a relative pronoun ("who", "which ..."; not "WHO")."""
    first = words.split(maxsplit=1)
    return bool(first) and first[0] in RELATIVE_PRONOUNS


def by_confidence(runs: Sequence[Run], kind: str, text: str) -> list[Run]:
    """The runs of ``kind``, most confident first, except that a source that is only a
    relative pronoun ("O'Donnell, who said …") comes after every other source: a name
    is what the reader needs, and the pronoun's antecedent is that name."""
    return sorted(
        (r for r in runs if r[0] == kind),
        key=lambda r: (kind == "source" and is_relative_pronoun(text[r[1] : r[2]]), -r[3]),
    )
