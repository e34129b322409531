"""The one place that tokenizes: sentences with their context become model inputs.

Built on the ``tokenizers`` library alone (no torch, no transformers), so every
backend, the ONNX Runtime one included, encodes text the same way and the fast
path starts quickly. Features are plain lists; :meth:`Encoder.pad` makes a batch
of NumPy arrays that a backend turns into its own tensors.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tokenizers import Encoding, Tokenizer

from annotator.errors import ModelNotFoundError
from annotator.types import SPAN_TYPES

logger = logging.getLogger(__name__)

TAGS: tuple[str, ...] = ("O", *(f"{p}-{t}" for t in SPAN_TYPES for p in ("B", "I")))
IGNORE = -100
INPUT_NAMES: tuple[str, ...] = ("input_ids", "attention_mask", "token_type_ids")


@dataclass(frozen=True)
class SentenceInput:
    """A target sentence and the context the model reads with it."""

    text: str
    before: str = ""
    after: str = ""


class Encoder:
    """A fast WordPiece tokenizer (``tokenizer.json``) and the input length."""

    def __init__(
        self, tokenizer: Tokenizer, max_length: int, sep_token: str = "[SEP]", pad_id: int = 0
    ) -> None:
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.sep_token = sep_token
        self.pad_id = pad_id
        tokenizer.no_padding()
        tokenizer.no_truncation()  # a tokenizer.json may carry its own; each call sets what it needs

    @classmethod
    def from_dir(cls, directory: str | Path, max_length: int) -> Encoder:
        """Load ``tokenizer.json`` (and the special tokens of ``tokenizer_config.json``)."""
        directory = Path(directory)
        try:
            tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
            config_path = directory / "tokenizer_config.json"
            config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
        except (OSError, ValueError, Exception) as exc:  # tokenizers raises plain Exception
            raise ModelNotFoundError(f"no usable tokenizer.json in {directory} ({exc})") from None
        sep = _token(config.get("sep_token"), "[SEP]")
        pad = _token(config.get("pad_token"), "[PAD]")
        pad_id = tokenizer.token_to_id(pad)
        return cls(tokenizer, max_length, sep, 0 if pad_id is None else pad_id)

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
        if not items:
            return []
        texts = [it.text for it in items]
        long = self._too_long(texts)
        if long:
            logger.info(
                "%d sentences exceed %d tokens: read without context, cut", len(long), self.max_length
            )
        features: list[dict[str, Any]] = [{} for _ in items]
        paired = [i for i in range(len(items)) if i not in long]
        if paired:
            pairs = [(texts[i], self._context(items[i])) for i in paired]
            for i, enc in zip(paired, self._tokenize(pairs, "only_second"), strict=True):
                features[i] = _feature(enc, cut=False)
        alone = sorted(long)
        if alone:
            for i, enc in zip(alone, self._tokenize([texts[i] for i in alone], "longest_first"), strict=True):
                features[i] = _feature(enc, cut=True)
        if gold_spans is not None:
            for feature, spans in zip(features, gold_spans, strict=True):
                feature["tags"] = bio_tags(feature["offsets"], feature["target"], spans)
        return features

    def _context(self, item: SentenceInput) -> str:
        return f"{item.before} {self.sep_token} {item.after}".strip()

    def _tokenize(self, inputs: list[Any], strategy: str) -> list[Encoding]:
        self.tokenizer.enable_truncation(self.max_length, strategy=strategy)
        try:
            return self.tokenizer.encode_batch(inputs)
        finally:
            self.tokenizer.no_truncation()

    def _too_long(self, texts: Sequence[str]) -> set[int]:
        """Indices of sentences that leave no room for context: with ``[CLS]``, two
        ``[SEP]`` and at least two context tokens the pair would not fit, and truncating
        the context alone would fail."""
        encodings = self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return {i for i, enc in enumerate(encodings) if len(enc.ids) >= self.max_length - 4}

    def pad(self, features: Sequence[dict[str, Any]]) -> dict[str, np.ndarray]:
        """A batch padded to its longest member (dynamic padding), as int64 arrays."""
        length = max(len(f["input_ids"]) for f in features)
        batch: dict[str, np.ndarray] = {}
        for key, pad in (("input_ids", self.pad_id), ("attention_mask", 0), ("token_type_ids", 0)):
            batch[key] = np.array([f[key] + [pad] * (length - len(f[key])) for f in features], dtype=np.int64)
        if "tags" in features[0]:
            batch["tags"] = np.array(
                [f["tags"] + [IGNORE] * (length - len(f["tags"])) for f in features], dtype=np.int64
            )
        return batch


def _token(value: Any, default: str) -> str:
    """A special token from ``tokenizer_config.json`` (a string, or a dict with ``content``)."""
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) and value else default


def _feature(enc: Encoding, cut: bool) -> dict[str, Any]:
    """One encoded sentence: ids, masks, offsets, which tokens are the target's, and
    whether it was read alone and cut."""
    return {
        "input_ids": list(enc.ids),
        "attention_mask": list(enc.attention_mask),
        "token_type_ids": list(enc.type_ids),
        "offsets": [tuple(o) for o in enc.offsets],
        "target": [s == 0 for s in enc.sequence_ids],
        "cut": cut,
    }


def bio_tags(
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
