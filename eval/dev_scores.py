"""Macro-F1 and ECE of models on the dev splits: what a choice between recipes is made on.

python eval/dev_scores.py models/default models/window --out eval/reports/packing_dev.json

Test splits are for the reports (`make eval`); choices (packing, calibration weights,
mixes) are made on these numbers.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", help="model directories")
    parser.add_argument("--corpus", default="data/corpus")
    parser.add_argument("--wikinews", default="data/wikinews/corpus")
    parser.add_argument("--backend", default="onnx-int8", help="the same for every model")
    parser.add_argument("--out", default=None, help="write the numbers here as JSON")
    parser.add_argument(
        "--calib",
        action="store_true",
        help="also score the calib splits' labels (more held-out labels than dev alone; their ECE"
        " is in-sample, the calibrator was fitted on them)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    from annotator.pipeline import Annotator
    from annotator.training.bench import accuracy, held_out_splits

    splits = held_out_splits(args.corpus, args.wikinews, calib=args.calib)
    results = {}
    for model in args.models:
        results[model] = accuracy(Annotator(model, backend=args.backend), splits)
        scores = "  ".join(
            f"{s} F1 {v['macro_f1']:.4f} ECE {v['ece']:.4f}" for s, v in results[model].items()
        )
        print(f"{model}: {scores}")
    if args.out:
        payload = {
            "backend": args.backend,
            "sentences": {s: _body(a) for s, a in splits.items()},
            "models": results,
        }
        Path(args.out).write_text(json.dumps(payload, indent=2) + "\n")
    return 0


def _body(articles: list[dict]) -> int:
    return sum(s["kind"] == "body" for a in articles for s in a["sentences"])


if __name__ == "__main__":
    raise SystemExit(main())
