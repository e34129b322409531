"""The one place that tokenizes: sentences with their context become model inputs.

Two packings (``model.packing``): ``sentence`` reads each sentence as segment A with its
context as segment B, one sentence per input; ``window`` reads consecutive sentences of
an article together, up to ``max_length`` tokens, between the context before the first
and after the last, so each token is encoded about once instead of two or three times.
Either way each feature lists its *slots*: which sentence it labels, the tokens pooled
for that sentence's label and the marker token added to them.

Built on the ``tokenizers`` library alone (no torch, no transformers), so every
backend, the ONNX Runtime one included, encodes text the same way and the fast
path starts quickly. Features are plain lists; :meth:`Encoder.pad` makes a batch
of NumPy arrays that a backend turns into its own tensors.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from tokenizers import Encoding, Tokenizer

from annotator.config import PACKINGS
from annotator.errors import ModelNotFoundError
from annotator.types import SPAN_TYPES

logger = logging.getLogger(__name__)

TAGS: tuple[str, ...] = ("O", *(f"{p}-{t}" for t in SPAN_TYPES for p in ("B", "I")))
IGNORE = -100
INPUT_NAMES: tuple[str, ...] = ("input_ids", "attention_mask", "token_type_ids", "pool")
CONTEXT_ROOM = 40  # tokens a window keeps for the context before and after its sentences


@dataclass(frozen=True)
class SentenceInput:
    """A target sentence and the context the model reads with it."""

    text: str
    before: str = ""
    after: str = ""
    # the article's next body sentence after the item before this one: the window packing
    # reads such runs together (the sentence packing ignores it)
    follows: bool = False


@dataclass(frozen=True)
class Slot:
    """One sentence read in a feature: its index among the encoded items, the token
    positions pooled for its label (its own tokens and the separator after them), the
    marker token added to that mean, and whether the sentence was cut."""

    item: int
    tokens: tuple[int, ...]
    marker: int
    cut: bool = False


class Encoder:
    """A fast WordPiece tokenizer (``tokenizer.json``) and the input length."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        max_length: int,
        sep_token: str = "[SEP]",
        pad_id: int = 0,
        packing: str = "sentence",
        cls_token: str = "[CLS]",
    ) -> None:
        if packing not in PACKINGS:
            raise ValueError(f"packing must be one of {', '.join(PACKINGS)}, not {packing!r}")
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.sep_token = sep_token
        self.pad_id = pad_id
        self.packing = packing
        self.sep_id = tokenizer.token_to_id(sep_token)
        self.cls_id = tokenizer.token_to_id(cls_token)
        tokenizer.no_padding()
        tokenizer.no_truncation()  # a tokenizer.json may carry its own; each call sets what it needs

    @classmethod
    def from_dir(cls, directory: str | Path, max_length: int, packing: str = "sentence") -> Encoder:
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
        cls_token = _token(config.get("cls_token"), "[CLS]")
        return cls(tokenizer, max_length, sep, 0 if pad_id is None else pad_id, packing, cls_token)

    def encode(
        self,
        items: Sequence[SentenceInput],
        gold_spans: Sequence[Mapping[str, Sequence[tuple[int, int]]]] | None = None,
    ) -> list[dict[str, Any]]:
        """Tokenize sentences with context, unpadded; with gold spans, add BIO tag labels.

        Every item is in exactly one feature's slots. A sentence too long to leave room
        for context (rare: run-on or unpunctuated text) is read alone and cut at
        ``max_length``; every other sentence is encoded with its context, whatever else
        is in the batch. Offsets are relative to each token's own sentence.
        """
        if not items:
            return []
        texts = [it.text for it in items]
        own = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        # too long for any context: with [CLS], two [SEP] and two context tokens it would not fit
        long = {i for i, enc in enumerate(own) if len(enc.ids) >= self.max_length - 4}
        if long:
            logger.info(
                "%d sentences exceed %d tokens: read without context, cut", len(long), self.max_length
            )
        rest = [i for i in range(len(items)) if i not in long]
        if self.packing == "window":
            features = self._windows(items, {i: own[i] for i in rest})
        else:
            features = []
            if rest:
                pairs = [(texts[i], self._context(items[i])) for i in rest]
                for i, enc in zip(rest, self._tokenize(pairs, "only_second"), strict=True):
                    features.append(_feature(enc, i, cut=False))
        alone = sorted(long)
        if alone:
            for i, enc in zip(alone, self._tokenize([texts[i] for i in alone], "longest_first"), strict=True):
                features.append(_feature(enc, i, cut=True))
        features.sort(key=lambda f: f["slots"][0].item)  # in the items' order
        if gold_spans is not None:
            for feature in features:
                feature["tags"] = _slot_tags(feature, gold_spans)
        return features

    def _windows(
        self, items: Sequence[SentenceInput], sentences: Mapping[int, Encoding]
    ) -> list[dict[str, Any]]:
        """Pack runs of consecutive sentences (``follows``) into inputs of at most
        ``max_length`` tokens: ``[CLS] before [SEP] [CLS] s1 [SEP] ... [CLS] sk [SEP] after
        [SEP]``, the context (segment 1) from the first and last sentence's ``before`` and
        ``after``; each sentence's [CLS] is its marker (as in BertSum)."""
        if not sentences:
            return []
        encode = functools.partial(self.tokenizer.encode_batch, add_special_tokens=False)
        runs: list[list[int]] = []
        for i in sentences:
            if runs and items[i].follows and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        starts, ends = _window_bounds(runs, sentences, self.max_length)
        befores = encode([items[i].before for i in starts])
        afters = encode([items[i].after for i in ends])
        features = []
        for first, last, before, after in zip(starts, ends, befores, afters, strict=True):
            features.append(self._window(range(first, last + 1), sentences, before, after))
        return features

    def _window(
        self, window: Sequence[int], sentences: Mapping[int, Encoding], before: Encoding, after: Encoding
    ) -> dict[str, Any]:
        """One packed input; the context is cut (the after context first) to fit."""
        own = sum(len(sentences[i].ids) + 2 for i in window)
        room = max(0, self.max_length - own - 3)  # [CLS], [SEP] after before, [SEP] after after
        keep_before = min(len(before.ids), room)
        keep_after = min(len(after.ids), room - keep_before)
        ids: list[int] = []
        types: list[int] = []
        offsets: list[tuple[int, int]] = []
        target: list[bool] = []

        def add(token_ids: Sequence[int], segment: int, spans: Sequence[tuple[int, int]] = ()) -> None:
            """Tokens of one segment; ``spans`` (the offsets of a sentence's own tokens)
            make them the sentence's, to label and tag."""
            ids.extend(token_ids)
            types.extend([segment] * len(token_ids))
            offsets.extend(spans or [(0, 0)] * len(token_ids))
            target.extend([bool(spans)] * len(token_ids))

        add([self.cls_id], 0)
        add(before.ids[len(before.ids) - keep_before :], 1)
        add([self.sep_id], 1)
        slots = []
        for i in window:
            marker = len(ids)  # each sentence opens with its own [CLS], its summary token
            add([self.cls_id], 0)
            add(sentences[i].ids, 0, [tuple(o) for o in sentences[i].offsets])
            add([self.sep_id], 0)
            slots.append(Slot(i, tuple(range(marker, len(ids))), marker))
        if keep_after:
            add(after.ids[:keep_after], 1)
            add([self.sep_id], 1)
        return {
            "input_ids": ids,
            "attention_mask": [1] * len(ids),
            "token_type_ids": types,
            "offsets": offsets,
            "target": target,
            "slots": slots,
        }

    def _context(self, item: SentenceInput) -> str:
        return f"{item.before} {self.sep_token} {item.after}".strip()

    def _tokenize(self, inputs: list[Any], strategy: str) -> list[Encoding]:
        self.tokenizer.enable_truncation(self.max_length, strategy=strategy)
        try:
            return self.tokenizer.encode_batch(inputs)
        finally:
            self.tokenizer.no_truncation()

    def pad(self, features: Sequence[dict[str, Any]]) -> dict[str, np.ndarray]:
        """A batch padded to its longest member (dynamic padding), as int64 arrays, with
        ``pool``: per feature and slot, the weights that pool the encoder's output into
        that sentence's vector (the mean of its tokens plus its marker token), float32."""
        length = max(len(f["input_ids"]) for f in features)
        batch: dict[str, np.ndarray] = {}
        for key, pad in (("input_ids", self.pad_id), ("attention_mask", 0), ("token_type_ids", 0)):
            batch[key] = np.array([f[key] + [pad] * (length - len(f[key])) for f in features], dtype=np.int64)
        pool = np.zeros((len(features), max(len(f["slots"]) for f in features), length), np.float32)
        for row, feature in enumerate(features):
            for k, slot in enumerate(feature["slots"]):
                pool[row, k, list(slot.tokens)] = 1.0 / len(slot.tokens)
                pool[row, k, slot.marker] += 1.0
        batch["pool"] = pool
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


