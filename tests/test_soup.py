"""Model soups: weight averaging, the greedy recipe, and souping separately trained runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from annotator.config import Config
from annotator.errors import ConfigError, SoupError
from annotator.pipeline import CONFIG_FILE, TRAINING_FILE
from annotator.soup import average_weights, greedy_soup
from annotator.train import soup_dirs, train


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
    config = Config.from_dict({"train": {"run_seeds": [3, 4]}})
    assert config.train.run_seeds == (3, 4)
    with pytest.raises(ConfigError, match="repeats"):
        Config.from_dict({"train": {"run_seeds": [3, 3]}})


def test_runs_trained_apart_soup_into_the_model_one_training_makes(
    tiny_train_config: Config, tmp_path: Path
) -> None:
    """One `make train` with run_seeds [1, 2] and two single-seed runs souped by
    soup_dirs give the same bits, scorer and soup record."""
    config = tiny_train_config.replace(train={"max_train_sentences": 48, "run_seeds": (1, 2)})
    together = train(config, tmp_path / "together")
    assert [r["seed"] for r in together["runs"]] == [1, 2] and "history" not in together
    assert together["soup"]["seeds"][0] in (1, 2)
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
    meta = json.loads((d / TRAINING_FILE).read_text())
    (d / TRAINING_FILE).write_text(json.dumps({**meta, "data_hashes": {"train": "x"}}))
    with pytest.raises(SoupError, match="other bundled data"):
        soup_dirs([a, d], tmp_path / "out")
    assert not (tmp_path / "out").exists()
