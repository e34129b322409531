"""Compile data/source/*.txt (authoring markup) into the fixed JSONL splits in data/corpus/."""

from __future__ import annotations

import argparse
import sys

from annotator.corpora.bundled import build_corpus
from annotator.errors import AnnotatorError


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", default="data/source")
    parser.add_argument("--out", default="data/corpus")
    args = parser.parse_args()
    try:
        counts = build_corpus(args.source, args.out)
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("articles per split:", ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
