"""Put an adapter model's report beside a full fine-tune's (issue 17: no accuracy given up).

python eval/compare_models.py eval/reports/default/metrics.json eval/reports/full/metrics.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from annotator.training.report import side_by_side


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("adapter", help="metrics.json of the adapter model")
    parser.add_argument("full", help="metrics.json of the full fine-tune")
    parser.add_argument("--out", default="eval/reports/adapter_vs_full.md")
    args = parser.parse_args()
    text = side_by_side(*(json.loads(Path(p).read_text()) for p in (args.adapter, args.full)))
    Path(args.out).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
