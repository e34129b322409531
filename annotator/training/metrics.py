"""Metrics shared by training (dev selection) and evaluation: one implementation each.

Label and score metrics are scikit-learn's; this module fixes their arguments (explicit
labels, ``zero_division=0``) and the answer on empty input. Its own code is only what
scikit-learn does not compute: the reliability table and ECE with equal-width bins, span
matching, and a bootstrap interval over whole articles.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

import numpy as np
from sklearn.metrics import brier_score_loss, confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.utils import check_consistent_length

from annotator.sourcing.runs import overlaps
from annotator.types import LABEL_NAMES


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _empty(gold: Sequence[object], pred: Sequence[object]) -> bool:
    """Both empty: scikit-learn raises there, these metrics give 0 (or nan for the Brier score)."""
    return len(gold) == 0 and len(pred) == 0


def prf(gold: Sequence[str], pred: Sequence[str], positive: str) -> tuple[float, float, float]:
    """Precision, recall and F1 of one class, 0 where undefined (sklearn's; 0s for no items, where it raises)."""
    if _empty(gold, pred):
        return 0.0, 0.0, 0.0
    p, r, f, _ = precision_recall_fscore_support(gold, pred, labels=[positive], average=None, zero_division=0)
    return float(p[0]), float(r[0]), float(f[0])


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABEL_NAMES) -> float:
    """Unweighted mean F1 over ``labels``; a label in neither gold nor pred counts as 0 (sklearn's)."""
    if _empty(gold, pred):
        return 0.0
    return float(f1_score(gold, pred, labels=list(labels), average="macro", zero_division=0))


def attributed_f1(gold: Sequence[str], pred: Sequence[str]) -> float:
    """F1 of attributed (anonymous or on_record) against reporter voice (and meta): ``prf`` of the two."""

    def attributed(labels: Sequence[str]) -> np.ndarray:
        return np.isin(np.asarray(labels, dtype=object), ["anonymous", "on_record"])

    return prf(attributed(gold), attributed(pred), True)[2]


def confusion(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str]) -> list[list[int]]:
    """Rows gold, columns predicted, in the order of ``labels``; pairs with a value outside them
    are left out (sklearn's; all zeros where no gold value is among them, where it raises)."""
    check_consistent_length(gold, pred)
    if not set(labels).intersection(gold):  # scikit-learn raises; every pair is left out
        return [[0] * len(labels) for _ in labels]
    return confusion_matrix(gold, pred, labels=list(labels)).tolist()


def brier(y: Sequence[int], p: Sequence[float]) -> float:
    """Mean squared difference between scores and 0/1 outcomes (sklearn's; nan for no items, where it raises)."""
    return float("nan") if _empty(y, p) else float(brier_score_loss(y, p))


def reliability(y: Sequence[int], p: Sequence[float], bins: int = 10) -> list[dict[str, float]]:
    """Per equal-width bin: count, mean score and observed rate.

    What it adds over sklearn's ``calibration_curve``: every bin is kept (that one drops
    empty bins, so its rows do not line up across models) and each row has its count.
    """
    y_arr, p_arr = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(p_arr, edges[1:-1], right=False), 0, bins - 1)
    rows = []
    for b in range(bins):
        mask = which == b
        n = int(mask.sum())
        rows.append(
            {
                "lo": float(edges[b]),
                "hi": float(edges[b + 1]),
                "n": n,
                "mean_score": float(p_arr[mask].mean()) if n else float("nan"),
                "observed": float(y_arr[mask].mean()) if n else float("nan"),
            }
        )
    return rows


def ece(y: Sequence[int], p: Sequence[float], bins: int = 10) -> float:
    """Expected calibration error with equal-width bins (sklearn has no ECE), nan for no items."""
    total = len(y)
    if not total:
        return float("nan")
    return float(
        sum(r["n"] / total * abs(r["mean_score"] - r["observed"]) for r in reliability(y, p, bins) if r["n"])
    )


def _matches(p: tuple[int, int], g: tuple[int, int], mode: str) -> bool:
    """Whether a predicted span matches a gold one: equal ("exact") or sharing a character ("overlap")."""
    return p == g if mode == "exact" else overlaps(p, g)


