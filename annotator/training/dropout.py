"""Dropout for training on CPUs, with its masks drawn from NumPy's SFC64 generator.

torch draws a CPU dropout mask with one Mersenne Twister number per element
(``bernoulli_``): in a profile of the default recipe's training steps (AMD EPYC, 2 threads)
that was 30% of the time, more than the encoder's matrix products outside attention.
Here one 64-bit draw gives four 16-bit uniforms, and the mask costs about a quarter as
much. The probabilities are the recipe's, rounded to 1/65536; the masks come from a
generator seeded with the run's seed, so the same seed and threads still give the same
weights. Inference never drops anything and is untouched.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import torch
from torch import nn

from annotator.errors import ConfigError

ATTENTION = "annotator_training"
"""The attention implementation the encoder trains with: eager attention (matrix product,
mask, softmax) whose dropout is the attention module's own, :class:`FastDropout`."""

_LEVELS = 1 << 16


class MaskSource:
    """Seeded dropout masks: each 64-bit draw of SFC64 gives four uniform 16-bit integers,
    and an element is kept when its integer is at least ``p`` of the way up the range."""

    def __init__(self, seed: int) -> None:
        self._bits = np.random.SFC64(seed)

    def keep(self, shape: torch.Size, p: float) -> torch.Tensor:
        """A boolean mask of ``shape``, each element False with probability ``p`` (to 1/65536)."""
        dropped = round(p * _LEVELS)
        if dropped >= _LEVELS:  # the threshold would not fit in 16 bits
            return torch.zeros(shape, dtype=torch.bool)
        n = math.prod(shape)
        draws = self._bits.random_raw((n + 3) // 4)
        uniform = torch.from_numpy(draws.view(np.int16)[:n]).view(shape)  # -32768 ... 32767
        return uniform >= dropped - _LEVELS // 2


class FastDropout(nn.Module):
    """``nn.Dropout`` (inverted: kept elements scaled by 1 / (1 - p)) with masks from a
    shared :class:`MaskSource`; the identity in eval mode."""

    def __init__(self, p: float, source: MaskSource) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"dropout probability must be between 0 and 1, got {p}")
        self.p = p
        self.source = source

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        dropped = round(self.p * _LEVELS)  # of the mask's 65,536 levels
        if not self.training or dropped == 0:
            return x
        if dropped == _LEVELS:
            return x * 0.0  # as torch: zeros that still carry a (zero) gradient to x
        return torch.where(self.source.keep(x.shape, self.p), x * (1.0 / (1.0 - self.p)), 0.0)

    def extra_repr(self) -> str:
        return f"p={self.p}"


def _attention(
    module: nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    scaling: float | None = None,
    dropout: float = 0.0,
    **kwargs: Any,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Eager attention as transformers computes it, the probabilities dropped by the
    module's own dropout (the SDPA kernel on CPU draws them with ``bernoulli_``)."""
    scaling = query.size(-1) ** -0.5 if scaling is None else scaling
    weights = torch.matmul(query, key.transpose(2, 3)) * scaling
    if attention_mask is not None:
        if attention_mask.dtype == torch.bool:  # True: attend
            weights = weights.masked_fill(~attention_mask, torch.finfo(weights.dtype).min)
        else:  # additive
            weights = weights + attention_mask
    weights = torch.softmax(weights, dim=-1)
    if dropout > 0.0:
        weights = module.dropout(weights)
    out = torch.matmul(weights, value).transpose(1, 2).contiguous()
    return out, weights


def _register() -> None:
    from transformers import AttentionInterface
    from transformers.masking_utils import ALL_MASK_ATTENTION_FUNCTIONS, AttentionMaskInterface

    AttentionInterface.register(ATTENTION, _attention)
    AttentionMaskInterface.register(ATTENTION, ALL_MASK_ATTENTION_FUNCTIONS["sdpa"])  # boolean masks


@contextlib.contextmanager
def fast_dropout(network: nn.Module, source: MaskSource) -> Iterator[None]:
    """Within the block, every ``nn.Dropout`` of ``network`` (the encoder's, the adapters',
    the heads') is a :class:`FastDropout` drawing from ``source``, and the encoder attends
    with :data:`ATTENTION`; both are put back after, however the block ends."""
    from transformers import PreTrainedModel

    _register()
    with contextlib.ExitStack() as restore:
        for parent in list(network.modules()):
            for name, child in list(parent.named_children()):
                if type(child) is nn.Dropout:
                    setattr(parent, name, FastDropout(child.p, source).train(child.training))
                    restore.callback(_put_back, parent, name, child)
        for encoder in [m for m in network.modules() if isinstance(m, PreTrainedModel)]:
            restore.callback(encoder.set_attn_implementation, encoder.config._attn_implementation)
            encoder.set_attn_implementation(ATTENTION)
            if encoder.config._attn_implementation != ATTENTION:  # transformers only warns
                raise ConfigError(
                    f"{type(encoder).__name__} cannot attend with a custom implementation, so its"
                    ' attention dropout would stay torch\'s; set train.dropout_masks = "torch"'
                )
        yield


def _put_back(parent: nn.Module, name: str, dropout: nn.Module) -> None:
    """Return ``dropout`` to its place, in the train or eval mode its stand-in is in now."""
    setattr(parent, name, dropout.train(getattr(parent, name).training))
