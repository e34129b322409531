"""Model soups: weight averaging, the greedy recipe, and souping separately trained runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from annotator.config import Config
from annotator.errors import ConfigError, SoupError
from annotator.modeldir import CONFIG_FILE, TRAINING_FILE
from annotator.training.soup import average_weights, greedy_soup
from annotator.training.train import soup_dirs, train


def _state(value: float) -> dict[str, torch.Tensor]:
    return {"w": torch.full((2, 3), value), "ids": torch.arange(4)}


def test_average_is_the_elementwise_mean_and_keeps_integer_buffers() -> None:
    avg = average_weights([_state(1.0), _state(2.0), _state(6.0)])
    assert torch.equal(avg["w"], torch.full((2, 3), 3.0))
    assert torch.equal(avg["ids"], torch.arange(4)) and avg["ids"].dtype == torch.int64


@pytest.mark.parametrize(
    "other, message",
    [({"w": torch.zeros(2, 3)}, "other layers"), ({"w": torch.zeros(3, 2), "ids": torch.arange(4)}, "shape")],
)
def test_average_refuses_other_architectures(other: dict[str, torch.Tensor], message: str) -> None:
    with pytest.raises(SoupError, match=message):
        average_weights([_state(1.0), other])
    with pytest.raises(SoupError, match="no models"):
        average_weights([])


def test_greedy_soup_adds_runs_best_first_and_drops_one_that_hurts() -> None:
    states = [_state(1.0), _state(3.0), _state(100.0)]
    scores = [0.8, 0.9, 0.5]

    def evaluate(state: dict[str, torch.Tensor]) -> float:  # best near 2, worse far from it
        return 1.0 - abs(float(state["w"][0, 0]) - 2.0) / 100

    soup = greedy_soup(states, scores, evaluate)
    assert soup.members == (1, 0)  # best run first, the run scored 100.0 left out
    assert torch.equal(soup.state["w"], torch.full((2, 3), 2.0))
    assert soup.score == evaluate(soup.state)
    assert [m for m, _ in soup.tried] == [(1,), (1, 0), (1, 0, 2)]
    with pytest.raises(SoupError, match="scores"):
        greedy_soup(states, scores[:2], evaluate)


def test_run_seeds_config() -> None:
    config = Config.from_dict({"train": {"run_seeds": [4, 3]}})
    assert config.train.run_seeds == (3, 4)  # in seed order, however listed
    with pytest.raises(ConfigError, match="repeats"):
        Config.from_dict({"train": {"run_seeds": [3, 3]}})
    for bad in ("13", [-1], [2**32], [1.5], [True]):
        with pytest.raises(ConfigError, match="list of integers"):
            Config.from_dict({"train": {"run_seeds": bad}})


def test_scoring_mixtures_leaves_the_runs_weights_alone(tiny_model_dir: Path, small_corpus: Path) -> None:
    """The soup is the mean of the runs it keeps, even when the first run is the best
    and is the model that candidate mixtures are scored in."""
    from annotator.context import context_settings
    from annotator.corpora.bundled import load_split
    from annotator.model import SourcingModel
    from annotator.training.train import build_examples, soup_runs

    models = [SourcingModel.load(tiny_model_dir) for _ in range(2)]
    torch.manual_seed(5)
    with torch.no_grad():
        for p in models[1].network.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    before = [{k: v.clone() for k, v in m.network.state_dict().items()} for m in models]
    dev = build_examples(load_split(small_corpus, "dev")[:1], context_settings(Config()))
    model, soup = soup_runs(models, [1.0, 0.0], dev)  # run 0 first, as the best
    assert [m for m, _ in soup.tried] == [(0,), (0, 1)]
    assert model is models[0]
    expected = average_weights([before[i] for i in sorted(soup.members)])
    assert all(torch.equal(model.network.state_dict()[k], expected[k]) for k in expected)
    assert all(torch.equal(models[1].network.state_dict()[k], before[1][k]) for k in before[1])


def test_runs_trained_apart_soup_into_the_model_one_training_makes(
    tiny_train_config: Config, tmp_path: Path
) -> None:
    """One `make train` with run_seeds [1, 2] and two single-seed runs souped by
    soup_dirs give the same bits, scorer and soup record."""
    config = tiny_train_config.replace(train={"max_train_sentences": 48, "run_seeds": (1, 2)})
    together = train(config, tmp_path / "together")
    assert [r["seed"] for r in together["runs"]] == [1, 2] and "history" not in together
    singles = []
    for seed in (2, 1):  # listed out of order on purpose
        singles.append(tmp_path / f"seed{seed}")
        meta = train(config.replace(train={"run_seeds": (seed,)}), singles[-1])
        assert meta["run_seeds"] == [seed] and len(meta["history"]) == 1
    apart = soup_dirs(singles, tmp_path / "apart")
    assert apart["soup"] == together["soup"] and apart["run_seeds"] == [1, 2]
    assert [r["model"] for r in apart["runs"]] == [str(singles[1]), str(singles[0])]
    for name in ("network.safetensors", "scorer.json", CONFIG_FILE):
        assert (tmp_path / "apart" / name).read_bytes() == (tmp_path / "together" / name).read_bytes(), name
    # the soup is the mean of its runs' own weights (scoring mixtures must not change them)
    runs = {seed: load_file(str(d / "network.safetensors")) for seed, d in zip((2, 1), singles, strict=True)}
    expected = average_weights([runs[seed] for seed in sorted(together["soup"]["seeds"])])
    souped = load_file(str(tmp_path / "together" / "network.safetensors"))
    assert all(torch.equal(souped[k], expected[k]) for k in expected)
    # a single run differs from the soup, so the test can tell them apart
    assert (singles[1] / "network.safetensors").read_bytes() != (
        tmp_path / "apart" / "network.safetensors"
    ).read_bytes()


def test_soup_dirs_refuses_models_that_are_not_runs_of_one_recipe(
    tiny_train_config: Config, tmp_path: Path
) -> None:
    config = tiny_train_config.replace(train={"max_train_sentences": 24})
    a, b, c, d = (tmp_path / x for x in "abcd")
    train(config.replace(train={"run_seeds": (1,)}), a)
    train(config.replace(train={"run_seeds": (1,)}), b)
    train(config.replace(train={"run_seeds": (2,)}), d)
    train(config.replace(train={"run_seeds": (2,), "learning_rate": 5e-4}), c)
    with pytest.raises(SoupError, match="share run seeds"):
        soup_dirs([a, b], tmp_path / "out")
    with pytest.raises(SoupError, match=r"train\.learning_rate = 0\.0005"):
        soup_dirs([a, c], tmp_path / "out")
    with pytest.raises(SoupError, match="at least two"):
        soup_dirs([a], tmp_path / "out")
    with pytest.raises(SoupError, match="not a trained model directory"):
        soup_dirs([a, tmp_path], tmp_path / "out")
    with pytest.raises(SoupError, match="without PolNeAR"):
        soup_dirs([a, d], tmp_path / "out", polnear_dir=tmp_path)
    with pytest.raises(SoupError, match="no bundled corpus at"):
        soup_dirs([a, d], tmp_path / "out", corpus_dir=tmp_path / "nowhere")

    def variant(source: Path, name: str, **changes: object) -> Path:
        target = tmp_path / name
        shutil.copytree(source, target)
        meta = json.loads((target / TRAINING_FILE).read_text())
        (target / TRAINING_FILE).write_text(json.dumps({**meta, **changes}))
        return target

    with pytest.raises(SoupError, match="already a soup of seeds"):
        soup_dirs([a, variant(d, "soup", run_seeds=[2, 3])], tmp_path / "out")
    polnear = {"bundled": {}, "polnear_train_silver": {"sha256": "0"}}
    with pytest.raises(SoupError, match="other corpora"):
        soup_dirs([a, variant(d, "d_polnear", corpora=polnear)], tmp_path / "out")
    with pytest.raises(SoupError, match="trained with PolNeAR: give its path"):
        soup_dirs([variant(a, "a_polnear", corpora=polnear), tmp_path / "d_polnear"], tmp_path / "out")
    with pytest.raises(SoupError, match="unreadable"):
        (variant(d, "broken") / TRAINING_FILE).write_text("{")
        soup_dirs([a, tmp_path / "broken"], tmp_path / "out")
    assert not (tmp_path / "out").exists()
    # a model from before run_seeds is one run with train.seed
    old = variant(a, "old")
    meta = json.loads((old / TRAINING_FILE).read_text())
    del meta["run_seeds"]
    (old / TRAINING_FILE).write_text(json.dumps(meta))
    saved = json.loads((old / CONFIG_FILE).read_text())
    del saved["train"]["run_seeds"]
    (old / CONFIG_FILE).write_text(json.dumps({**saved, "train": {**saved["train"], "seed": 7}}))
    with pytest.raises(SoupError, match=r"train\.seed = 7"):  # the start weights differ
        soup_dirs([a, old], tmp_path / "out")
    (old / CONFIG_FILE).write_text(json.dumps(saved))
    assert soup_dirs([old, d], tmp_path / "old_soup")["run_seeds"] == [2, 13]
    meta = json.loads((d / TRAINING_FILE).read_text())
    (d / TRAINING_FILE).write_text(json.dumps({**meta, "data_hashes": {"train": "x"}}))
    with pytest.raises(SoupError, match="other bundled data"):
        soup_dirs([a, d], tmp_path / "out")
