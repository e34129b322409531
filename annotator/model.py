"""The torch backend: the tagger network, its training-time construction and its files.

One shared encoder reads the sentences to label (one, or a window of several:
``annotator.encoding``) with their neighbours as context and feeds three heads: the
sourcing label (anonymous / on_record / reporter), a "well sourced" head (strength >= 2,
raw evidence for the calibrator) and a BIO token tagger for the source, cue and
anonymity-reason spans inside each sentence read. Text becomes input in
``annotator.encoding`` and output becomes probabilities in ``annotator.tagger``, for
every backend.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import AutoConfig, AutoModel

from annotator import adapter, modeldir, tagger
from annotator.config import BACKENDS, ModelConfig
from annotator.encoding import IGNORE, INPUT_NAMES, TAGS, Encoder, SentenceInput
from annotator.errors import ModelNotFoundError
from annotator.tagger import BATCH_INVARIANT, Runner, TaggerOutput
from annotator.types import LABEL_NAMES

FULL_FILES = (modeldir.WEIGHTS_FILE, "config.json", "tokenizer.json", "tokenizer_config.json")
TORCH_BACKENDS: tuple[str, ...] = tuple(b for b in BACKENDS if b.startswith("torch-"))

__all__ = ["IGNORE", "TAGS", "SentenceInput", "SourcingModel", "TaggerNetwork", "TaggerOutput"]

logger = logging.getLogger(__name__)


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
        token_type_ids: torch.Tensor,
        pool: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Label logits (batch, slots, labels), the strength logit (batch, slots) and tag
        logits (batch, tokens, tags). ``pool`` (batch, slots, tokens) weighs the encoder's
        output into one vector per sentence read: the mean of its tokens plus a marker
        token (``[CLS]`` for a sentence read alone), robust for small encoders."""
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        hidden = self.dropout(hidden)
        pooled = torch.matmul(pool.to(hidden.dtype), hidden)
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


