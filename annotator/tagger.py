"""What every backend shares: batched, length-sorted prediction and its output.

A backend (torch in ``annotator.model``, ONNX Runtime in ``annotator.ort``) only
says how to run one padded batch through the network (:class:`Runner`); turning
logits into probabilities and keeping the target sentence's tokens happens here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from annotator.encoding import Encoder, SentenceInput

Runner = Callable[[dict[str, np.ndarray]], tuple[np.ndarray, np.ndarray, np.ndarray]]
"""One padded batch -> (label logits, strength logit, tag logits), as float arrays."""


@dataclass(frozen=True)
class TaggerOutput:
    """The network's output for one sentence, before any span rule.

    ``tag_probs`` holds one row of BIO tag probabilities (``TAGS`` order) per token of the
    target sentence that covers text, and ``offsets`` each such token's ``(start, end)``
    in the sentence: what ``annotator.sourcing.decode`` turns into spans.
    """

    probabilities: tuple[float, float, float]
    well_sourced: float
    tag_probs: np.ndarray
    offsets: tuple[tuple[int, int], ...]
    read_to: int | None = None  # where reading stopped in a sentence too long to read whole


class Tagger(Protocol):
    """A loaded model on some backend, as the pipeline uses it."""

    backend: str
    encoder: Encoder

    def predict(self, items: Sequence[SentenceInput], batch_size: int = 32) -> list[TaggerOutput]: ...

    def threads(self, n: int) -> Any:
        """A context manager that runs predictions on ``n`` threads (0: leave as is)."""
        ...


def predict(
    encoder: Encoder, run: Runner, items: Sequence[SentenceInput], batch_size: int = 32
) -> list[TaggerOutput]:
    """Label probabilities, strength evidence and per-token tag probabilities with
    character offsets; batches are sorted by length so padding stays small."""
    if not items:
        return []
    features = encoder.encode(items)
    order = np.argsort([len(f["input_ids"]) for f in features], kind="stable")
    results: list[TaggerOutput | None] = [None] * len(items)
    for lo in range(0, len(order), batch_size):
        idx = order[lo : lo + batch_size]
        label_logits, strength_logit, tag_logits = run(encoder.pad([features[i] for i in idx]))
        probs = _softmax(label_logits)
        strength = 1.0 / (1.0 + np.exp(-strength_logit.astype(np.float64)))
        tag_probs = _softmax(tag_logits)
        for row, i in enumerate(idx):
            results[i] = _output(features[i], probs[row], strength[row], tag_probs[row], items[i].text)
    return results  # type: ignore[return-value]


def _softmax(logits: np.ndarray) -> np.ndarray:
    x = logits.astype(np.float32)
    x = np.exp(x - x.max(axis=-1, keepdims=True))
    return x / x.sum(axis=-1, keepdims=True)


def _output(
    feature: dict[str, Any], probs: np.ndarray, strength: float, tag_probs: np.ndarray, text: str
) -> TaggerOutput:
    """One sentence's output, keeping only the target tokens that cover text."""
    keep = [
        k
        for k, ((a, b), t) in enumerate(zip(feature["offsets"], feature["target"], strict=True))
        if t and b > a
    ]
    return TaggerOutput(
        tuple(float(p) for p in probs),
        float(strength),
        tag_probs[keep],
        tuple(feature["offsets"][k] for k in keep),
        _read_to(feature, text) if feature["cut"] else None,
    )


def _read_to(feature: dict[str, Any], text: str) -> int | None:
    """Where reading stopped in a cut sentence, or None if its last word was read after all."""
    read = max((b for (_, b), t in zip(feature["offsets"], feature["target"], strict=True) if t), default=0)
    return read if text[read:].strip() else None
