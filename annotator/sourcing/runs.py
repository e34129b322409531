"""Tagged spans ("runs") as typed records, and how to pick among them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from annotator.sourcing.lexicon import RELATIVE_PRONOUNS


class Run(NamedTuple):
    """A span the tagger (or a rule) marks: its type, character offsets into the
    sentence and confidence (the mean probability mass of its tokens; 0 from a rule)."""

    kind: str  # "source" | "cue" | "anonymity_reason"
    start: int
    end: int
    score: float

    @property
    def offsets(self) -> tuple[int, int]:
        return self.start, self.end

    def text(self, sentence: str) -> str:
        """The run's words in ``sentence``."""
        return sentence[self.start : self.end]


def overlaps(p: tuple[int, int], g: tuple[int, int]) -> bool:
    """Whether two ``(start, end)`` spans share a character."""
    return p[0] < g[1] and g[0] < p[1]


def is_relative_pronoun(words: str) -> bool:
    """Whether source words start with a relative pronoun ("who", "which ..."; not "WHO")."""
    first = words.split(maxsplit=1)
    return bool(first) and first[0] in RELATIVE_PRONOUNS


def by_confidence(runs: Sequence[Run], kind: str, text: str) -> list[Run]:
    """The runs of ``kind``, most confident first, except that a source that is only a
    relative pronoun ("O'Brannagh, who said …") comes after every other source: a name
    is what the reader needs, and the pronoun's antecedent is that name."""
    return sorted(
        (r for r in runs if r.kind == kind),
        key=lambda r: (kind == "source" and is_relative_pronoun(r.text(text)), -r.score),
    )
