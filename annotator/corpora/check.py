"""`make data-check`: validate the compiled corpus against its source and its contract."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from annotator.corpora.bundled import (
    SPLITS,
    SPLITS_FILE,
    build_corpus,
    load_split,
    near_duplicates,
    validate_article,
)

MIN_ARTICLES = 500
MIN_SENTENCES = 8000
MIN_TEST_ARTICLES = 80


def check_corpus(
    source_dir: str | Path,
    corpus_dir: str | Path,
    minimums: tuple[int, int, int] = (MIN_ARTICLES, MIN_SENTENCES, MIN_TEST_ARTICLES),
) -> tuple[list[str], dict[str, list[dict[str, Any]]]]:
    """All problems found (empty when the corpus is valid), and the loaded splits.
    ``minimums``: articles, body sentences and test articles the corpus must have."""
    min_articles, min_sentences, min_test = minimums
    problems: list[str] = []
    corpus_dir = Path(corpus_dir)
    splits = {split: load_split(corpus_dir, split) for split in SPLITS}
    seen: dict[str, str] = {}
    for split, articles in splits.items():
        for article in articles:
            problems.extend(validate_article(article))
            if article["id"] in seen:
                problems.append(f"{article['id']} is in both {seen[article['id']]} and {split}")
            seen[article["id"]] = split
            if article.get("split") != split:
                problems.append(f"{article['id']} says split {article.get('split')!r} but is in {split}")
    recorded = json.loads((corpus_dir / SPLITS_FILE).read_text())
    if recorded != dict(sorted(seen.items())):
        problems.append(f"{SPLITS_FILE} does not match the split files")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / SPLITS_FILE).write_text((corpus_dir / SPLITS_FILE).read_text())
        build_corpus(source_dir, tmp)
        for split in SPLITS:
            if (Path(tmp) / f"{split}.jsonl").read_bytes() != (corpus_dir / f"{split}.jsonl").read_bytes():
                problems.append(f"{split}.jsonl is stale: run `make data` to rebuild it from {source_dir}")
    articles = [a for arts in splits.values() for a in arts]
    n_body = sum(s["kind"] == "body" for a in articles for s in a["sentences"])
    if len(articles) < min_articles:
        problems.append(f"only {len(articles)} articles (need {min_articles})")
    if n_body < min_sentences:
        problems.append(f"only {n_body} body sentences (need {min_sentences})")
    if len(splits["test"]) < min_test:
        problems.append(f"only {len(splits['test'])} test articles (need {min_test})")
    for a, b, score in near_duplicates(articles):
        problems.append(f"near-duplicate articles {a} and {b} (5-gram Jaccard {score})")
    return problems, splits
