"""The bundled corpus: it validates, its splits are fixed, and the source format catches mistakes."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.corpora.bundled import SPLITS, assign_splits, load_split, near_duplicates
from annotator.corpora.check import check_corpus
from annotator.corpora.source import parse_source
from annotator.errors import CorpusFormatError

ROOT = Path(__file__).resolve().parents[1]


def test_bundled_corpus_passes_data_check() -> None:
    problems, splits = check_corpus(ROOT / "data" / "source", ROOT / "data" / "corpus")
    assert problems == []
    assert len(splits["test"]) >= 80
    ids = [a["id"] for split in SPLITS for a in splits[split]]
    assert len(ids) == len(set(ids)) >= 500


def test_split_assignment_is_stable_when_articles_are_added() -> None:
    ids = [f"pol-{i:03d}" for i in range(40)]
    first = assign_splits(ids)
    again = assign_splits([*ids, "pol-999"], first)
    assert {k: again[k] for k in first} == first


def test_near_duplicates_are_found() -> None:
    base = load_split(ROOT / "data" / "corpus", "dev")[0]
    copy = {**base, "id": "copy", "text": base["text"].replace("said", "says", 1)}
    pairs = near_duplicates([base, copy, load_split(ROOT / "data" / "corpus", "dev")[1]])
    assert [(a, b) for a, b, _ in pairs] == [(base["id"], "copy")]


GOOD = """### id=tst-001 domain=politics style=wire country=US
M headline | Test headline here
A 2 | {s:A senior official} {c:said} {r:on condition of anonymity} that it rained.
A 2 | “It poured,” {s:he} {c:said}. | A senior official
R 0 | Roads closed.
"""


def test_source_offsets_are_exact() -> None:
    (article,) = parse_source(GOOD)
    text = article["text"]
    for s in article["sentences"]:
        for key in ("source", "cue", "anonymity_reason"):
            if s[key]:
                assert text[s[key]["start"] : s[key]["end"]] == s[key]["text"]
    assert article["sentences"][2]["source_resolved"] == "A senior official"


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (GOOD.replace("R 0 |", "R 1 |"), "reporter sentences have strength 0"),
        (GOOD.replace("| A senior official\n", "\n"), "pronoun source needs its antecedent"),
        (GOOD.replace("A 2 | “It", "O 1 | “It"), "on_record sentences have strength 2 or 3"),
        (GOOD.replace("Roads closed.", "Roads {c:closed}."), "reporter sentences take no spans"),
        (GOOD.replace("domain=politics", "domain=weather"), "unknown domain"),
        (GOOD.replace("| A senior official", "| Someone else"), "does not occur"),
        (GOOD.replace("Roads closed.", "Roads {closed."), "stray"),
    ],
)
def test_source_mistakes_are_named(bad: str, message: str) -> None:
    with pytest.raises(CorpusFormatError, match=message):
        parse_source(bad)
