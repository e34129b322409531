"""Dev ECE per corpus of calibrators fitted with each share of Wikinews calib weight.

python eval/calib_share.py models/default --out eval/reports/calib_share.json

The tagger is the model's; only the scorer is refitted (on the calib splits), and it is
judged on the dev splits, where `train.calib_wikinews_share` is chosen.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help="model directory")
    parser.add_argument("--corpus", default="data/corpus")
    parser.add_argument("--wikinews", default="data/wikinews/corpus")
    parser.add_argument("--shares", default="none,0.4,0.5,0.6,0.7")
    parser.add_argument("--backend", default="onnx-int8")
    parser.add_argument("--out", default=None, help="write the numbers here as JSON")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    from annotator.corpora.bundled import load_split
    from annotator.pipeline import Annotator
    from annotator.scoring import SourcingScorer
    from annotator.training.metrics import ece
    from annotator.training.train import calib_weights, calibration_data

    annotator = Annotator(args.model, backend=args.backend)
    data = {
        (corpus, split): calibration_data(annotator, load_split(path, split))
        for corpus, path in (("bundled", args.corpus), ("wikinews", args.wikinews))
        for split in ("calib", "dev")
    }
    (xb, yb), (xw, yw) = data["bundled", "calib"], data["wikinews", "calib"]
    results = {}
    for share in args.shares.split(","):
        value = None if share == "none" else float(share)
        scorer = SourcingScorer().fit(xb + xw, yb + yw, calib_weights(len(yb), len(yw), value))
        results[share] = {
            f"{corpus}/dev": round(
                ece(data[corpus, "dev"][1], scorer.score_evidence(data[corpus, "dev"][0])), 4
            )
            for corpus in ("bundled", "wikinews")
        }
        print(
            f"wikinews share {share}: dev ECE " + "  ".join(f"{k} {v:.4f}" for k, v in results[share].items())
        )
    if args.out:
        sizes = {f"{c}/{s}": len(y) for (c, s), (_, y) in data.items()}
        payload = {"model": args.model, "backend": args.backend, "sentences": sizes, "ece": results}
        Path(args.out).write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
