"""Each pipeline stage on its own (annotator.stages), with hand-made tagger output."""

from __future__ import annotations

import dataclasses
import re

import numpy as np

from annotator import stages
from annotator.model import TAGS, TaggerOutput
from annotator.segment import Segment
from annotator.types import Kind, Label

TEXT = "Headline here\n\nTrade fell, a senior official said. “It will recover,” he said. Prices rose."


def _sentence(part: str) -> stages.Sentence:
    a = TEXT.index(part)
    return stages.Sentence(Segment(a, a + len(part), Kind.BODY, 1), part)


def _output(sentence: str, tags: dict[str, str], probs: tuple[float, float, float]) -> TaggerOutput:
    """Tagger output for a sentence's word and punctuation tokens, with ``tags`` by word (else O)."""
    offsets, rows = [], []
    for m in re.finditer(r"\w+|[^\w\s]", sentence):
        offsets.append((m.start(), m.end()))
        row = np.full(len(TAGS), 0.01)
        row[TAGS.index(tags.get(m.group(), "O"))] = 0.94
        rows.append(row / row.sum())
    return TaggerOutput(probs, 0.3, np.array(rows), tuple(offsets))


SENTENCES = [
    _sentence(s)
    for s in ("Trade fell, a senior official said.", "“It will recover,” he said.", "Prices rose.")
]
OUTPUTS = [
    _output(
        SENTENCES[0].text,
        {"a": "B-source", "senior": "I-source", "official": "I-source", "said": "B-cue"},
        (0.9, 0.05, 0.05),
    ),
    _output(SENTENCES[1].text, {"he": "B-source", "said": "B-cue"}, (0.2, 0.7, 0.1)),
    _output(SENTENCES[2].text, {}, (0.05, 0.05, 0.9)),
]


def test_decode_gives_runs_over_whole_words() -> None:
    readings = stages.decode(OUTPUTS, SENTENCES)
    assert readings[0].best["source"].text(SENTENCES[0].text) == "a senior official"
    assert readings[0].best["cue"].text(SENTENCES[0].text) == "said"
    assert readings[2].runs == ()


def test_decide_labels_takes_the_label_head_and_puts_spans_in_article_offsets() -> None:
    claims = stages.decide_labels(OUTPUTS, stages.decode(OUTPUTS, SENTENCES), SENTENCES, TEXT)
    assert [c.label for c in claims] == ["anonymous", "on_record", "reporter"]
    source = claims[0].spans["source"]
    assert TEXT[source.start : source.end] == source.text == "a senior official"


def test_resolve_speakers_makes_a_continuation_follow_its_antecedent() -> None:
    claims = stages.decide_labels(OUTPUTS, stages.decode(OUTPUTS, SENTENCES), SENTENCES, TEXT)
    res = stages.resolve_speakers(claims, SENTENCES, TEXT)
    assert (res[1].resolved, res[1].label, res[1].speaker) == ("a senior official", "anonymous", 0)
    assert res[2].label == "reporter"


def test_score_without_a_scorer_is_the_tagger_estimate() -> None:
    claims = stages.decide_labels(OUTPUTS, stages.decode(OUTPUTS, SENTENCES), SENTENCES, TEXT)
    res = stages.resolve_speakers(claims, SENTENCES, TEXT)
    scored = stages.score(None, OUTPUTS, claims, res, SENTENCES)
    assert scored.scores == [0.3, 0.3, 0.3]
    assert [e.direct_quote for e in scored.evidence] == [False, True, False]


def test_assemble_keeps_meta_and_maps_speakers_to_segments() -> None:
    segments = [Segment(0, 13, Kind.META, 0, "headline"), *(s.segment for s in SENTENCES)]
    claims = stages.decide_labels(OUTPUTS, stages.decode(OUTPUTS, SENTENCES), SENTENCES, TEXT)
    res = stages.resolve_speakers(claims, SENTENCES, TEXT)
    article = stages.assemble(TEXT, segments, [1, 2, 3], OUTPUTS, claims, res, [0.1, 0.2, 0.3], {}, [])
    head, first, second, third = article.sentences
    assert first.label is Label.ANONYMOUS and first.source is not None
    assert head.kind is Kind.META and head.label is None
    assert second.label is Label.ANONYMOUS and second.speaker_id == 1  # the segment of "a senior official"
    assert third.source is None and third.score == 0.3
    assert all(TEXT[s.start : s.end] == s.text for s in article.sentences)


def test_cut_warning_names_the_first_sentence_read_in_part() -> None:
    cut = [OUTPUTS[0], dataclasses.replace(OUTPUTS[1], read_to=5), OUTPUTS[2]]
    warning = stages.cut_warning(SENTENCES, cut, 128)
    assert warning is not None and "1 sentence(s)" in warning
    assert stages.cut_warning(SENTENCES, OUTPUTS, 128) is None
