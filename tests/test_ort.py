"""The ONNX Runtime backend and the backend choice: same outputs as torch, cached export,
no torch on the way, bf16 only where the CPU has it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from annotator import modeldir
from annotator.encoding import Encoder, SentenceInput
from annotator.hardware import CpuInfo, cpu_info
from annotator.model import SourcingModel
from annotator.ort import OrtTagger, cache_root, keeps_fp32, model_key
from annotator.pipeline import Annotator
from annotator.runtime import resolve_backend

ITEMS = [
    SentenceInput("Officials said the talks would resume.", "The minister left.", "Talks end."),
    SentenceInput("“We will not sign,” he said.", "Smith met the unions on Monday.", ""),
    SentenceInput("Prices rose."),
    SentenceInput(" ".join(["the talks would resume"] * 40)),  # read alone and cut
]


def test_onnx_fp32_computes_what_torch_does(tiny_model_dir: Path) -> None:
    torch_out = SourcingModel.load(tiny_model_dir).predict(ITEMS, batch_size=3)
    ort_out = OrtTagger.load(tiny_model_dir, "onnx-fp32").predict(ITEMS, batch_size=3)
    for t, o in zip(torch_out, ort_out, strict=True):
        assert np.allclose(t.probabilities, o.probabilities, atol=1e-5)
        assert abs(t.well_sourced - o.well_sourced) < 1e-5
        assert np.allclose(t.tag_probs, o.tag_probs, atol=1e-5)
        assert t.offsets == o.offsets and t.read_to == o.read_to
    assert torch_out[3].read_to is not None


def test_onnx_int8_stays_a_probability(tiny_model_dir: Path) -> None:
    out = OrtTagger.load(tiny_model_dir, "onnx-int8").predict(ITEMS)
    for o in out:
        assert abs(sum(o.probabilities) - 1) < 1e-4 and 0 <= o.well_sourced <= 1
        assert np.allclose(o.tag_probs.sum(-1), 1, atol=1e-4)


def _predict_in_child(tagger: OrtTagger, queue: object) -> None:
    queue.put([o.probabilities for o in tagger.predict(ITEMS)])  # type: ignore[attr-defined]


@pytest.mark.skipif(sys.platform != "linux", reason="fork start method")
def test_onnx_int8_runs_in_a_forked_process(tiny_model_dir: Path) -> None:
    """Its windows run on a thread pool; a forked child has none of the parent's threads, so
    it must start its own (the pool used to be made once, and the child waited forever)."""
    import multiprocessing
    import queue

    tagger = OrtTagger.load(tiny_model_dir, "onnx-int8", threads=2)
    parent = [o.probabilities for o in tagger.predict(ITEMS)]
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    child = ctx.Process(target=_predict_in_child, args=(tagger, results))
    child.start()
    try:
        assert results.get(timeout=60) == parent
    except queue.Empty:
        pytest.fail("the forked process did not finish predicting")
    finally:
        child.join(timeout=5)
        if child.is_alive():
            child.kill()


def test_export_is_cached_by_model_and_redone_when_the_model_changes(
    tiny_model_dir: Path, tmp_path: Path
) -> None:
    OrtTagger.load(tiny_model_dir, "onnx-fp32")
    cached = cache_root() / model_key(tiny_model_dir) / "onnx-fp32.onnx"
    stamp = cached.stat().st_mtime_ns
    OrtTagger.load(tiny_model_dir, "onnx-int8")  # the same export serves both
    assert cached.stat().st_mtime_ns == stamp
    other = tmp_path / "other"
    shutil.copytree(tiny_model_dir, other)
    weights = other / modeldir.WEIGHTS_FILE
    os.utime(weights, ns=(stamp + 10**9, stamp + 10**9))
    assert model_key(other) != model_key(tiny_model_dir)


def test_the_onnx_path_never_imports_torch(tiny_model_dir: Path) -> None:
    Annotator(tiny_model_dir, backend="onnx-int8")  # export once (that needs torch)
    code = (
        "import sys; from annotator.pipeline import Annotator; "
        f"a = Annotator({str(tiny_model_dir)!r}, backend='onnx-int8'); "
        "s = a.annotate('Officials said the talks would resume. Prices rose.').sentences; "
        "print(len(s), 'torch' in sys.modules, 'transformers' in sys.modules, 'sklearn' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["2", "False", "False", "False"]


def test_auto_uses_bf16_only_with_amx() -> None:
    amx = CpuInfo("Intel Xeon", ("avx2", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16"), 2)
    avx2 = CpuInfo("AMD EPYC", ("avx2",), 2)
    zen4 = CpuInfo("AMD EPYC", ("avx2", "avx512f", "avx512_bf16"), 2)
    assert resolve_backend("auto", amx) == "torch-bf16"
    assert resolve_backend("auto", avx2) == resolve_backend("auto", zen4) == "onnx-int8"
    assert resolve_backend("torch-fp32", amx) == "torch-fp32"  # an explicit choice wins
    # a one-shot process (the CLI on a file) never pays for importing torch
    assert resolve_backend("auto", amx, one_shot=True) == "onnx-int8"
    assert resolve_backend("torch-bf16", amx, one_shot=True) == "torch-bf16"


def test_cpu_info_reads_the_flags(tmp_path: Path) -> None:
    fake = tmp_path / "cpuinfo"
    fake.write_text(
        "processor\t: 0\nmodel name\t: Test CPU 9000\nflags\t\t: fpu sse avx2 amx_bf16 amx_tile\n"
    )
    info = cpu_info.__wrapped__(str(fake))
    assert info.model == "Test CPU 9000" and info.flags == ("avx2", "amx_tile", "amx_bf16") and info.amx
    assert cpu_info.__wrapped__(str(tmp_path / "missing")).flags == ()


@pytest.mark.parametrize("max_length", [32, 96])
def test_the_encoder_tokenizes_as_transformers_does(tiny_base: Path, max_length: int) -> None:
    """The tokenizers-only encoder gives the features the transformers tokenizer gave."""
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(tiny_base)
    encoder = Encoder.from_dir(tiny_base, max_length)
    features = encoder.encode(ITEMS)
    for item, feature in zip(ITEMS, features, strict=True):
        if feature["slots"][0].cut:
            enc = hf([item.text], truncation="only_first", max_length=max_length, return_offsets_mapping=True)
        else:
            context = f"{item.before} {hf.sep_token} {item.after}".strip()
            enc = hf(
                [item.text],
                [context],
                truncation="only_second",
                max_length=max_length,
                return_offsets_mapping=True,
            )
        assert feature["input_ids"] == enc["input_ids"][0]
        assert feature["token_type_ids"] == enc["token_type_ids"][0]
        assert feature["offsets"] == [tuple(o) for o in enc["offset_mapping"][0]]
        assert feature["target"] == [s == 0 for s in enc.sequence_ids(0)]


def test_int8_keeps_the_heads_and_the_outlier_product_in_fp32(tiny_model_dir: Path) -> None:
    """Every encoder product is int8 (the tiny model has two layers, so no attention is kept)
    but the first layer's feed-forward output projection; the heads stay fp32."""
    import onnx

    OrtTagger.load(tiny_model_dir, "onnx-int8")
    folder = cache_root() / model_key(tiny_model_dir)
    before = {n.name: n.op_type for n in onnx.load(str(folder / "onnx-fp32.onnx")).graph.node}
    after = {n.name: n.op_type for n in onnx.load(str(folder / "onnx-int8.onnx")).graph.node}
    products = {n for n, op in before.items() if op in ("MatMul", "Attention")}
    kept = {n for n in products if after.get(n) == before[n]}
    assert {n for n in products if keeps_fp32(n)} == kept
    assert any("/layer.0/output/" in n for n in kept) and any("_head" in n for n in kept)
    assert not any(n.startswith("Attention") or "/attention/" in n for n in kept)
    assert any(op == "QAttention" for op in after.values()), "the fused attention is int8"


