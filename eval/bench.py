"""Benchmark the full pipeline (`make bench`): throughput, latency, cold start, memory, backends.

Every configuration is timed several times, interleaved (so a slow phase of a shared machine
hits all of them alike); medians and ratios to fp32 measured in the same run are reported.
Writes eval/reports/bench.json.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models/default")
    parser.add_argument("--corpus", default="data/corpus")
    parser.add_argument("--articles", type=int, default=40, help="test-split articles in the fixed set")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-sizes", default="1,8,32,64")
    parser.add_argument("--backends", default="torch-fp32,torch-bf16,torch-int8")
    parser.add_argument("--out", default="eval/reports/bench.json")
    args = parser.parse_args()

    import resource

    import torch

    from annotator.corpora.bundled import load_split
    from annotator.evaluate import collect_rows
    from annotator.metrics import ece, macro_f1
    from annotator.pipeline import Annotator

    torch.set_num_threads(2)
    test = load_split(args.corpus, "test")
    texts = [a["text"] for a in test[: args.articles]]
    backends = args.backends.split(",")
    batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    annotators = {b: Annotator.from_dir(args.model, backend=b) for b in backends}
    n_sentences = sum(len(a.body) for a in annotators[backends[0]].pipe(texts))
    # one article of ~25 body sentences for latency
    lengths = [(abs(sum(s["kind"] == "body" for s in a["sentences"]) - 25), i) for i, a in enumerate(test)]
    latency_text = test[min(lengths)[1]]["text"]

    timings: dict[str, dict[int, list[float]]] = {b: {bs: [] for bs in batch_sizes} for b in backends}
    latency: dict[str, list[float]] = {b: [] for b in backends}
    for annotator in annotators.values():  # warm-up
        list(annotator.pipe(texts[:4]))
    for r in range(args.repeats):
        for backend, annotator in annotators.items():
            for bs in batch_sizes:
                t0 = time.perf_counter()
                list(annotator.pipe(texts, batch_size=bs))
                timings[backend][bs].append(time.perf_counter() - t0)
            for _ in range(5):
                t0 = time.perf_counter()
                annotator.annotate(latency_text)
                latency[backend].append(time.perf_counter() - t0)
        print(f"repeat {r + 1}/{args.repeats} done", file=sys.stderr)

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
        "backends": {},
    }
    base_best = None
    for backend in backends:
        per_bs = {}
        for bs in batch_sizes:
            median = statistics.median(timings[backend][bs])
            per_bs[bs] = {"median_s": round(median, 3), "sentences_per_s": round(n_sentences / median, 1),
                          "articles_per_s": round(len(texts) / median, 2)}  # fmt: skip
        best_bs = max(per_bs, key=lambda k: per_bs[k]["sentences_per_s"])
        rows = collect_rows(annotators[backend], test)
        body = [x for x in rows if x.gold_kind == "body"]
        scored = [x for x in body if x.score is not None]
        entry = {
            "batch_sizes": per_bs,
            "best_batch_size": best_bs,
            "best_sentences_per_s": per_bs[best_bs]["sentences_per_s"],
            "latency_25_sentences_median_s": round(statistics.median(latency[backend]), 4),
            "test_macro_f1": round(macro_f1([x.gold_label for x in body], [x.pred_label for x in body]), 4),
            "test_ece": round(ece([x.gold_well for x in scored], [x.score for x in scored]), 4),
        }
        if backend == "torch-fp32":
            base_best = entry["best_sentences_per_s"]
        results["backends"][backend] = entry
    fp32 = results["backends"].get("torch-fp32")
    for entry in results["backends"].values():
        if base_best:
            entry["speedup_vs_fp32"] = round(entry["best_sentences_per_s"] / base_best, 2)
        if fp32:
            entry["keeps_accuracy"] = (
                abs(entry["test_macro_f1"] - fp32["test_macro_f1"]) <= 0.005
                and abs(entry["test_ece"] - fp32["test_ece"]) <= 0.005
            )
    eligible = [b for b, e in results["backends"].items() if e.get("keeps_accuracy", True)]
    results["recommended_backend"] = max(
        eligible, key=lambda b: results["backends"][b]["best_sentences_per_s"]
    )
    results["cold_start"] = cold_start(args.model, results["recommended_backend"])
    results["peak_rss_mb_this_process"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    chosen = results["backends"][results["recommended_backend"]]
    results["targets"] = {
        "sentences_per_s_at_best_batch >= 300": chosen["best_sentences_per_s"] >= 300,
        "speedup_vs_fp32 >= 2": chosen.get("speedup_vs_fp32", 0) >= 2,
        "latency_25_sentences < 0.3 s": chosen["latency_25_sentences_median_s"] < 0.3,
        "cold_start < 5 s": results["cold_start"]["import_and_load_s"] < 5,
        "peak_rss < 1500 MB": results["cold_start"]["peak_rss_mb"] < 1500,
    }

    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"fixed set: {len(texts)} articles, {n_sentences} body sentences; medians of {args.repeats} runs")
    print(
        f"{'backend':<11} "
        + " ".join(f"bs={bs:<3} sent/s" for bs in batch_sizes)
        + "  x fp32  latency(25)  F1     ECE"
    )
    for backend, e in results["backends"].items():
        cols = " ".join(f"{e['batch_sizes'][bs]['sentences_per_s']:>12.1f}" for bs in batch_sizes)
        print(
            f"{backend:<11} {cols}  {e.get('speedup_vs_fp32', 1):>5.2f}  {e['latency_25_sentences_median_s']:>9.3f}s  "
            f"{e['test_macro_f1']:.4f} {e['test_ece']:.4f}"
        )
    cs = results["cold_start"]
    print(
        f"recommended backend: {results['recommended_backend']}; cold start {cs['import_and_load_s']:.2f}s "
        f"(+{cs['first_article_s']:.2f}s first article), peak RSS {cs['peak_rss_mb']:.0f} MB (fresh process), "
        f"{results['peak_rss_mb_this_process']:.0f} MB (this benchmark, all backends loaded)"
    )
    for name, ok in results["targets"].items():
        print(f"target {name}: {'met' if ok else 'NOT met'}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
