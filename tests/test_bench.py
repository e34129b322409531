"""The benchmark's arithmetic: ratios to torch-fp32 and to a reference model, and the targets."""

from __future__ import annotations

from typing import Any

from annotator.training.bench import REFERENCE, compare, targets


def _entry(speed: float, f1: float = 0.9, ece: float = 0.02) -> dict[str, Any]:
    return {
        "speed": {"real": {"best_sentences_per_s": speed}},
        "accuracy": {"wikinews": {"macro_f1": f1, "ece": ece}, "bundled": {"macro_f1": f1, "ece": ece}},
    }


def test_ratios_are_to_fp32_and_to_the_reference_model() -> None:
    entries = {
        "torch-fp32": _entry(100.0),
        "onnx-int8": _entry(260.0, f1=0.902),
        "torch-int8": _entry(300.0, f1=0.85),
        REFERENCE: _entry(80.0),
    }
    compare(entries)
    assert entries["onnx-int8"]["speedup_vs_fp32"] == 2.6
    assert entries["onnx-int8"]["speedup_vs_reference_fp32"] == 3.25
    assert entries["onnx-int8"]["keeps_accuracy"] and not entries["torch-int8"]["keeps_accuracy"]
    cpu = {"flags": ["avx2"], "model": "x", "cores": 2}
    results = {
        "backends": entries,
        "auto_backend": "onnx-int8",
        "reference_model": "models/sentence",
        "machine": {"cpu": cpu},
        "cold_start": {"cli_wall_s": 1.2, "article_after_load_s": 0.2, "peak_rss_mb": 300.0},
    }
    met = targets(results)
    assert met["default >= 2.5x torch-fp32 on real articles"]
    assert met["default >= 2.5x the reference model (models/sentence) on torch-fp32"]
    assert not met["25-sentence article after load < 0.15 s"]
    cpu["flags"] = ["avx2", "avx512f", "amx_bf16"]
    assert not targets(results)["default >= 3.0x torch-fp32 on real articles"]