def test_keeps_fp32_keeps_the_heads_the_pool_and_one_product() -> None:
    assert keeps_fp32("/MatMul") and keeps_fp32("/label_head/MatMul")
    assert keeps_fp32("/encoder/encoder/layer.0/output/dense/MatMul")
    assert not keeps_fp32("Attention_0") and not keeps_fp32("Attention_2")
    assert not keeps_fp32("/encoder/encoder/layer.2/attention/output/dense/MatMul")
    assert not keeps_fp32("/encoder/encoder/layer.4/intermediate/dense/MatMul")


def test_the_export_fuses_each_layers_attention(tiny_model_dir: Path) -> None:
    """Traced with eager attention, ONNX Runtime fuses every layer's attention into one node;
    traced with scaled-dot-product attention, it masks with Where/IsNaN node by node."""
    import json

    import onnx

    OrtTagger.load(tiny_model_dir, "onnx-fp32")
    graph = onnx.load(str(cache_root() / model_key(tiny_model_dir) / "onnx-fp32.onnx")).graph
    ops = [n.op_type for n in graph.node]
    config = json.loads((modeldir.tokenizer_dir(tiny_model_dir) / "config.json").read_text())
    assert ops.count("Attention") == config["num_hidden_layers"]
    assert "IsNaN" not in ops and "Softmax" not in ops


