"""Benchmark the full pipeline: every backend's speed and accuracy, cold start, memory.

Throughput is measured on real articles (the Wikinews test split) and on bundled ones;
every configuration is timed several times, interleaved (so a slow phase of a shared
machine hits all of them alike), and reported as medians and as ratios to torch-fp32
measured in the same run. Each backend's macro-F1 and ECE on every test split show what
it keeps; the CPU's model and flags are recorded with the numbers, since the fastest
backend depends on them. ``eval/run_bench.py`` (`make bench`) writes eval/reports/bench.json.
"""

from __future__ import annotations

import dataclasses
import logging
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator.config import BACKENDS
from annotator.context import context_settings, sentence_inputs
from annotator.corpora.bundled import load_split
from annotator.hardware import cpu_info
from annotator.pipeline import Annotator
from annotator.runtime import resolve_backend
from annotator.segment import segment
from annotator.training.evaluate import Row, collect_rows
from annotator.training.metrics import ece, macro_f1
from annotator.types import Kind

logger = logging.getLogger(__name__)

CONCRETE = tuple(b for b in BACKENDS if b != "auto")
# less encoder work: the context the model reads around each sentence (words before, after)
CONTEXTS = {"trained (20/12 words)": None, "10/6 words": (10, 6), "no context": (0, 0)}

RSS = """
import sys, time
from annotator.pipeline import Annotator
a = Annotator({model!r}, backend={backend!r})
text = open({path!r}, encoding="utf-8").read()
a.annotate(text)
t0 = time.perf_counter()
for _ in range(5):
    a.annotate(text)
after_load = (time.perf_counter() - t0) / 5
hwm = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
print(after_load, int(hwm) / 1024, "torch" in sys.modules)
"""


def cold_start(model: str, backend: str, text: str, repeats: int = 3) -> dict[str, Any]:
    """The whole CLI on one article, wall time of a fresh process (median of ``repeats``,
    after one run that fills the ONNX cache), and a fresh process's per-article time after
    load and peak RSS (VmHWM, which starts afresh at exec)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "article.txt"
        path.write_text(text, encoding="utf-8")
        cli = [
            sys.executable,
            "-m",
            "annotator.cli",
            "annotate",
            str(path),
            "--model",
            model,
            "--backend",
            backend,
        ]
        subprocess.run([*cli, "--format", "json"], capture_output=True, check=True)  # warm: export cache
        walls = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            subprocess.run([*cli, "--format", "json"], capture_output=True, check=True)
            walls.append(time.perf_counter() - t0)
        out = subprocess.run(
            [sys.executable, "-c", RSS.format(model=model, backend=backend, path=str(path))],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    after_load, rss, torch_loaded = out.stdout.split()[-3:]
    return {
        "backend": backend,
        "cli_wall_s": round(statistics.median(walls), 3),
        "cli_wall_runs_s": [round(w, 3) for w in walls],
        "article_after_load_s": round(float(after_load), 4),
        "peak_rss_mb": round(float(rss), 1),
        "imports_torch": torch_loaded == "True",
    }


def time_backends(
    annotators: dict[str, Annotator], sets: dict[str, list[str]], batch_sizes: Sequence[int], repeats: int
) -> dict[str, dict[str, dict[int, list[float]]]]:
    """Seconds per pass over each fixed set, per backend and batch size, interleaved
    across backends in every repeat."""
    timings = {b: {s: {bs: [] for bs in batch_sizes} for s in sets} for b in annotators}
    for annotator in annotators.values():  # warm-up
        list(annotator.pipe(next(iter(sets.values()))[:4]))
    for r in range(repeats):
        for backend, annotator in annotators.items():
            for name, texts in sets.items():
                for bs in batch_sizes:
                    t0 = time.perf_counter()
                    list(annotator.pipe(texts, batch_size=bs))
                    timings[backend][name][bs].append(time.perf_counter() - t0)
        logger.info("repeat %d/%d done", r + 1, repeats)
    return timings


def held_out_splits(
    corpus: str | Path, wikinews: str | Path, calib: bool = False
) -> dict[str, list[dict[str, Any]]]:
    """The dev splits of both corpora (and their calib splits: more held-out labels, though
    a calibrator's ECE on them is in-sample), on which choices between recipes are made."""
    names = ("dev", "calib") if calib else ("dev",)
    return {
        f"{corpus_name}/{split}": load_split(directory, split)
        for split in names
        for corpus_name, directory in (("bundled", corpus), ("wikinews", wikinews))
    }


def held_out_rows(annotator: Annotator, splits: dict[str, list[dict[str, Any]]]) -> dict[str, list[Row]]:
    """Each split's gold body sentences and what the pipeline made of them."""
    return {
        name: [x for x in collect_rows(annotator, articles) if x.gold_kind == "body"]
        for name, articles in splits.items()
    }


def scores(body: Sequence[Row]) -> dict[str, float]:
    """Macro-F1 of the labels and ECE of the scores of body sentences."""
    scored = [x for x in body if x.score is not None]
    return {
        "macro_f1": round(macro_f1([x.gold_label for x in body], [x.pred_label for x in body]), 4),
        "ece": round(ece([x.gold_well for x in scored], [x.score for x in scored]), 4),
    }


def accuracy(annotator: Annotator, splits: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, float]]:
    """Macro-F1 and ECE of the pipeline on each split."""
    return {name: scores(body) for name, body in held_out_rows(annotator, splits).items()}


