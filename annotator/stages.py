"""The stages that turn the tagger's output for one article into its annotation.

``Annotator`` runs them in order, as spaCy runs its components:

1. :func:`decode` — token probabilities to spans over whole words (``sourcing.decode``);
2. :func:`decide_labels` — the label head's label, and the source and cue it rests on
   (the weakest sourcing decides, ``sourcing.deciding``);
3. :func:`resolve_speakers` — pronoun and description sources to their antecedents, and
   the label a continuation takes from them (``sourcing.coref``);
4. :func:`score` — the calibrated sourcing score (``scoring``);
5. :func:`assemble` — the typed, offset-carrying result (``types``).

Each stage is a function from typed records to typed records, so it can be tested,
replaced or reordered on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotator.profile import build_profile
from annotator.scoring import Evidence, SourcingScorer, make_evidence
from annotator.segment import Segment
from annotator.sourcing.coref import Mention, Resolution, resolve
from annotator.sourcing.deciding import deciding_source
from annotator.sourcing.decode import Reading, read
from annotator.tagger import TaggerOutput
from annotator.types import LABEL_NAMES, AnnotatedArticle, AnnotatedSentence, Kind, Label, Span


@dataclass(frozen=True)
class Sentence:
    """A body sentence as the stages see it: its segment and its text."""

    segment: Segment
    text: str


@dataclass(frozen=True)
class Claim:
    """A sentence's label before coreference, and its spans in article offsets."""

    label: str
    spans: dict[str, Span]


@dataclass(frozen=True)
class Scored:
    """The score stage's output for one article: evidence (for calibration) and scores."""

    evidence: list[Evidence]
    scores: list[float]


def decode(outputs: Sequence[TaggerOutput], sentences: Sequence[Sentence]) -> list[Reading]:
    """Stage 1: the runs the tagger marks in each sentence."""
    return [read(o.tag_probs, o.offsets, s.text) for o, s in zip(outputs, sentences, strict=True)]


def label_of(probabilities: Sequence[float]) -> str:
    """The label head's label: the most probable (the first of equally probable ones)."""
    return LABEL_NAMES[max(range(len(LABEL_NAMES)), key=lambda k: probabilities[k])]


def decide_labels(
    outputs: Sequence[TaggerOutput], readings: Sequence[Reading], sentences: Sequence[Sentence], text: str
) -> list[Claim]:
    """Stage 2: each sentence's label and the spans it rests on. The label head decides,
    except where the weakest sourcing in the sentence overrides it (ANNOTATION.md, mixed
    sentences); then the source and cue shown are those of the deciding claim."""
    claims = []
    for output, reading, sentence in zip(outputs, readings, sentences, strict=True):
        label = label_of(output.probabilities)
        best = dict(reading.best)
        decided = deciding_source(label, reading.runs, sentence.text)
        if decided is not None:
            label, source_run, cue_run = decided
            best["source"] = source_run
            if cue_run is not None:
                best["cue"] = cue_run
        start = sentence.segment.start
        spans = {k: Span.of(text, start + r.start, start + r.end) for k, r in best.items()}
        claims.append(Claim(label, spans))
    return claims


def resolve_speakers(claims: Sequence[Claim], sentences: Sequence[Sentence], text: str) -> list[Resolution]:
    """Stage 3: who each sentence's source is, and the label that follows from it."""
    mentions = []
    for claim, sentence in zip(claims, sentences, strict=True):
        source = claim.spans.get("source")
        where = (source.start, source.end) if source else (sentence.segment.start, sentence.segment.start)
        mentions.append(
            Mention(
                source.text if source else None,
                claim.label,
                sentence.segment.quote_group,
                sentence.text,
                *where,
            )
        )
    return resolve(mentions, text)