def test_residual_norm_and_gelu_stay_unfused(tiny_model_dir: Path, tmp_path: Path) -> None:
    """ONNX Runtime's fused SkipLayerNormalization and BiasGelu kernels are slower on the CPU
    than the operators they replace: the export leaves them out, and a session started with
    ``UNFUSED`` disabled does not fuse them back (one started without it does, so the
    optimizer names are the ones ONNX Runtime uses)."""
    import onnx
    import onnxruntime as ort

    from annotator.ort import UNFUSED

    OrtTagger.load(tiny_model_dir, "onnx-int8")
    folder = cache_root() / model_key(tiny_model_dir)

    def optimized_ops(backend: str, disabled: tuple[str, ...]) -> list[str]:
        options = ort.SessionOptions()
        options.optimized_model_filepath = str(tmp_path / f"{backend}-{len(disabled)}.onnx")
        ort.InferenceSession(
            str(folder / f"{backend}.onnx"),
            options,
            providers=["CPUExecutionProvider"],
            disabled_optimizers=list(disabled),
        )
        return [n.op_type for n in onnx.load(options.optimized_model_filepath).graph.node]

    for backend in ("onnx-fp32", "onnx-int8"):
        saved = [n.op_type for n in onnx.load(str(folder / f"{backend}.onnx")).graph.node]
        assert "LayerNormalization" in saved and "SkipLayerNormalization" not in saved
        assert "BiasGelu" not in saved
        ops = optimized_ops(backend, UNFUSED)
        assert "SkipLayerNormalization" not in ops and "BiasGelu" not in ops
    assert "SkipLayerNormalization" in optimized_ops("onnx-fp32", ())


def test_the_cache_key_follows_the_quantization_choice(
    tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key asks keeps_fp32 about every product of the graph, by the names the export
    gives them, so changing what stays fp32 exports again without a version bump."""
    import onnx

    from annotator import ort

    OrtTagger.load(tiny_model_dir, "onnx-fp32")
    graph = onnx.load(str(cache_root() / model_key(tiny_model_dir) / "onnx-fp32.onnx")).graph
    products = {n.name for n in graph.node if n.op_type in ("MatMul", "Attention")}
    assert products and products <= set(ort._PRODUCTS)
    before = model_key(tiny_model_dir)
    monkeypatch.setattr(ort, "keeps_fp32", lambda node: True)
    assert model_key(tiny_model_dir) != before
