"""The sentence tagger: the only place that tokenizes text and runs the transformer.

One shared encoder reads the target sentence (segment A) with its neighbours
(segment B) and feeds three heads: the sourcing label (anonymous / on_record /
reporter), a "well sourced" head (strength >= 2, raw evidence for the
calibrator) and a BIO token tagger for the source, cue and anonymity-reason
spans inside the target sentence.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import AutoConfig, AutoModel, AutoTokenizer, PreTrainedTokenizerFast

from annotator.cues import PRONOUNS
from annotator.errors import ModelNotFoundError
from annotator.spans import (
    Run,
    by_confidence,
    close_brackets,
    trim,
    widen,
    with_determiner,
    with_first_conjunct,
    with_rest_of_name,
    with_title,
    without_edge_words,
)
from annotator.types import LABEL_NAMES

logger = logging.getLogger(__name__)

SPAN_TYPES: tuple[str, ...] = ("source", "cue", "anonymity_reason")
TAGS: tuple[str, ...] = ("O", *(f"{p}-{t}" for t in SPAN_TYPES for p in ("B", "I")))
IGNORE = -100
WEIGHTS_FILE = "network.safetensors"
MODEL_META_FILE = "tagger.json"
BACKENDS = ("torch-fp32", "torch-bf16", "torch-int8")
# an O token next to a span joins it when the span's type has this much of its probability
EXTEND_MASS = 0.3


@dataclass(frozen=True)
class SentenceInput:
    """A target sentence and the context the model reads with it."""

    text: str
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class SentencePrediction:
    """Raw model output for one sentence; span offsets are relative to the target text."""

    probabilities: tuple[float, float, float]
    well_sourced: float
    spans: dict[str, tuple[int, int, float]]  # the most confident span of each type
    runs: tuple[Run, ...] = ()  # every span the tagger marks
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
        info: dict[str, Any] | None = None,
    ) -> None:
        if not getattr(tokenizer, "is_fast", False):
            raise ModelNotFoundError("annotator needs a fast tokenizer (tokenizer.json)")
        self.network = network
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.info = dict(info or {})
        self.backend = "torch-fp32"
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

    def save(self, directory: str | Path) -> None:
        """Write weights (safetensors), encoder config, tokenizer and head metadata."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        state = {k: v.contiguous() for k, v in self.network.state_dict().items()}
        save_file(state, str(directory / WEIGHTS_FILE))
        self.network.encoder.config.save_pretrained(directory)
        self.tokenizer.save_pretrained(directory)
        meta = {
            **self.info,
            "labels": list(LABEL_NAMES),
            "tags": list(TAGS),
            "max_length": self.max_length,
        }
        (directory / MODEL_META_FILE).write_text(json.dumps(meta, indent=2))

    @classmethod
    def load(cls, directory: str | Path, backend: str = "torch-fp32") -> SourcingModel:
        """Load a tagger saved by :meth:`save`; never touches the network."""
        directory = Path(directory)
        if not (directory / WEIGHTS_FILE).is_file():
            raise ModelNotFoundError(
                f"no trained model in {directory} (missing {WEIGHTS_FILE}); "
                "run `make train` or point ANNOTATOR_MODEL at a model directory"
            )
        try:
            meta = json.loads((directory / MODEL_META_FILE).read_text())
            if tuple(meta["tags"]) != TAGS or tuple(meta["labels"]) != LABEL_NAMES:
                raise ModelNotFoundError(f"{directory}: model was saved with other labels or tags")
            config = AutoConfig.from_pretrained(directory)
            tokenizer = AutoTokenizer.from_pretrained(directory)
            with _skip_weight_init():  # the weights come from the file: no random init
                encoder = AutoModel.from_config(config, add_pooling_layer=False)
                network = TaggerNetwork(encoder)
            network.load_state_dict(load_file(str(directory / WEIGHTS_FILE)))
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ModelNotFoundError(
                f"{directory}: model files are incomplete or corrupt ({exc.__class__.__name__}: "
                f"{str(exc).splitlines()[0][:200]}); retrain with `make train`"
            ) from None
        network.eval()
        info = {k: v for k, v in meta.items() if k not in ("labels", "tags", "max_length")}
        return cls(network, tokenizer, meta["max_length"], backend, info)

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
    ) -> list[dict[str, list[int]]]:
        """Tokenize sentences with context, unpadded; with gold spans, add BIO tag labels.

        A sentence too long to leave room for context (rare: run-on or unpunctuated
        text) is read alone and cut; every other sentence is encoded the same way
        whatever else is in the batch.
        """
        texts = [it.text for it in items]
        contexts = [_context(self.tokenizer, it) for it in items]
        try:
            encodings = [(list(range(len(items))), self._tokenize(texts, contexts), False)]
        except Exception:  # the fast tokenizer's Rust error when a sentence alone is too long
            long = self._too_long(items)
            logger.info(
                "%d sentences exceed %d tokens: read without context, cut", len(long), self.max_length
            )
            short = [i for i in range(len(items)) if i not in long]
            encodings = [
                (short, self._tokenize([texts[i] for i in short], [contexts[i] for i in short]), False),
                (
                    sorted(long),
                    self._tokenize([texts[i] for i in sorted(long)], None, truncation="only_first"),
                    True,
                ),
            ]
        features: list[dict[str, Any] | None] = [None] * len(items)
        for indices, enc, cut in encodings:
            for row, i in enumerate(indices):
                input_ids = enc["input_ids"][row]
                feature = {
                    "input_ids": input_ids,
                    "attention_mask": enc["attention_mask"][row],
                    "token_type_ids": enc["token_type_ids"][row]
                    if "token_type_ids" in enc
                    else [0] * len(input_ids),
                    "offsets": [tuple(o) for o in enc["offset_mapping"][row]],
                    "target": [s == 0 for s in enc.sequence_ids(row)],
                    "cut": cut,  # read alone and cut at max_length
                }
                if gold_spans is not None:
                    feature["tags"] = _bio_tags(feature["offsets"], feature["target"], gold_spans[i])
                features[i] = feature
        return features  # type: ignore[return-value]

    def _tokenize(self, texts: list[str], contexts: list[str], truncation: str = "only_second") -> Any:
        return self.tokenizer(
            texts, contexts, truncation=truncation, max_length=self.max_length, return_offsets_mapping=True
        )

    def _too_long(self, items: Sequence[SentenceInput]) -> set[int]:
        """Indices of sentences that leave no room for context (rare: run-on or unpunctuated text)."""
        lengths = self.tokenizer([it.text for it in items], add_special_tokens=False, return_length=True)[
            "length"
        ]
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
    def predict(self, items: Sequence[SentenceInput], batch_size: int = 32) -> list[SentencePrediction]:
        """Predict labels, strength evidence and spans; batches are sorted by length."""
        if not items:
            return []
        features = self.encode(items)
        order = np.argsort([len(f["input_ids"]) for f in features], kind="stable")
        results: list[SentencePrediction | None] = [None] * len(items)
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
                    f = features[i]
                    text = items[i].text
                    runs = decode_runs(tag_probs[row], f["offsets"], f["target"], text)
                    results[i] = SentencePrediction(
                        tuple(float(p) for p in probs[row]),
                        float(strength[row]),
                        best_spans(runs, text),
                        tuple(runs),
                        _read_to(f, text) if f["cut"] else None,
                    )
        return results  # type: ignore[return-value]


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


