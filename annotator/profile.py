"""Article-level sourcing profile: label shares, distinct sources, reasons, lead anonymity."""

from __future__ import annotations

import re
from collections.abc import Sequence

from annotator.cues import ANONYMOUS_TYPES, DETERMINERS, ON_RECORD_TYPES, SourceType, classify_source
from annotator.types import LABEL_NAMES, AnnotatedSentence, ArticleProfile, Kind, Label

_DETERMINERS = re.compile(r"^(?:" + "|".join(DETERMINERS) + r")\s+", re.IGNORECASE)
LEAD_SENTENCES = 3
# a pronoun or unclassifiable source may stand for either kind
_UNNAMED_TYPES = (*ANONYMOUS_TYPES, SourceType.PRONOUN, SourceType.NONE)
_NAMED_TYPES = (*ON_RECORD_TYPES, SourceType.PRONOUN)


_APPOSITION_SPLIT = re.compile(r"\s*(?:,|\(|\)|—|–|\s-\s)\s*")


def _key(name: str, on_record: bool) -> str:
    """Merge mentions of one source: a named person by surname, anything else by all its words."""
    # "Maria Lopez, a nurse" and "Spain's minister, Lucía Herrero": the part that names a person
    parts = [p.strip() for p in _APPOSITION_SPLIT.split(name) if p.strip()] or [name.strip()]
    core = next((p for p in parts if classify_source(p) is SourceType.NAMED_PERSON), parts[0])
    words = re.findall(r"[\w’'-]+", _DETERMINERS.sub("", core))
    if not words:
        return name.lower()
    if on_record and classify_source(core) is SourceType.NAMED_PERSON:
        return re.sub(r"['’]s$", "", words[-1]).lower()
    return " ".join(w.lower() for w in words)


def _distinct(names: Sequence[str], on_record: bool) -> tuple[str, ...]:
    best: dict[str, str] = {}
    for name in names:
        key = _key(name, on_record)
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
        on_record_sources=_distinct(names(Label.ON_RECORD), on_record=True),
        anonymous_sources=_distinct(names(Label.ANONYMOUS), on_record=False),
        anonymity_reasons=tuple(dict.fromkeys(s.anonymity_reason.text for s in body if s.anonymity_reason)),
        lead_anonymous_share=(sum(s.label is Label.ANONYMOUS for s in lead) / len(lead) if lead else None),
        mean_score=(sum(scores) / len(scores)) if scores else None,
    )
