"""The sentence tagger: the only place that tokenizes text and runs the transformer.

One shared encoder reads the target sentence (segment A) with its neighbours
(segment B) and feeds three heads: the sourcing label (anonymous / on_record /
reporter), a "well sourced" head (strength >= 2, raw evidence for the
calibrator) and a BIO token tagger for the source, cue and anonymity-reason
spans inside the target sentence.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import AutoConfig, AutoModel, AutoTokenizer, PreTrainedTokenizerFast

from annotator import adapter, modeldir
from annotator.config import BACKENDS, ModelConfig
from annotator.errors import ModelNotFoundError
from annotator.types import LABEL_NAMES, SPAN_TYPES

logger = logging.getLogger(__name__)

TAGS: tuple[str, ...] = ("O", *(f"{p}-{t}" for t in SPAN_TYPES for p in ("B", "I")))
IGNORE = -100


@dataclass(frozen=True)
class SentenceInput:
    """A target sentence and the context the model reads with it."""

    text: str
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class TaggerOutput:
    """The network's output for one sentence, before any span rule.

    ``tag_probs`` holds one row of BIO tag probabilities (``TAGS`` order) per token of the
    target sentence that covers text, and ``offsets`` each such token's ``(start, end)``
    in the sentence: what ``annotator.sourcing.decode`` turns into spans.
    """

    probabilities: tuple[float, float, float]
    well_sourced: float
    tag_probs: np.ndarray
    offsets: tuple[tuple[int, int], ...]
    read_to: int | None = None  # where reading stopped in a sentence too long to read whole


class TaggerNetwork(nn.Module):
    """Encoder plus the label, strength and span heads."""

    def __init__(self, encoder: nn.Module, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.label_head = nn.Linear(hidden, len(LABEL_NAMES))
        self.strength_head = nn.Linear(hidden, 1)
        self.tag_head = nn.Linear(hidden, len(TAGS))

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        token_type_ids: torch.Tensor | None = None,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        kwargs = {"input_ids": input_ids, "attention_mask": attention_mask}
        if token_type_ids is not None:
            kwargs["token_type_ids"] = token_type_ids
        hidden = self.encoder(**kwargs).last_hidden_state
        hidden = self.dropout(hidden)
        # Mean over the target sentence's tokens (segment A) plus [CLS]: robust for small encoders.
        if token_type_ids is not None:
            target = (attention_mask * (1 - token_type_ids)).unsqueeze(-1).to(hidden.dtype)
        else:
            target = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * target).sum(1) / target.sum(1).clamp(min=1.0)
        pooled = pooled + hidden[:, 0]
        return self.label_head(pooled), self.strength_head(pooled).squeeze(-1), self.tag_head(hidden)


def _skip_weight_init() -> contextlib.AbstractContextManager[Any]:
    """transformers' no-init context where available (saves random init at load)."""
    try:
        from transformers.initialization import no_init_weights
    except ImportError:  # older transformers
        try:
            from transformers.modeling_utils import no_init_weights
        except ImportError:
            return contextlib.nullcontext()
    return no_init_weights()


def _context(tokenizer: PreTrainedTokenizerFast, item: SentenceInput) -> str:
    sep = tokenizer.sep_token or "|"
    return f"{item.before} {sep} {item.after}".strip()