def decode_runs(
    tag_probs: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    target: Sequence[bool],
    text: str,
) -> list[Run]:
    """Every span the tagger marks, as ``(type, start, end, score)`` in character offsets.

    Each token takes the span type with the most probability mass (B and I
    summed) or O, and a run of tokens of one type is one span: two sources never
    touch in prose, so a stray B inside a name ("The | FBI") does not split it.
    An O token next to a run joins it while the run's type still has
    ``EXTEND_MASS`` of its mass, so a long appositive is not cut at "…professor at".
    A span's score is its tokens' mean mass; it is widened to whole words,
    trimmed of edge punctuation, closed over a bracket it opened ("(R-S.C.)")
    and, for a source, given its first conjunct ("Chinese and US officials"),
    title ("Mr. Xi"), the rest of a name it stops inside ("Donald" of "Donald
    Trump") and determiner, and cut of words no source opens or closes on
    ("even Obama", "Mr. Kirk, who", "The Trump campaign on").
    """
    tokens = [i for i, ((a, b), t) in enumerate(zip(offsets, target, strict=True)) if t and b > a]
    if not tokens:
        return []
    kinds = ["O", *SPAN_TYPES]
    probs = np.asarray(tag_probs)[tokens]
    mass = np.concatenate([probs[:, :1], probs[:, 1::2] + probs[:, 2::2]], axis=1)  # O, then B+I per type
    choice = mass.argmax(-1)
    changed = True
    while changed:  # hysteresis: grow runs into weaker neighbours
        changed = False
        for j in np.flatnonzero(choice == 0):
            for nb in (j - 1, j + 1):
                if 0 <= nb < len(tokens) and choice[nb] and mass[j, choice[nb]] >= EXTEND_MASS:
                    choice[j] = choice[nb]
                    changed = True
                    break
    _whole_words(choice, mass, tokens, offsets, text)  # after growing, which may regrow a clitic
    runs: list[Run] = []
    j = 0
    while j < len(tokens):
        k = choice[j]
        end = j
        while end + 1 < len(tokens) and choice[end + 1] == k:
            end += 1
        if k:
            a, b = trim(text, *widen(text, offsets[tokens[j]][0], offsets[tokens[end]][1]))
            b = close_brackets(text, a, b)
            if kinds[k] == "source":
                a = with_first_conjunct(text, a)
                a, b = with_title(text, a, b)
                b = with_rest_of_name(text, a, b)
                a = with_determiner(text, a)  # "One" of "[One] of the officials" ...
                a, b = trim(text, *without_edge_words(text, a, b))  # ... before "of" is cut
            runs.append((kinds[k], a, b, float(mass[j : end + 1, k].mean())))
        j = end + 1
    return runs