def tokens_per_sentence(annotator: Annotator, texts: Sequence[str]) -> dict[str, float]:
    """Tokens the encoder reads per body sentence, and how many of them are the sentence's own."""
    total = own = n = 0
    for text in texts:
        body = [(s.start, s.end) for s in segment(text) if s.kind is Kind.BODY]
        features = annotator.model.encoder.encode(
            sentence_inputs(text, body, **context_settings(annotator.config))
        )
        total += sum(len(f["input_ids"]) for f in features)
        own += sum(sum(f["target"]) for f in features)
        n += sum(len(f["slots"]) for f in features)
    return {"tokens_per_sentence": round(total / n, 1), "own_tokens_per_sentence": round(own / n, 1)}


def _speed(timings: dict[int, list[float]], n_sentences: int) -> dict[str, Any]:
    per_bs = {bs: round(n_sentences / statistics.median(s), 1) for bs, s in timings.items()}
    best = max(per_bs, key=lambda bs: per_bs[bs])
    return {"sentences_per_s": per_bs, "best_batch_size": best, "best_sentences_per_s": per_bs[best]}


REFERENCE = "reference torch-fp32"  # the entry of another model (--reference-model), on torch-fp32


def compare(entries: dict[str, dict[str, Any]], reference: str = "torch-fp32") -> None:
    """Add each backend's speedup over ``reference`` on real articles and whether it keeps
    the reference's macro-F1 and ECE within 0.005 on every test split; with a reference
    model's entry, each one's speedup over that too."""
    ref = entries[reference]

    def speedup(entry: dict[str, Any], over: dict[str, Any]) -> float:
        real = entry["speed"]["real"]["best_sentences_per_s"]
        return round(real / over["speed"]["real"]["best_sentences_per_s"], 2)

    for entry in entries.values():
        entry["speedup_vs_fp32"] = speedup(entry, ref)
        if REFERENCE in entries:
            entry["speedup_vs_reference_fp32"] = speedup(entry, entries[REFERENCE])
        entry["keeps_accuracy"] = all(
            abs(entry["accuracy"][s]["macro_f1"] - ref["accuracy"][s]["macro_f1"]) <= 0.005
            and abs(entry["accuracy"][s]["ece"] - ref["accuracy"][s]["ece"]) <= 0.005
            for s in ref["accuracy"]
        )


