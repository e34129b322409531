"""The paired interval that recipe choices on the dev splits are read with."""

from __future__ import annotations

import numpy as np

from annotator.training.metrics import macro_f1, paired_difference_ci

LABELS = ("anonymous", "on_record", "reporter")


def _articles(n_articles: int = 40, per_article: int = 20, seed: int = 0) -> tuple[list[str], list[int]]:
    rng = np.random.default_rng(seed)
    gold = [LABELS[k] for k in rng.integers(0, 3, n_articles * per_article)]
    return gold, [k // per_article for k in range(len(gold))]


def _with_errors(gold: list[str], rate: float, seed: int) -> list[str]:
    rng = np.random.default_rng(seed)
    return [LABELS[(LABELS.index(g) + 1) % 3] if rng.random() < rate else g for g in gold]


def test_the_same_predictions_differ_by_exactly_zero() -> None:
    gold, groups = _articles()
    pred = _with_errors(gold, 0.2, 1)
    assert paired_difference_ci(gold, pred, pred, groups, n_boot=200) == (0.0, 0.0)


def test_a_clearly_better_model_has_an_interval_above_zero_and_a_worse_one_below() -> None:
    gold, groups = _articles()
    worse, better = _with_errors(gold, 0.3, 1), _with_errors(gold, 0.1, 2)
    lo, hi = paired_difference_ci(gold, worse, better, groups, n_boot=200)
    assert 0 < lo < macro_f1(gold, better) - macro_f1(gold, worse) < hi
    lo, hi = paired_difference_ci(gold, better, worse, groups, n_boot=200)
    assert lo < hi < 0


def test_two_equally_good_models_have_an_interval_around_zero() -> None:
    """Different errors at the same rate: the paired interval straddles zero."""
    gold, groups = _articles()
    lo, hi = paired_difference_ci(
        gold, _with_errors(gold, 0.15, 1), _with_errors(gold, 0.15, 2), groups, n_boot=200
    )
    assert lo < 0 < hi
