"""Validate the bundled corpus and regenerate the data card's statistics (`make data-check`)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from annotator.corpora.agreement import agreement, load_first_before_adjudication, load_second
from annotator.corpora.check import check_corpus
from annotator.corpora.stats import corpus_stats, stats_markdown
from annotator.corpora.wikinews import check_wikinews
from annotator.errors import AnnotatorError

START, END = "<!-- stats:start -->", "<!-- stats:end -->"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", default="data/source")
    parser.add_argument("--corpus", default="data/corpus")
    parser.add_argument("--card", default="data/README.md", help="data card whose stats block is rewritten")
    parser.add_argument("--stats", default="data/stats.json")
    parser.add_argument(
        "--second", default="data/agreement/second_labels.tsv", help="independent second labels"
    )
    parser.add_argument("--adjudication", default="data/agreement/adjudication.tsv")
    parser.add_argument("--wikinews", default="data/wikinews", help="the Wikinews corpus folder ('' to skip)")
    args = parser.parse_args()
    try:
        problems, splits = check_corpus(args.source, args.corpus)
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.wikinews:
        problems += [f"wikinews: {p}" for p in check_wikinews(args.wikinews)]
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    stats = corpus_stats(splits)
    second = Path(args.second)
    if second.is_file():
        articles = [a for arts in splits.values() for a in arts]
        labels2 = load_second(second)
        before = agreement(articles, labels2, load_first_before_adjudication(args.adjudication))
        after = agreement(articles, labels2)
        stats["agreement"] = {k: v for k, v in before.items() if k != "disagreements"}
        stats["agreement"]["disagreements"] = len(before["disagreements"])
        stats["agreement"]["remaining_disagreements"] = len(after["disagreements"])
    Path(args.stats).write_text(json.dumps(stats, indent=2) + "\n")
    card = Path(args.card)
    if card.is_file():
        text = card.read_text()
        block = f"{START}\n{stats_markdown(stats)}\n{END}"
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: block, text, flags=re.S)
        card.write_text(text)
    print(f"{stats['articles']} articles, {stats['body_sentences']} body sentences; {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
