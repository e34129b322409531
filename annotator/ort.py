"""The ONNX Runtime backend: the tagger exported once, run without torch.

The first load of a model on a machine exports its network to ONNX (which needs
torch, once) and, for ``onnx-int8``, quantizes it: weights of the encoder's linear
layers to int8 per output channel (the task heads and one outlier product left in fp32:
:func:`keeps_fp32`). Both files are cached
under :func:`cache_root`, keyed by the model's weights, the base encoder's file and
this module's export version, so a retrained model or a new base is exported again.
Every later load reads the cached graph and never imports torch: that and the
lighter runtime are most of what makes the cold start short.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from annotator import modeldir, tagger
from annotator.adapter import base_weights
from annotator.encoding import INPUT_NAMES, Encoder, SentenceInput
from annotator.errors import ModelNotFoundError
from annotator.tagger import BATCH_INVARIANT, Runner, TaggerOutput

logger = logging.getLogger(__name__)

EXPORT_VERSION = "8"  # bump when the exported graph or the quantization (keeps_fp32) changes
OUTPUT_NAMES = ("label_logits", "strength_logit", "tag_logits")
CACHE_ENV = "ANNOTATOR_CACHE"
ORT_BACKENDS = ("onnx-fp32", "onnx-int8")
# ONNX Runtime's fused residual-add + layer norm and bias + GELU kernels, slower on the CPU
# than the plain operators they replace (onnxruntime 1.32, AMD EPYC, one thread, Wikinews
# dev windows: the int8 graph took 17% less time without them, fp32 8% less, same outputs
# in fp32). Left unfused by :func:`fuse` and kept so when a session loads the graph.
UNFUSED = ("SkipLayerNormFusion", "BiasGeluFusion")


def cache_root() -> Path:
    """``$ANNOTATOR_CACHE``, else ``$XDG_CACHE_HOME/annotator``, else ``~/.cache/annotator``."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "annotator"


def model_key(directory: Path) -> str:
    """What the exported graph depends on: an adapter's bytes and the base encoder's
    weights file, or a full model's weights file, and the export version. A 90 MB weights
    file is known by its path, size and time: hashing it at every start would cost more
    than the start itself. The unfused operators and what :func:`keeps_fp32` keeps of a
    six-layer encoder's products are part of it too, so changing either exports again
    even if :data:`EXPORT_VERSION` was not bumped."""
    digest = hashlib.sha256(EXPORT_VERSION.encode())
    digest.update(",".join(UNFUSED).encode())
    digest.update(bytes(keeps_fp32(node) for node in _PRODUCTS))
    if modeldir.is_adapter(directory):
        digest.update((directory / modeldir.ADAPTER_FILE).read_bytes())
        weights = base_weights(modeldir.read_config(directory).model.resolved_base_model())
    else:
        weights = directory / modeldir.WEIGHTS_FILE
    stat = weights.stat()
    digest.update(f"{weights.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:24]


class OrtTagger:
    """A model exported to ONNX, run by ONNX Runtime on the CPU."""

    def __init__(self, session: object, encoder: Encoder, backend: str, workers: int = 1) -> None:
        self.session = session
        self.encoder = encoder
        self.backend = backend
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0  # the process the pool's threads belong to (a fork has none of them)

    @classmethod
    def load(cls, directory: str | Path, backend: str = "onnx-fp32", threads: int = 0) -> OrtTagger:
        """Load (exporting on first use) the model in ``directory`` on ``backend``;
        ``threads`` fixes the session's intra-op threads (0: ONNX Runtime's default).

        A backend that runs one window per batch (not in ``BATCH_INVARIANT``) gets one
        thread per run and ``threads`` runs at once instead: small inputs spread over two
        threads wait on each other at every operator (on Wikinews dev and calib, 588 windows,
        AMD EPYC: 5.69 s against 7.26 s)."""
        import onnxruntime as ort

        if backend not in ORT_BACKENDS:
            raise ValueError(f"ONNX Runtime runs {', '.join(ORT_BACKENDS)}, not {backend!r}")
        directory = Path(directory)
        config = modeldir.check_tagger(directory).model
        path = cache_root() / model_key(directory) / f"{backend}.onnx"
        if not path.is_file():
            export(directory, path.parent)
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        workers = threads if threads > 1 and backend not in BATCH_INVARIANT else 1
        if threads:
            options.intra_op_num_threads = 1 if workers > 1 else threads
            options.inter_op_num_threads = 1
        try:
            session = ort.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"], disabled_optimizers=list(UNFUSED)
            )
        except Exception as exc:  # onnxruntime raises its own exception types
            raise ModelNotFoundError(
                f"cannot load the exported model {path} ({exc}); delete it to export again"
            ) from None
        return cls(
            session,
            Encoder.from_dir(modeldir.tokenizer_dir(directory), config.max_length, config.packing),
            backend,
            workers,
        )

    def predict(self, items: Sequence[SentenceInput], batch_size: int = 32) -> list[TaggerOutput]:
        """As :meth:`annotator.model.SourcingModel.predict`, on ONNX Runtime."""
        return tagger.predict(
            self.encoder, self._run, items, batch_size, self.backend not in BATCH_INVARIANT, self._run_all
        )

    def _run_all(
        self, run: Runner, batches: Sequence[dict[str, np.ndarray]]
    ) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The batches' outputs in order, ``workers`` computed at once (on threads started
        in this process)."""
        if self.workers < 2 or len(batches) < 2:
            return map(run, batches)
        if self._pool is None or self._pool_pid != os.getpid():
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="annotator-ort")
            self._pool_pid = os.getpid()
        return self._pool.map(run, batches)

    def _run(self, batch: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        outputs = self.session.run(list(OUTPUT_NAMES), {k: batch[k] for k in INPUT_NAMES})  # type: ignore[attr-defined]
        return outputs[0], outputs[1], outputs[2]

    @contextlib.contextmanager
    def threads(self, n: int) -> Iterator[None]:
        """The session's threads are fixed when it is created (``load(threads=...)``)."""
        yield


