"""Evaluate a trained model (`make eval`): bundled test split, baselines, optionally PolNeAR dev.

Writes eval/reports/<model>/metrics.json, report.md, confusion_matrix.png,
reliability.png, and the model directory's MODEL_CARD.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from annotator.config import REPO_ROOT
from annotator.corpora.bundled import file_hashes, load_split
from annotator.errors import AnnotatorError
from annotator.evaluate import evaluate_bundled, evaluate_polnear
from annotator.pipeline import TRAINING_FILE, Annotator
from annotator.provenance import git_commit, versions
from annotator.report import write_report

HAND_SAMPLE = REPO_ROOT / "data" / "polnear_dev_sample.jsonl"


def _reference(path: Path, metrics: dict) -> dict | None:
    """The bundled-only model's score to compare with, if ``path`` is a usable report for it."""
    if not path.is_file():
        logging.warning("no reference report at %s: run `make eval` for the bundled-only model first", path)
        return None
    ref = json.loads(path.read_text())
    if ref.get("model_name") == metrics["model_name"] or "polnear_train_silver" in ref.get("corpora", {}):
        logging.warning("%s is not a bundled-only model's report; no comparison", path)
        return None
    if ref.get("data_hashes") != metrics["data_hashes"]:
        logging.warning("%s was scored on other corpus files; no comparison", path)
        return None
    return {
        "model_name": ref["model_name"],
        "macro_f1": ref["bundled"]["model"]["macro_f1"],
        "git_commit": ref.get("git_commit"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models/default")
    parser.add_argument("--corpus", default="data/corpus")
    parser.add_argument("--polnear", default=None, help="PolNeAR checkout (dev split is evaluated)")
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
    started = time.perf_counter()
    try:
        annotator = Annotator.from_dir(args.model)
        train_articles = load_split(args.corpus, "train")
        test_articles = load_split(args.corpus, "test")
        training = json.loads((Path(args.model) / TRAINING_FILE).read_text())
        metrics = {
            "model_name": training.get("name", Path(args.model).name),
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "git_commit": git_commit(),
            "seed": training.get("seed"),
            "soup": training.get("soup"),  # None for a single fine-tuning run
            "corpora": training.get("corpora", {}),
            "versions": versions(),
            "data_hashes": file_hashes(args.corpus),
            "bundled": evaluate_bundled(annotator, test_articles, train_articles, args.bootstrap),
        }
        if args.polnear:
            metrics["polnear"] = evaluate_polnear(
                annotator, args.polnear, HAND_SAMPLE, train_articles, args.bootstrap
            )
        if args.reference:
            metrics["reference"] = _reference(Path(args.reference), metrics)
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    metrics["eval_seconds"] = round(time.perf_counter() - started, 1)
    out = Path(args.out) if args.out else Path("eval/reports") / metrics["model_name"]
    write_report(metrics, out, Path(args.model))
    print((out / "report.md").read_text())
    print(f"report written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
