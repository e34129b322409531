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

from annotator import modeldir, stages
from annotator.config import SHIPPED_MODEL_DIR, Config
from annotator.context import context_settings, sentence_inputs
from annotator.encoding import SentenceInput
from annotator.intake import check_text, html_to_text, language_warnings, looks_like_html
from annotator.runtime import load_tagger, resolve_backend
from annotator.scoring import Evidence, SourcingScorer
from annotator.segment import Segment, segment
from annotator.sourcing.decode import Reading
from annotator.tagger import Tagger, TaggerOutput
from annotator.types import LABEL_NAMES, AnnotatedArticle, Kind

logger = logging.getLogger(__name__)

CHUNK_SENTENCES = 1024  # sentences sent to the model at once: bounds memory on huge inputs


def default_model_dir() -> Path:
    """``$ANNOTATOR_MODEL`` if set, else the model shipped inside the package."""
    return Path(os.environ.get(modeldir.MODEL_ENV) or SHIPPED_MODEL_DIR)


@dataclass
class _Prepared:
    text: str
    segments: list[Segment]
    body: list[int]  # indices into segments
    warnings: list[str]
    predictions: list[TaggerOutput]


class Annotator:
    """A trained tagger plus calibrated scorer, ready to annotate articles.

    ``Annotator()`` loads the shipped model (or ``$ANNOTATOR_MODEL``), ``Annotator(path)``
    a model directory; ``backend`` overrides the model's inference backend there.
    """

    def __init__(
        self,
        model: Tagger | str | Path | None = None,
        scorer: SourcingScorer | None = None,
        config: Config | None = None,
        info: dict[str, Any] | None = None,
        *,
        backend: str | None = None,
    ) -> None:
        if model is None or isinstance(model, str | Path):
            loaded = type(self).from_dir(model, backend)
            model, scorer, config, info = loaded.model, loaded.scorer, loaded.config, loaded.info
        self.model = model
        self.scorer = scorer
        self.config = config or Config()
        self.info = dict(info or {})

    @classmethod
    def from_dir(
        cls, path: str | Path | None = None, backend: str | None = None, *, one_shot: bool = False
    ) -> Annotator:
        """Load a model directory written by ``make train`` or ``make ship`` (default:
        :func:`default_model_dir`); ``one_shot`` when the process annotates a few documents
        and exits, so ``auto`` never pays for importing torch (:mod:`annotator.runtime`)."""
        directory = modeldir.require(path if path is not None else default_model_dir())
        config = modeldir.read_config(directory)
        backend = resolve_backend(backend or config.inference.backend, one_shot=one_shot)
        model = load_tagger(directory, backend, config.inference.threads)
        return cls(model, SourcingScorer.load(directory), config, modeldir.describe(directory, backend))

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
    ) -> list[Reading]:
        """What the tagger marks in the sentences at ``spans`` of ``text``, read with the
        context the pipeline gives them: every span, before resolution (for span metrics)."""
        outputs = self._predict(self._inputs(text, spans), self._batch_size(batch_size))
        sentences = [stages.Sentence(Segment(a, b, Kind.BODY, 0), text[a:b]) for a, b in spans]
        return stages.decode(outputs, sentences)

    def _predict(
        self, inputs: Sequence[SentenceInput], batch_size: int, documents: Sequence[int] | None = None
    ) -> list[TaggerOutput]:
        """The model's predictions on ``inference.threads`` threads (the backend's setting is
        restored after, so running a model does not change the caller's).

        ``documents`` (per input, its article): the inputs go to the model in chunks of whole
        articles, at most ``CHUNK_SENTENCES`` sentences at a time (an article longer than that
        alone, in pieces of it), so an article is read in the same windows alone (``annotate``)
        as among others (``pipe``); the backend keeps its batches from mixing what it must not
        (``annotator.tagger.BATCH_INVARIANT``).
        """
        documents = documents if documents is not None else [0] * len(inputs)
        predictions: list[TaggerOutput] = []
        with self.model.threads(self.config.inference.threads):
            for lo, hi in _chunks(documents, CHUNK_SENTENCES):
                predictions.extend(self.model.predict(inputs[lo:hi], batch_size))
        return predictions

    def _batch_size(self, batch_size: int | None) -> int:
        """The given batch size, or the configured one."""
        batch_size = batch_size or self.config.inference.batch_size
        if batch_size < 1:
            raise ValueError("batch_size must be positive")
        return batch_size

    def _inputs(self, text: str, spans: Sequence[tuple[int, int]]) -> list[SentenceInput]:
        return sentence_inputs(text, spans, **context_settings(self.config))

    def _run(
        self, docs: Sequence[_Prepared], batch_size: int
    ) -> Iterator[tuple[AnnotatedArticle, list[Evidence]]]:
        inputs: list[SentenceInput] = []
        documents: list[int] = []
        for k, doc in enumerate(docs):
            inputs.extend(
                self._inputs(doc.text, [(doc.segments[i].start, doc.segments[i].end) for i in doc.body])
            )
            documents.extend([k] * len(doc.body))
        predictions = self._predict(inputs, batch_size, documents)
        cursor = 0
        for doc in docs:
            doc.predictions = predictions[cursor : cursor + len(doc.body)]
            cursor += len(doc.body)
        for doc in docs:
            yield self._finish(doc)

    def _finish(self, doc: _Prepared) -> tuple[AnnotatedArticle, list[Evidence]]:
        """Run the stages (``annotator.stages``) over one article's tagger output."""
        text, outputs = doc.text, doc.predictions
        sentences = [
            stages.Sentence(doc.segments[i], text[doc.segments[i].start : doc.segments[i].end])
            for i in doc.body
        ]
        readings = stages.decode(outputs, sentences)
        claims = stages.decide_labels(outputs, readings, sentences, text)
        resolutions = stages.resolve_speakers(claims, sentences, text)
        scored = stages.score(self.scorer, outputs, claims, resolutions, sentences)
        warning = stages.cut_warning(sentences, outputs, self.model.encoder.max_length)
        warnings = [*doc.warnings, *([warning] if warning else [])]
        article = stages.assemble(
            text, doc.segments, doc.body, outputs, claims, resolutions, scored.scores, self.info, warnings
        )
        return article, scored.evidence


_DEFAULT: dict[str, Annotator] = {}


def load(path: str | Path | None = None, backend: str | None = None) -> Annotator:
    """The annotator for ``path`` (default model if None), loaded once per process."""
    key = f"{Path(path) if path else default_model_dir()}|{backend}"
    if key not in _DEFAULT:
        _DEFAULT[key] = Annotator.from_dir(path, backend)
    return _DEFAULT[key]


def annotate(text: str, model: str | Path | None = None) -> AnnotatedArticle:
    """Annotate one article with the shipped model (or ``model``, or ``$ANNOTATOR_MODEL``)."""
    return load(model).annotate(text)


def _chunks(documents: Sequence[int], size: int) -> list[tuple[int, int]]:
    """``(lo, hi)`` ranges of at most ``size`` items that never cut a document (``documents``:
    each item's, in runs), except one longer than ``size``, which is cut every ``size`` items
    from its own start."""
    chunks: list[tuple[int, int]] = []
    lo = start = 0
    for i in range(1, len(documents) + 1):
        if i < len(documents) and documents[i] == documents[i - 1]:
            continue
        if i - lo > size and start > lo:  # the chunk is full without this document
            chunks.append((lo, start))
            lo = start
        while i - lo > size:  # this document alone is too long
            chunks.append((lo, lo + size))
            lo += size
        start = i
    if lo < len(documents):
        chunks.append((lo, len(documents)))
    return chunks
