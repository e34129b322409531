"""Put one model's report beside another's: an adapter beside a full fine-tune (issue 17),
the window packing beside the sentence packing (issue 18).

python eval/compare_models.py eval/reports/default/metrics.json eval/reports/full/metrics.json
python eval/compare_models.py eval/reports/window/metrics.json eval/reports/default/metrics.json \
    --labels window,sentence --title '{a} packing ({a_name}) vs {b} packing ({b_name})' --out ...
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from annotator.training.report import side_by_side


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("adapter", help="metrics.json of the adapter model (or the first model)")
    parser.add_argument("full", help="metrics.json of the full fine-tune (or the second model)")
    parser.add_argument("--out", default="eval/reports/adapter_vs_full.md")
    parser.add_argument("--labels", default="adapter,full", help="short names of the two models")
    parser.add_argument("--title", default=None, help="the heading, e.g. '{a} ({a_name}) vs {b} ({b_name})'")
    args = parser.parse_args()
    extra = {"title": args.title} if args.title else {}
    text = side_by_side(
        *(json.loads(Path(p).read_text()) for p in (args.adapter, args.full)),
        labels=tuple(args.labels.split(",", 1)),  # type: ignore[arg-type]
        **extra,
    )
    Path(args.out).write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
