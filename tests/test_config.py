"""Typed config: the shipped file loads, mistakes are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.config import Config
from annotator.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_default_file_matches_defaults() -> None:
    assert Config.load(ROOT / "configs" / "default.toml") == Config(corpus_dir="data/corpus")


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