def _window_bounds(
    runs: Sequence[Sequence[int]],
    sentences: Mapping[int, Encoding],
    max_length: int,
) -> tuple[list[int], list[int]]:
    """First and last item of each window: sentences are added to a window while they
    leave room for the context (``CONTEXT_ROOM`` tokens); a window holds at least one."""
    starts, ends = [], []
    for run in runs:
        used = 0
        for i in run:
            size = len(sentences[i].ids) + 2
            if used and used + size > max_length - 3 - CONTEXT_ROOM:
                ends.append(i - 1)
                used = 0
            if not used:
                starts.append(i)
            used += size
        ends.append(run[-1])
    return starts, ends


def _feature(enc: Encoding, item: int, cut: bool) -> dict[str, Any]:
    """One sentence read as segment A of its own input: ids, masks, offsets, which tokens
    are the target's, and one slot pooling segment A (with ``[CLS]`` and its ``[SEP]``)
    plus ``[CLS]``; ``cut`` if it was read alone and cut."""
    target = [s == 0 for s in enc.sequence_ids]
    in_a = tuple(
        k for k, (t, m) in enumerate(zip(enc.type_ids, enc.attention_mask, strict=True)) if t == 0 and m
    )
    return {
        "input_ids": list(enc.ids),
        "attention_mask": list(enc.attention_mask),
        "token_type_ids": list(enc.type_ids),
        "offsets": [tuple(o) for o in enc.offsets],
        "target": target,
        "slots": [Slot(item, in_a, 0, cut)],
    }


def _slot_tags(
    feature: dict[str, Any], gold_spans: Sequence[Mapping[str, Sequence[tuple[int, int]]]]
) -> list[int]:
    """BIO tags of a feature: each slot's own tokens tagged with its sentence's spans."""
    tags = [IGNORE] * len(feature["input_ids"])
    for slot in feature["slots"]:
        own = [k for k in slot.tokens if feature["target"][k]]
        sub = bio_tags([feature["offsets"][k] for k in own], [True] * len(own), gold_spans[slot.item])
        for k, tag in zip(own, sub, strict=True):
            tags[k] = tag
    return tags


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