def score(
    scorer: SourcingScorer | None,
    outputs: Sequence[TaggerOutput],
    claims: Sequence[Claim],
    resolutions: Sequence[Resolution],
    sentences: Sequence[Sentence],
) -> Scored:
    """Stage 4: the evidence for each sentence's score, and the calibrated score (the
    tagger's own strength estimate when there is no scorer yet, while calibrating)."""
    evidence = []
    for output, claim, res, sentence in zip(outputs, claims, resolutions, sentences, strict=True):
        attributed = res.label != "reporter"
        cue = claim.spans.get("cue") if attributed else None
        evidence.append(
            make_evidence(
                sentence.text,
                output.probabilities,
                output.well_sourced,
                res.resolved,
                res.resolved_type,
                cue.text if cue else None,
                attributed and "anonymity_reason" in claim.spans,
            )
        )
    if scorer is None:
        return Scored(evidence, [ev.well_sourced for ev in evidence])
    return Scored(evidence, [float(s) for s in scorer.score_evidence(evidence)])


def annotated_sentence(
    text: str,
    seg: Segment,
    speaker_id: int | None,
    output: TaggerOutput | None = None,
    claim: Claim | None = None,
    res: Resolution | None = None,
    score_value: float = 0.0,
) -> AnnotatedSentence:
    """One segment of the result: meta furniture as it is, a body sentence with its
    label, probabilities, score and (if attributed) spans and resolved speaker."""
    base = {"text": text[seg.start : seg.end], "start": seg.start, "end": seg.end, "paragraph": seg.paragraph}
    if seg.kind is Kind.META or output is None or claim is None or res is None:
        return AnnotatedSentence(kind=Kind.META, meta_kind=seg.meta_kind, **base)
    attributed = res.label != "reporter"
    spans = claim.spans if attributed else {}
    return AnnotatedSentence(
        kind=Kind.BODY,
        label=Label(res.label),
        probabilities={n: round(p, 6) for n, p in zip(LABEL_NAMES, output.probabilities, strict=True)},
        score=round(float(score_value), 6),
        source=spans.get("source"),
        source_resolved=res.resolved if attributed else None,
        cue=spans.get("cue"),
        anonymity_reason=spans.get("anonymity_reason"),
        speaker_id=speaker_id if attributed else None,
        **base,
    )


def assemble(
    text: str,
    segments: Sequence[Segment],
    body: Sequence[int],
    outputs: Sequence[TaggerOutput],
    claims: Sequence[Claim],
    resolutions: Sequence[Resolution],
    scores: Sequence[float],
    model: dict[str, object],
    warnings: Sequence[str],
) -> AnnotatedArticle:
    """Stage 5: every segment of the article in text order, with its profile. ``body``
    lists the indices of the body segments, which the other sequences follow."""
    position = {seg_index: k for k, seg_index in enumerate(body)}
    out = []
    for i, seg in enumerate(segments):
        k = position.get(i)
        if k is None:
            out.append(annotated_sentence(text, seg, None))
            continue
        res = resolutions[k]
        speaker = body[res.speaker] if res.speaker is not None else None
        out.append(annotated_sentence(text, seg, speaker, outputs[k], claims[k], res, scores[k]))
    return AnnotatedArticle(
        text=text,
        sentences=tuple(out),
        profile=build_profile(out),
        model=dict(model),
        warnings=tuple(warnings),
    )


def cut_warning(
    sentences: Sequence[Sentence], outputs: Sequence[TaggerOutput], max_length: int
) -> str | None:
    """The warning for sentences longer than the model reads, naming the first."""
    cut = [(s.segment, o.read_to) for s, o in zip(sentences, outputs, strict=True) if o.read_to is not None]
    if not cut:
        return None
    seg, read_to = cut[0]
    return (
        f"{len(cut)} sentence(s) longer than the model reads ({max_length} tokens) "
        f"were read in part: the first, at characters {seg.start}-{seg.end}, up to character "
        f"{seg.start + read_to}; its label and spans come from that part only"
    )
