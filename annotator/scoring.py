"""The sourcing score: a calibrated probability that a sentence's strength is >= 2.

``SourcingScorer`` is a scikit-learn-style estimator over the evidence the
pipeline gathers for each sentence (label probabilities, the tagger's own
strength estimate, source type, anonymity reason, number of sources, direct
quote, stance of the reporting verb). It is fitted on the calib split only, and
saved as JSON with its scikit-learn version, never as a pickle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from annotator import modeldir
from annotator.errors import ModelNotFoundError, NotFittedError
from annotator.sourcing import quotes
from annotator.sourcing.cues import cue_stance
from annotator.sourcing.lexicon import STANCES as CUE_STANCES
from annotator.sourcing.sources import SourceType, count_sources

STANCES: tuple[str, ...] = (*CUE_STANCES, "none")  # "none": no cue in the sentence
SOURCE_TYPES: tuple[str, ...] = tuple(t.value for t in SourceType)


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


class SourcingScorer:
    """Logistic calibrator from evidence to P(strength >= 2).

    Follows scikit-learn's estimator conventions (parameters only in
    ``__init__``, ``fit`` returns self, fitted attributes end in ``_``,
    ``get_params``/``set_params``) and is fitted with its ``LogisticRegression``;
    scoring needs only the fitted coefficients, so inference never imports
    scikit-learn (a second of start-up).

    Parameters
    ----------
    C : inverse regularisation strength of the logistic regression.
    """

    def __init__(self, C: float = 1.0) -> None:
        self.C = C

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"C": self.C}

    def set_params(self, **params: Any) -> SourcingScorer:
        for key, value in params.items():
            if key not in self.get_params():
                raise ValueError(f"invalid parameter {key!r} for SourcingScorer")
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        return f"SourcingScorer(C={self.C!r})"

    def fit(
        self,
        X: Sequence[Evidence] | np.ndarray,
        y: Sequence[int],
        sample_weight: Sequence[float] | None = None,
    ) -> SourcingScorer:
        """Fit on held-out (calib) sentences; ``y`` is 1 where strength >= 2;
        ``sample_weight`` weighs each sentence (e.g. so each corpus counts alike)."""
        import sklearn
        from sklearn.linear_model import LogisticRegression

        matrix = _as_matrix(X)
        model = LogisticRegression(C=self.C, max_iter=2000).fit(
            matrix, np.asarray(y, dtype=int), sample_weight=sample_weight
        )
        self.coef_ = model.coef_[0].astype(np.float64)
        self.intercept_ = float(model.intercept_[0])
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = matrix.shape[1]
        self.sklearn_version_ = sklearn.__version__
        return self

    def decision_function(self, X: Sequence[Evidence] | np.ndarray) -> np.ndarray:
        if not hasattr(self, "coef_"):
            raise NotFittedError("this SourcingScorer is not fitted yet; call fit() or load()")
        return _as_matrix(X) @ self.coef_ + self.intercept_

    def predict_proba(self, X: Sequence[Evidence] | np.ndarray) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Sequence[Evidence] | np.ndarray) -> np.ndarray:
        return (self.predict_proba(X)[:, 1] >= 0.5).astype(int)

    def score_evidence(self, X: Sequence[Evidence]) -> np.ndarray:
        """The sourcing score of each sentence, in [0, 1]."""
        if len(X) == 0:
            return np.zeros(0)
        return self.predict_proba(X)[:, 1]

    # -- persistence (JSON, versioned) -------------------------------------------------
    def save(self, directory: str | Path) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError("cannot save an unfitted SourcingScorer")
        payload = {
            "format": "annotator-scorer/1",
            "sklearn_version": self.sklearn_version_,
            "params": self.get_params(),
            "feature_names": list(FEATURE_NAMES),
            "coef": [self.coef_.tolist()],
            "intercept": [self.intercept_],
        }
        modeldir.write_json(directory, modeldir.SCORER_FILE, payload)

    @classmethod
    def load(cls, directory: str | Path) -> SourcingScorer:
        """Load a scorer saved by :meth:`save`; a missing, corrupt or outdated file
        raises ``ModelNotFoundError``, as a tagger's does."""
        path = Path(directory) / modeldir.SCORER_FILE
        payload = modeldir.read_json(directory, modeldir.SCORER_FILE)
        try:
            if payload.get("feature_names") != list(FEATURE_NAMES):
                raise ValueError("it was fitted on other features")
            scorer = cls(**payload["params"])
            scorer.coef_ = np.asarray(payload["coef"][0], dtype=np.float64)
            scorer.intercept_ = float(payload["intercept"][0])
        except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError) as exc:
            raise ModelNotFoundError(f"{path} is invalid ({exc}); rerun `make train`") from None
        scorer.classes_ = np.array([0, 1])
        scorer.n_features_in_ = len(FEATURE_NAMES)
        scorer.sklearn_version_ = payload.get("sklearn_version", "unknown")
        return scorer


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
        direct_quote=quotes.has_mark(sentence),
        stance=cue_stance(cue),
    )
