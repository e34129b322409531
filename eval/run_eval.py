"""Evaluate a trained model (`make eval`): bundled test split, baselines, optionally PolNeAR dev.

Writes eval/reports/<model>/metrics.json, report.md, confusion_matrix.png,
reliability.png, and the model directory's MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from annotator.errors import AnnotatorError
from annotator.training.evaluate import evaluate_model
from annotator.training.report import write_report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models/default")
    parser.add_argument("--corpus", default="data/corpus")
    parser.add_argument("--polnear", default=None, help="PolNeAR checkout (dev split is evaluated)")
    parser.add_argument(
        "--wikinews", default=None, help="compiled Wikinews corpus (its test split is evaluated)"
    )
    parser.add_argument("--out", default=None, help="report directory (default eval/reports/<model name>)")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument(
        "--reference",
        default=None,
        help="metrics.json of another model (the bundled-only one) to compare bundled macro-F1 against",
    )
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stdout
    )
    try:
        metrics = evaluate_model(
            args.model, args.corpus, args.polnear, args.reference, args.bootstrap, args.wikinews
        )
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else Path("eval/reports") / metrics["model_name"]
    write_report(metrics, out, Path(args.model))
    print((out / "report.md").read_text())
    print(f"report written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