class SourcingModel:
    """The network with its encoder (the tokenizer and input length) on a torch backend."""

    def __init__(
        self,
        network: TaggerNetwork,
        encoder: Encoder,
        backend: str = "torch-fp32",
    ) -> None:
        self.network = network
        self.encoder = encoder
        self.backend = "torch-fp32"
        # the trained parts of an adapter model (annotator.adapter), which save() writes
        # instead of the whole network; None for a fully fine-tuned model
        self.adapter: adapter.Adapter | None = None
        self.base_dir: Path | None = None  # where the tokenizer and encoder config come from
        self.set_backend(backend)

    @property
    def max_length(self) -> int:
        return self.encoder.max_length

    # -- construction and persistence -------------------------------------------------
    @classmethod
    def from_base(
        cls, base_model: str, max_length: int = 128, dropout: float = 0.1, packing: str = "sentence"
    ) -> SourcingModel:
        """A fresh tagger on a pretrained encoder (a local directory), for training."""
        encoder = AutoModel.from_pretrained(base_model, add_pooling_layer=False)
        model = cls(TaggerNetwork(encoder, dropout), Encoder.from_dir(base_model, max_length, packing))
        model.base_dir = Path(base_model)
        return model

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
        model = cls(network, Encoder.from_dir(base, config.max_length, config.packing), backend)
        model.adapter = adapter.Adapter(dict(parts), base_sha256)
        model.base_dir = Path(base)
        return model

    def save(self, directory: str | Path) -> None:
        """Write the weights (safetensors: the whole network, or only the adapter with the
        base weights' hash) and what the heads mean; a full model also gets its encoder
        config and tokenizer, an adapter model uses the base package's. The input length
        and context are the config's (``annotator.modeldir``)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        # a directory holds one model: the files of the other kind (an earlier model) go
        stale = FULL_FILES if self.adapter is not None else (modeldir.ADAPTER_FILE,)
        for name in stale:
            (directory / name).unlink(missing_ok=True)
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
            if self.base_dir is None:
                raise ModelNotFoundError(
                    "this model does not know its tokenizer files; load it from a directory"
                )
            for name in ("tokenizer.json", "tokenizer_config.json"):
                if (self.base_dir / name).is_file() and self.base_dir != directory:
                    (directory / name).write_bytes((self.base_dir / name).read_bytes())
        modeldir.write_json(
            directory, modeldir.TAGGER_FILE, {"labels": list(LABEL_NAMES), "tags": list(TAGS)}
        )

    @classmethod
    def load(cls, directory: str | Path, backend: str = "torch-fp32") -> SourcingModel:
        """Load a tagger saved by :meth:`save`, full or adapter (reading its input length
        and base encoder from the model's config); never touches the network."""
        directory = Path(directory)
        config = modeldir.check_tagger(directory).model
        if modeldir.is_adapter(directory):
            parts, base_sha256 = _read_adapter(directory / modeldir.ADAPTER_FILE)
            return cls.from_adapter(parts, config, backend, base_sha256)
        try:
            encoder = Encoder.from_dir(directory, config.max_length, config.packing)
            with _skip_weight_init():  # the weights come from the file: no random init
                bert = AutoModel.from_config(AutoConfig.from_pretrained(directory), add_pooling_layer=False)
                network = TaggerNetwork(bert)
            network.load_state_dict(load_file(str(directory / modeldir.WEIGHTS_FILE)))
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ModelNotFoundError(
                f"{directory}: model files are incomplete or corrupt ({_first_line(exc)}); retrain with `make train`"
            ) from None
        network.eval()
        model = cls(network, encoder, backend)
        model.base_dir = directory
        return model

    def set_backend(self, backend: str) -> None:
        """Choose inference precision once, at load: fp32, bf16 weights, or dynamic int8."""
        if backend not in TORCH_BACKENDS:
            raise ValueError(f"the torch model runs on {', '.join(TORCH_BACKENDS)}, not {backend!r}")
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

    # -- input ------------------------------------------------------------------------
    def encode(
        self,
        items: Sequence[SentenceInput],
        gold_spans: Sequence[Mapping[str, Sequence[tuple[int, int]]]] | None = None,
    ) -> list[dict[str, Any]]:
        """Features for ``items`` (:meth:`annotator.encoding.Encoder.encode`)."""
        return self.encoder.encode(items, gold_spans)

    def collate(self, features: Sequence[dict[str, Any]]) -> dict[str, torch.Tensor]:
        """Pad a batch to its longest member (dynamic padding), as torch tensors."""
        return {k: torch.from_numpy(v) for k, v in self.encoder.pad(features).items()}

    # -- inference --------------------------------------------------------------------
    def predict(self, items: Sequence[SentenceInput], batch_size: int = 32) -> list[TaggerOutput]:
        """Label probabilities, strength evidence and per-token tag probabilities with
        character offsets (:func:`annotator.tagger.predict`)."""
        self.network.eval()
        return tagger.predict(
            self.encoder, self._run, items, batch_size, self.backend not in BATCH_INVARIANT, self._run_all
        )

    def _run_all(
        self, run: Runner, batches: Sequence[dict[str, np.ndarray]]
    ) -> Iterable[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The batches' outputs in order. A backend that runs one window per batch (not in
        ``BATCH_INVARIANT``) runs as many at once as torch has threads, one thread each:
        small inputs spread over several threads wait on each other at every operator."""
        workers = torch.get_num_threads()
        if self.backend in BATCH_INVARIANT or workers < 2 or len(batches) < 2:
            return map(run, batches)
        torch.set_num_threads(1)
        try:
            with ThreadPoolExecutor(workers, thread_name_prefix="annotator-torch") as pool:
                return list(pool.map(run, batches))
        finally:
            torch.set_num_threads(workers)

    def _run(self, batch: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        with torch.inference_mode():
            outputs = self.network(*(torch.from_numpy(batch[k]) for k in INPUT_NAMES))
        return tuple(o.float().numpy() for o in outputs)  # type: ignore[return-value]

    @contextlib.contextmanager
    def threads(self, n: int) -> Iterator[None]:
        """Run on ``n`` threads (0: leave torch's setting); the caller's setting is restored after."""
        before = torch.get_num_threads()
        if n:
            torch.set_num_threads(n)
        try:
            yield
        finally:
            torch.set_num_threads(before)


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
