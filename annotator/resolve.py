"""Who a sentence's source really is: pronoun and description antecedents, and
speakers shared across the sentences of one multi-sentence quotation.

Rules, not learning: a pronoun or a definite description ("he", "the
official", "the company") resolves to the most recent compatible source named
earlier in the article, and a continuation takes the sourcing label of the
source it refers back to (ANNOTATION.md: continuations follow their antecedent).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.cues import SourceType, classify_source, count_sources

_PLURAL_PRONOUNS = {"they", "them", "we"}
_SINGULAR_PRONOUNS = {"he", "she", "him", "her", "i"}
_BODY_HEADS = {
    "company", "firm", "ministry", "agency", "department", "group", "club", "council",
    "government", "campaign", "party", "bank", "court", "university", "school",
    "hospital", "board", "committee", "office", "team", "union", "organisation",
    "organization", "airline", "regulator", "authority", "district", "city", "state",
}  # fmt: skip
_PERSON_TYPES = (SourceType.NAMED_PERSON, SourceType.UNNAMED)
_ANONYMOUS_TYPES = (SourceType.UNNAMED, SourceType.VAGUE)
_ON_RECORD_TYPES = (SourceType.NAMED_PERSON, SourceType.NAMED_BODY, SourceType.DOCUMENT)


@dataclass(frozen=True)
class Mention:
    """A body sentence's model output, as resolution needs it."""

    source: str | None  # source words in this sentence, if any
    label: str  # model's label
    quote_group: int | None = None


@dataclass(frozen=True)
class Resolution:
    """The resolved source of a sentence and the label it implies."""

    label: str
    resolved: str | None  # antecedent text (or the source itself when it is a name)
    resolved_type: SourceType
    speaker: int | None  # index of the sentence whose source this one refers back to


def _head(text: str) -> str:
    words = re.findall(r"[A-Za-z]+", text.lower())
    return words[-1] if words else ""


def _compatible(pronoun: str, candidate: str, ctype: SourceType) -> bool:
    low = pronoun.lower().strip()
    head = _head(low)
    if low in _SINGULAR_PRONOUNS:
        return ctype in _PERSON_TYPES and count_sources(candidate) <= 1
    if low in _PLURAL_PRONOUNS:
        return True
    if head in _BODY_HEADS:
        return ctype is SourceType.NAMED_BODY or head in candidate.lower()
    # a role description: "the official", "the spokeswoman", "the two diplomats"
    cand = candidate.lower()
    return head.rstrip("s") in cand or (ctype in _PERSON_TYPES and not head)


def _label_for(ctype: SourceType, fallback: str) -> str:
    if ctype in _ANONYMOUS_TYPES:
        return "anonymous"
    if ctype in _ON_RECORD_TYPES:
        return "on_record"
    return fallback


def resolve(mentions: Sequence[Mention]) -> list[Resolution]:
    """Resolve every sentence of one article, in order."""
    history: list[tuple[int, str, SourceType]] = []  # sentences with a non-pronoun source
    out: list[Resolution | None] = [None] * len(mentions)
    for i, m in enumerate(mentions):
        if m.label == "reporter" or not m.source:
            continue
        stype = classify_source(m.source)
        if stype is SourceType.PRONOUN:
            for j, text, ctype in reversed(history[-6:]):
                if _compatible(m.source, text, ctype):
                    out[i] = Resolution(_label_for(ctype, m.label), text, ctype, j)
                    break
            else:
                out[i] = Resolution(m.label, None, SourceType.PRONOUN, None)
        else:
            history.append((i, m.source, stype))
            out[i] = Resolution(m.label, m.source, stype, i)
    # Sentences of a multi-sentence quotation share the speaker named in one of them.
    speakers: dict[int, Resolution] = {}
    for i, m in enumerate(mentions):
        if m.quote_group is not None and out[i] is not None and out[i].resolved:
            speakers.setdefault(m.quote_group, out[i])
    for i, m in enumerate(mentions):
        if out[i] is None and m.label != "reporter":
            shared = speakers.get(m.quote_group) if m.quote_group is not None else None
            if shared is not None:
                label = _label_for(shared.resolved_type, m.label)
                out[i] = Resolution(label, shared.resolved, shared.resolved_type, shared.speaker)
    return [
        r if r is not None else Resolution(m.label, None, SourceType.NONE, None)
        for r, m in zip(out, mentions, strict=True)
    ]
