"""Model soups: one model from the averaged weights of several fine-tuning runs.

Runs fine-tuned from the same starting weights, differing only in data order and
dropout, stay in one basin of the loss, so the average of their weights usually
scores better than any one of them and costs nothing at inference (Wortsman et al.
2022, "Model soups"). The greedy recipe adds runs best first and keeps each only if
the held-out selection score does not drop, so a soup never scores below its best
run on that score.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import torch

from annotator.errors import SoupError

logger = logging.getLogger(__name__)

State = Mapping[str, torch.Tensor]


def average_weights(states: Sequence[State]) -> dict[str, torch.Tensor]:
    """The element-wise mean of state dicts of one architecture.

    Integer buffers (position ids) are the same in every run and are taken from the first.
    """
    if not states:
        raise SoupError("no models to average")
    first = states[0]
    for k, state in enumerate(states[1:], start=2):
        if set(state) != set(first):
            raise SoupError(f"model {k} has other layers than model 1: only runs of one architecture average")
        for name, tensor in first.items():
            if state[name].shape != tensor.shape:
                raise SoupError(
                    f"model {k}'s {name} has shape {tuple(state[name].shape)}, model 1's "
                    f"{tuple(tensor.shape)}: only runs of one architecture average"
                )
    out: dict[str, torch.Tensor] = {}
    for name, tensor in first.items():
        if tensor.is_floating_point():
            out[name] = torch.stack([s[name].float() for s in states]).mean(0).to(tensor.dtype)
        else:
            out[name] = tensor.clone()
    return out


@dataclass(frozen=True)
class Soup:
    """A greedy soup: its weights, which runs went in (indices, in the order added),
    its selection score, and every mixture tried with its score."""

    state: dict[str, torch.Tensor]
    members: tuple[int, ...]
    score: float
    tried: tuple[tuple[tuple[int, ...], float], ...]


def greedy_soup(states: Sequence[State], scores: Sequence[float], evaluate: Callable[[State], float]) -> Soup:
    """Average runs best first, keeping each only if ``evaluate`` (higher is better)
    does not drop; ``scores`` are the runs' own selection scores."""
    if not states or len(states) != len(scores):
        raise SoupError(f"{len(states)} models but {len(scores)} scores")
    if any(math.isnan(s) for s in scores):
        raise SoupError("a run has no selection score: a soup needs a dev split or held-out sentences")
    order = sorted(range(len(states)), key=lambda i: -scores[i])
    members, best = [order[0]], scores[order[0]]
    tried = [((order[0],), best)]
    for i in order[1:]:
        score = evaluate(average_weights([states[j] for j in sorted([*members, i])]))
        tried.append(((*members, i), score))
        logger.info("soup of runs %s: selection %.4f (best so far %.4f)", [*members, i], score, best)
        if score >= best:
            members.append(i)
            best = score
    # averaged in the runs' own order, so the same runs give the same bits however they scored
    return Soup(average_weights([states[j] for j in sorted(members)]), tuple(members), best, tuple(tried))
