"""Turning the tagger's token probabilities into spans over whole words.

The network (``annotator.model``) returns, for each target-sentence token, the
probability of each BIO tag and the token's character offsets. This module is the
postprocess step (Hugging Face pipelines' aggregation for token classification, with
the span conventions of ``annotator.sourcing.edges``): pick a type per token, grow runs
into weaker neighbours, give every piece of a word the word's type, and fix each run's
edges. Nothing here imports torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from annotator.sourcing.edges import (
    close_brackets,
    trim,
    widen,
    with_determiner,
    with_first_conjunct,
    with_rest_of_name,
    with_title,
    without_edge_words,
)
from annotator.sourcing.lexicon import PRONOUNS
from annotator.sourcing.runs import Run, by_confidence
from annotator.types import SPAN_TYPES

# an O token next to a span joins it when the span's type has this much of its probability
EXTEND_MASS = 0.3


def decode_runs(
    tag_probs: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    target: Sequence[bool],
    text: str,
) -> list[Run]:
    """Every span the tagger marks, as ``(type, start, end, score)`` in character offsets.

    Each token takes the span type with the most probability mass (B and I
    summed) or O, and a run of tokens of one type is one span: two sources never
    touch in prose, so a stray B inside a name ("The | FBI") does not split it.
    An O token next to a run joins it while the run's type still has
    ``EXTEND_MASS`` of its mass, so a long appositive is not cut at "…professor at".
    A span's score is its tokens' mean mass; it is widened to whole words,
    trimmed of edge punctuation, closed over a bracket it opened ("(R-N.D.)")
    and, for a source, given its first conjunct ("Chinese and US officials"),
    title ("Mr. Xi"), the rest of a name it stops inside ("Donald" of "Donald
    Trump") and determiner, and cut of words no source opens or closes on
    ("even Obama", "Mr. Lund, who", "The Ferris campaign on").
    """
    tokens = [i for i, ((a, b), t) in enumerate(zip(offsets, target, strict=True)) if t and b > a]
    if not tokens:
        return []
    kinds = ["O", *SPAN_TYPES]
    probs = np.asarray(tag_probs)[tokens]
    mass = np.concatenate([probs[:, :1], probs[:, 1::2] + probs[:, 2::2]], axis=1)  # O, then B+I per type
    choice = _grow(mass.argmax(-1).tolist(), mass.tolist())
    _whole_words(choice, mass, tokens, offsets, text)  # after growing, which may regrow a clitic
    runs: list[Run] = []
    j = 0
    while j < len(tokens):
        k = choice[j]
        end = j
        while end + 1 < len(tokens) and choice[end + 1] == k:
            end += 1
        if k:
            a, b = trim(text, *widen(text, offsets[tokens[j]][0], offsets[tokens[end]][1]))
            b = close_brackets(text, a, b)
            if kinds[k] == "source":
                a = with_first_conjunct(text, a)
                a, b = with_title(text, a, b)
                b = with_rest_of_name(text, a, b)
                a = with_determiner(text, a)  # "One" of "[One] of the officials" ...
                a, b = trim(text, *without_edge_words(text, a, b))  # ... before "of" is cut
            runs.append(Run(kinds[k], a, b, float(mass[j : end + 1, k].mean())))
        j = end + 1
    return runs


def _grow(choice: list[int], mass: list[list[float]]) -> np.ndarray:
    """Hysteresis: an O token next to a run joins it while the run's type still has
    ``EXTEND_MASS`` of the token's mass, until nothing changes (plain lists: a sentence's
    few dozen tokens are read faster than as numpy scalars)."""
    changed = True
    while changed:
        changed = False
        for j, kind in enumerate(choice):
            if kind:
                continue
            for nb in (j - 1, j + 1):
                if 0 <= nb < len(choice) and choice[nb] and mass[j][choice[nb]] >= EXTEND_MASS:
                    choice[j] = choice[nb]
                    changed = True
                    break
    return np.asarray(choice)


_JOINERS = frozenset("'’-.&")  # between letters, inside a word: "candidate’s", "Post-ABC", "U.S", "AT&T"
_CLITICS = frozenset({"s", "re", "ll", "ve", "d", "t", "m"})  # "He's", "they're", "don't"


def _words(
    tokens: Sequence[int], offsets: Sequence[tuple[int, int]], text: str, around: Sequence[int]
) -> list[tuple[list[int], list[str]]]:
    """Positions in ``tokens`` and texts of the pieces of each word of several pieces that
    holds a position in ``around``: letters and digits joined by single ``_JOINERS`` with no
    space between, plus the full stop that ends initials ("U.S."). "Trump--who",
    "officials...who", "Hispanics!”Former" and the full stop after "Rubio" or
    "MoveOn.org" are not words."""
    spans = [offsets[i] for i in tokens]
    marked = set(around)
    words: list[tuple[list[int], list[str]]] = []
    done = -1
    for k in sorted(marked):
        if k <= done:
            continue
        lo, hi = k, k  # the pieces written together with no space: "candidate’s,"
        while lo > 0 and spans[lo - 1][1] == spans[lo][0]:
            lo -= 1
        while hi + 1 < len(spans) and spans[hi][1] == spans[hi + 1][0]:
            hi += 1
        done = hi
        pieces = [text[a:b] for a, b in spans[lo : hi + 1]]
        for word in _split_glued(pieces):
            if len(word) > 1 and marked.intersection(lo + j for j in word):
                words.append(([lo + j for j in word], [pieces[j] for j in word]))
    return words


def _split_glued(pieces: list[str]) -> list[list[int]]:
    """The words in pieces written together with no space (see :func:`_words`)."""
    spelled = [p[-1].isalnum() for p in pieces]
    words: list[list[int]] = []
    for j, piece in enumerate(pieces):
        last = bool(words) and words[-1][-1] == j - 1
        if piece in _JOINERS and last and j + 1 < len(pieces) and spelled[j - 1] and spelled[j + 1]:
            words[-1].append(j)
        elif spelled[j] and last:
            words[-1].append(j)  # a word piece ("##tle"), or a piece after a joiner
        elif spelled[j]:
            words.append([j])
        elif piece == "." and last and _initials([pieces[w] for w in words[-1]]):
            words[-1].append(j)  # "U.S.", not "MoveOn.org."
    return words


def _initials(pieces: list[str]) -> bool:
    """Whether a word is initials with full stops between them ("U.S", "D.C", "Ph.D")."""
    return "." in pieces and all(len(p) <= 2 for p in pieces if p[-1].isalnum())


def _whole_words(
    choice: np.ndarray, mass: np.ndarray, tokens: Sequence[int], offsets: Sequence[tuple[int, int]], text: str
) -> None:
    """Give every piece of a word the span type its marked pieces have, in place.

    The tagger may mark "s" of "candidate’s" and leave "candidate" out, cutting one
    span in two, or leave the full stops of "U.S." out. A pronoun's clitic is a verb
    of its own and is never marked ("He" of "He's" is the source); another clitic
    joins only if marked itself ("Clinton" of "Clinton's going")."""
    chosen = choice.tolist()  # read per word before that word is written
    for word, pieces in _words(tokens, offsets, text, [j for j, c in enumerate(chosen) if c]):
        clitic = len(word) > 2 and pieces[-2] in "'’" and pieces[-1].lower() in _CLITICS
        if clitic and (pieces[-3] == "I" or (pieces[-3].lower() in PRONOUNS and not pieces[-3].isupper())):
            choice[word[-2:]] = 0
            word = word[:-2]
        elif clitic and not chosen[word[-1]] and not _continues(chosen, word):
            word = word[:-2]
        marked = [j for j in word if chosen[j]]
        if marked and len(marked) < len(word):
            choice[word] = max({chosen[j] for j in marked}, key=lambda k: mass[word, k].sum())


def _continues(chosen: list[int], word: list[int]) -> bool:
    """Whether the span a word opens goes on after it ("the UK’s top diplomat")."""
    after = word[-1] + 1
    return after < len(chosen) and chosen[word[0]] != 0 and chosen[after] == chosen[word[0]]


def best_spans(runs: Sequence[Run], text: str) -> dict[str, Run]:
    """The most confident run of each type (the first of equally confident ones; a
    source that is only "who" only when there is no other, see ``runs.by_confidence``)."""
    return {kind: by_confidence(runs, kind, text)[0] for kind in dict.fromkeys(r.kind for r in runs)}


def decode_spans(
    tag_probs: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    target: Sequence[bool],
    text: str,
) -> dict[str, Run]:
    """The most confident span of each type from BIO tag probabilities (see :func:`decode_runs`)."""
    return best_spans(decode_runs(tag_probs, offsets, target, text), text)


@dataclass(frozen=True)
class Reading:
    """What the tagger marks in one sentence: every run, and the most confident of each type.
    Offsets are relative to the sentence."""

    runs: tuple[Run, ...]
    best: dict[str, Run]


def read(tag_probs: np.ndarray, offsets: Sequence[tuple[int, int]], sentence: str) -> Reading:
    """The decode stage: the runs of one sentence from its target tokens' tag probabilities."""
    runs = decode_runs(tag_probs, offsets, [True] * len(offsets), sentence)
    return Reading(tuple(runs), best_spans(runs, sentence))
