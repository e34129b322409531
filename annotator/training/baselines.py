"""Baselines the model is measured against in the same run: cue rules and TF-IDF + LR."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from annotator.sourcing.cues import find_cues
from annotator.sourcing.lexicon import ANONYMITY_PHRASES, WEASEL_PHRASES

_UNNAMED = re.compile(
    r"\b(officials?|sources?|aides?|people familiar|person familiar|diplomats?|"
    r"insiders?|analysts|critics|observers|experts say|it is (understood|believed)|"
    r"it was reported|many fear|some say)\b",
    re.IGNORECASE,
)


class RuleBaseline(ClassifierMixin, BaseEstimator):
    """Cue lexicon plus anonymity phrases: what a careful regex would do."""

    def fit(self, X: Sequence[str], y: Sequence[str] | None = None) -> RuleBaseline:
        self.classes_ = np.array(["anonymous", "on_record", "reporter"])
        return self

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return np.array([self._one(text) for text in X])

    @staticmethod
    def _one(text: str) -> str:
        low = text.lower()
        if any(p in low for p in ANONYMITY_PHRASES) or any(p in low for p in WEASEL_PHRASES):
            return "anonymous"
        cues = find_cues(text)
        if not cues:
            return "reporter"
        start = cues[0][0]
        window = text[max(0, start - 60) : start]
        if _UNNAMED.search(window) or _UNNAMED.search(text[cues[0][1] : cues[0][1] + 40]):
            return "anonymous"
        return "on_record"


def tfidf_baseline(C: float = 4.0) -> ClassifierMixin:
    """Word 1-2-gram TF-IDF with a logistic regression, on the sentence alone."""
    return make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True),
        LogisticRegression(C=C, max_iter=3000),
    )
