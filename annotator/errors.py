"""Named exceptions with actionable messages. Library code raises these, never exits."""

from __future__ import annotations


class AnnotatorError(Exception):
    """Base class for every error annotator raises on purpose."""


class InputError(AnnotatorError, ValueError):
    """The input text or file cannot be annotated (binary, badly encoded, too large...)."""


class ModelNotFoundError(AnnotatorError, FileNotFoundError):
    """No trained model where one was expected."""


class ConfigError(AnnotatorError, ValueError):
    """A configuration file or value is invalid."""


class CorpusFormatError(AnnotatorError, ValueError):
    """A corpus file does not follow its format."""


class NotFittedError(AnnotatorError, ValueError, AttributeError):
    """An estimator was used before ``fit`` or ``load``."""


class SoupError(AnnotatorError, ValueError):
    """Models that cannot be averaged into one (different architectures or bases)."""
