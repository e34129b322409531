"""Which matrix products onnx-int8 may quantize: each choice's macro-F1 and ECE on the dev
and calib splits beside onnx-fp32's, for the shipped model (or --model).

python eval/quantization_dev.py --out eval/reports/quantization_dev.json

The choice in ``annotator.ort.keeps_fp32`` is made on these numbers, never on the test
splits (``make bench`` reports those). Each variant's graph is quantized from the cached
fp32 export into a temporary cache, so the user's cache is left as it is.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path


def _ffn(node: str) -> bool:
    return "/encoder/" in node and "/attention/" not in node and "_head" not in node


def variants() -> dict[str, Callable[[str], bool]]:
    """Name -> which products stay fp32 (the rest of the MatMuls, Gemms and fused Attention
    nodes, each layer's query/key/value product, become int8)."""
    from annotator.ort import keeps_fp32

    out: dict[str, Callable[[str], bool]] = {
        "shipped (keeps_fp32)": keeps_fp32,
        "feed-forward but layer.0/output (export 5)": _export5,
        "every feed-forward product (export 3)": lambda n: not _ffn(n),
        "feed-forward up-projections only": lambda n: "/intermediate/" not in n,
        "attention's output too": _attention_output_too,
        "attention's query/key/value too": _qkv_too,
        "attention's query/key/value and output too": _attention_too,
    }
    for k in range(1, 6):
        out[f"feed-forward but layer.{k}/output"] = functools.partial(_ffn_but, f"/layer.{k}/output/")
    for k in range(6):
        out[f"attention too but layer.{k}'s"] = functools.partial(_attention_but, k)
    return out


def _export5(node: str) -> bool:
    """Export 5's choice: the feed-forward products int8 but for the first layer's output
    projection; attention, the heads and the pooling product fp32."""
    return "_head" in node or "/attention/" in node or "/encoder/" not in node or "/layer.0/output/" in node


def _attention_output_too(node: str) -> bool:
    return _export5(node) and "/attention/output/" not in node


def _qkv_too(node: str) -> bool:
    return _export5(node) and not node.startswith("Attention")


def _attention_too(node: str) -> bool:
    return _qkv_too(node) and "/attention/output/" not in node


def _attention_but(layer: int, node: str) -> bool:
    """Attention int8 (query/key/value and output) in every layer but ``layer``."""
    own = node == f"Attention_{layer}" or f"/layer.{layer}/attention/output/" in node
    return _attention_too(node) or own


def _ffn_but(kept: str, node: str) -> bool:
    return not _ffn(node) or kept in node


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    parser.add_argument("--corpus", default="data/corpus")
    parser.add_argument("--wikinews", default="data/wikinews/corpus")
    parser.add_argument("--out", default=None, help="write the numbers here as JSON")
    parser.add_argument(
        "--only", default=None, help="run only the variants whose name contains this text (and onnx-fp32)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    from annotator import ort
    from annotator.config import SHIPPED_MODEL_DIR
    from annotator.pipeline import Annotator
    from annotator.training.bench import accuracy, held_out_splits

    model = Path(args.model or SHIPPED_MODEL_DIR)
    splits = held_out_splits(args.corpus, args.wikinews, calib=True)
    results = {"onnx-fp32": accuracy(Annotator(model, backend="onnx-fp32"), splits)}  # exports once
    fp32 = ort.cache_root() / ort.model_key(model) / "onnx-fp32.onnx"
    user_cache = os.environ.get(ort.CACHE_ENV)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ[ort.CACHE_ENV] = tmp
        cached = ort.cache_root() / ort.model_key(model)
        try:
            chosen = {n: k for n, k in variants().items() if args.only is None or args.only in n}
            for name, keep in chosen.items():
                cached.mkdir(parents=True, exist_ok=True)
                ort.quantize(fp32, cached / "onnx-int8.onnx", keep)
                results[name] = accuracy(Annotator(model, backend="onnx-int8"), splits)
                (cached / "onnx-int8.onnx").unlink()
                print(name, json.dumps(results[name]), flush=True)
        finally:
            if user_cache is None:
                os.environ.pop(ort.CACHE_ENV, None)
            else:
                os.environ[ort.CACHE_ENV] = user_cache
    if args.out:
        payload = {"model": str(model), "splits": list(splits), "results": results}
        Path(args.out).write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
