"""Pure result types: labels, spans and annotated sentences/articles.

Everything here is plain data with character offsets into the caller's exact
text (never token indices). No torch import, so results can be loaded,
serialised and rendered without the model.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

SCHEMA_VERSION = "1.0"


class Label(StrEnum):
    """Sourcing label of a body sentence (see ANNOTATION.md)."""

    ANONYMOUS = "anonymous"
    ON_RECORD = "on_record"
    REPORTER = "reporter"


LABELS: tuple[Label, ...] = (Label.ANONYMOUS, Label.ON_RECORD, Label.REPORTER)
LABEL_NAMES: tuple[str, ...] = tuple(label.value for label in LABELS)
SPAN_TYPES: tuple[str, ...] = ("source", "cue", "anonymity_reason")
"""The spans a body sentence may carry (ANNOTATION.md, "Spans")."""


class Kind(StrEnum):
    """Whether a segment is article prose or page furniture."""

    BODY = "body"
    META = "meta"


@dataclass(frozen=True)
class Span:
    """A piece of the text, ``text == document[start:end]``."""

    start: int
    end: int
    text: str

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span offsets {self.start}:{self.end}")
        if len(self.text) != self.end - self.start:
            raise ValueError("span text length does not match its offsets")

    @classmethod
    def of(cls, document: str, start: int, end: int) -> Span:
        """The span ``document[start:end]``."""
        return cls(start, end, document[start:end])


@dataclass(frozen=True)
class AnnotatedSentence:
    """One segment of the article with its sourcing annotation.

    Meta segments (headlines, bylines, captions, boilerplate) carry no label,
    probabilities or score.
    """

    text: str
    start: int
    end: int
    kind: Kind
    paragraph: int
    meta_kind: str | None = None
    label: Label | None = None
    probabilities: dict[str, float] | None = None
    score: float | None = None
    source: Span | None = None
    source_resolved: str | None = None
    cue: Span | None = None
    anonymity_reason: Span | None = None
    speaker_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["kind"] = self.kind.value
        d["label"] = self.label.value if self.label else None
        return d


@dataclass(frozen=True)
class ArticleProfile:
    """Article-level summary of how its claims are sourced."""

    n_body: int
    n_meta: int
    counts: dict[str, int]
    shares: dict[str, float]
    on_record_sources: tuple[str, ...]
    anonymous_sources: tuple[str, ...]
    anonymity_reasons: tuple[str, ...]
    lead_anonymous_share: float | None
    mean_score: float | None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("on_record_sources", "anonymous_sources", "anonymity_reasons"):
            d[key] = list(d[key])
        return d


@dataclass(frozen=True)
class AnnotatedArticle:
    """An article with every segment annotated; offsets index ``text``."""

    text: str
    sentences: tuple[AnnotatedSentence, ...]
    profile: ArticleProfile
    model: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    schema_version: str = SCHEMA_VERSION

    @property
    def body(self) -> tuple[AnnotatedSentence, ...]:
        return tuple(s for s in self.sentences if s.kind is Kind.BODY)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "text": self.text,
            "model": dict(self.model),
            "warnings": list(self.warnings),
            "profile": self.profile.to_dict(),
            "sentences": [s.to_dict() for s in self.sentences],
        }
