"""The model directory: its file names, and reading and writing its JSON parts.

A trained model is one directory::

    network.safetensors    tagger weights (encoder and heads)       SourcingModel.save
    config.json, tokenizer encoder config and tokenizer              SourcingModel.save
 or adapter.safetensors    only the trained adapter, LayerNorms and heads (fp16), with
                           the base weights' hash; encoder config and tokenizer are the
                           base package's (annotator.adapter)
    tagger.json            what the heads mean (labels, BIO tags)   SourcingModel.save
    scorer.json            the fitted calibrator                    SourcingScorer.save
    annotator_config.json  the resolved config: encoder, input length and context,
                           inference settings (each setting stored here only)
    training.json          provenance: seed, data hashes, versions, history
    eval.json              test-split metrics, written by `make eval` (with MODEL_CARD.md)

Every module that reads or writes one of these files goes through this one, so a
file name or a missing-file message is written once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from annotator.config import SHIPPED_MODEL_DIR, Config
from annotator.errors import ConfigError, ModelNotFoundError
from annotator.hardware import cpu_info

WEIGHTS_FILE = "network.safetensors"
ADAPTER_FILE = "adapter.safetensors"
TAGGER_FILE = "tagger.json"
SCORER_FILE = "scorer.json"
CONFIG_FILE = "annotator_config.json"
TRAINING_FILE = "training.json"
EVAL_FILE = "eval.json"
CARD_FILE = "MODEL_CARD.md"
MODEL_ENV = "ANNOTATOR_MODEL"


def require(directory: str | Path) -> Path:
    """``directory`` as a path, or :class:`ModelNotFoundError` if it is no directory."""
    path = Path(directory)
    if not path.is_dir():
        raise ModelNotFoundError(
            f"no model at {path}; train one with `make train` (or set {MODEL_ENV} to a model directory)"
        )
    return path


def read_json(directory: str | Path, name: str) -> dict[str, Any]:
    """One JSON part; a missing or unreadable file raises :class:`ModelNotFoundError`."""
    path = Path(directory) / name
    if not path.is_file():
        raise ModelNotFoundError(f"{directory} has no {name}; rerun `make train`")
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelNotFoundError(f"{path} is unreadable ({exc}); rerun `make train`") from None
    if not isinstance(payload, dict):
        raise ModelNotFoundError(f"{path} is not a JSON object; rerun `make train`")
    return payload


def write_json(directory: str | Path, name: str, payload: dict[str, Any]) -> None:
    """Write one JSON part, creating the directory."""
    Path(directory).mkdir(parents=True, exist_ok=True)
    (Path(directory) / name).write_text(json.dumps(payload, indent=2), encoding="utf-8")


# What a model saved before a key existed was trained with, where today's default differs:
# one sentence per input before the window packing, all of the bundled train before
# train.bundled_share.
LEGACY_DEFAULTS = {"model": {"packing": "sentence"}, "train": {"bundled_share": 1.0}}


def read_config(directory: str | Path) -> Config:
    """The config a model was trained with (the defaults if the directory has none)."""
    if not (Path(directory) / CONFIG_FILE).is_file():
        return Config()
    data = read_json(directory, CONFIG_FILE)
    for section, defaults in LEGACY_DEFAULTS.items():
        if isinstance(data.get(section), dict):
            for key, value in defaults.items():
                data[section].setdefault(key, value)
    try:
        return Config.from_dict(data)
    except (ConfigError, ValueError, TypeError) as exc:
        raise ModelNotFoundError(
            f"{Path(directory) / CONFIG_FILE} is not a valid annotator config ({exc})"
        ) from None


def write_config(directory: str | Path, config: Config) -> None:
    write_json(directory, CONFIG_FILE, config.to_dict())


def read_training(directory: str | Path) -> dict[str, Any]:
    """The provenance record, or ``{}`` for a model directory without one."""
    return read_json(directory, TRAINING_FILE) if (Path(directory) / TRAINING_FILE).is_file() else {}


def write_training(directory: str | Path, meta: dict[str, Any]) -> None:
    write_json(directory, TRAINING_FILE, meta)


def check_tagger(directory: str | Path) -> Config:
    """The config of the trained tagger in ``directory``, after checking that it has
    weights (full or adapter) and heads that mean what this version's do."""
    from annotator.encoding import TAGS
    from annotator.types import LABEL_NAMES

    directory = Path(directory)
    if (directory / WEIGHTS_FILE).is_file() and (directory / ADAPTER_FILE).is_file():
        raise ModelNotFoundError(
            f"{directory} holds both a full model ({WEIGHTS_FILE}) and an adapter ({ADAPTER_FILE}); "
            "one of them is left from an earlier model: delete it, or retrain into an empty directory"
        )
    if not (directory / WEIGHTS_FILE).is_file() and not (directory / ADAPTER_FILE).is_file():
        raise ModelNotFoundError(
            f"no trained model in {directory} (neither {WEIGHTS_FILE} nor {ADAPTER_FILE}); "
            f"run `make train` or point {MODEL_ENV} at a model directory"
        )
    meta = read_json(directory, TAGGER_FILE)
    if tuple(meta.get("tags", ())) != TAGS or tuple(meta.get("labels", ())) != LABEL_NAMES:
        raise ModelNotFoundError(f"{directory}: model was saved with other labels or tags")
    return read_config(directory)


def is_adapter(directory: str | Path) -> bool:
    """Whether ``directory`` holds an adapter model (the trained parts only), not a full one."""
    directory = Path(directory)
    return (directory / ADAPTER_FILE).is_file() and not (directory / WEIGHTS_FILE).is_file()


def tokenizer_dir(directory: str | Path) -> Path:
    """Where a model's ``tokenizer.json`` is: its own directory, or for an adapter model
    the base encoder's."""
    if not is_adapter(directory):
        return Path(directory)
    return Path(read_config(directory).model.resolved_base_model())


def read_eval(directory: str | Path) -> dict[str, Any]:
    """The test-split metrics ``make eval`` recorded, or ``{}`` before any evaluation."""
    return read_json(directory, EVAL_FILE) if (Path(directory) / EVAL_FILE).is_file() else {}


def describe(directory: str | Path, backend: str) -> dict[str, Any]:
    """What a result's ``model`` field says about the model that made it."""
    training = read_training(directory)
    return {
        "path": str(directory),
        "shipped": Path(directory).resolve() == SHIPPED_MODEL_DIR,
        "adapter": is_adapter(directory),
        "backend": backend,
        "cpu": cpu_info().to_dict(),
        **{k: training[k] for k in ("name", "created", "git_commit") if k in training},
    }
