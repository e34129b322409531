"""The training dropout (annotator.training.dropout): its masks, its scaling, and that the
encoder computes the same function with it as without it when nothing is dropped."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from annotator.config import ModelConfig
from annotator.encoding import INPUT_NAMES, SentenceInput
from annotator.model import SourcingModel
from annotator.training.dropout import ATTENTION, FastDropout, MaskSource, fast_dropout


def test_masks_keep_the_share_asked_for_and_repeat_with_the_seed() -> None:
    shape = torch.Size((64, 12, 50, 50))
    for p in (0.05, 0.1, 0.5):
        keep = MaskSource(3).keep(shape, p)
        assert keep.shape == shape and keep.dtype == torch.bool
        assert abs(keep.float().mean().item() - (1 - p)) < 0.002, p
    assert torch.equal(MaskSource(3).keep(shape, 0.1), MaskSource(3).keep(shape, 0.1))
    assert not torch.equal(MaskSource(3).keep(shape, 0.1), MaskSource(4).keep(shape, 0.1))
    source = MaskSource(3)
    assert not torch.equal(source.keep(shape, 0.1), source.keep(shape, 0.1))  # a new mask each call
    odd = MaskSource(3).keep(torch.Size((3, 5, 7)), 0.1)  # not a multiple of four elements
    assert odd.shape == (3, 5, 7)


def test_fast_dropout_scales_what_it_keeps_and_passes_gradients_through_the_same_mask() -> None:
    x = torch.randn(40, 300, requires_grad=True)
    dropout = FastDropout(0.25, MaskSource(0))
    y = dropout(x)
    kept = y != 0
    assert 0.70 < kept.float().mean().item() < 0.80
    assert torch.allclose(y[kept], x[kept] / 0.75)
    y.sum().backward()
    assert torch.allclose(x.grad, kept.float() / 0.75)
    dropout.eval()
    assert dropout(x) is x
    assert FastDropout(0.0, MaskSource(0))(x) is x
    assert not FastDropout(1.0, MaskSource(0))(x).any()
    assert not MaskSource(0).keep(torch.Size((5, 4)), 0.999999).any()  # rounds to p = 1
    with pytest.raises(ValueError, match="between 0 and 1"):
        FastDropout(1.5, MaskSource(0))


def _network(tiny_base: Path) -> SourcingModel:
    """The tiny encoder with the heads and rank-4 LoRA adapters (every kind of dropout site)."""
    from annotator import adapter

    torch.manual_seed(0)
    model = SourcingModel.from_base(str(tiny_base), max_length=64)
    adapter.add_lora(model.network, ModelConfig(base_model=str(tiny_base), lora_rank=4, lora_dropout=0.05))
    return model


def _inputs(model: SourcingModel, *items: SentenceInput) -> list[torch.Tensor]:
    """The network's input tensors for ``items``, in ``INPUT_NAMES`` order."""
    batch = model.collate(model.encode(list(items)))
    return [batch[k] for k in INPUT_NAMES]


def test_inside_the_block_every_dropout_is_fast_and_the_encoder_is_unchanged_when_nothing_drops(
    tiny_base: Path,
) -> None:
    model = _network(tiny_base)
    network = model.network
    before = [type(m) for m in network.modules()]
    dropouts = sum(type(m) is nn.Dropout for m in network.modules())
    assert dropouts > 0
    # two inputs of different lengths: the shorter is padded, so the attention mask matters
    inputs = _inputs(
        model,
        SentenceInput("Officials said the talks would resume.", "", ""),
        SentenceInput("He left.", "", ""),
    )
    network.eval()
    with torch.no_grad():
        expected = network(*inputs)
    implementation = network.encoder.config._attn_implementation
    with fast_dropout(network, MaskSource(5)):
        assert not any(type(m) is nn.Dropout for m in network.modules())
        assert sum(isinstance(m, FastDropout) for m in network.modules()) == dropouts
        assert network.encoder.config._attn_implementation == ATTENTION
        with torch.no_grad():
            got = network(*inputs)
            network.train()
            first, second = network(*inputs), network(*inputs)
            network.eval()
    for e, g in zip(expected, got, strict=True):
        assert torch.allclose(e, g, atol=1e-5)
    assert not torch.allclose(first[0], second[0])  # dropout is on in training mode
    assert [type(m) for m in network.modules()] == before
    assert network.encoder.config._attn_implementation == implementation


