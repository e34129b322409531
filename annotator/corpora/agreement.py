"""Inter-annotator agreement between the corpus and an independent second labelling.

The second labelling (``data/agreement/second_labels.tsv``: article id, sentence
index, label code, strength) was made from the plain sentences without seeing
the first labels.
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
