"""Inter-annotator agreement between the corpus and an independent second labelling.

The second labelling (``data/agreement/second_labels.tsv``: article id, sentence
index, label code, strength) was made from the plain sentences without seeing
the first labels.

The Wikinews corpus (``data/wikinews/``) has its own records: ``first_labels.tsv`` and
``second_labels.tsv`` under ``data/wikinews/agreement/``, keyed by the sentence's position
among the article's body sentences in the second labelling, because the primary annotators
could join or split lines and the two labellings align only by the words' positions
(:func:`sentence_ranges`, :func:`align_one_to_one`, :func:`label_agreement`).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sklearn.metrics import cohen_kappa_score

from annotator.corpora.source import LABEL_CODES


def load_second(path: str | Path) -> dict[tuple[str, int], tuple[str, int]]:
    out = {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.reader(fh, delimiter="\t"):
            if len(row) == 4 and row[2] in LABEL_CODES:
                out[(row[0], int(row[1]))] = (LABEL_CODES[row[2]], int(row[3]))
    return out


def load_first_before_adjudication(path: str | Path) -> dict[tuple[str, int], tuple[str, int]]:
    """The corpus labels as they were before adjudication changed them (adjudication.tsv)."""
    out = {}
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            label, strength = row["first"].split()
            out[(row["id"], int(row["index"]))] = (label, int(strength))
    return out


def agreement(
    articles: Sequence[dict[str, Any]],
    second: dict[tuple[str, int], tuple[str, int]],
    first_overrides: dict[tuple[str, int], tuple[str, int]] | None = None,
) -> dict[str, Any]:
    """Cohen's kappa for the label and for strength >= 2, with the disagreements listed.

    ``first_overrides`` replaces corpus labels (e.g. with the pre-adjudication ones).
    """
    first_overrides = first_overrides or {}
    first_labels, second_labels, first_well, second_well = [], [], [], []
    disagreements = []
    ids = {a_id for a_id, _ in second}
    for article in articles:
        if article["id"] not in ids:
            continue
        for i, s in enumerate(article["sentences"]):
            if s["kind"] != "body" or (article["id"], i) not in second:
                continue
            label2, strength2 = second[(article["id"], i)]
            label1, strength1 = first_overrides.get((article["id"], i), (s["label"], s["strength"]))
            first_labels.append(label1)
            second_labels.append(label2)
            first_well.append(int(strength1 >= 2))
            second_well.append(int(strength2 >= 2))
            if label1 != label2 or (strength1 >= 2) != (strength2 >= 2):
                disagreements.append(
                    {
                        "id": article["id"],
                        "index": i,
                        "first": f"{label1} {strength1}",
                        "second": f"{label2} {strength2}",
                    }
                )
    n = len(first_labels)
    return {
        "articles": len(ids),
        "sentences": n,
        "label_kappa": float(cohen_kappa_score(first_labels, second_labels)) if n else None,
        "label_agreement": sum(a == b for a, b in zip(first_labels, second_labels, strict=True)) / n
        if n
        else None,
        "well_sourced_kappa": float(cohen_kappa_score(first_well, second_well)) if n else None,
        "disagreements": disagreements,
    }


# --- Wikinews: two labellings of the same words, possibly split differently ---------------

_NAMES = set(LABEL_CODES.values())


def sentence_ranges(article: dict[str, Any]) -> list[tuple[int, int]]:
    """Each sentence's character range in the article's words joined by single spaces.

    Two labellings of the same words (the primary annotator may join or split
    lines, the second may not) can then be compared by position, not by text,
    which a join or split would make differ.
    """
    ranges, cursor = [], 0
    for s in article["sentences"]:
        words = article["text"][s["start"] : s["end"]].split()
        length = len(" ".join(words))
        ranges.append((cursor, cursor + length))
        cursor += length + 1
    return ranges


def align_one_to_one(
    first: Sequence[tuple[int, int]], second: Sequence[tuple[int, int]], min_share: float = 0.8
) -> dict[int, int]:
    """Map a second-labelling sentence position to the first labelling's sentence
    that covers at least ``min_share`` of it and of which it covers as much.

    A joined or split sentence overlaps two of the other labelling's sentences by
    less than that and is left out: its one label cannot be compared with two.
    """
    pairs: dict[int, int] = {}
    j = 0
    for i, (a2, b2) in enumerate(second):
        while j < len(first) and first[j][1] <= a2:
            j += 1
        for k in range(j, len(first)):
            a1, b1 = first[k]
            if a1 >= b2:
                break
            overlap = min(b1, b2) - max(a1, a2)
            if overlap >= min_share * max(b2 - a2, 1) and overlap >= min_share * max(b1 - a1, 1):
                pairs[i] = k
                break
    return pairs


def body_positions(article: dict[str, Any]) -> dict[int, int]:
    """Sentence position -> its position among the article's body sentences."""
    out, n = {}, 0
    for i, s in enumerate(article["sentences"]):
        if s["kind"] == "body":
            out[i] = n
            n += 1
    return out