def targets(results: dict[str, Any]) -> dict[str, bool]:
    """Issue 18's targets for the default (auto) backend on this machine."""
    auto = results["backends"][results["auto_backend"]]
    cpu = results["machine"]["cpu"]
    needed = 3.0 if "amx_bf16" in cpu["flags"] else 2.5 if "avx512f" not in cpu["flags"] else None
    out = {"default >= torch-fp32 throughput": auto["speedup_vs_fp32"] >= 1.0}
    if needed is not None:
        out[f"default >= {needed}x torch-fp32 on real articles"] = auto["speedup_vs_fp32"] >= needed
    else:  # AVX-512 without AMX: the issue sets the 2.5x target for CPUs without AMX or AVX-512
        out["default >= 2.5x torch-fp32 (set for AVX2-only CPUs; reported here too)"] = (
            auto["speedup_vs_fp32"] >= 2.5
        )
    if "speedup_vs_reference_fp32" in auto:
        out[f"default >= 2.5x the reference model ({results['reference_model']}) on torch-fp32"] = (
            auto["speedup_vs_reference_fp32"] >= 2.5
        )
    out["default keeps fp32's macro-F1 and ECE within 0.005"] = auto["keeps_accuracy"]
    cold = results["cold_start"]
    out["cold start (CLI, 25 sentences) < 1.5 s"] = cold["cli_wall_s"] < 1.5
    out["25-sentence article after load < 0.15 s"] = cold["article_after_load_s"] < 0.15
    out["peak RSS < 800 MB"] = cold["peak_rss_mb"] < 800
    return out


def benchmark(
    model: str,
    corpus: str,
    wikinews: str | None = None,
    articles: int = 40,
    repeats: int = 3,
    batch_sizes: Sequence[int] = (8, 32),
    backends: Sequence[str] = CONCRETE,
    reference_model: str | None = None,
) -> dict[str, Any]:
    """Time and score every backend; the bench.json dict. With ``reference_model`` (an
    earlier model, e.g. one reading each sentence alone) its torch-fp32 run is timed in
    the same interleaved repeats, so the speedup over it is a same-run ratio too."""
    splits = {"bundled": load_split(corpus, "test")}
    if wikinews:
        splits["wikinews"] = load_split(wikinews, "test")
    real = splits.get("wikinews", splits["bundled"])
    sets = {
        "real": [a["text"] for a in real[:articles]],
        "bundled": [a["text"] for a in splits["bundled"][:articles]],
    }
    annotators = {b: Annotator(model, backend=b) for b in backends}
    if reference_model:
        annotators[REFERENCE] = Annotator(reference_model, backend="torch-fp32")
    first = annotators[backends[0]]
    sizes = {name: sum(len(a.body) for a in first.pipe(texts)) for name, texts in sets.items()}
    timings = time_backends(annotators, sets, batch_sizes, repeats)
    entries = {
        b: {
            "speed": {name: _speed(timings[b][name], sizes[name]) for name in sets},
            "accuracy": accuracy(annotators[b], splits),
        }
        for b in annotators
    }
    compare(entries)
    auto = resolve_backend("auto")
    one_shot = resolve_backend("auto", one_shot=True)  # what the CLI on a file runs
    lengths = [(abs(sum(s["kind"] == "body" for s in a["sentences"]) - 25), i) for i, a in enumerate(real)]
    latency_article = real[min(lengths)[1]]["text"]
    results: dict[str, Any] = {
        "machine": {"cpu": cpu_info().to_dict(), "python": platform.python_version(), "threads": 2},
        "fixed_sets": {
            "real": f"{'Wikinews' if wikinews else 'bundled'} test split, first {len(sets['real'])} articles, "
            f"{sizes['real']} body sentences",
            "bundled": f"bundled test split, first {len(sets['bundled'])} articles, {sizes['bundled']} body sentences",
        },
        "repeats": repeats,
        "model": model,
        "reference_model": reference_model,
        "auto_backend": auto,
        "auto_backend_one_shot": one_shot,
        "backends": entries,
        "encoder_work": context_options(model, auto, splits, sets["real"]),
        "cold_start": cold_start(model, one_shot, latency_article),
    }
    results["targets"] = targets(results)
    return results


