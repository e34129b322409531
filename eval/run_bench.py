"""Benchmark the full pipeline (`make bench`): throughput, latency, cold start, memory, backends.

Writes eval/reports/bench.json; the measurements are in annotator/training/bench.py.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--model", default="annotator/weights", help="model directory (default: the shipped one)"
    )
    parser.add_argument("--corpus", default="data/corpus")
    parser.add_argument("--wikinews", default="data/wikinews/corpus", help="real articles (its test split)")
    parser.add_argument("--articles", type=int, default=40, help="test-split articles in each fixed set")
    parser.add_argument(
        "--repeats", type=int, default=5, help="interleaved timing rounds; medians are reported"
    )
    parser.add_argument("--batch-sizes", default="8,32")
    parser.add_argument("--backends", default="torch-fp32,torch-bf16,torch-int8,onnx-fp32,onnx-int8")
    parser.add_argument(
        "--reference-model",
        default=None,
        help="another model directory timed on torch-fp32 in the same run (e.g. a sentence-packed one)",
    )
    parser.add_argument("--out", default="eval/reports/bench.json")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)

    from annotator.training.bench import benchmark, summary  # after parsing: --help loads nothing

    results = benchmark(
        args.model,
        args.corpus,
        wikinews=args.wikinews,
        articles=args.articles,
        repeats=args.repeats,
        batch_sizes=[int(b) for b in args.batch_sizes.split(",")],
        backends=args.backends.split(","),
        reference_model=args.reference_model,
    )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print("\n".join(summary(results)))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
