"""Character-level span conventions shared by the decoder, the corpora and the metrics.

A span names words, so it never starts or ends on whitespace or punctuation,
except that it may end on a full stop, "%", "!", "?" or "&" and keeps a
bracket pair whole ("Marisa Delacroix, a guild president," is "Marisa Delacroix, a
guild president"; ". Xi" is "Xi"). The
model's output, the PolNeAR training targets and the span metrics all go
through :func:`trim`, so "exact" compares the same thing.
"""

from __future__ import annotations

import re
import unicodedata

from annotator.sourcing.lexicon import (
    DETERMINERS,
    FOCUS_ADVERBS,
    MONTHS,
    NUMBER_WORDS,
    POSSESSIVE_PRONOUNS,
    PREPOSITIONS,
    QUANTITY_WORDS,
    RELATIVE_PRONOUNS,
    REPORTING_VERBS,
    SUBORDINATORS,
    TITLE_ABBREVIATIONS,
    WEEKDAYS,
)

_DETERMINER_BEFORE = re.compile(r"\b(?:" + "|".join(DETERMINERS) + r")\s+$", re.IGNORECASE)
_CONJUNCTION_START = re.compile(r"(?:and|or)\s", re.IGNORECASE)
_CONJUNCT_BEFORE = re.compile(r"[\w'’.-]+\s+$")
_OPENING_WORD = re.compile(r"([A-Za-z]+)[\s,]+(?=(\S+))")
_CLOSING_WORD = re.compile(r"[\s,]+([a-z]+)$")  # lower case only: "officials at the WHO"
# A source does not open on these ("even Obama", "among Labour Party leaders",
# "which Beijing"); "that" and "whose" may ("that official", "whose spokesman"), and
# "who" opens a relative clause, not a name ("Lund, who remains loyal").
_NOT_OPENING = PREPOSITIONS | SUBORDINATORS | FOCUS_ADVERBS | frozenset({"which"})
# ... nor close on these ("Mr. Lund, who", "The Ferris campaign on", "Donald Trump, a").
_NOT_CLOSING = PREPOSITIONS | RELATIVE_PRONOUNS | frozenset({"a", "an", "the", "and", "or", "but"})
_CLAUSE_SUBJECTS = frozenset("i we you he she they".split())
# ... nor on a past-tense reporting verb the run spilled onto ("one TikTok user posted",
# "The Vermont senator emailed"), unless a determiner makes it a noun ("the accused").
_REPORTING_PAST = frozenset(
    w for w in REPORTING_VERBS if "_" not in w and (w.endswith("ed") or w in ("said", "told", "wrote"))
)
_NOUN_OPENERS = frozenset(DETERMINERS) | POSSESSIVE_PRONOUNS
# the next word, with the full stop of an initial or "Jr." ("Donald J. Trump", "Donald Trump Jr.")
_NAME_WORD_AFTER = re.compile(
    r"[ \t]+((?:[^\W\d_][\w'’-]*?)(?:(?<=\b[^\W\d_])\.|(?<=\bJr|\bSr)\.)?)(?![\w'’-])"
)
_NOT_NAME_END = _NOT_CLOSING | frozenset(DETERMINERS)  # "The" of "The Trump campaign"
# a dateline opening the sentence: a place in capitals and a dash ("AMMAN —", "NEW YORK (AP) —")
_DATELINE = re.compile(r"[A-Z][A-Z.'’-]*(?: [A-Z][A-Z.'’-]*)*,?(?: \([A-Za-z]+\))? [—–] ?")
_LONG_WORD = re.compile(r"[^\W\d_][\w'’-]{3,}")
TITLE_CASE_SHARE = 0.8
"""A sentence whose long words are this capitalised is a title-case headline."""


_KEEP = frozenset(".%!?&")  # "Jr.", "42%", "Black Girls Rock!", "AT&T"
_KEEP_AT_START: frozenset[str] = frozenset()  # a name starts on a word


def _edge(char: str, keep: frozenset[str] = _KEEP) -> bool:
    """Whitespace, or punctuation a name does not end with (start with, for ``_KEEP_AT_START``)."""
    return char.isspace() or (char not in keep and unicodedata.category(char).startswith("P"))


_PAIRS = {"(": ")", "[": "]"}
_OPENERS = {v: k for k, v in _PAIRS.items()}


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``text[start:end]`` past edge whitespace and punctuation.

    A bracket pair stays whole: "Gov. Warren Pelletier (D)" keeps its closing
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
    """End a span after the bracket it opened ("Sen. Corinne Dupree (R-N.D.") when it closes close by."""
    for opener, closer in _PAIRS.items():
        if text.count(opener, start, end) > text.count(closer, start, end):
            close = text.find(closer, end, end + reach)
            if close != -1 and opener not in text[end:close]:
                return close + 1
    return end


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


def with_title(text: str, start: int, end: int) -> tuple[int, int]:
    """Keep a person's title and name together: "Xi" after "Mr. " takes the title, and
    a span ending on "Sen." (or on "Sen" before its full stop) takes the name that follows
    it, as far as :func:`with_rest_of_name` would ("Sen. Corinne Dupree", not "Sen. Corinne
    Dupree Tuesday")."""
    m = _TITLE_BEFORE.search(text, max(0, start - 8), start)
    if m and (m.start() == 0 or not text[m.start() - 1].isalnum()):
        start = m.start()
    if text.startswith(".", end) and _TITLE_WORD_AT_END.search(text, start, end):
        end += 1  # the tagger stopped before the title's full stop ("Mr" of "Mr. Obama")
    if _TITLE_AT_END.search(text, start, end):
        end = _name_continues(text, end)
    return start, end