class SourcingModel:
    """Tokenizer and network together, with batched, length-sorted prediction."""

    def __init__(
        self,
        network: TaggerNetwork,
        tokenizer: PreTrainedTokenizerFast,
        max_length: int = 128,
        backend: str = "torch-fp32",
    ) -> None:
        if not getattr(tokenizer, "is_fast", False):
            raise ModelNotFoundError("annotator needs a fast tokenizer (tokenizer.json)")
        self.network = network
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.backend = "torch-fp32"
        # the trained parts of an adapter model (annotator.adapter), which save() writes
        # instead of the whole network; None for a fully fine-tuned model
        self.adapter: adapter.Adapter | None = None
        self.set_backend(backend)

    # -- construction and persistence -------------------------------------------------
    @classmethod
    def from_base(cls, base_model: str, max_length: int = 128, dropout: float = 0.1) -> SourcingModel:
        """A fresh tagger on a pretrained encoder (local path or model id), for training."""
        tokenizer = AutoTokenizer.from_pretrained(base_model)
        encoder = AutoModel.from_pretrained(base_model, add_pooling_layer=False)
        return cls(TaggerNetwork(encoder, dropout), tokenizer, max_length)

    @classmethod
    def from_config(
        cls, encoder_config: Any, tokenizer: PreTrainedTokenizerFast, max_length: int = 128
    ) -> SourcingModel:
        """A randomly initialised tagger (tests build tiny ones this way)."""
        encoder = AutoModel.from_config(encoder_config, add_pooling_layer=False)
        return cls(TaggerNetwork(encoder), tokenizer, max_length)

    @classmethod
    def from_adapter(
        cls,
        parts: Mapping[str, torch.Tensor],
        config: ModelConfig,
        backend: str = "torch-fp32",
        base_sha256: str | None = None,
    ) -> SourcingModel:
        """The full tagger rebuilt from the base encoder's own files plus adapter ``parts``
        (:func:`annotator.adapter.trainable_state`), after checking the base weights'
        hash when ``base_sha256`` is given."""
        base = config.resolved_base_model()
        if base_sha256 is not None:
            adapter.check_base(base, base_sha256)
        else:
            base_sha256 = adapter.base_hash(base)
        try:
            tokenizer = AutoTokenizer.from_pretrained(base)
            with _skip_weight_init():  # the weights come from the files: no random init
                encoder = AutoModel.from_config(AutoConfig.from_pretrained(base), add_pooling_layer=False)
                network = TaggerNetwork(encoder, config.dropout)
            missing, _ = encoder.load_state_dict(
                load_file(str(Path(base) / adapter.BASE_WEIGHTS)), strict=False
            )
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ModelNotFoundError(
                f"cannot load the base encoder from {base}: {_first_line(exc)}"
            ) from None
        if [k for k in missing if not k.endswith("position_ids")]:
            raise ModelNotFoundError(f"the base encoder in {base} lacks weights: {missing[:3]}")
        adapter.merge(network, parts, config.lora_scaling)
        network.eval()
        model = cls(network, tokenizer, config.max_length, backend)
        model.adapter = adapter.Adapter(dict(parts), base_sha256)
        return model

    def save(self, directory: str | Path) -> None:
        """Write the weights (safetensors: the whole network, or only the adapter with the
        base weights' hash) and what the heads mean; a full model also gets its encoder
        config and tokenizer, an adapter model uses the base package's. The input length
        and context are the config's (``annotator.modeldir``)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        if self.adapter is not None:
            save_file(
                dict(self.adapter.parts),
                str(directory / modeldir.ADAPTER_FILE),
                metadata={"base_sha256": self.adapter.base_sha256},
            )
        else:
            state = {k: v.contiguous() for k, v in self.network.state_dict().items()}
            save_file(state, str(directory / modeldir.WEIGHTS_FILE))
            self.network.encoder.config.save_pretrained(directory)
            self.tokenizer.save_pretrained(directory)
        modeldir.write_json(
            directory, modeldir.TAGGER_FILE, {"labels": list(LABEL_NAMES), "tags": list(TAGS)}
        )

    @classmethod
    def load(cls, directory: str | Path, backend: str = "torch-fp32") -> SourcingModel:
        """Load a tagger saved by :meth:`save`, full or adapter (reading its input length
        and base encoder from the model's config); never touches the network."""
        directory = Path(directory)
        full = (directory / modeldir.WEIGHTS_FILE).is_file()
        if not full and not (directory / modeldir.ADAPTER_FILE).is_file():
            raise ModelNotFoundError(
                f"no trained model in {directory} (neither {modeldir.WEIGHTS_FILE} nor "
                f"{modeldir.ADAPTER_FILE}); run `make train` or point {modeldir.MODEL_ENV} at a model directory"
            )
        meta = modeldir.read_json(directory, modeldir.TAGGER_FILE)
        if tuple(meta.get("tags", ())) != TAGS or tuple(meta.get("labels", ())) != LABEL_NAMES:
            raise ModelNotFoundError(f"{directory}: model was saved with other labels or tags")
        config = modeldir.read_config(directory).model
        if not full:
            parts, base_sha256 = _read_adapter(directory / modeldir.ADAPTER_FILE)
            return cls.from_adapter(parts, config, backend, base_sha256)
        try:
            tokenizer = AutoTokenizer.from_pretrained(directory)
            with _skip_weight_init():  # the weights come from the file: no random init
                encoder = AutoModel.from_config(
                    AutoConfig.from_pretrained(directory), add_pooling_layer=False
                )
                network = TaggerNetwork(encoder)
            network.load_state_dict(load_file(str(directory / modeldir.WEIGHTS_FILE)))
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ModelNotFoundError(
                f"{directory}: model files are incomplete or corrupt ({_first_line(exc)}); retrain with `make train`"
            ) from None
        network.eval()
        return cls(network, tokenizer, config.max_length, backend)

    def set_backend(self, backend: str) -> None:
        """Choose inference precision once, at load: fp32, bf16 weights, or dynamic int8."""
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
        if backend == self.backend:
            return
        if self.backend != "torch-fp32":
            raise ValueError("the backend is set once; load the model again to change it")
        if backend == "torch-int8":
            self.network = torch.ao.quantization.quantize_dynamic(
                self.network, {nn.Linear}, dtype=torch.qint8
            )
        elif backend == "torch-bf16":
            self.network = self.network.to(torch.bfloat16)
        self.backend = backend

    # -- tokenization (the only place) ------------------------------------------------
    def encode(
        self,
        items: Sequence[SentenceInput],
        gold_spans: Sequence[Mapping[str, Sequence[tuple[int, int]]]] | None = None,
    ) -> list[dict[str, Any]]:
        """Tokenize sentences with context, unpadded; with gold spans, add BIO tag labels.

        A sentence too long to leave room for context (rare: run-on or unpunctuated
        text) is read alone and cut at ``max_length``; every other sentence is encoded
        with its context, whatever else is in the batch.
        """
        texts = [it.text for it in items]
        contexts = [_context(self.tokenizer, it) for it in items]
        long = self._too_long(texts)
        if long:
            logger.info(
                "%d sentences exceed %d tokens: read without context, cut", len(long), self.max_length
            )
        groups = (
            ([i for i in range(len(items)) if i not in long], "only_second", False),
            (sorted(long), "only_first", True),
        )
        features: list[dict[str, Any]] = [{} for _ in items]
        for indices, truncation, cut in groups:
            if not indices:
                continue
            second = [contexts[i] for i in indices] if not cut else None
            enc = self._tokenize([texts[i] for i in indices], second, truncation)
            for row, i in enumerate(indices):
                features[i] = self._feature(enc, row, cut)
                if gold_spans is not None:
                    features[i]["tags"] = _bio_tags(
                        features[i]["offsets"], features[i]["target"], gold_spans[i]
                    )
        return features

    @staticmethod
    def _feature(enc: Any, row: int, cut: bool) -> dict[str, Any]:
        """One encoded sentence: ids, masks, offsets, which tokens are the target's, and
        whether it was read alone and cut."""
        input_ids = enc["input_ids"][row]
        return {
            "input_ids": input_ids,
            "attention_mask": enc["attention_mask"][row],
            "token_type_ids": enc["token_type_ids"][row] if "token_type_ids" in enc else [0] * len(input_ids),
            "offsets": [tuple(o) for o in enc["offset_mapping"][row]],
            "target": [s == 0 for s in enc.sequence_ids(row)],
            "cut": cut,
        }

    def _tokenize(self, texts: list[str], contexts: list[str] | None, truncation: str) -> Any:
        return self.tokenizer(
            texts, contexts, truncation=truncation, max_length=self.max_length, return_offsets_mapping=True
        )

    def _too_long(self, texts: Sequence[str]) -> set[int]:
        """Indices of sentences that leave no room for context: with ``[CLS]``, two
        ``[SEP]`` and at least two context tokens the pair would not fit, and truncating
        the context alone would fail."""
        lengths = self.tokenizer(list(texts), add_special_tokens=False, return_length=True)["length"]
        return {i for i, n in enumerate(lengths) if n >= self.max_length - 4}

    def collate(self, features: Sequence[dict[str, Any]]) -> dict[str, torch.Tensor]:
        """Pad a batch to its longest member (dynamic padding)."""
        length = max(len(f["input_ids"]) for f in features)
        pad_id = self.tokenizer.pad_token_id or 0
        batch: dict[str, torch.Tensor] = {}
        for key, pad in (("input_ids", pad_id), ("attention_mask", 0), ("token_type_ids", 0)):
            batch[key] = torch.tensor(
                [f[key] + [pad] * (length - len(f[key])) for f in features], dtype=torch.long
            )
        if "tags" in features[0]:
            batch["tags"] = torch.tensor(
                [f["tags"] + [IGNORE] * (length - len(f["tags"])) for f in features],
                dtype=torch.long,
            )
        return batch

    # -- inference --------------------------------------------------------------------
    def predict(self, items: Sequence[SentenceInput], batch_size: int = 32) -> list[TaggerOutput]:
        """Label probabilities, strength evidence and per-token tag probabilities with
        character offsets; batches are sorted by length."""
        if not items:
            return []
        features = self.encode(items)
        order = np.argsort([len(f["input_ids"]) for f in features], kind="stable")
        results: list[TaggerOutput | None] = [None] * len(items)
        self.network.eval()
        with torch.inference_mode():
            for lo in range(0, len(order), batch_size):
                idx = order[lo : lo + batch_size]
                batch = self.collate([features[i] for i in idx])
                label_logits, strength_logit, tag_logits = self.network(
                    batch["input_ids"], batch["attention_mask"], batch["token_type_ids"]
                )
                probs = torch.softmax(label_logits.float(), -1).numpy()
                strength = torch.sigmoid(strength_logit.float()).numpy()
                tag_probs = torch.softmax(tag_logits.float(), -1).numpy()
                for row, i in enumerate(idx):
                    results[i] = _output(
                        features[i], probs[row], strength[row], tag_probs[row], items[i].text
                    )
        return results  # type: ignore[return-value]


def _first_line(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"


def _read_adapter(path: Path) -> tuple[dict[str, torch.Tensor], str]:
    """An adapter file's tensors and the hash of the base weights it was trained on."""
    try:
        with safe_open(str(path), "pt") as fh:
            parts = {k: fh.get_tensor(k) for k in fh.keys()}
            base_sha256 = (fh.metadata() or {}).get("base_sha256")
    except (OSError, ValueError, RuntimeError) as exc:
        raise ModelNotFoundError(
            f"{path} is unreadable ({_first_line(exc)}); retrain with `make train`"
        ) from None
    if not base_sha256:
        raise ModelNotFoundError(f"{path} does not say which base weights it belongs to; retrain it")
    return parts, base_sha256


def _output(
    feature: dict[str, Any], probs: np.ndarray, strength: float, tag_probs: np.ndarray, text: str
) -> TaggerOutput:
    """One sentence's output, keeping only the target tokens that cover text."""
    keep = [
        k
        for k, ((a, b), t) in enumerate(zip(feature["offsets"], feature["target"], strict=True))
        if t and b > a
    ]
    return TaggerOutput(
        tuple(float(p) for p in probs),
        float(strength),
        tag_probs[keep],
        tuple(feature["offsets"][k] for k in keep),
        _read_to(feature, text) if feature["cut"] else None,
    )


def _read_to(feature: dict[str, Any], text: str) -> int | None:
    """Where reading stopped in a cut sentence, or None if its last word was read after all."""
    read = max((b for (_, b), t in zip(feature["offsets"], feature["target"], strict=True) if t), default=0)
    return read if text[read:].strip() else None


def _bio_tags(
    offsets: Sequence[tuple[int, int]],
    target: Sequence[bool],
    spans: Mapping[str, Sequence[tuple[int, int]]],
) -> list[int]:
    """BIO tag ids for target-sentence tokens; context and special tokens are ignored.

    A type may have several spans (every source PolNeAR marks in a sentence);
    each starts with its own B.
    """
    tags = [
        TAGS.index("O") if t and (a, b) != (0, 0) else IGNORE
        for (a, b), t in zip(offsets, target, strict=True)
    ]
    for kind, kind_spans in spans.items():
        for start, end in kind_spans:
            first = True
            for i, ((a, b), t) in enumerate(zip(offsets, target, strict=True)):
                if t and b > a and a >= start and b <= end:
                    tags[i] = TAGS.index(f"{'B' if first else 'I'}-{kind}")
                    first = False
    return tags
