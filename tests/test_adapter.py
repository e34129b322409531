"""The adapter model: trained parts only, merged into the base at load, checked against it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch

from annotator import adapter, modeldir
from annotator.cli import main
from annotator.config import Config
from annotator.encoding import INPUT_NAMES, SentenceInput
from annotator.errors import ConfigError, ModelNotFoundError
from annotator.info import model_info
from annotator.model import SourcingModel
from annotator.pipeline import Annotator
from annotator.training.ship import MAX_BYTES, ShipError, ship
from annotator.training.train import train


@pytest.fixture(scope="module")
def lora_config(tiny_train_config: Config) -> Config:
    return tiny_train_config.replace(
        model={"adapter": "lora", "lora_rank": 4}, train={"max_train_sentences": 48}
    )


@pytest.fixture(scope="module")
def lora_dir(lora_config: Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lora") / "model"
    train(lora_config, out, name="tiny-lora")
    return out


def test_an_adapter_model_saves_only_what_was_trained(lora_dir: Path, tiny_base: Path) -> None:
    assert (lora_dir / modeldir.ADAPTER_FILE).is_file()
    assert not (lora_dir / modeldir.WEIGHTS_FILE).exists() and not (lora_dir / "tokenizer.json").exists()
    model = SourcingModel.load(lora_dir)
    assert model.adapter is not None
    assert model.adapter.base_sha256 == adapter.base_hash(str(tiny_base))
    parts = model.adapter.parts
    assert all(t.dtype == torch.float16 for t in parts.values())
    assert any(k.endswith(".lora_A") for k in parts) and "label_head.weight" in parts
    assert not any("word_embeddings" in k for k in parts)  # the frozen base is not saved
    article = Annotator(lora_dir).annotate("The mayor said the bridge would reopen. It rained.")
    assert article.model["adapter"] is True and article.model["shipped"] is False


def test_same_seed_same_adapter_bits(lora_config: Config, lora_dir: Path, tmp_path: Path) -> None:
    train(lora_config, tmp_path / "again", name="tiny-lora")
    assert (tmp_path / "again" / modeldir.ADAPTER_FILE).read_bytes() == (
        lora_dir / modeldir.ADAPTER_FILE
    ).read_bytes()
    assert (tmp_path / "again" / modeldir.SCORER_FILE).read_bytes() == (
        lora_dir / modeldir.SCORER_FILE
    ).read_bytes()


@pytest.mark.parametrize("frozen", [0, 1])
def test_merged_network_computes_what_the_adapted_one_did(lora_config: Config, frozen: int) -> None:
    lora_config = lora_config.replace(model={"lora_frozen_layers": frozen})
    torch.manual_seed(0)
    base = lora_config.model.resolved_base_model()
    trained = SourcingModel.from_base(base, lora_config.model.max_length)
    adapter.add_lora(trained.network, lora_config.model)
    with torch.no_grad():  # as if trained: B starts at zero, which would hide a wrong merge
        for param in trained.network.parameters():
            if param.requires_grad:
                param.copy_((torch.randn_like(param) * 0.1).half().float())
    parts = adapter.trainable_state(trained.network)
    rebuilt = SourcingModel.from_adapter(parts, lora_config.model)
    trained.network.eval()
    batch = trained.collate(rebuilt.encode([_sentence()]))
    with torch.no_grad():
        want = trained.network(*(batch[k] for k in INPUT_NAMES))
        got = rebuilt.network(*(batch[k] for k in INPUT_NAMES))
    for w, g in zip(want, got, strict=True):
        assert torch.allclose(w, g, atol=1e-4), (w - g).abs().max()


def test_frozen_layers_get_no_adapter_and_keep_their_layernorms(lora_config: Config) -> None:
    """With ``lora_frozen_layers`` = 1 nothing in the embeddings or the first layer trains,
    so backpropagation ends above them; the layers after are adapted as before."""
    network = SourcingModel.from_base(
        lora_config.model.resolved_base_model(), lora_config.model.max_length
    ).network
    adapter.add_lora(network, lora_config.replace(model={"lora_frozen_layers": 1}).model)
    trained = [n for n, p in network.named_parameters() if p.requires_grad and n.startswith("encoder.")]
    assert trained and not any(".embeddings." in n or ".layer.0." in n for n in trained)
    assert any(".layer.1." in n and "lora_A" in n for n in trained)
    assert any(".layer.1." in n and "LayerNorm" in n for n in trained)
    with pytest.raises(ConfigError):
        adapter.add_lora(network, lora_config.replace(model={"lora_frozen_layers": 2}).model)


def _sentence() -> SentenceInput:
    return SentenceInput("Officials said the talks would resume.", "Before that", "after this")


def test_a_different_base_is_refused(lora_dir: Path, tiny_base: Path, tmp_path: Path) -> None:
    other = tmp_path / "base"
    shutil.copytree(tiny_base, other)
    weights = other / adapter.BASE_WEIGHTS
    data = bytearray(weights.read_bytes())
    data[-1] ^= 1
    weights.write_bytes(bytes(data))
    adapter.base_hash.cache_clear()
    config = modeldir.read_config(lora_dir).replace(model={"base_model": str(other)})
    modeldir.write_config(lora_dir.parent / "moved", config)
    for name in (modeldir.ADAPTER_FILE, modeldir.TAGGER_FILE, modeldir.SCORER_FILE):
        shutil.copyfile(lora_dir / name, lora_dir.parent / "moved" / name)
    with pytest.raises(ModelNotFoundError, match="not the one this adapter was trained on"):
        Annotator(lora_dir.parent / "moved")
    (other / adapter.BASE_WEIGHTS).unlink()
    adapter.base_hash.cache_clear()
    with pytest.raises(ModelNotFoundError, match="reinstall"):
        Annotator(lora_dir.parent / "moved")


def test_ship_copies_an_evaluated_adapter_model_and_refuses_others(
    lora_dir: Path, tiny_model_dir: Path, tmp_path: Path
) -> None:
    with pytest.raises(ShipError, match="make eval"):
        ship(lora_dir, tmp_path / "weights")
    evaluated = tmp_path / "evaluated"
    shutil.copytree(lora_dir, evaluated)
    (evaluated / modeldir.CARD_FILE).write_text("# card\n")
    modeldir.write_json(evaluated, modeldir.EVAL_FILE, {"splits": {}})
    size = ship(evaluated, tmp_path / "weights")
    assert 0 < size <= MAX_BYTES
    assert modeldir.read_config(tmp_path / "weights").inference.backend == "auto"  # each CPU picks
    assert Annotator(tmp_path / "weights").annotate("Police said two people were hurt.").sentences
    with pytest.raises(ShipError, match="lacks"):
        ship(tiny_model_dir, tmp_path / "weights")  # a full fine-tune
    meta = modeldir.read_training(evaluated)
    meta["corpora"]["polnear_train_silver"] = {"articles": 1}
    modeldir.write_training(evaluated, meta)
    with pytest.raises(ShipError, match="may not be redistributed"):
        ship(evaluated, tmp_path / "weights")


def test_info_names_model_data_licences_and_cpu(lora_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    info = model_info(lora_dir)
    assert info["adapter"] == "lora" and info["model"]["name"] == "tiny-lora"
    assert info["input"] == {"packing": "window", "max_length": 64}  # as lora_config trained it
    assert "Apache-2.0" in info["training_data"]["bundled"]["licence"]
    assert set(info["cpu"]) == {"model", "flags", "cores"}
    # the backend "auto" resolves to on this CPU, not the word "auto"
    auto = model_info(lora_dir, backend="auto")
    assert auto["model"]["backend"] == auto["backend"]["long_running"] != "auto"
    assert auto["backend"]["cli_on_files"] == "onnx-int8"
    assert main(["info", "--model", str(lora_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["base_model"] == info["base_model"]
    assert main(["info", "--model", str(lora_dir)]) == 0
    assert "licence Apache-2.0" in capsys.readouterr().out


def test_a_model_directory_holds_one_model(lora_dir: Path, tiny_model_dir: Path, tmp_path: Path) -> None:
    """Training an adapter into a directory that held a full model removes the full model's
    files (it would otherwise be loaded instead), and a directory with both is refused."""
    mixed = tmp_path / "mixed"
    shutil.copytree(tiny_model_dir, mixed)
    for name in (modeldir.ADAPTER_FILE, modeldir.TAGGER_FILE, modeldir.SCORER_FILE, modeldir.CONFIG_FILE):
        shutil.copyfile(lora_dir / name, mixed / name)
    with pytest.raises(ModelNotFoundError, match="holds both"):
        Annotator(mixed)
    SourcingModel.load(lora_dir).save(mixed)
    assert not (mixed / modeldir.WEIGHTS_FILE).exists() and not (mixed / "tokenizer.json").exists()
    assert Annotator(mixed).model.adapter is not None