def test_the_encoder_trains_on_the_same_distribution_of_outputs_as_with_torch_dropout(
    tiny_base: Path,
) -> None:
    """Many training-mode passes through the adapted encoder with torch's dropout and with
    the fast masks: the same mean and spread of every output (up to sampling noise). It
    catches a wrong rate or scale; a site left out altogether may hide in the noise, which
    the next two tests catch."""
    import contextlib

    model = _network(tiny_base)
    for name, param in model.network.named_parameters():
        if "lora_B" in name:  # zero at the start of training; here the adapters' dropout must show
            nn.init.normal_(param, std=0.5)
    one = _inputs(
        model,
        SentenceInput("Officials said the talks would resume.", "The strike began.", ""),
        SentenceInput("He left.", "", ""),
    )
    copies = 1000  # every row of a batch draws its own masks: one pass is this many samples
    inputs = [t.repeat(copies, *([1] * (t.dim() - 1))) for t in one]
    network = model.network

    def moments(fast: bool, seed: int, passes: int = 2) -> tuple[torch.Tensor, torch.Tensor]:
        torch.manual_seed(seed)
        with fast_dropout(network, MaskSource(seed)) if fast else contextlib.nullcontext(), torch.no_grad():
            network.train()
            samples = [
                torch.cat([o.reshape(copies, -1) for o in network(*inputs)], dim=1) for _ in range(passes)
            ]
        network.eval()
        outputs = torch.cat(samples)
        return outputs.mean(0), outputs.std(0)

    mean_torch, std_torch = moments(False, 1)
    mean_again, std_again = moments(False, 2)
    mean_fast, std_fast = moments(True, 3)
    noise = (mean_torch - mean_again).abs().mean()  # what two samples of torch's own dropout differ by
    assert (mean_fast - mean_torch).abs().mean() < 2 * noise
    spread = (std_again / std_torch).mean() - 1
    assert abs((std_fast / std_torch).mean() - 1) < max(3 * abs(spread), 0.02)


def test_every_dropout_site_draws_in_a_training_pass(tiny_base: Path) -> None:
    model = _network(tiny_base)
    network = model.network
    inputs = _inputs(model, SentenceInput("Officials said the talks would resume.", "", ""))
    sites = {name for name, m in network.named_modules() if type(m) is nn.Dropout}
    assert any(".attention.self." in name for name in sites) and any("lora_dropout" in name for name in sites)
    called: set[str] = set()
    with fast_dropout(network, MaskSource(0)):
        for name, m in network.named_modules():
            if isinstance(m, FastDropout):
                m.register_forward_hook(lambda m, i, o, name=name: called.add(name))
        network.train()
        network(*inputs)
        network.eval()
    assert called == sites


def test_attention_drops_its_probabilities_and_otherwise_is_transformers_eager_attention() -> None:
    from transformers.models.bert.modeling_bert import eager_attention_forward

    from annotator.training.dropout import _attention

    torch.manual_seed(0)
    query, key, value = (torch.randn(2, 3, 7, 8) for _ in range(3))
    attend = torch.ones(2, 1, 7, 7, dtype=torch.bool)
    attend[1, :, :, 5:] = False  # the second input's last two tokens are padding
    additive = torch.zeros(2, 1, 7, 7).masked_fill(~attend, torch.finfo(torch.float32).min)
    module = nn.Module()
    module.dropout = FastDropout(0.5, MaskSource(0))
    module.eval()
    expected, probabilities = eager_attention_forward(module, query, key, value, additive, scaling=0.3)
    got, got_probabilities = _attention(module, query, key, value, attend, scaling=0.3, dropout=0.5)
    assert torch.allclose(expected, got, atol=1e-6) and torch.allclose(probabilities, got_probabilities)
    assert not got_probabilities[1, :, :, 5:].any()
    module.train()
    _, dropped = _attention(module, query, key, value, attend, scaling=0.3, dropout=0.5)
    zeros = (dropped[0] == 0).float().mean().item()
    assert 0.35 < zeros < 0.65
    kept = dropped[0] != 0
    assert torch.allclose(dropped[0][kept], probabilities[0][kept] * 2)
