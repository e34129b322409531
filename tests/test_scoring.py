"""The calibrated scorer: calibration helps, the score moves the right way, persistence is exact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotator.scoring import Evidence, SourcingScorer, evidence_matrix, make_evidence
from annotator.sourcing.cues import cue_stance
from annotator.sourcing.sources import SourceType
from annotator.training.metrics import brier, ece


def synthetic(n: int, seed: int) -> tuple[list[Evidence], np.ndarray, np.ndarray]:
    """Evidence whose raw tagger estimate is over-confident; truth depends on source type too."""
    rng = np.random.default_rng(seed)
    evidence, y, raw = [], [], []
    for _ in range(n):
        named = rng.uniform() < 0.5
        reason = rng.uniform() < 0.3
        true_p = 0.85 if named else (0.55 if reason else 0.15)
        label = int(rng.uniform() < true_p)
        raw_p = float(np.clip(0.5 + 2.0 * (true_p - 0.5) + rng.normal(0, 0.05), 0.01, 0.99))
        probs = (0.1, 0.8, 0.1) if named else (0.8, 0.1, 0.1)
        evidence.append(
            Evidence(probs, raw_p, "named_person" if named else "unnamed", reason, 1, named, "neutral")
        )
        y.append(label)
        raw.append(raw_p)
    return evidence, np.array(y), np.array(raw)


def test_fitting_improves_brier_and_ece_over_raw() -> None:
    train_ev, train_y, _ = synthetic(2000, 0)
    test_ev, test_y, test_raw = synthetic(2000, 1)
    scorer = SourcingScorer().fit(train_ev, train_y)
    scores = scorer.score_evidence(test_ev)
    assert brier(test_y, scores) < brier(test_y, test_raw)
    assert ece(test_y, scores) < ece(test_y, test_raw)
    assert ece(test_y, scores) < 0.05


def test_score_is_monotone_in_the_tagger_estimate_and_the_reason() -> None:
    ev, y, _ = synthetic(2000, 2)
    scorer = SourcingScorer().fit(ev, y)
    base = Evidence((0.8, 0.1, 0.1), 0.3, "unnamed", False, 1, False, "neutral")
    grid = [
        Evidence(base.probabilities, w, "unnamed", False, 1, False, "neutral")
        for w in np.linspace(0.05, 0.95, 10)
    ]
    scores = scorer.score_evidence(grid)
    assert np.all(np.diff(scores) > 0)
    with_reason = Evidence(base.probabilities, 0.3, "unnamed", True, 1, False, "neutral")
    assert scorer.score_evidence([with_reason])[0] > scorer.score_evidence([base])[0]


def test_relabelling_classes_mirrors_the_score() -> None:
    ev, y, _ = synthetic(1000, 3)
    p = SourcingScorer().fit(ev, y).score_evidence(ev)
    q = SourcingScorer().fit(ev, 1 - y).score_evidence(ev)
    assert np.allclose(p, 1 - q, atol=1e-3)


def test_save_load_roundtrip_is_exact(tmp_path: Path) -> None:
    ev, y, _ = synthetic(500, 4)
    scorer = SourcingScorer(C=0.5).fit(ev, y)
    directory = tmp_path / "new" / "model"  # made if missing, as for the model's own files
    scorer.save(directory)
    loaded = SourcingScorer.load(directory)
    assert loaded.C == 0.5
    assert np.array_equal(scorer.predict_proba(ev), loaded.predict_proba(ev))
    assert "sklearn_version" in (directory / "scorer.json").read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "has no scorer.json"),
        ("{not json", "is unreadable"),
        ('{"feature_names": ["p_anonymous"], "params": {}}', "other features"),
        ("[]", "is not a JSON object"),
    ],
)
def test_load_names_a_missing_corrupt_or_outdated_scorer(
    tmp_path: Path, content: str | None, message: str
) -> None:
    from annotator.errors import ModelNotFoundError

    if content is not None:
        (tmp_path / "scorer.json").write_text(content)
    with pytest.raises(ModelNotFoundError, match=message):
        SourcingScorer.load(tmp_path)


def test_unfitted_scorer_refuses() -> None:
    from annotator.errors import NotFittedError

    with pytest.raises(NotFittedError, match="not fitted"):
        SourcingScorer().predict_proba(evidence_matrix([Evidence((0.3, 0.3, 0.4), 0.5)]))


def test_evidence_from_sentence() -> None:
    ev = make_evidence(
        "“We will act,” Campbell said.",
        (0.1, 0.8, 0.1),
        0.9,
        "Kurt Campbell",
        SourceType.NAMED_PERSON,
        "said",
        False,
    )
    assert ev.direct_quote and ev.stance == "neutral" and ev.n_sources == 1
    ev = make_evidence(
        "Two officials claimed it.",
        (0.8, 0.1, 0.1),
        0.2,
        "Two officials",
        SourceType.UNNAMED,
        "claimed",
        False,
    )
    assert ev.n_sources == 2 and ev.stance == "doubt" and not ev.direct_quote
    assert cue_stance(None) == "none" and cue_stance("declined to comment") == "refusal"


def test_calib_weights_give_the_wikinews_sentences_their_share() -> None:
    from annotator.training.train import calib_weights

    assert calib_weights(300, 100, None) is None
    weights = calib_weights(300, 100, 0.5)
    assert weights is not None and len(weights) == 400
    assert sum(weights[300:]) == pytest.approx(sum(weights[:300]))
    weights = calib_weights(300, 100, 0.7)
    assert sum(weights[300:]) / sum(weights) == pytest.approx(0.7)


def test_sample_weights_change_the_fit() -> None:
    rng = np.random.default_rng(1)
    evidence = [Evidence(tuple(rng.dirichlet([1, 1, 1])), float(rng.uniform())) for _ in range(200)]
    y = [int(rng.uniform() < e.well_sourced) for e in evidence]
    plain = SourcingScorer().fit(evidence, y)
    weighted = SourcingScorer().fit(evidence, y, [1.0] * 100 + [5.0] * 100)
    assert not np.allclose(plain.coef_, weighted.coef_)
    same = SourcingScorer().fit(evidence, y, [1.0] * 200)
    np.testing.assert_allclose(plain.coef_, same.coef_, rtol=1e-6)
