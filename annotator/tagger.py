"""What every backend shares: batched, length-sorted prediction and its output.

A backend (torch in ``annotator.model``, ONNX Runtime in ``annotator.ort``) only
says how to run one padded batch through the network (:class:`Runner`); turning
logits into probabilities and keeping the target sentence's tokens happens here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from annotator.encoding import Encoder, SentenceInput, Slot

BATCH_INVARIANT = frozenset({"torch-fp32", "torch-bf16", "onnx-fp32"})
"""Backends whose output for a sentence does not depend on what else is in its batch. The
int8 ones quantize activations dynamically, with one scale for the whole batch tensor, so
the other inputs of a batch moved a sentence's output: on Wikinews dev, onnx-int8 gave 10 of
760 sentences another label, and moved a score by up to 0.39, when the articles were run
together instead of one by one. They run each input (a window of one article's sentences)
as a batch of its own instead, so a sentence's output depends on its window alone."""

Runner = Callable[[dict[str, np.ndarray]], tuple[np.ndarray, np.ndarray, np.ndarray]]
"""One padded batch -> (label logits per slot, strength logit per slot, tag logits per
token), as float arrays."""
Mapper = Callable[
    [Runner, Sequence[dict[str, np.ndarray]]], Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]
]
"""How a backend runs a list of padded batches: ``map`` in order, or several at once."""


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
    encoder: Encoder,
    run: Runner,
    items: Sequence[SentenceInput],
    batch_size: int = 32,
    one_window: bool = False,
    run_all: Mapper = map,
) -> list[TaggerOutput]:
    """Label probabilities, strength evidence and per-token tag probabilities with
    character offsets. Features are sorted by length so padding stays small, and a batch
    holds at most ``batch_size`` sentences (a window holds several), or with ``one_window``
    (a backend not in ``BATCH_INVARIANT``) one input each. ``run_all`` runs the padded batches (in
    order, or several at a time on a backend that can)."""
    if not items:
        return []
    features = encoder.encode(items)
    order = np.argsort([len(f["input_ids"]) for f in features], kind="stable")
    results: list[TaggerOutput | None] = [None] * len(items)
    size = 1 if one_window else batch_size  # a window holds one sentence at least
    groups = [
        [features[order[k]] for k in idx] for idx in batches([len(features[i]["slots"]) for i in order], size)
    ]
    for rows, (label_logits, strength_logit, tag_logits) in zip(
        groups, run_all(run, [encoder.pad(rows) for rows in groups]), strict=True
    ):
        probs = _softmax(label_logits)
        strength = 1.0 / (1.0 + np.exp(-strength_logit.astype(np.float64)))
        tag_probs = _softmax(tag_logits)
        for row, feature in enumerate(rows):
            for k, slot in enumerate(feature["slots"]):
                results[slot.item] = _output(
                    feature, slot, probs[row, k], strength[row, k], tag_probs[row], items[slot.item].text
                )
    return results  # type: ignore[return-value]


def batches(sizes: Sequence[int], batch_size: int) -> list[list[int]]:
    """Consecutive groups of positions whose sizes sum to at most ``batch_size`` (one
    feature at least)."""
    groups: list[list[int]] = []
    total = 0
    for k, size in enumerate(sizes):
        if not groups or total + size > batch_size:
            groups.append([])
            total = 0
        groups[-1].append(k)
        total += size
    return groups


def _softmax(logits: np.ndarray) -> np.ndarray:
    x = logits.astype(np.float32)
    x = np.exp(x - x.max(axis=-1, keepdims=True))
    return x / x.sum(axis=-1, keepdims=True)


def _output(
    feature: dict[str, Any], slot: Slot, probs: np.ndarray, strength: float, tag_probs: np.ndarray, text: str
) -> TaggerOutput:
    """One sentence's output, keeping only its own tokens that cover text."""
    offsets, target = feature["offsets"], feature["target"]
    keep = [k for k in slot.tokens if target[k] and offsets[k][1] > offsets[k][0]]
    return TaggerOutput(
        tuple(float(p) for p in probs),
        float(strength),
        tag_probs[keep],
        tuple(offsets[k] for k in keep),
        _read_to(offsets, keep, text) if slot.cut else None,
    )


def _read_to(offsets: Sequence[tuple[int, int]], keep: Sequence[int], text: str) -> int | None:
    """Where reading stopped in a cut sentence, or None if its last word was read after all."""
    read = max((offsets[k][1] for k in keep), default=0)
    return read if text[read:].strip() else None
