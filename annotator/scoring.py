"""The sourcing score: a calibrated probability that a sentence's strength is >= 2.

``SourcingScorer`` is a scikit-learn-style estimator over the evidence the
pipeline gathers for each sentence (label probabilities, the tagger's own
strength estimate, source type, anonymity reason, number of sources, direct
quote, stance of the reporting verb). It is fitted on the calib split only, and
saved as JSON with its scikit-learn version, never as a pickle.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.linear_model import LogisticRegression
from sklearn.utils.validation import check_is_fitted

from annotator.cues import REPORTING_VERBS, SourceType, count_sources, find_cues

STANCES: tuple[str, ...] = ("neutral", "doubt", "strong", "belief", "refusal", "none")
SOURCE_TYPES: tuple[str, ...] = tuple(t.value for t in SourceType)
SCORER_FILE = "scorer.json"


@dataclass(frozen=True)
class Evidence:
    """What the score is computed from, for one body sentence."""

    probabilities: tuple[float, float, float]  # anonymous, on_record, reporter
    well_sourced: float  # the tagger's raw P(strength >= 2)
    source_type: str = SourceType.NONE.value  # of the resolved source
    has_reason: bool = False
    n_sources: int = 0
    direct_quote: bool = False
    stance: str = "none"


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


FEATURE_NAMES: tuple[str, ...] = (
    "logit_anonymous", "logit_on_record", "logit_reporter", "logit_well_sourced",
    *(f"source={t}" for t in SOURCE_TYPES),
    "has_reason", "log_n_sources", "direct_quote", "quote_x_on_record",
    *(f"stance={s}" for s in STANCES),
)  # fmt: skip


def evidence_matrix(evidence: Sequence[Evidence]) -> np.ndarray:
    """Feature matrix (n, len(FEATURE_NAMES)) used by both ``fit`` and ``predict_proba``."""
    rows = np.zeros((len(evidence), len(FEATURE_NAMES)), dtype=np.float64)
    for i, ev in enumerate(evidence):
        probs = np.asarray(ev.probabilities, dtype=np.float64)
        rows[i, 0:3] = _logit(probs)
        rows[i, 3] = _logit(np.asarray(ev.well_sourced))
        offset = 4
        if ev.source_type in SOURCE_TYPES:
            rows[i, offset + SOURCE_TYPES.index(ev.source_type)] = 1.0
        offset += len(SOURCE_TYPES)
        rows[i, offset] = float(ev.has_reason)
        rows[i, offset + 1] = np.log1p(max(ev.n_sources, 0))
        rows[i, offset + 2] = float(ev.direct_quote)
        rows[i, offset + 3] = float(ev.direct_quote) * probs[1]
        offset += 4
        stance = ev.stance if ev.stance in STANCES else "none"
        rows[i, offset + STANCES.index(stance)] = 1.0
    return rows


def _as_matrix(X: Sequence[Evidence] | np.ndarray) -> np.ndarray:
    if isinstance(X, np.ndarray):
        return X
    return evidence_matrix(list(X))


class SourcingScorer(ClassifierMixin, BaseEstimator):
    """Logistic calibrator from evidence to P(strength >= 2).

    Parameters
    ----------
    C : inverse regularisation strength of the logistic regression.
    """

    def __init__(self, C: float = 1.0) -> None:
        self.C = C

    def fit(self, X: Sequence[Evidence] | np.ndarray, y: Sequence[int]) -> SourcingScorer:
        """Fit on held-out (calib) sentences; ``y`` is 1 where strength >= 2."""
        matrix = _as_matrix(X)
        y = np.asarray(y, dtype=int)
        self.classes_ = np.array([0, 1])
        self.model_ = LogisticRegression(C=self.C, max_iter=2000)
        self.model_.fit(matrix, y)
        self.n_features_in_ = matrix.shape[1]
        return self

    def predict_proba(self, X: Sequence[Evidence] | np.ndarray) -> np.ndarray:
        check_is_fitted(self, "model_")
        return self.model_.predict_proba(_as_matrix(X))

    def predict(self, X: Sequence[Evidence] | np.ndarray) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def score_evidence(self, X: Sequence[Evidence]) -> np.ndarray:
        """The sourcing score of each sentence, in [0, 1]."""
        if len(X) == 0:
            return np.zeros(0)
        return self.predict_proba(X)[:, 1]

    # -- persistence (JSON, versioned) -------------------------------------------------
    def save(self, directory: str | Path) -> None:
        check_is_fitted(self, "model_")
        payload = {
            "format": "annotator-scorer/1",
            "sklearn_version": sklearn.__version__,
            "params": self.get_params(),
            "feature_names": list(FEATURE_NAMES),
            "coef": self.model_.coef_.tolist(),
            "intercept": self.model_.intercept_.tolist(),
        }
        (Path(directory) / SCORER_FILE).write_text(json.dumps(payload, indent=2))

    @classmethod
    def load(cls, directory: str | Path) -> SourcingScorer:
        payload = json.loads((Path(directory) / SCORER_FILE).read_text())
        if payload.get("feature_names") != list(FEATURE_NAMES):
            raise ValueError(f"{directory}: scorer was fitted on other features; retrain")
        scorer = cls(**payload["params"])
        model = LogisticRegression(C=scorer.C)
        model.coef_ = np.asarray(payload["coef"])
        model.intercept_ = np.asarray(payload["intercept"])
        model.classes_ = np.array([0, 1])
        model.n_features_in_ = len(FEATURE_NAMES)
        scorer.model_ = model
        scorer.classes_ = model.classes_
        scorer.n_features_in_ = len(FEATURE_NAMES)
        return scorer


_QUOTE_CHARS = re.compile(r"[“”\"«»„]")


def make_evidence(
    sentence: str,
    probabilities: tuple[float, float, float],
    well_sourced: float,
    resolved_source: str | None,
    resolved_type: SourceType,
    cue: str | None,
    has_reason: bool,
) -> Evidence:
    """Evidence for one sentence from its text, model output and resolved source."""
    return Evidence(
        probabilities=probabilities,
        well_sourced=well_sourced,
        source_type=resolved_type.value,
        has_reason=has_reason,
        n_sources=count_sources(resolved_source) if resolved_source else 0,
        direct_quote=bool(_QUOTE_CHARS.search(sentence)),
        stance=cue_stance(cue),
    )


def cue_stance(cue: str | None) -> str:
    """Stance of a reporting cue ("said" neutral, "claimed" doubt, ...), or "none"."""
    if not cue:
        return "none"
    low = " ".join(cue.lower().split())
    if low in REPORTING_VERBS:
        return REPORTING_VERBS[low]
    found = find_cues(low)
    return found[0][2] if found else "neutral"
