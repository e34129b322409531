"""Draw more PolNeAR dev sentences for the hand-labelled sample, and the ones labelled twice.

    python training/polnear_hand_sample.py --polnear PATH --n 360 --double 102 --out /tmp/hs

Writes, OUTSIDE the repository, ``new_items.jsonl`` and ``double_items.jsonl`` with each
sentence and some context for the annotators (PolNeAR text never enters the repository);
the labels come back as ``{"item", "label"}`` lines and only offsets and labels are merged
into ``data/polnear_dev_sample.jsonl``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from annotator.corpora.polnear import double_labelled_items, new_hand_sample_items, polnear_to_gold
from annotator.segment import segment
from annotator.training.evaluate import HAND_SAMPLE, load_hand_sample


def _with_text(items: list[dict], texts: dict[str, str]) -> list[dict]:
    out = []
    for it in items:
        t = texts[it["doc_id"]]
        a, b = it["start"], it["end"]
        out.append(
            {
                **it,
                "context_before": t[max(0, a - 700) : a],
                "sentence": t[a:b],
                "context_after": t[b : b + 200],
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polnear", required=True)
    parser.add_argument("--n", type=int, default=360)
    parser.add_argument("--double", type=int, default=102)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--out", required=True, help="a folder outside the repository")
    args = parser.parse_args()
    gold = polnear_to_gold(args.polnear, "dev", segment)
    texts = {a["id"].removeprefix("polnear-dev-"): a["text"] for a in gold}
    existing = [{k: h[k] for k in ("item", "doc_id", "start", "end")} for h in load_hand_sample(HAND_SAMPLE)]
    new = new_hand_sample_items(gold, existing, args.n, args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, items in (
        ("new_items", new),
        ("double_items", double_labelled_items(existing + new, args.double)),
    ):
        (out / f"{name}.jsonl").write_text("".join(json.dumps(i) + "\n" for i in _with_text(items, texts)))
    print(f"{len(new)} new items; {args.double} to label twice")


if __name__ == "__main__":
    main()
