"""The annotation pipeline: text -> segments -> model -> resolution -> score -> results.

``Annotator.pipe`` is the real path (batched over many articles);
``annotate`` is its one-article case.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from annotator.config import DEFAULT_MODEL_DIR, Config
from annotator.context import saved_context_settings, sentence_inputs
from annotator.errors import ModelNotFoundError
from annotator.intake import check_text, html_to_text, language_warnings, looks_like_html
from annotator.model import SentenceInput, SentencePrediction, SourcingModel
from annotator.profile import build_profile
from annotator.resolve import Mention, deciding_source, resolve
from annotator.scoring import Evidence, SourcingScorer, make_evidence
from annotator.segment import Segment, segment
from annotator.types import LABEL_NAMES, AnnotatedArticle, AnnotatedSentence, Kind, Label, Span

logger = logging.getLogger(__name__)

MODEL_ENV = "ANNOTATOR_MODEL"
CONFIG_FILE = "annotator_config.json"
TRAINING_FILE = "training.json"
CHUNK_SENTENCES = 1024  # sentences sent to the model at once: bounds memory on huge inputs


def default_model_dir() -> Path:
    """``$ANNOTATOR_MODEL`` if set, else the model ``make train`` writes."""
    return Path(os.environ.get(MODEL_ENV) or DEFAULT_MODEL_DIR)


@dataclass
class _Prepared:
    text: str
    segments: list[Segment]
    body: list[int]  # indices into segments
    warnings: list[str]
    predictions: list[SentencePrediction]


class Annotator:
    """A trained tagger plus calibrated scorer, ready to annotate articles."""

    def __init__(
        self,
        model: SourcingModel,
        scorer: SourcingScorer | None,
        config: Config | None = None,
        info: dict[str, Any] | None = None,
    ) -> None:
        self.model = model
        self.scorer = scorer
        self.config = config or Config()
        self.info = dict(info or {})

    @classmethod
    def from_dir(cls, path: str | Path | None = None, backend: str | None = None) -> Annotator:
        """Load a model directory written by ``make train`` (default: :func:`default_model_dir`)."""
        directory = Path(path) if path is not None else default_model_dir()
        if not directory.is_dir():
            raise ModelNotFoundError(
                f"no model at {directory}; train one with `make train` "
                f"(or set {MODEL_ENV} to a model directory)"
            )
        config_path = directory / CONFIG_FILE
        try:
            config = (
                Config.from_dict(json.loads(config_path.read_text())) if config_path.is_file() else Config()
            )
        except (ValueError, TypeError) as exc:
            raise ModelNotFoundError(f"{config_path} is not a valid annotator config ({exc})") from None
        backend = backend or config.inference.backend
        model = SourcingModel.load(directory, backend=backend)
        scorer = SourcingScorer.load(directory)
        info = {"path": str(directory), "backend": backend}
        training = directory / TRAINING_FILE
        if training.is_file():
            meta = json.loads(training.read_text())
            info.update({k: meta[k] for k in ("name", "created", "git_commit") if k in meta})
        return cls(model, scorer, config, info)

    # -- public API -----------------------------------------------------------------
    def annotate(self, text: str) -> AnnotatedArticle:
        """Annotate one article (plain text or an HTML page)."""
        return next(iter(self.pipe([text])))

    def pipe(self, texts: Iterable[str], batch_size: int | None = None) -> Iterator[AnnotatedArticle]:
        """Annotate many articles lazily, batching sentences across articles for the model."""
        for article, _ in self.pipe_with_evidence(texts, batch_size):
            yield article

    def annotate_dataset(self, dataset: Any, text_column: str = "text", batch_size: int | None = None) -> Any:
        """Annotate a Hugging Face ``datasets.Dataset``; returns it with annotation columns added.

        Adds ``annotation`` (the article's JSON, as a string: its spans vary in shape) and the
        profile's ``n_body``, ``share_anonymous``, ``share_on_record``, ``share_reporter`` and
        ``mean_score``.
        """

        def batch_fn(batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
            articles = list(self.pipe(batch[text_column], batch_size))
            return {
                "annotation": [json.dumps(a.to_dict(), ensure_ascii=False) for a in articles],
                "n_body": [a.profile.n_body for a in articles],
                **{f"share_{k}": [a.profile.shares[k] for a in articles] for k in LABEL_NAMES},
                "mean_score": [a.profile.mean_score for a in articles],
            }

        return dataset.map(batch_fn, batched=True, batch_size=64)

    # -- stages ---------------------------------------------------------------------
    def _prepare(self, text: str) -> _Prepared:
        check_text(text)
        warnings: list[str] = []
        if looks_like_html(text):
            text = html_to_text(text)
            warnings.append("input was HTML; offsets refer to the extracted text")
        warnings.extend(language_warnings(text))
        segments = segment(text)
        body = [i for i, s in enumerate(segments) if s.kind is Kind.BODY]
        return _Prepared(text, segments, body, warnings, [])

    def pipe_with_evidence(
        self, texts: Iterable[str], batch_size: int | None = None
    ) -> Iterator[tuple[AnnotatedArticle, list[Evidence]]]:
        """Like :meth:`pipe`, also yielding each body sentence's score evidence (for calibration)."""
        if isinstance(texts, str):
            raise TypeError("pipe() takes an iterable of articles; use annotate() for one text")
        batch_size = self._batch_size(batch_size)
        pending: list[_Prepared] = []
        pending_sentences = 0
        for text in texts:
            prepared = self._prepare(text)
            pending.append(prepared)
            pending_sentences += len(prepared.body)
            if pending_sentences >= CHUNK_SENTENCES:
                yield from self._run(pending, batch_size)
                pending, pending_sentences = [], 0
        if pending:
            yield from self._run(pending, batch_size)

    def tag(
        self, text: str, spans: Sequence[tuple[int, int]], batch_size: int | None = None
    ) -> list[SentencePrediction]:
        """The tagger's raw output for the sentences at ``spans`` of ``text``, read with the
        context the pipeline gives them: every span it marks, before resolution (for span metrics)."""
        return self._predict(self._inputs(text, spans), self._batch_size(batch_size))

    def _predict(self, inputs: Sequence[SentenceInput], batch_size: int) -> list[SentencePrediction]:
        """The model's predictions, ``CHUNK_SENTENCES`` at a time, on ``inference.threads``
        threads (torch's global setting is restored after, so loading or running a model
        does not change the caller's)."""
        before = torch.get_num_threads()
        threads = self.config.inference.threads or before
        torch.set_num_threads(threads)
        try:
            predictions: list[SentencePrediction] = []
            for lo in range(0, len(inputs), CHUNK_SENTENCES):
                predictions.extend(self.model.predict(inputs[lo : lo + CHUNK_SENTENCES], batch_size))
            return predictions
        finally:
            torch.set_num_threads(before)

    def _batch_size(self, batch_size: int | None) -> int:
        """The given batch size, or the configured one."""
        batch_size = batch_size or self.config.inference.batch_size
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        return batch_size

    def _inputs(self, text: str, spans: Sequence[tuple[int, int]]) -> list[SentenceInput]:
        return sentence_inputs(text, spans, **saved_context_settings(self.model.info, self.config))

    def _run(
        self, docs: Sequence[_Prepared], batch_size: int
    ) -> Iterator[tuple[AnnotatedArticle, list[Evidence]]]:
        inputs = []
        for doc in docs:
            inputs.extend(
                self._inputs(doc.text, [(doc.segments[i].start, doc.segments[i].end) for i in doc.body])
            )
        predictions = self._predict(inputs, batch_size)
        cursor = 0
        for doc in docs:
            doc.predictions = predictions[cursor : cursor + len(doc.body)]
            cursor += len(doc.body)
        for doc in docs:
            yield self._finish(doc)

    def _finish(self, doc: _Prepared) -> tuple[AnnotatedArticle, list[Evidence]]:
        text, segments = doc.text, doc.segments
        mentions, abs_spans = [], []
        for seg_index, pred in zip(doc.body, doc.predictions, strict=True):
            seg = segments[seg_index]
            label = LABEL_NAMES[max(range(3), key=lambda k: pred.probabilities[k])]
            best = dict(pred.spans)
            decided = deciding_source(label, pred.runs, text[seg.start : seg.end])
            if decided is not None:  # the weakest sourcing decides (ANNOTATION.md, mixed sentences)
                label, source_run, cue_run = decided
                best["source"] = source_run[1:]
                if cue_run is not None:
                    best["cue"] = cue_run[1:]
            spans = {k: Span.of(text, seg.start + a, seg.start + b) for k, (a, b, _) in best.items()}
            abs_spans.append(spans)
            source = spans.get("source")
            mentions.append(
                Mention(source.text if source else None, label, seg.quote_group, text[seg.start : seg.end])
            )
        resolutions = resolve(mentions)
        evidence = []
        for seg_index, pred, spans, res in zip(
            doc.body, doc.predictions, abs_spans, resolutions, strict=True
        ):
            seg = segments[seg_index]
            attributed = res.label != "reporter"
            cue = spans.get("cue") if attributed else None
            evidence.append(
                make_evidence(
                    text[seg.start : seg.end],
                    pred.probabilities,
                    pred.well_sourced,
                    res.resolved,
                    res.resolved_type,
                    cue.text if cue else None,
                    attributed and "anonymity_reason" in spans,
                )
            )
        if self.scorer is None:  # uncalibrated: the tagger's own estimate (used while calibrating)
            scores = [ev.well_sourced for ev in evidence]
        else:
            scores = self.scorer.score_evidence(evidence)
        out: list[AnnotatedSentence] = []
        body_pos = {seg_index: k for k, seg_index in enumerate(doc.body)}
        for i, seg in enumerate(segments):
            base = {
                "text": text[seg.start : seg.end],
                "start": seg.start,
                "end": seg.end,
                "paragraph": seg.paragraph,
            }
            if seg.kind is Kind.META:
                out.append(AnnotatedSentence(kind=Kind.META, meta_kind=seg.meta_kind, **base))
                continue
            k = body_pos[i]
            pred, spans, res = doc.predictions[k], abs_spans[k], resolutions[k]
            attributed = res.label != "reporter"
            out.append(
                AnnotatedSentence(
                    kind=Kind.BODY,
                    label=Label(res.label),
                    probabilities={
                        n: round(p, 6) for n, p in zip(LABEL_NAMES, pred.probabilities, strict=True)
                    },
                    score=round(float(scores[k]), 6),
                    source=spans.get("source") if attributed else None,
                    source_resolved=res.resolved if attributed else None,
                    cue=spans.get("cue") if attributed else None,
                    anonymity_reason=spans.get("anonymity_reason") if attributed else None,
                    speaker_id=doc.body[res.speaker] if attributed and res.speaker is not None else None,
                    **base,
                )
            )
        cut = [
            (segments[i], p.read_to)
            for i, p in zip(doc.body, doc.predictions, strict=True)
            if p.read_to is not None
        ]
        if cut:
            seg, read_to = cut[0]
            doc.warnings.append(
                f"{len(cut)} sentence(s) longer than the model reads ({self.model.max_length} tokens) "
                f"were read in part: the first, at characters {seg.start}-{seg.end}, up to character "
                f"{seg.start + read_to}; its label and spans come from that part only"
            )
        article = AnnotatedArticle(
            text=text,
            sentences=tuple(out),
            profile=build_profile(out),
            model=dict(self.info),
            warnings=tuple(doc.warnings),
        )
        return article, evidence


_DEFAULT: dict[str, Annotator] = {}


def load(path: str | Path | None = None, backend: str | None = None) -> Annotator:
    """The annotator for ``path`` (default model if None), loaded once per process."""
    key = f"{Path(path) if path else default_model_dir()}|{backend}"
    if key not in _DEFAULT:
        _DEFAULT[key] = Annotator.from_dir(path, backend)
    return _DEFAULT[key]


def annotate(text: str, model: str | Path | None = None) -> AnnotatedArticle:
    """Annotate one article with the trained model (``ANNOTATOR_MODEL`` or ``models/default``)."""
    return load(model).annotate(text)
