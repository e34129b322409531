"""Article-level sourcing profile: label shares, distinct sources, reasons, lead anonymity."""

from __future__ import annotations

import re
from collections.abc import Sequence

from annotator.sourcing.lexicon import DETERMINERS
from annotator.sourcing.sources import (
    ANONYMOUS_TYPES,
    ON_RECORD_TYPES,
    SourceType,
    classify_source,
    naming_part,
    surname,
)
from annotator.types import LABEL_NAMES, AnnotatedSentence, ArticleProfile, Kind, Label

_DETERMINERS = re.compile(r"^(?:" + "|".join(DETERMINERS) + r")\s+", re.IGNORECASE)
LEAD_SENTENCES = 3
# a pronoun or unclassifiable source may stand for either kind
_UNNAMED_TYPES = (*ANONYMOUS_TYPES, SourceType.PRONOUN, SourceType.NONE)
_NAMED_TYPES = (*ON_RECORD_TYPES, SourceType.PRONOUN)


def _merge_key(name: str, on_record: bool) -> str:
    """Merge mentions of one source: a named person by surname, anything else by all its words."""
    core = naming_part(name)
    if on_record and (last := surname(core)) is not None:
        return last.lower()
    words = re.findall(r"[\w’'-]+", _DETERMINERS.sub("", core))
    return " ".join(w.lower() for w in words) if words else name.lower()


def _distinct_sources(names: Sequence[str], on_record: bool) -> tuple[str, ...]:
    """One name for each source (its longest mention), in order of first mention."""
    best: dict[str, str] = {}
    for name in names:
        key = _merge_key(name, on_record)
        if key not in best or len(name) > len(best[key]):
            best[key] = name
    return tuple(best.values())


def build_profile(sentences: Sequence[AnnotatedSentence]) -> ArticleProfile:
    """Summarise an article's annotated sentences."""
    body = [s for s in sentences if s.kind is Kind.BODY]
    counts = {name: 0 for name in LABEL_NAMES}
    for s in body:
        if s.label is not None:
            counts[s.label.value] += 1
    n = len(body)
    shares = {k: (v / n if n else 0.0) for k, v in counts.items()}

    def names(label: Label) -> list[str]:
        """Sources of sentences with this label, of the matching kind: a mixed sentence
        ("the administration hopes ..., but officials say ...") is anonymous because of
        its unnamed source, so its named one is not counted as unnamed."""
        wanted = _UNNAMED_TYPES if label is Label.ANONYMOUS else _NAMED_TYPES
        out = []
        for s in body:
            if s.label is label:
                name = s.source_resolved or (s.source.text if s.source else None)
                if name and classify_source(name) in wanted:
                    out.append(name)
        return out

    lead = body[:LEAD_SENTENCES]
    scores = [s.score for s in body if s.score is not None]
    return ArticleProfile(
        n_body=n,
        n_meta=len(sentences) - n,
        counts=counts,
        shares=shares,
        on_record_sources=_distinct_sources(names(Label.ON_RECORD), on_record=True),
        anonymous_sources=_distinct_sources(names(Label.ANONYMOUS), on_record=False),
        anonymity_reasons=tuple(dict.fromkeys(s.anonymity_reason.text for s in body if s.anonymity_reason)),
        lead_anonymous_share=(sum(s.label is Label.ANONYMOUS for s in lead) / len(lead) if lead else None),
        mean_score=(sum(scores) / len(scores)) if scores else None,
    )