def first_label_rows(
    first: dict[str, Any], second: dict[str, Any]
) -> tuple[list[tuple[int, str, int, str]], int]:
    """The first labels of the body sentences that align one to one with a second-labelling
    body sentence, as ``(second body index, label, strength, text)``, and how many second
    body sentences were left out (joined, split, or meta in the first labelling)."""
    pairs = align_one_to_one(sentence_ranges(first), sentence_ranges(second))
    second_body = body_positions(second)
    rows = []
    for i2, index in second_body.items():
        k = pairs.get(i2)
        s = first["sentences"][k] if k is not None else None
        if s is not None and s["kind"] == "body":
            text = " ".join(first["text"][s["start"] : s["end"]].split())
            rows.append((index, s["label"], s["strength"], text))
    return rows, len(second_body) - len(rows)


def meta_body_pairs(first: dict[str, Any], second: dict[str, Any]) -> list[tuple[str, str]]:
    """``(first kind, second kind)`` for every sentence or meta line aligned one to one:
    whether the two labellings agree on what is page furniture."""
    pairs = align_one_to_one(sentence_ranges(first), sentence_ranges(second))
    return [(first["sentences"][k]["kind"], second["sentences"][i]["kind"]) for i, k in pairs.items()]


def load_labels(path: str | Path) -> dict[tuple[str, int], tuple[str, int]]:
    """``(id, index) -> (label, strength)`` from a labels TSV (codes A/O/R or label names;
    a header row, ``#`` comment lines and extra columns such as the text are skipped)."""
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            row = line.rstrip("\n").split("\t")
            if line.startswith("#") or len(row) < 4 or not row[1].isdigit():
                continue
            label = LABEL_CODES.get(row[2], row[2])
            if label not in _NAMES:
                raise ValueError(f"{path}: unknown label {row[2]!r}")
            out[(row[0], int(row[1]))] = (label, int(row[3]))
    return out


def _kappa(a: Sequence[Any], b: Sequence[Any], weights: str | None = None) -> float | None:
    """Cohen's kappa, or None when it is undefined (no items, or one class only in both)."""
    if not a or len(set(a) | set(b)) < 2:
        return None
    return float(cohen_kappa_score(a, b, weights=weights))


def label_agreement(
    first: dict[tuple[str, int], tuple[str, int]], second: dict[tuple[str, int], tuple[str, int]]
) -> dict[str, Any]:
    """Agreement of two labellings on the sentences both labelled.

    Kappa on the three-way label is the headline number; attributed-vs-not shows
    whether the annotators see the same attributions even when they differ on
    anonymous vs on_record; strength is reported as exact agreement, linearly
    weighted kappa (0-3 is ordinal) and kappa on strength >= 2 (the sourcing score's target).
    """
    keys = sorted(set(first) & set(second))
    l1 = [first[k][0] for k in keys]
    l2 = [second[k][0] for k in keys]
    s1 = [first[k][1] for k in keys]
    s2 = [second[k][1] for k in keys]
    n = len(keys)
    return {
        "sentences": n,
        "articles": len({k[0] for k in keys}),
        "label_kappa": _kappa(l1, l2),
        "label_agreement": sum(a == b for a, b in zip(l1, l2, strict=True)) / n if n else None,
        "attributed_kappa": _kappa([x != "reporter" for x in l1], [x != "reporter" for x in l2]),
        "strength_agreement": sum(a == b for a, b in zip(s1, s2, strict=True)) / n if n else None,
        "strength_kappa_linear": _kappa(s1, s2, weights="linear"),
        "well_sourced_kappa": _kappa([x >= 2 for x in s1], [x >= 2 for x in s2]),
        "disagreements": [k for k in keys if first[k] != second[k]],
    }


def kind_agreement(pairs: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """Raw agreement and kappa on meta vs body over aligned lines."""
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    n = len(pairs)
    return {
        "lines": n,
        "kind_agreement": sum(x == y for x, y in pairs) / n if n else None,
        "kind_kappa": _kappa(a, b),
    }
