"""Match gold sentences to the pipeline's sentences by character overlap.

Evaluation and calibration run the whole pipeline (segmentation included) and
judge it on the gold sentences, so segmentation errors count against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotator.types import AnnotatedSentence


def align(
    gold: Sequence[dict[str, Any]], predicted: Sequence[AnnotatedSentence]
) -> list[AnnotatedSentence | None]:
    """For each gold sentence, the predicted sentence overlapping it most (or None)."""
    out: list[AnnotatedSentence | None] = []
    j = 0
    for g in gold:
        gs, ge = g["start"], g["end"]
        while j < len(predicted) and predicted[j].end <= gs:
            j += 1
        best, best_overlap = None, 0
        k = j
        while k < len(predicted) and predicted[k].start < ge:
            overlap = min(ge, predicted[k].end) - max(gs, predicted[k].start)
            if overlap > best_overlap:
                best, best_overlap = predicted[k], overlap
            k += 1
        out.append(best)
    return out
