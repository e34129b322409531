"""Write the seeded Wikinews selection as unlabelled markup drafts, ten articles a file.

    python training/wikinews_drafts.py --wikinews ../shared/wikinews --out data/wikinews/drafts

Annotators turn ``drafts/batch-NN.txt`` into ``source/batch-NN.txt`` (see
``data/wikinews/ANNOTATING.md``); the articles of :func:`second_labelled` are
labelled a second time, independently, into ``agreement/second/``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from annotator.corpora.wikinews import BATCH, drafts, read_articles, second_labelled, select


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wikinews", required=True, help="folder holding articles.jsonl")
    parser.add_argument("--out", default="data/wikinews/drafts")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    chosen = select(read_articles(args.wikinews))
    items = list(drafts(chosen))
    for k in range(0, len(items), BATCH):
        path = out / f"batch-{k // BATCH + 1:02d}.txt"
        path.write_text("\n".join(text for _, text in items[k : k + BATCH]), encoding="utf-8")
    double = second_labelled([a.id for a in chosen])
    (out / "second_labelled.txt").write_text("\n".join(double) + "\n", encoding="utf-8")
    print(f"{len(items)} articles in {-(-len(items) // BATCH)} files; {len(double)} to label twice")


if __name__ == "__main__":
    main()
