"""annotator: who is making each claim in a news article, sentence by sentence.

>>> from annotator import annotate
>>> article = annotate(text)          # uses the model `make train` produced
>>> article.sentences[0].label        # Label.ANONYMOUS / ON_RECORD / REPORTER
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from annotator.errors import AnnotatorError, ConfigError, InputError, ModelNotFoundError
from annotator.types import AnnotatedArticle, AnnotatedSentence, ArticleProfile, Kind, Label, Span

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

if TYPE_CHECKING:
    from annotator.pipeline import Annotator


def annotate(text: str, model: str | None = None) -> AnnotatedArticle:
    """Annotate one article with the default (or given) trained model."""
    from annotator.pipeline import annotate as _annotate

    return _annotate(text, model)


def __getattr__(name: str) -> Any:
    # Keep `import annotator` light: torch loads only when the pipeline is used.
    if name == "Annotator":
        from annotator.pipeline import Annotator

        return Annotator
    raise AttributeError(name)


__all__ = [
    "AnnotatedArticle", "AnnotatedSentence", "Annotator", "AnnotatorError", "ArticleProfile",
    "ConfigError", "InputError", "Kind", "Label", "ModelNotFoundError", "Span", "annotate",
]  # fmt: skip
