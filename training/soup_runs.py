"""Average models trained separately (one run seed each) into one greedy model soup.

The result is the model `make train` would give with all their seeds in
train.run_seeds, so the runs can be trained on several machines at once.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys

from annotator.errors import AnnotatorError
from annotator.training.train import soup_dirs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("models", nargs="+", help="model directories written by training/fit_model.py")
    parser.add_argument("--out", required=True, help="model directory to write")
    parser.add_argument(
        "--polnear", default=None, help="PolNeAR checkout, if the models were trained with it"
    )
    parser.add_argument("--corpus", default=None, help="the bundled corpus here (default: the first model's)")
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S", stream=sys.stdout
    )
    try:
        meta = soup_dirs(args.models, args.out, polnear_dir=args.polnear, corpus_dir=args.corpus)
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(meta["soup"], indent=2))
    print(f"model written to {args.out}; run `make eval` for the report")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
