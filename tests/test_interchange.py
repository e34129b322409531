"""Label Studio and brat: export for correction, and a corrected export back into the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import interchange
from annotator.cli import main
from annotator.corpora.bundled import validate_article
from annotator.errors import InputError
from annotator.pipeline import Annotator
from annotator.types import SPAN_TYPES, AnnotatedArticle, Kind


@pytest.fixture(scope="module")
def article(seed_like_text: str) -> AnnotatedArticle:
    return Annotator().annotate(seed_like_text)


def _expected(article: AnnotatedArticle) -> list[tuple]:
    out = []
    for s in article.sentences:
        spans = tuple(
            (k, (sp.start, sp.end))
            for k, sp in zip(SPAN_TYPES, (s.source, s.cue, s.anonymity_reason), strict=True)
            if sp
        )
        label = s.label.value if s.kind is Kind.BODY and s.label else None
        out.append((s.start, s.end, s.kind.value, label, s.meta_kind if s.kind is Kind.META else None, spans))
    return out


def _imported(record: dict) -> list[tuple]:
    return [
        (
            s["start"],
            s["end"],
            s["kind"],
            s.get("label"),
            s.get("meta_kind"),
            tuple((k, (s[k]["start"], s[k]["end"])) for k in SPAN_TYPES if s.get(k)),
        )
        for s in record["sentences"]
    ]


def test_label_studio_round_trip_keeps_labels_and_offsets(article: AnnotatedArticle) -> None:
    task = json.loads(json.dumps(interchange.to_label_studio(article, "seed")))  # as exported and read back
    record = interchange.from_label_studio(task)
    assert record["text"] == article.text and record["id"] == "seed"
    assert _imported(record) == _expected(article)
    assert [s["paragraph"] for s in record["sentences"]] == [s.paragraph for s in article.sentences]
    assert validate_article({**record, "domain": "politics", "style": "wire", "country": "INT"}) == []


def test_a_correction_wins_over_the_prediction(article: AnnotatedArticle) -> None:
    task = interchange.to_label_studio(article, "seed")
    result = json.loads(json.dumps(task["predictions"][0]["result"]))
    body = next(
        k for k, s in enumerate(article.sentences) if s.kind is Kind.BODY and s.label.value == "anonymous"
    )
    for r in result:
        if r["id"] == f"s{body}" and r["from_name"] == interchange.SENTENCE:
            r["value"]["labels"] = ["on_record"]
        if r["id"] == f"s{body}" and r["from_name"] == interchange.STRENGTH:
            r["value"]["choices"] = ["3"]
    task["annotations"] = [{"was_cancelled": False, "result": result}]
    corrected = interchange.from_label_studio(task)["sentences"][body]
    assert corrected["label"] == "on_record" and corrected["strength"] == 3


def test_bad_exports_are_named() -> None:
    with pytest.raises(InputError, match=r"no data\.text"):
        interchange.from_label_studio({"data": {}})
    bad = {"data": {"text": "Prices rose."}, "predictions": [{"result": [
        {"id": "s0", "from_name": "sentence", "value": {"start": 0, "end": 99, "labels": ["reporter"]}}
    ]}]}  # fmt: skip
    with pytest.raises(InputError, match="valid offsets"):
        interchange.from_label_studio(bad)
    no_strength = {"data": {"text": "Prices rose."}, "predictions": [{"result": [
        {"id": "s0", "from_name": "sentence", "value": {"start": 0, "end": 12, "labels": ["reporter"]}}
    ]}]}  # fmt: skip
    with pytest.raises(InputError, match="strength"):
        interchange.from_label_studio(no_strength)


def test_cli_exports_and_imports(seed_like_text: str, tmp_path: Path, article: AnnotatedArticle) -> None:
    story = tmp_path / "story.txt"
    story.write_text(seed_like_text, encoding="utf-8")
    assert main(["annotate", str(story), "--format", "label-studio", "-o", str(tmp_path / "tasks.json")]) == 0
    assert main(["import-labels", str(tmp_path / "tasks.json"), "-o", str(tmp_path / "corpus.jsonl")]) == 0
    (record,) = [json.loads(line) for line in (tmp_path / "corpus.jsonl").read_text().splitlines()]
    assert _imported(record) == _expected(article) and validate_article(record) == []
    assert main(["annotate", str(story), "--format", "brat", "-o", str(tmp_path / "brat")]) == 0
    text = (tmp_path / "brat" / "story.txt").read_text(encoding="utf-8")
    ann = (tmp_path / "brat" / "story.ann").read_text(encoding="utf-8").splitlines()
    assert text == article.text and (tmp_path / "brat" / "annotation.conf").is_file()
    for line in ann:
        if line.startswith("T"):
            _, kind_span, quoted = line.split("\t")
            _, start, end = kind_span.split()
            assert text[int(start) : int(end)].replace("\n", " ") == quoted
    labels = [line.split()[-1] for line in ann if line.startswith("A") and "\tLabel " in line]
    assert labels == [s.label.value for s in article.body]