def context_options(
    model: str, backend: str, splits: dict[str, list[dict[str, Any]]], texts: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """Tokens read per sentence, speed and accuracy with less context than the model was
    trained with: what cutting the encoder's work costs."""
    out = {}
    for name, words in CONTEXTS.items():
        annotator = Annotator(model, backend=backend)
        if words is not None:
            model_config = dataclasses.replace(
                annotator.config.model, context_words_before=words[0], context_words_after=words[1]
            )
            annotator.config = dataclasses.replace(annotator.config, model=model_config)
        n = sum(len(a.body) for a in annotator.pipe(texts[:4]))  # warm-up
        seconds = []
        for _ in range(3):
            t0 = time.perf_counter()
            n = sum(len(a.body) for a in annotator.pipe(texts))
            seconds.append(time.perf_counter() - t0)
        out[name] = {
            **tokens_per_sentence(annotator, texts),
            "sentences_per_s": round(n / statistics.median(seconds), 1),
            "accuracy": accuracy(annotator, splits),
        }
    return out


def summary(results: dict[str, Any]) -> list[str]:
    """The benchmark as lines of text."""
    cpu = results["machine"]["cpu"]
    lines = [f"CPU: {cpu['model']} ({cpu['cores']} cores; flags {' '.join(cpu['flags'])})"]
    lines += [f"{k}: {v}" for k, v in results["fixed_sets"].items()]
    splits = list(next(iter(results["backends"].values()))["accuracy"])
    lines.append(
        f"{'backend':<11} {'real sent/s':>11} {'bundled':>8} {'x fp32':>7}  "
        + "  ".join(f"{s} F1/ECE" for s in splits)
        + "  keeps"
    )
    for b, e in results["backends"].items():
        acc = "  ".join(f"{e['accuracy'][s]['macro_f1']:.4f}/{e['accuracy'][s]['ece']:.4f}" for s in splits)
        lines.append(
            f"{b:<11} {e['speed']['real']['best_sentences_per_s']:>11.1f} "
            f"{e['speed']['bundled']['best_sentences_per_s']:>8.1f} {e['speedup_vs_fp32']:>7.2f}  {acc}  "
            f"{'yes' if e['keeps_accuracy'] else 'no'}"
        )
    lines.append(
        f"auto picks {results['auto_backend']} on this CPU, "
        f"{results['auto_backend_one_shot']} for the CLI on a file"
    )
    if results.get("reference_model"):
        auto = results["backends"][results["auto_backend"]]
        lines.append(
            f"reference: {results['reference_model']} on torch-fp32; the default is "
            f"{auto['speedup_vs_reference_fp32']:.2f}x its throughput on real articles"
        )
    for name, o in results["encoder_work"].items():
        acc = "  ".join(
            f"{s} {o['accuracy'][s]['macro_f1']:.4f}/{o['accuracy'][s]['ece']:.4f}" for s in splits
        )
        lines.append(
            f"context {name}: {o['tokens_per_sentence']} tokens/sentence ({o['own_tokens_per_sentence']} own), "
            f"{o['sentences_per_s']} sent/s, {acc}"
        )
    c = results["cold_start"]
    lines.append(
        f"cold start ({c['backend']}): CLI {c['cli_wall_s']:.2f}s wall, {c['article_after_load_s']:.3f}s per "
        f"25-sentence article after load, peak RSS {c['peak_rss_mb']:.0f} MB, torch imported: {c['imports_torch']}"
    )
    lines.extend(f"target {name}: {'met' if ok else 'NOT met'}" for name, ok in results["targets"].items())
    return lines