def span_f1(
    gold: Sequence[tuple[int, int] | None], pred: Sequence[tuple[int, int] | None]
) -> dict[str, float]:
    """Exact and overlap F1 of one span per item (None = no span); sklearn has no span metrics."""
    return span_f1_any([() if g is None else (g,) for g in gold], pred)


def span_f1_any(
    gold: Sequence[Sequence[tuple[int, int]]], pred: Sequence[tuple[int, int] | None]
) -> dict[str, float]:
    """Exact and overlap F1 of one predicted span per item against a set of gold spans.

    A prediction is right when it matches any of its item's gold spans (a
    sentence may cite several sources and the tool names one). A wrong
    prediction counts as a false positive and a false negative, a missing one
    as a false negative, one where there is no gold span as a false positive.
    """
    out = {}
    for mode in ("exact", "overlap"):
        tp = fp = fn = 0
        for spans, p in zip(gold, pred, strict=True):
            if not spans and p is None:
                continue
            if not spans:
                fp += 1
            elif p is None:
                fn += 1
            elif any(_matches(p, g, mode) for g in spans):
                tp += 1
            else:
                fp += 1
                fn += 1
        out[mode] = _f1(tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0)
    return out


def span_sets_f1(
    gold: Sequence[Collection[tuple[int, int]]], pred: Sequence[Collection[tuple[int, int]]]
) -> dict[str, float]:
    """Exact and overlap F1 of every predicted span against every gold span, item by item.

    Each span counts on its own, as in attribution-extraction papers: exact
    precision is the share of predicted spans equal to a gold span of their
    item; overlap precision the share overlapping one, and overlap recall the
    share of gold spans some prediction overlaps.
    """
    n_pred = sum(len(p) for p in pred)
    n_gold = sum(len(g) for g in gold)
    out = {}
    for mode in ("exact", "overlap"):
        hit_pred = hit_gold = 0
        for spans, predicted in zip(gold, pred, strict=True):
            hit_pred += sum(any(_matches(p, g, mode) for g in spans) for p in predicted)
            hit_gold += sum(any(_matches(p, g, mode) for p in predicted) for g in spans)
        out[mode] = _f1(hit_pred / n_pred if n_pred else 0.0, hit_gold / n_gold if n_gold else 0.0)
    return out


def bootstrap_ci(
    metric: Callable[[np.ndarray], float],
    groups: Sequence[int],
    n_boot: int = 1000,
    seed: int = 0,
    alpha: float = 0.05,
) -> tuple[float, float]:
    """Percentile interval of ``metric(indices)`` resampling whole articles (``groups``).

    sklearn has no bootstrap, and ``scipy.stats.bootstrap`` resamples items, not groups:
    sentences of one article are not independent, so they are drawn together.
    """
    if len(groups) == 0:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    groups_arr = np.asarray(groups)
    unique = np.unique(groups_arr)
    members = {g: np.flatnonzero(groups_arr == g) for g in unique}
    values = []
    for _ in range(n_boot):
        picked = rng.choice(unique, size=len(unique), replace=True)
        idx = np.concatenate([members[g] for g in picked])
        values.append(metric(idx))
    lo, hi = np.quantile(values, [alpha / 2, 1 - alpha / 2])
    return float(lo), float(hi)


def paired_difference_ci(
    gold: Sequence[str],
    before: Sequence[str],
    after: Sequence[str],
    groups: Sequence[int],
    metric: Callable[[Sequence[str], Sequence[str]], float] = macro_f1,
    n_boot: int = 1000,
) -> tuple[float, float]:
    """95% interval of ``metric(gold, after) - metric(gold, before)`` on the same sentences,
    resampling whole articles: whether two models' difference on one held-out split is more
    than which articles happen to be in it. Paired, so much narrower than the two models'
    own intervals."""
    check_consistent_length(gold, before, after, groups)
    g, b, a = (np.asarray(x, dtype=object) for x in (gold, before, after))
    return bootstrap_ci(lambda idx: metric(g[idx], a[idx]) - metric(g[idx], b[idx]), groups, n_boot)
