"""Agreement between two labellings of the same words that may be split differently."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.corpora.agreement import (
    align_one_to_one,
    first_label_rows,
    kind_agreement,
    label_agreement,
    load_labels,
    meta_body_pairs,
    sentence_ranges,
)
from annotator.corpora.source import parse_source

FIRST = """### id=wn-1 domain=politics style=wiki
M headline | Minister resigns
O 2 | {s:The minister} {c:said} she would resign. She left at noon.
A 1 | {s:Officials} {c:said} the post would be filled.
R 0 | Talks resume on Monday.
"""

SECOND = """### id=wn-1 domain=politics style=wiki
M headline | Minister resigns
O 2 | {s:The minister} {c:said} she would resign.
R 0 | She left at noon.
A 1 | {s:Officials} {c:said} the post would be filled.
M boilerplate | Talks resume on Monday.
"""


def _article(markup: str) -> dict:
    return parse_source(markup)[0]


def test_ranges_are_positions_in_the_words_joined_by_spaces() -> None:
    article = _article(SECOND)
    joined = " ".join(article["text"].split())
    assert [joined[a:b] for a, b in sentence_ranges(article)][1] == "The minister said she would resign."


def test_a_joined_sentence_is_left_out_and_the_rest_keep_the_second_index() -> None:
    rows, left_out = first_label_rows(_article(FIRST), _article(SECOND))
    # second body sentences: 0 "The minister …", 1 "She left at noon.", 2 "Officials said …"
    # the first labelling joined 0 and 1, so only 2 aligns one to one
    assert rows == [(2, "anonymous", 1, "Officials said the post would be filled.")]
    assert left_out == 2


def test_alignment_tolerates_a_small_boundary_shift_only() -> None:
    first = [(0, 100), (101, 150)]
    # 95/100 and 49/54 of each other: both align
    assert align_one_to_one(first, [(0, 95), (96, 150)]) == {0: 0, 1: 1}
    assert align_one_to_one(first, [(0, 50), (51, 150)]) == {}


def test_meta_body_pairs_compare_kinds_of_aligned_lines() -> None:
    pairs = meta_body_pairs(_article(FIRST), _article(SECOND))
    assert pairs == [("meta", "meta"), ("body", "body"), ("body", "meta")]
    result = kind_agreement(pairs)
    assert result["lines"] == 3
    assert result["kind_agreement"] == pytest.approx(2 / 3)


def test_load_labels_reads_codes_and_names_and_skips_comments(tmp_path: Path) -> None:
    first = tmp_path / "first.tsv"
    first.write_text("# note\nid\tindex\tlabel\tstrength\ttext\nwn-1\t0\ton_record\t3\t“Yes,” he said.\n")
    second = tmp_path / "second.tsv"
    second.write_text("# note\nwn-1\t0\tO\t2\n")
    assert load_labels(first) == {("wn-1", 0): ("on_record", 3)}
    assert load_labels(second) == {("wn-1", 0): ("on_record", 2)}


def test_load_labels_refuses_an_unknown_label(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("wn-1\t0\tX\t2\n")
    with pytest.raises(ValueError):
        load_labels(bad)


def test_label_agreement_numbers() -> None:
    first = {("a", 0): ("reporter", 0), ("a", 1): ("anonymous", 1), ("a", 2): ("on_record", 3),
             ("a", 3): ("on_record", 2), ("b", 0): ("reporter", 0)}  # fmt: skip
    second = {("a", 0): ("reporter", 0), ("a", 1): ("on_record", 2), ("a", 2): ("on_record", 2),
              ("a", 3): ("on_record", 2), ("c", 9): ("reporter", 0)}  # fmt: skip
    result = label_agreement(first, second)
    assert result["sentences"] == 4 and result["articles"] == 1  # only keys both labelled
    assert result["label_agreement"] == pytest.approx(3 / 4)
    assert result["attributed_kappa"] == pytest.approx(1.0)  # same sentences attributed
    assert result["label_kappa"] < 1.0
    assert result["strength_agreement"] == pytest.approx(2 / 4)
    assert result["well_sourced_kappa"] == pytest.approx(0.5)
    assert result["disagreements"] == [("a", 1), ("a", 2)]


def test_kappa_is_none_when_undefined() -> None:
    same = {("a", 0): ("reporter", 0)}
    assert label_agreement(same, same)["label_kappa"] is None
    assert label_agreement({}, {})["label_agreement"] is None


def test_the_wikinews_corpus_passes_its_checks() -> None:
    """The committed corpus: valid splits built from the sources, the issue's minimums, and no
    word of an annotated batch changed against its draft (what `make data-check` runs)."""
    from pathlib import Path

    from annotator.corpora.wikinews import check_wikinews

    assert check_wikinews(Path(__file__).resolve().parents[1] / "data" / "wikinews") == []


def test_a_reserve_batch_is_checked_against_its_draft_and_the_corpus(tmp_path: Path) -> None:
    """Reserve batches are labelled text in the repository: their words must be the draft's,
    and an article may not be both in the reserve and in the corpus."""
    from annotator.corpora.bundled import build_corpus
    from annotator.corpora.wikinews import RESERVE, check_wikinews

    draft = (
        "### id=wn-1 domain=? style=wiki country=?\nM headline | Minister resigns\n? | She left at noon.\n"
    )
    for folder in ("drafts", "source", RESERVE):
        (tmp_path / folder).mkdir()
    (tmp_path / "drafts" / "batch-01.txt").write_text(draft, encoding="utf-8")
    (tmp_path / "drafts" / "batch-02.txt").write_text(draft.replace("noon", "night"), encoding="utf-8")
    labelled = "### id=wn-1 domain=politics style=wiki country=UK\nM headline | Minister resigns\nR 0 | She left at noon.\n"
    (tmp_path / "source" / "batch-01.txt").write_text(labelled, encoding="utf-8")
    (tmp_path / RESERVE / "batch-02.txt").write_text(labelled, encoding="utf-8")
    build_corpus(tmp_path / "source", tmp_path / "corpus")
    problems = check_wikinews(tmp_path)
    assert any(p.startswith(f"{RESERVE}/batch-02.txt: wn-1: words differ") for p in problems)
    assert f"{RESERVE}: wn-1 is also in the corpus" in problems
