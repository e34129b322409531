"""Copy a trained, evaluated adapter model into the package: `make ship` runs this."""

from __future__ import annotations

import argparse
import logging
import sys

from annotator.errors import AnnotatorError
from annotator.training.ship import ship


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", default="models/default", help="trained adapter model directory")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    try:
        size = ship(args.model)
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"shipped {args.model} into annotator/weights ({size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