def export(directory: Path, out_dir: Path) -> None:
    """Export the model in ``directory`` to ``out_dir/onnx-fp32.onnx`` and quantize it to
    ``out_dir/onnx-int8.onnx``; written under temporary names, then renamed, so a
    reader never sees half a file.

    The encoder is traced with eager attention (matrix product, additive mask, softmax),
    which :func:`fuse` turns into one ONNX Runtime ``Attention`` node per layer. Traced
    with torch's scaled-dot-product attention instead, the graph masks with ``Where`` and
    ``IsNaN`` nodes that ONNX Runtime runs one by one: 11-16% of the int8 graph's time,
    and no fusion (``make bench`` has the speeds)."""
    import torch

    from annotator.model import SourcingModel

    logger.info("exporting %s to ONNX in %s (once per model)", directory, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    model = SourcingModel.load(directory, backend="torch-fp32")
    model.network.encoder.set_attn_implementation("eager")
    batch = model.collate(
        model.encode(
            [
                SentenceInput("Officials said the talks would resume.", "Before.", "Then."),
                SentenceInput("Then they left.", "the talks would resume.", "After.", follows=True),
            ]
        )
    )
    traced = out_dir / f"traced.{os.getpid()}.tmp"
    fp32 = out_dir / f"onnx-fp32.{os.getpid()}.tmp"
    dynamic = {name: {0: "batch", 1: "sequence"} for name in (*INPUT_NAMES, "tag_logits")}
    dynamic["pool"] = {0: "batch", 1: "slots", 2: "sequence"}
    dynamic.update({"label_logits": {0: "batch", 1: "slots"}, "strength_logit": {0: "batch", 1: "slots"}})
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # tracer notes about shapes it treats as constants: not the user's concern
        torch.onnx.export(
            model.network,
            tuple(batch[k] for k in INPUT_NAMES),
            str(traced),
            input_names=list(INPUT_NAMES),
            output_names=list(OUTPUT_NAMES),
            dynamic_axes=dynamic,
            opset_version=17,
            dynamo=False,
        )
    config = model.network.encoder.config
    fuse(traced, fp32, config.num_attention_heads, config.hidden_size)
    traced.unlink()
    int8 = out_dir / f"onnx-int8.{os.getpid()}.tmp"
    quantize(fp32, int8)
    int8.replace(out_dir / "onnx-int8.onnx")
    fp32.replace(out_dir / "onnx-fp32.onnx")


def fuse(source: Path, target: Path, heads: int, hidden: int) -> None:
    """ONNX Runtime's BERT fusions, saved to ``target``: each layer's attention becomes one
    ``Attention`` node (query, key and value in one product) and the embeddings one
    ``EmbedLayerNormalization``. The residual add + layer norm and the bias + GELU stay
    plain operators (:data:`UNFUSED`). Node names of the remaining products are kept, and
    the fused ``Attention`` nodes are named by layer (``Attention_0`` ...), which
    :func:`keeps_fp32` reads."""
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    options = FusionOptions("bert")
    options.enable_skip_layer_norm = False
    options.enable_bias_gelu = False
    logging.disable(logging.WARNING)  # the optimizer logs each fusion to the root logger
    try:
        fused = optimize_model(
            str(source),
            model_type="bert",
            num_heads=heads,
            hidden_size=hidden,
            opt_level=1,
            optimization_options=options,
        )
    finally:
        logging.disable(logging.NOTSET)
    if not fused.get_fused_operator_statistics().get("Attention"):
        # still a correct graph, only slower: a new exporter may trace attention differently
        logger.warning("ONNX Runtime did not fuse the attention of %s; it runs unfused", source)
    fused.save_model_to_file(str(target))


# the names ONNX Runtime's fusion and the torch exporter give the products of a BERT encoder
# of six layers, its pooling and its heads: what the export cache key asks keeps_fp32 about
_PRODUCTS = (
    "/MatMul",
    "/label_head/MatMul",
    "/strength_head/MatMul",
    "/tag_head/MatMul",
    *(
        name
        for k in range(6)
        for name in (
            f"Attention_{k}",
            f"/encoder/encoder/layer.{k}/attention/output/dense/MatMul",
            f"/encoder/encoder/layer.{k}/intermediate/dense/MatMul",
            f"/encoder/encoder/layer.{k}/output/dense/MatMul",
        )
    ),
)


def keeps_fp32(node: str) -> bool:
    """Whether the int8 graph leaves a product in fp32: the heads, the pooling product (not
    an encoder weight) and the first layer's feed-forward output projection."""
    return (
        "_head" in node
        or ("/encoder/" not in node and not node.startswith("Attention"))
        or "/layer.0/output/" in node
    )


def quantize(source: Path, target: Path, keep: Callable[[str], bool] = keeps_fp32) -> None:
    """Dynamic int8 quantization of the products ``keep`` does not keep, weights per output
    channel. As shipped (:func:`keeps_fp32`), every encoder product but one, the first
    layer's feed-forward output projection, whose activations carry BERT's outliers
    (quantized, it cost 0.012 macro-F1 on Wikinews dev in export 5). Chosen on the dev and
    calib splits (``eval/reports/quantization_dev.json``, written by
    ``eval/quantization_dev.py``; ``eval/reports/bench.json`` has the test splits). On export
    7's graph the variants tried differ from each other by about as much as other roundings
    move them, and this one, the fastest, stayed within 0.0043 macro-F1 and 0.0023 ECE of
    fp32 on all four splits. Export 6 kept layer 2's attention in fp32; on export 7's graph
    that choice moved bundled dev's ECE by 0.0055."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(source)).graph
    kept_fp32 = [node.name for node in graph.node if keep(node.name)]
    logging.disable(logging.WARNING)  # the quantizer logs a line per tensor (and advice) to the root logger
    try:
        quantize_dynamic(
            str(source),
            str(target),
            per_channel=True,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["MatMul", "Gemm", "Attention"],  # Attention: the fused one
            nodes_to_exclude=kept_fp32,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # fused ops lack inferred types
        )
    finally:
        logging.disable(logging.NOTSET)
