"""Benchmark the full pipeline: throughput, latency, cold start, memory, backends.

Every configuration is timed several times, interleaved (so a slow phase of a shared machine
hits all of them alike); medians and ratios to fp32 measured in the same run are reported.
``eval/run_bench.py`` (`make bench`) is a thin wrapper that writes eval/reports/bench.json.
"""

from __future__ import annotations

import logging
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

import torch

from annotator.config import BACKENDS
from annotator.corpora.bundled import load_split
from annotator.pipeline import Annotator
from annotator.training.evaluate import collect_rows
from annotator.training.metrics import ece, macro_f1

logger = logging.getLogger(__name__)

COLD_START = """
import time
t0 = time.perf_counter()
from annotator.pipeline import Annotator
a = Annotator.from_dir({model!r}, backend={backend!r})
t1 = time.perf_counter()
a.annotate("Officials said the talks would resume. “We are ready,” Smith said.")
t2 = time.perf_counter()
hwm = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]  # peak RSS of this process, kB
print(t1 - t0, t2 - t1, int(hwm) / 1024)
"""

Timings = dict[str, dict[int, list[float]]]


def cold_start(model: str, backend: str) -> dict[str, float]:
    """Import + load in a fresh process, and its peak RSS after one annotation.

    Peak RSS is read from /proc (VmHWM), which starts afresh at exec; getrusage's
    maximum would carry over this benchmark's own memory through fork.
    """
    out = subprocess.run(
        [sys.executable, "-c", COLD_START.format(model=model, backend=backend)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    load, first, rss = map(float, out.stdout.split()[-3:])
    return {"import_and_load_s": load, "first_article_s": first, "peak_rss_mb": rss}


def time_backends(
    annotators: dict[str, Annotator],
    texts: Sequence[str],
    latency_text: str,
    batch_sizes: Sequence[int],
    repeats: int,
) -> tuple[Timings, dict[str, list[float]]]:
    """Seconds per pass over ``texts`` for each backend and batch size, and per annotation of
    ``latency_text`` (five a repeat), interleaved across backends in every repeat."""
    timings: Timings = {b: {bs: [] for bs in batch_sizes} for b in annotators}
    latency: dict[str, list[float]] = {b: [] for b in annotators}
    for annotator in annotators.values():  # warm-up
        list(annotator.pipe(texts[:4]))
    for r in range(repeats):
        for backend, annotator in annotators.items():
            for bs in batch_sizes:
                t0 = time.perf_counter()
                list(annotator.pipe(texts, batch_size=bs))
                timings[backend][bs].append(time.perf_counter() - t0)
            for _ in range(5):
                t0 = time.perf_counter()
                annotator.annotate(latency_text)
                latency[backend].append(time.perf_counter() - t0)
        logger.info("repeat %d/%d done", r + 1, repeats)
    return timings, latency


def backend_entry(
    annotator: Annotator,
    test: Sequence[dict[str, Any]],
    n_articles: int,
    n_sentences: int,
    timings: dict[int, list[float]],
    latency: list[float],
) -> dict[str, Any]:
    """One backend's medians per batch size and its macro-F1 and ECE on the test split."""
    per_bs = {}
    for bs, seconds in timings.items():
        median = statistics.median(seconds)
        per_bs[bs] = {"median_s": round(median, 3), "sentences_per_s": round(n_sentences / median, 1),
                      "articles_per_s": round(n_articles / median, 2)}  # fmt: skip
    best_bs = max(per_bs, key=lambda k: per_bs[k]["sentences_per_s"])
    rows = collect_rows(annotator, test)
    body = [x for x in rows if x.gold_kind == "body"]
    scored = [x for x in body if x.score is not None]
    return {
        "batch_sizes": per_bs,
        "best_batch_size": best_bs,
        "best_sentences_per_s": per_bs[best_bs]["sentences_per_s"],
        "latency_25_sentences_median_s": round(statistics.median(latency), 4),
        "test_macro_f1": round(macro_f1([x.gold_label for x in body], [x.pred_label for x in body]), 4),
        "test_ece": round(ece([x.gold_well for x in scored], [x.score for x in scored]), 4),
    }


def recommend(entries: dict[str, dict[str, Any]]) -> str:
    """Add each backend's speedup over fp32 and whether it keeps fp32's macro-F1 and ECE
    within 0.005; the fastest backend that does is recommended."""
    fp32 = entries.get("torch-fp32")
    for entry in entries.values():
        if fp32 and fp32["best_sentences_per_s"]:
            entry["speedup_vs_fp32"] = round(entry["best_sentences_per_s"] / fp32["best_sentences_per_s"], 2)
        if fp32:
            entry["keeps_accuracy"] = (
                abs(entry["test_macro_f1"] - fp32["test_macro_f1"]) <= 0.005
                and abs(entry["test_ece"] - fp32["test_ece"]) <= 0.005
            )
    eligible = [b for b, e in entries.items() if e.get("keeps_accuracy", True)]
    return max(eligible, key=lambda b: entries[b]["best_sentences_per_s"])


def targets(results: dict[str, Any]) -> dict[str, bool]:
    """The speed and memory targets, for the recommended backend."""
    chosen = results["backends"][results["recommended_backend"]]
    return {
        "sentences_per_s_at_best_batch >= 300": chosen["best_sentences_per_s"] >= 300,
        "speedup_vs_fp32 >= 2": chosen.get("speedup_vs_fp32", 0) >= 2,
        "latency_25_sentences < 0.3 s": chosen["latency_25_sentences_median_s"] < 0.3,
        "cold_start < 5 s": results["cold_start"]["import_and_load_s"] < 5,
        "peak_rss < 1500 MB": results["cold_start"]["peak_rss_mb"] < 1500,
    }


def benchmark(
    model: str,
    corpus: str,
    articles: int = 40,
    repeats: int = 3,
    batch_sizes: Sequence[int] = (1, 8, 32, 64),
    backends: Sequence[str] = BACKENDS,
) -> dict[str, Any]:
    """Time every backend on the first ``articles`` test-split articles (the bench.json dict)."""
    torch.set_num_threads(2)
    test = load_split(corpus, "test")
    texts = [a["text"] for a in test[:articles]]
    annotators = {b: Annotator.from_dir(model, backend=b) for b in backends}
    n_sentences = sum(len(a.body) for a in annotators[backends[0]].pipe(texts))
    # one article of ~25 body sentences for latency
    lengths = [(abs(sum(s["kind"] == "body" for s in a["sentences"]) - 25), i) for i, a in enumerate(test)]
    latency_text = test[min(lengths)[1]]["text"]
    timings, latency = time_backends(annotators, texts, latency_text, batch_sizes, repeats)
    results: dict[str, Any] = {
        "machine": {
            "cpu_threads": torch.get_num_threads(),
            "python": platform.python_version(),
            "torch": torch.__version__,
        },
        "fixed_set": {"articles": len(texts), "body_sentences": n_sentences},
        "latency_article_body_sentences": sum(
            s.kind.value == "body" for s in annotators[backends[0]].annotate(latency_text).sentences
        ),
        "backends": {
            b: backend_entry(annotators[b], test, len(texts), n_sentences, timings[b], latency[b])
            for b in backends
        },
    }
    results["recommended_backend"] = recommend(results["backends"])
    results["cold_start"] = cold_start(model, results["recommended_backend"])
    results["peak_rss_mb_this_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    results["targets"] = targets(results)
    return results


def summary(results: dict[str, Any], repeats: int) -> list[str]:
    """The benchmark as lines of text: a table of backends, the recommendation, the targets."""
    batch_sizes = list(next(iter(results["backends"].values()))["batch_sizes"])
    fixed = results["fixed_set"]
    lines = [
        f"fixed set: {fixed['articles']} articles, {fixed['body_sentences']} body sentences; "
        f"medians of {repeats} runs",
        f"{'backend':<11} "
        + " ".join(f"bs={bs:<3} sent/s" for bs in batch_sizes)
        + "  x fp32  latency(25)  F1     ECE",
    ]
    for backend, e in results["backends"].items():
        cols = " ".join(f"{e['batch_sizes'][bs]['sentences_per_s']:>12.1f}" for bs in batch_sizes)
        lines.append(
            f"{backend:<11} {cols}  {e.get('speedup_vs_fp32', 1):>5.2f}  {e['latency_25_sentences_median_s']:>9.3f}s  "
            f"{e['test_macro_f1']:.4f} {e['test_ece']:.4f}"
        )
    cs = results["cold_start"]
    lines.append(
        f"recommended backend: {results['recommended_backend']}; cold start {cs['import_and_load_s']:.2f}s "
        f"(+{cs['first_article_s']:.2f}s first article), peak RSS {cs['peak_rss_mb']:.0f} MB (fresh process), "
        f"{results['peak_rss_mb_this_process']:.0f} MB (this benchmark, all backends loaded)"
    )
    lines.extend(f"target {name}: {'met' if ok else 'NOT met'}" for name, ok in results["targets"].items())
    return lines