_JOINERS = frozenset("'’-.&")  # between letters, inside a word: "candidate’s", "Post-ABC", "U.S", "AT&T"
_CLITICS = frozenset({"s", "re", "ll", "ve", "d", "t", "m"})  # "He's", "they're", "don't"


def _words(
    tokens: Sequence[int], offsets: Sequence[tuple[int, int]], text: str, around: Sequence[int]
) -> list[tuple[list[int], list[str]]]:
    """Positions in ``tokens`` and texts of the pieces of each word of several pieces that
    holds a position in ``around``: letters and digits joined by single ``_JOINERS`` with no
    space between, plus the full stop that ends initials ("U.S."). "Trump--who",
    "officials...who", "Hispanics!”Former" and the full stop after "Rubio" or
    "MoveOn.org" are not words."""
    spans = [offsets[i] for i in tokens]
    marked = set(around)
    words: list[tuple[list[int], list[str]]] = []
    done = -1
    for k in sorted(marked):
        if k <= done:
            continue
        lo, hi = k, k  # the pieces written together with no space: "candidate’s,"
        while lo > 0 and spans[lo - 1][1] == spans[lo][0]:
            lo -= 1
        while hi + 1 < len(spans) and spans[hi][1] == spans[hi + 1][0]:
            hi += 1
        done = hi
        pieces = [text[a:b] for a, b in spans[lo : hi + 1]]
        for word in _split_glued(pieces):
            if len(word) > 1 and marked.intersection(lo + j for j in word):
                words.append(([lo + j for j in word], [pieces[j] for j in word]))
    return words


def _split_glued(pieces: list[str]) -> list[list[int]]:
    """The words in pieces written together with no space (see :func:`_words`)."""
    spelled = [p[-1].isalnum() for p in pieces]
    words: list[list[int]] = []
    for j, piece in enumerate(pieces):
        last = bool(words) and words[-1][-1] == j - 1
        if piece in _JOINERS and last and j + 1 < len(pieces) and spelled[j - 1] and spelled[j + 1]:
            words[-1].append(j)
        elif spelled[j] and last:
            words[-1].append(j)  # a word piece ("##tle"), or a piece after a joiner
        elif spelled[j]:
            words.append([j])
        elif piece == "." and last and _initials([pieces[w] for w in words[-1]]):
            words[-1].append(j)  # "U.S.", not "MoveOn.org."
    return words


def _initials(pieces: list[str]) -> bool:
    """Whether a word is initials with full stops between them ("U.S", "D.C", "Ph.D")."""
    return "." in pieces and all(len(p) <= 2 for p in pieces if p[-1].isalnum())


def _whole_words(
    choice: np.ndarray, mass: np.ndarray, tokens: Sequence[int], offsets: Sequence[tuple[int, int]], text: str
) -> None:
    """Give every piece of a word the span type its marked pieces have, in place.

    The tagger may mark "s" of "candidate’s" and leave "candidate" out, cutting one
    span in two, or leave the full stops of "U.S." out. A pronoun's clitic is a verb
    of its own and is never marked ("He" of "He's" is the source); another clitic
    joins only if marked itself ("Clinton" of "Clinton's going")."""
    chosen = choice.tolist()  # read per word before that word is written
    for word, pieces in _words(tokens, offsets, text, [j for j, c in enumerate(chosen) if c]):
        clitic = len(word) > 2 and pieces[-2] in "'’" and pieces[-1].lower() in _CLITICS
        if clitic and (pieces[-3] == "I" or (pieces[-3].lower() in PRONOUNS and not pieces[-3].isupper())):
            choice[word[-2:]] = 0
            word = word[:-2]
        elif clitic and not chosen[word[-1]] and not _continues(chosen, word):
            word = word[:-2]
        marked = [j for j in word if chosen[j]]
        if marked and len(marked) < len(word):
            choice[word] = max({chosen[j] for j in marked}, key=lambda k: mass[word, k].sum())


def _continues(chosen: list[int], word: list[int]) -> bool:
    """Whether the span a word opens goes on after it ("the UK’s top diplomat")."""
    after = word[-1] + 1
    return after < len(chosen) and chosen[word[0]] != 0 and chosen[after] == chosen[word[0]]


def best_spans(runs: Sequence[Run], text: str) -> dict[str, tuple[int, int, float]]:
    """The most confident span of each type (the first of equally confident ones; a
    source that is only "who" only when there is no other, see ``spans.by_confidence``)."""
    best: dict[str, tuple[int, int, float]] = {}
    for kind in dict.fromkeys(r[0] for r in runs):
        _, a, b, score = by_confidence(runs, kind, text)[0]
        best[kind] = (a, b, score)
    return best


def decode_spans(
    tag_probs: np.ndarray,
    offsets: Sequence[tuple[int, int]],
    target: Sequence[bool],
    text: str,
) -> dict[str, tuple[int, int, float]]:
    """The most confident span of each type from BIO tag probabilities (see :func:`decode_runs`)."""
    return best_spans(decode_runs(tag_probs, offsets, target, text), text)
