"""Fine-tune and calibrate annotator's model: `make train` runs this."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from annotator.config import Config
from annotator.errors import AnnotatorError
from annotator.training.train import train


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--config", default="configs/default.toml", help="TOML config file")
    parser.add_argument("--out", default="models/default", help="model directory to write")
    parser.add_argument("--polnear", default=None, help="PolNeAR checkout: mix its train split in")
    parser.add_argument("--epochs", type=int, default=None, help="override train.epochs")
    parser.add_argument("--max-train-sentences", type=int, default=None, help="cap (smoke runs)")
    parser.add_argument(
        "--run-seeds", type=int, nargs="+", default=None, help="override train.run_seeds (a soup of runs)"
    )
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stdout
    )
    try:
        config = Config.load(args.config)
        overrides = {}
        if args.epochs is not None:
            overrides["epochs"] = args.epochs
        if args.max_train_sentences is not None:
            overrides["max_train_sentences"] = args.max_train_sentences
        if args.run_seeds is not None:
            overrides["run_seeds"] = args.run_seeds
        if overrides:
            config = config.replace(train=overrides)
        meta = train(config, args.out, polnear_dir=args.polnear)
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    keys = ("history", "soup", "train_seconds", "corpora")  # a soup has each run's history instead
    print(json.dumps({k: meta[k] for k in keys if k in meta}, indent=2))
    print(f"model written to {args.out}; run `make eval` for the report")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
