"""Write the seeded Wikinews selection as unlabelled markup drafts, ten articles a file.

    python training/wikinews_drafts.py --wikinews ../shared/wikinews --out data/wikinews/drafts

Annotators turn ``drafts/batch-NN.txt`` into ``source/batch-NN.txt`` (see
``data/wikinews/ANNOTATING.md``); the articles of :func:`second_labelled` are
labelled a second time, independently, into ``agreement/second/``.

    python training/wikinews_drafts.py --wikinews ../shared/wikinews --extend 100

drafts a second draw (``select_more``) after the existing batches and assigns its
articles to the train split in ``corpus/splits.json``, so dev, calib and test stay
the articles they were.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from annotator.corpora.bundled import SPLITS_FILE
from annotator.corpora.wikinews import (
    BATCH,
    RESERVE,
    US_POLITICS,
    US_POLITICS_MIN_BODY,
    US_POLITICS_SEED,
    article_words,
    drafts,
    notice_table,
    read_articles,
    second_labelled,
    select,
    select_more,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wikinews", required=True, help="folder holding articles.jsonl")
    parser.add_argument("--out", default="data/wikinews/drafts")
    parser.add_argument("--extend", type=int, default=0, help="draft N more articles for train only")
    parser.add_argument(
        "--us-politics",
        action="store_true",
        help="with --extend: draw US political news of 15+ body sentences (seed 18), PolNeAR's kind of reporting",
    )
    parser.add_argument("--splits", default=f"data/wikinews/corpus/{SPLITS_FILE}")
    parser.add_argument(
        "--notice", default=None, help="rewrite the attribution table of this NOTICE.md for the annotated ids"
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    articles = read_articles(args.wikinews)
    chosen = select(articles)
    if args.notice:
        write_notice(articles, Path(args.notice), Path(args.out).parent / "source")
        return
    if args.extend:
        extend(articles, chosen, args.extend, out, Path(args.splits), args.us_politics)
        return
    items = list(drafts(chosen))
    for k in range(0, len(items), BATCH):
        path = out / f"batch-{k // BATCH + 1:02d}.txt"
        path.write_text("\n".join(text for _, text in items[k : k + BATCH]), encoding="utf-8")
    double = second_labelled([a.id for a in chosen])
    (out / "second_labelled.txt").write_text("\n".join(double) + "\n", encoding="utf-8")
    print(f"{len(items)} articles in {-(-len(items) // BATCH)} files; {len(double)} to label twice")


def write_notice(articles: list, notice: Path, source: Path) -> None:
    """Regenerate the article table (and the counts) of ``notice`` for the ids in ``source``
    and in the reserve beside it (their texts are in the repository too)."""
    labelled = [*sorted(source.glob("batch-*.txt")), *sorted((source.parent / RESERVE).glob("batch-*.txt"))]
    ids = list(article_words("\n".join(p.read_text(encoding="utf-8") for p in labelled)))
    table, public = notice_table(articles, ids)
    text = notice.read_text(encoding="utf-8")
    head = text[: text.index("| id | title | date | URL |")]
    head = re.sub(r"\(\d+ of the \d+ below\)", f"({public} of the {len(ids)} below)", head)
    head = re.sub(r"\n\d+ articles, by id", f"\n{len(ids)} articles, by id", head)
    notice.write_text(head + table, encoding="utf-8")
    print(f"{notice}: {len(ids)} articles, {public} in the public domain")


def extend(
    articles: list, chosen: list, n: int, out: Path, splits_path: Path, us_politics: bool = False
) -> None:
    """Draft ``n`` more articles after the last batch file; they go to the train split."""
    splits = json.loads(splits_path.read_text(encoding="utf-8"))
    # every drafted id is taken, labelled or not: `make data` keeps only labelled ids in
    # splits.json, so a draw read from it alone would draft unlabelled batches again
    numbers = {int(p.stem.removeprefix("batch-")): p for p in out.glob("batch-*.txt")}
    drafted = [i for p in numbers.values() for i in article_words(p.read_text(encoding="utf-8"))]
    taken = [a.id for a in chosen] + list(splits) + drafted
    if us_politics:
        more = select_more(articles, taken, n, US_POLITICS_SEED, US_POLITICS, US_POLITICS_MIN_BODY)
    else:
        more = select_more(articles, taken, n)
    first = max(numbers, default=0) + 1
    items = list(drafts(more))
    for k in range(0, len(items), BATCH):
        path = out / f"batch-{first + k // BATCH:02d}.txt"
        path.write_text("\n".join(text for _, text in items[k : k + BATCH]), encoding="utf-8")
    splits.update({a.id: "train" for a in more})
    splits_path.write_text(json.dumps(dict(sorted(splits.items())), indent=1) + "\n", encoding="utf-8")
    print(f"{len(items)} more articles in batch-{first:02d}..; all assigned to train in {splits_path}")


if __name__ == "__main__":
    main()