def with_first_conjunct(text: str, start: int) -> int:
    """Start a span that begins on "and"/"or" at the word before it: the tagger may miss
    the first conjunct ("Chinese" in "both Chinese and US officials")."""
    if not _CONJUNCTION_START.match(text, start):
        return start
    m = _CONJUNCT_BEFORE.search(text, max(0, start - 30), start)
    return m.start() if m else start


def with_determiner(text: str, start: int) -> int:
    """Start a source span at its determiner ("a senior official", "the official"), as the corpus does."""
    m = _DETERMINER_BEFORE.search(text, max(0, start - 12), start)
    return m.start() if m else start


def without_edge_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut words a noun phrase naming a source neither opens nor closes on.

    The tagger's run may spill over a clause's edge: a trailing relative pronoun
    ("Mr. Lund, who" is "Mr. Lund"; both corpora mark "who" as a source of its own,
    or not at all), preposition or article ("The Ferris campaign on [Tuesday]"), the
    reporting verb after the source ("one TikTok user posted"),
    or a leading focus adverb, preposition or subordinator ("even Obama",
    "among Labour Party leaders"). A span that is only such a word is kept, and
    so is a preposition stranded by a relative clause ("teachers we spoke to").
    """
    while (
        (m := _CLOSING_WORD.search(text, start, end)) and m.start() > start and _spilled_over(text, start, m)
    ):
        end = m.start()
    while (m := _OPENING_WORD.match(text, start, end)) and _not_opening(m.group(1), m.group(2), start == 0):
        start = m.end()
    if (m := _DATELINE.match(text, start, end)) and m.end() < end:
        start = m.end()  # "AMMAN — The Jordanian army": the dateline is where, not who
    return start, end


def _not_opening(word: str, after: str, sentence_start: bool) -> bool:
    """Whether ``word`` opens a source only by spilling over a clause's edge: lower case,
    or capitalised at the sentence's start ("Even Republicans", not "Under Armour"),
    and not opening a number ("at least three officials", "about 200 economists")."""
    if word.lower() not in _NOT_OPENING or not (word.islower() or (sentence_start and word.istitle())):
        return False
    nxt = after.lower().strip(",")
    return not (nxt in QUANTITY_WORDS or nxt[:1].isdigit() or nxt in NUMBER_WORDS)


def _spilled_over(text: str, start: int, closing: re.Match[str]) -> bool:
    """Whether a span's last word is past its noun phrase's end: a preposition, relative
    pronoun or article not stranded by a relative clause, or a reporting verb after the
    source's noun ("user posted"; not a noun after a determiner, "the accused")."""
    word = closing.group(1)
    if word in _NOT_CLOSING:
        return not _stranded(text, start, closing)
    before = text[start : closing.start()].split()
    return word in _REPORTING_PAST and before[-1].lower() not in _NOUN_OPENERS


def _stranded(text: str, start: int, closing: re.Match[str]) -> bool:
    """A preposition a relative clause leaves at its end ("teachers we spoke to")."""
    words = text[start : closing.start()].lower().split()
    return closing.group(1) in PREPOSITIONS and bool(_CLAUSE_SUBJECTS.intersection(words))


def with_rest_of_name(text: str, start: int, end: int) -> int:
    """End a source that stops inside a name after the name's last capitalised word
    ("Donald" of "Donald Trump said"), but not on a date or a reporting verb
    ("Trump Tuesday", "Trump Says"), nor in a title-case headline, where every
    word is capitalised ("Nadia Just Snubbed The Ferry Workers")."""
    last = text[start:end].rsplit(maxsplit=1)[-1] if end > start else ""
    if not last[:1].isupper() or not last[-1].isalnum() or last.lower() in _NOT_NAME_END:
        return end
    if _title_case(text):
        return end
    return _name_continues(text, end)


def _name_continues(text: str, end: int) -> int:
    """Where the name going on at ``end`` ends: the capitalised words after it, up to a
    word that ends a name (:func:`_ends_name`) or after "Jr."/"Sr."."""
    while (m := _NAME_WORD_AFTER.match(text, end)) and m.group(1)[0].isupper() and not _ends_name(m, text):
        end = m.end()
        if m.group(1) in ("Jr.", "Sr."):
            break
    return end


def _title_case(text: str) -> bool:
    """A title-case headline ("Hillary Clinton Meets with Trump Backers"), where a run
    of capitalised words is no name."""
    words = _LONG_WORD.findall(text)
    return bool(words) and sum(w[0].isupper() for w in words) >= TITLE_CASE_SHARE * len(words)


def _ends_name(m: re.Match[str], text: str) -> bool:
    """A capitalised word that is not part of the name before it: "I", a reporting verb,
    a weekday, or a month before a number ("Obama May 5", not "Theresa May")."""
    word = m.group(1)
    lower = re.sub(r"['’]s$", "", word.lower())
    month = lower in MONTHS and bool(re.match(r"\s+\d", text[m.end() :]))
    return word == "I" or lower in WEEKDAYS or month or word.lower() in REPORTING_VERBS
