"""Typed config: the shipped file loads, mistakes are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.config import Config, TrainConfig
from annotator.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_default_file_matches_defaults() -> None:
    assert Config.load(ROOT / "configs" / "default.toml") == Config(
        corpus_dir="data/corpus", wikinews_dir="data/wikinews/corpus"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[train]\nepochz = 3\n", "unknown keys in \\[train\\]: epochz"),
        ("[model]\nmax_length = 4\n", "max_length"),
        ("[inference]\nbackend = 'gpu'\n", "backend"),
        ("[train\n", "invalid TOML"),
        ("colour = 1\n", "unknown config key"),
    ],
)
def test_bad_config_is_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=message):
        Config.load(path)


def test_replace_and_roundtrip() -> None:
    c = Config().replace(train={"epochs": 1})
    assert c.train.epochs == 1 and Config.from_dict(c.to_dict()) == c


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[train]\nepochs = "3"\n', "train.epochs must be an integer, got '3'"),
        ('[model]\ndropout = "x"\n', "model.dropout must be a number, got 'x'"),
        ("[train]\nbatch_size = 16.5\n", "train.batch_size must be an integer, got 16.5"),
        ("[inference]\nthreads = true\n", "inference.threads must be an integer, got True"),
        ("[train]\nlearning_rate = false\n", "train.learning_rate must be a number, got False"),
        (
            '[train]\nrun_seeds = ["13", "14"]\n',
            "train.run_seeds must be a list of integers, got ['13', '14']",
        ),
        ("[train]\nrun_seeds = 13\n", "train.run_seeds must be a list of integers, got 13"),
        ('[train]\npolnear_epochs = "2"\n', "train.polnear_epochs must be an integer (or left out), got '2'"),
        ("[model]\nbase_model = 3\n", "model.base_model must be a string, got 3"),
        ("corpus_dir = 3\n", "corpus_dir must be a string, got 3"),
        ("[model]\ncolour = 1\n", "unknown keys in [model]: colour"),
    ],
)
def test_wrong_type_names_the_key(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(content)
    with pytest.raises(ConfigError) as caught:
        Config.load(path)
    assert str(caught.value) == message


def test_dicts_and_constructors_are_checked_too() -> None:
    with pytest.raises(ConfigError, match=r"^train\.epochs must be an integer, got '3'$"):
        Config.from_dict({"train": {"epochs": "3"}})
    with pytest.raises(ConfigError, match=r"^train\.batch_size must be an integer, got 16\.5$"):
        Config().replace(train={"batch_size": 16.5})
    with pytest.raises(ConfigError, match=r"^unknown keys in \[train\]: epochz$"):
        Config().replace(train={"epochz": 3})
    with pytest.raises(ConfigError, match=r"^train\.run_seeds must be a list of integers, got \[1, True\]$"):
        TrainConfig(run_seeds=[1, True])
    with pytest.raises(ConfigError, match=r"^model must be a ModelConfig, got \{\}$"):
        Config(model={})


def test_integers_fit_float_fields_and_optional_fields_take_none(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text("[train]\nlearning_rate = 1\nwarmup_ratio = 0\n")
    assert Config.load(path).train.learning_rate == 1
    config = Config.from_dict({"train": {"polnear_epochs": None, "run_seeds": (2, 1)}, "corpus_dir": ROOT})
    assert config.train.polnear_epochs is None and config.train.run_seeds == (1, 2)
    assert config.corpus_dir == str(ROOT)


def test_a_model_config_without_packing_was_trained_one_sentence_per_input(tmp_path: Path) -> None:
    """Models saved before the window packing existed keep reading one sentence per input."""
    import json

    from annotator.modeldir import CONFIG_FILE, read_config

    data = Config().to_dict()
    del data["model"]["packing"]
    (tmp_path / CONFIG_FILE).write_text(json.dumps(data))
    assert read_config(tmp_path).model.packing == "sentence"
    data["model"]["packing"] = "window"
    (tmp_path / CONFIG_FILE).write_text(json.dumps(data))
    assert read_config(tmp_path).model.packing == "window"


def test_a_model_config_without_bundled_share_trained_on_all_bundled_articles(tmp_path: Path) -> None:
    """Models saved before train.bundled_share existed trained on the whole bundled train
    split, not on today's default half of it (a recipe comparison read them wrong)."""
    import json

    from annotator.modeldir import CONFIG_FILE, read_config

    data = Config().to_dict()
    del data["train"]["bundled_share"]
    (tmp_path / CONFIG_FILE).write_text(json.dumps(data))
    assert read_config(tmp_path).train.bundled_share == 1.0
    data["train"]["bundled_share"] = 0.5
    (tmp_path / CONFIG_FILE).write_text(json.dumps(data))
    assert read_config(tmp_path).train.bundled_share == 0.5
