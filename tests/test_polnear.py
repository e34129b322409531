"""PolNeAR adapter: reading BRAT standoff, sentence mapping and silver labels.

Runs on ``tests/fixtures/polnear_mini``, a made-up corpus in PolNeAR's layout.
"""

from __future__ import annotations

import logging
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from annotator.corpora.polnear import (
    PolnearArticle,
    load_polnear,
    parse_ann,
    polnear_to_corpus,
    polnear_to_gold,
    sentence_records,
)
from annotator.errors import CorpusFormatError, InputError

MINI = Path(__file__).parent / "fixtures" / "polnear_mini"
_SENTENCE = re.compile(r"\S.*?(?:[.!?][”\"]?(?=\s|$)|$)")


def regex_split(text: str) -> list[tuple[int, int]]:
    """Lines, then sentences ending in . ! or ? (optionally closed by a quote)."""
    out = []
    for line in re.finditer(r"[^\n]+", text):
        for m in _SENTENCE.finditer(line.group(0)):
            out.append((line.start() + m.start(), line.start() + m.end()))
    return out


def _article(split: str, prefix: str) -> PolnearArticle:
    return next(a for a in load_polnear(MINI, split) if a.doc_id.startswith(prefix))


def _records(split: str, prefix: str) -> tuple[str, list[dict]]:
    article = _article(split, prefix)
    return article.text, sentence_records(article, regex_split(article.text))


def _by_text(text: str, records: list[dict], start: str) -> dict:
    (found,) = [r for r in records if text[r["start"] : r["end"]].startswith(start)]
    return found


# --- loading ----------------------------------------------------------------------------


def test_loads_three_articles_per_split_sorted() -> None:
    for split in ("train", "dev"):
        articles = load_polnear(MINI, split)
        assert len(articles) == 3
        assert [a.doc_id for a in articles] == sorted(a.doc_id for a in articles)
        assert all(a.split == split for a in articles)


def test_missing_text_is_skipped_with_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="annotator.corpora.polnear"):
        articles = load_polnear(MINI, "dev")
    assert "missing-text" not in " ".join(a.doc_id for a in articles)
    assert any("missing-text" in r.getMessage() for r in caplog.records)


def test_headline_end_is_end_of_first_line() -> None:
    article = _article("train", "wire_2024-01-05")
    assert article.text[: article.headline_end] == "Port deal stalls as talks drag on"


def test_annotator_with_most_attributions_wins() -> None:
    article = _article("train", "wire_2024-01-05")
    assert article.annotators == ("a1b2", "c3d4")
    assert article.annotator == "a1b2"
    assert len(article.attributions) == 4


def test_annotator_tie_goes_to_smallest_id() -> None:
    article = _article("dev", "wire_2024-04-19")
    assert article.annotators == ("a1b2", "f7e8")
    assert article.annotator == "a1b2"
    assert "Regulators" not in [a.source_text for a in article.attributions]


def _bound_texts(ann: str) -> dict[str, tuple[str, str]]:
    """Text-bound id -> (offsets, text column), continuation lines included."""
    out: dict[str, tuple[str, str]] = {}
    last = None
    for line in ann.split("\n"):
        m = re.match(r"^(T\d+)\t\S+ ([\d ;]+)\t(.*)$", line)
        if m:
            last = m.group(1)
            out[last] = (m.group(2), m.group(3))
        elif last and not re.match(r"^[A-Z#]\d*\t", line) and line != "":
            out[last] = (out[last][0], out[last][1] + "\n\n" + line)
    return out


@pytest.mark.parametrize("split", ["train", "dev"])
def test_every_span_matches_the_text(split: str) -> None:
    for article in load_polnear(MINI, split):
        text = article.text
        for a in article.attributions:
            for pieces, joined in (
                (a.source, a.source_text),
                (a.cue, a.cue_text),
                (a.content, a.content_text),
            ):
                assert list(pieces) == sorted(pieces)
                assert joined == " ".join(text[s:e] for s, e in pieces)
        # and each text-bound agrees with the text column BRAT wrote
        ann = MINI / split / "attributions" / f"{article.doc_id}_{article.annotator}.ann"
        for spec, column in _bound_texts(ann.read_text(encoding="utf-8")).values():
            pieces = [tuple(map(int, p.split())) for p in spec.split(";")]
            assert " ".join(text[s:e] for s, e in pieces) == column


def test_discontinuous_content_keeps_its_pieces() -> None:
    article = _article("train", "wire_2024-01-05")
    she = next(a for a in article.attributions if a.source_text == "she")
    assert len(she.content) == 2
    assert [article.text[s:e] for s, e in she.content] == [
        "“The numbers do not add up.",
        "We need more time,”",
    ]


def test_attribution_without_source_and_without_cue_argument() -> None:
    article = _article("train", "wire_2024-01-05")
    (nosource,) = [a for a in article.attributions if not a.source]
    assert nosource.source_text == ""
    assert nosource.cue_text == "is expected"  # the trigger stands in for the missing cue
    assert nosource.content == ()


def test_multiline_text_bound_and_notes_are_ignored() -> None:
    article = _article("train", "local_2024-03-02")
    assert len(article.attributions) == 4  # the Discuss bound and its text lines add none


def test_parse_ann_skips_bad_lines(caplog: pytest.LogCaptureFixture) -> None:
    text = "Officials said the deal was off."
    ann = (
        "T1\tSource 0 9\tOfficials\nT2\tCue 10 14\tsaid\nT3\tAttribution 10 14\tsaid\n"
        "T4\tContent 15 999\tout of range\nT5\tSource x y\tbroken\n"
        "E1\tAttribution:T3 Source:T1 Cue:T2\nE2\tAttribution:T3 Source:T9 Cue:T2\n"
    )
    with caplog.at_level(logging.WARNING, logger="annotator.corpora.polnear"):
        (attr,) = parse_ann(ann, text, "mini.ann")
    assert (attr.source_text, attr.cue_text, attr.content) == ("Officials", "said", ())
    assert len(caplog.records) == 3


def test_parse_ann_swaps_back_a_swapped_source_and_cue() -> None:
    text = "“Enough,” said Jane Park."
    ann = (
        "T1\tSource 10 14\tsaid\nT2\tCue 15 24\tJane Park\nT3\tAttribution 15 24\tJane Park\n"
        "E1\tAttribution:T3 Source:T1 Cue:T2\n"
    )
    (attr,) = parse_ann(ann, text)
    assert (attr.source_text, attr.cue_text) == ("Jane Park", "said")


# --- errors -----------------------------------------------------------------------------


def test_unknown_split_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown PolNeAR split"):
        load_polnear(MINI, "validation")


def test_missing_root_raises() -> None:
    with pytest.raises(CorpusFormatError, match="not a directory"):
        load_polnear(MINI / "nope", "train")


def test_missing_split_raises(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "pn")
    with pytest.raises(CorpusFormatError, match="no PolNeAR structure"):
        load_polnear(tmp_path / "pn", "test")


def test_directory_without_polnear_layout_raises(tmp_path: Path) -> None:
    (tmp_path / "train").mkdir()
    (tmp_path / "train" / "notes.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(CorpusFormatError, match="attributions"):
        load_polnear(tmp_path, "train")


def test_empty_attribution_directory_raises(tmp_path: Path) -> None:
    (tmp_path / "dev" / "attributions").mkdir(parents=True)
    (tmp_path / "dev" / "text").mkdir()
    with pytest.raises(CorpusFormatError, match=r"no <doc>_<annotator>\.ann files"):
        load_polnear(tmp_path, "dev")


def test_all_texts_missing_raises(tmp_path: Path) -> None:
    shutil.copytree(MINI, tmp_path / "pn")
    for path in (tmp_path / "pn" / "dev" / "text").glob("*.txt"):
        path.unlink()
    with pytest.raises(CorpusFormatError, match="no readable PolNeAR article"):
        load_polnear(tmp_path / "pn", "dev")


def test_sentence_offsets_outside_text_raise() -> None:
    article = _article("dev", "wire_2024-05-07")
    with pytest.raises(InputError):
        sentence_records(article, [(0, len(article.text) + 5)])


# --- sentence mapping -------------------------------------------------------------------

EXPECTED = {
    ("train", "wire_2024-01-05"): [
        ("Port deal stalls", "meta", None),
        ("Negotiations over", "body", "anonymous"),
        ("“We are not close", "body", "on_record"),
        ("“The numbers do not", "body", "on_record"),
        ("We need more time", "body", "on_record"),
        ("The expansion is expected", "body", "reporter"),
    ],
    ("train", "wire_2024-02-11"): [
        ("Council weighs", "meta", None),
        ("The city council is reportedly", "body", "anonymous"),
        ("The Ministry of Transport", "body", "on_record"),
        ("Court records show", "body", "on_record"),
        ("Critics say", "body", "anonymous"),
    ],
    ("train", "local_2024-03-02"): [
        ("Mayor backs", "meta", None),
        ("A senior city official", "body", "anonymous"),
        ("“I think it will pass", "body", "on_record"),
        ("Reed endorsed", "body", "reporter"),
    ],
    ("dev", "wire_2024-04-19"): [
        ("Airline fined over delays", "meta", None),
        ("Regulators fined", "body", "on_record"),
        ("“Passengers deserve", "body", "on_record"),
        ("The spokeswoman said", "body", "on_record"),
        ("The airline, which", "body", "on_record"),
    ],
    ("dev", "wire_2024-05-07"): [
        ("Envoy warns", "meta", None),
        ("Diplomats say", "body", "anonymous"),
        ("“We have run out", "body", "anonymous"),
        ("Trade fell", "body", "reporter"),
    ],
    ("dev", "broadsheet_2024-06-30"): [
        ("Senator disputes", "meta", None),
        ("Senator Jane Park said", "body", "anonymous"),
        ("Her office did not respond", "body", "on_record"),
    ],
}


@pytest.mark.parametrize(("split", "prefix"), list(EXPECTED))
def test_sentence_labels(split: str, prefix: str) -> None:
    text, records = _records(split, prefix)
    got = [(text[r["start"] : r["end"]], r["kind"], r["label"]) for r in records]
    expected = EXPECTED[(split, prefix)]
    assert len(got) == len(expected)
    for (sentence, kind, label), (start, exp_kind, exp_label) in zip(got, expected, strict=True):
        assert sentence.startswith(start)
        assert (kind, label) == (exp_kind, exp_label), sentence


@pytest.mark.parametrize(("split", "prefix"), list(EXPECTED))
def test_record_spans_index_the_article(split: str, prefix: str) -> None:
    text, records = _records(split, prefix)
    for r in records:
        assert set(r) >= {
            "start", "end", "kind", "label", "attributed", "source",
            "source_resolved", "cue", "source_type",
        }  # fmt: skip
        spans = [r["source"], r["cue"], *r["content"]]
        for span in filter(None, spans):
            assert text[span["start"] : span["end"]] == span["text"]
        if r["kind"] == "meta":
            assert (r["label"], r["attributed"], r["source"]) == (None, False, None)


def test_pronoun_resolves_to_named_speaker_across_sentences() -> None:
    text, records = _records("train", "wire_2024-01-05")
    first = _by_text(text, records, "“The numbers")  # content only: the cue is next door
    second = _by_text(text, records, "We need more time")
    for r in (first, second):
        assert r["attributed"] is True
        assert r["source"]["text"] == "she"
        assert r["source_resolved"] == "Maria Lopez, the port authority’s director"
        assert r["source_type"] == "named_person"
    assert first["cue"]["text"] == second["cue"]["text"] == "added"
    assert not (first["start"] <= first["cue"]["start"] < first["end"])


def test_pronoun_resolves_to_unnamed_speaker() -> None:
    text, records = _records("dev", "wire_2024-05-07")
    r = _by_text(text, records, "“We have run out")
    assert (r["source"]["text"], r["source_resolved"]) == ("he", "a European envoy")
    assert r["label"] == "anonymous"


def test_description_prefers_source_with_same_head_noun() -> None:
    text, records = _records("dev", "wire_2024-04-19")
    r = _by_text(text, records, "The spokeswoman said")
    assert r["source_resolved"] == "Ana Ruiz, a spokeswoman for the agency"
    assert r["source_type"] == "named_person"


def test_first_person_inside_a_quote_belongs_to_the_speaker() -> None:
    article = _article("train", "local_2024-03-02")
    records = sentence_records(article, regex_split(article.text))
    r = _by_text(article.text, records, "“I think")
    assert r["source"]["text"] == "Mayor Tom Reed"  # the outer speaker decides
    assert r["cue"]["text"] == "said"


def test_mixed_sentence_takes_the_weakest_sourcing() -> None:
    text, records = _records("dev", "broadsheet_2024-06-30")
    r = _by_text(text, records, "Senator Jane Park said")
    assert r["label"] == "anonymous"
    assert (r["source"]["text"], r["cue"]["text"]) == ("unnamed aides", "citing")
    # every attribution's source and cue is listed (they become span targets in training)
    assert sorted(d["text"] for d in r["sources"]) == ["Senator Jane Park", "unnamed aides"]
    assert sorted(d["text"] for d in r["cues"]) == ["citing", "said"]


def test_act_cue_does_not_attribute() -> None:
    text, records = _records("train", "local_2024-03-02")
    r = _by_text(text, records, "Reed endorsed")
    assert (r["attributed"], r["label"], r["source"]) == (False, "reporter", None)


def test_hedge_without_source_is_reporter_but_weasel_is_anonymous() -> None:
    text, records = _records("train", "wire_2024-01-05")
    hedge = _by_text(text, records, "The expansion")
    assert (hedge["attributed"], hedge["label"], hedge["source"]) == (True, "reporter", None)
    text, records = _records("train", "wire_2024-02-11")
    weasel = _by_text(text, records, "The city council")
    assert (weasel["label"], weasel["source_type"]) == ("anonymous", "vague")


def test_headline_attribution_gives_no_label() -> None:
    article = _article("dev", "wire_2024-05-07")
    assert any(a.source_text == "Envoy" for a in article.attributions)
    (headline,) = [r for r in sentence_records(article, regex_split(article.text))[:1]]
    assert (headline["kind"], headline["label"]) == ("meta", None)


def test_kinds_can_mark_meta_and_must_match_length() -> None:
    article = _article("dev", "wire_2024-05-07")
    sentences = regex_split(article.text)
    kinds = ["body"] * len(sentences)
    kinds[-1] = "meta"
    records = sentence_records(article, sentences, kinds)
    assert records[-1]["kind"] == "meta" and records[-1]["label"] is None
    with pytest.raises(InputError):
        sentence_records(article, sentences, kinds[:-1])


# --- whole-corpus conversion ------------------------------------------------------------


def test_corpus_accepts_segment_objects_and_cuts_at_the_headline() -> None:
    def one_segment(text: str) -> list[SimpleNamespace]:
        return [SimpleNamespace(start=0, end=len(text), kind=SimpleNamespace(value="body"))]

    corpus = polnear_to_corpus(MINI, "dev", one_segment)
    assert len(corpus) == 3
    for doc in corpus:
        first, rest = doc["sentences"][0], doc["sentences"][1:]
        assert (first["start"], first["end"], first["kind"]) == (0, doc["headline_end"], "meta")
        assert [r["kind"] for r in rest] == ["body"]
        assert not doc["text"][rest[0]["start"]].isspace()


def test_corpus_matches_sentence_records() -> None:
    corpus = polnear_to_corpus(MINI, "train", regex_split)
    assert {d["annotator"] for d in corpus} == {"a1b2", "e5f6"}
    port = next(d for d in corpus if d["id"].startswith("wire_2024-01-05"))
    assert [r["label"] for r in port["sentences"]] == [
        label for *_, label in EXPECTED[("train", "wire_2024-01-05")]
    ]


GOLD_STRENGTH = {
    "Negotiations over": 1,  # unnamed, no specific role
    "“We are not close": 3,  # named person, direct quote
    "“The numbers do not": 3,  # continuation of the quote
    "The expansion is expected": 0,
    "The city council is reportedly": 0,  # weasel
    "The Ministry of Transport": 2,  # named body
    "Court records show": 3,  # public document
    "Critics say": 0,
    "A senior city official": 2,  # specific role and a stated reason
    "“Passengers deserve": 3,
    "The spokeswoman said": 2,  # named person, paraphrase
    "The airline, which": 2,  # declined to comment
    "Diplomats say": 1,
    "Senator Jane Park said": 1,
}


@pytest.mark.parametrize("split", ["train", "dev"])
def test_gold_schema_and_strength(split: str) -> None:
    gold = polnear_to_gold(MINI, split, regex_split)
    assert len(gold) == 3
    seen = 0
    for article in gold:
        assert article["silver"] is True
        assert (article["domain"], article["style"], article["country"]) == (
            "politics",
            "polnear",
            "US",
        )
        text = article["text"]
        for s in article["sentences"]:
            assert set(s) == {
                "start", "end", "kind", "paragraph", "meta_kind", "label", "strength",
                "source", "sources", "source_resolved", "cue", "cues", "anonymity_reason",
                "every_source",
            }  # fmt: skip
            if s["source"] is not None:
                assert s["source"] in s["sources"]
            # every claim source is among every attribution's sources
            assert all(d in s["every_source"] for d in s["sources"])
            if s["cue"] is not None:
                assert s["cue"] in s["cues"]
            for span in s["sources"] + s["cues"] + s["every_source"]:
                assert s["start"] <= span["start"] < span["end"] <= s["end"]
                assert text[span["start"] : span["end"]] == span["text"]
                assert span["text"] == span["text"].strip(" ,;:")
            sentence = text[s["start"] : s["end"]]
            for key in ("source", "cue", "anonymity_reason"):
                span = s[key]
                if span:
                    assert text[span["start"] : span["end"]] == span["text"]
                    assert s["start"] <= span["start"] and span["end"] <= s["end"]
            if s["kind"] == "meta":
                assert s["meta_kind"] == "headline" and s["label"] is None
                continue
            if s["label"] == "reporter":
                assert s["strength"] == 0 and s["source"] is None and s["cue"] is None
            elif s["label"] == "on_record":
                assert s["strength"] >= 2
            else:
                assert s["strength"] <= 2
            if s["source_resolved"]:
                assert s["source_resolved"] in text
            for start, strength in GOLD_STRENGTH.items():
                if sentence.startswith(start):
                    assert s["strength"] == strength, sentence
                    seen += 1
    assert seen == sum(1 for k in GOLD_STRENGTH if k in " ".join(a["text"] for a in gold))


def test_gold_keeps_only_spans_inside_the_sentence() -> None:
    gold = polnear_to_gold(MINI, "train", regex_split)
    port = next(a for a in gold if "port-deal" in a["id"])
    text = port["text"]
    (quote,) = [s for s in port["sentences"] if text[s["start"] :].startswith("“The numbers")]
    assert quote["source"] is None and quote["cue"] is None
    assert quote["source_resolved"] == "Maria Lopez, the port authority’s director"
    paragraphs = [s["paragraph"] for s in port["sentences"]]
    assert paragraphs == [0, 1, 2, 2, 2, 3]


def test_gold_anonymity_reason() -> None:
    gold = polnear_to_gold(MINI, "train", regex_split)
    mayor = next(a for a in gold if "mayor" in a["id"])
    reasons = [s["anonymity_reason"] for s in mayor["sentences"] if s["anonymity_reason"]]
    assert [r["text"] for r in reasons] == ["on condition of anonymity because the talks are private"]


def test_evaluate_polnear_and_report(tiny_annotator, tmp_path: Path) -> None:
    """The PolNeAR evaluation runs end to end on the fixture and its report states the targets."""
    import json

    from annotator.corpora.bundled import load_split
    from annotator.segment import segment
    from annotator.training.evaluate import evaluate_bundled, evaluate_polnear
    from annotator.training.report import write_report

    dev = polnear_to_gold(MINI, "dev", segment)
    sample = tmp_path / "sample.jsonl"
    items = [
        {"item": k, "doc_id": a["id"].removeprefix("polnear-dev-"), "start": s["start"], "end": s["end"],
         "label": s["label"]}
        for k, (a, s) in enumerate((a, s) for a in dev for s in a["sentences"] if s["kind"] == "body")
    ]  # fmt: skip
    sample.write_text("".join(json.dumps(i) + "\n" for i in items))
    corpus = Path(__file__).parents[1] / "data" / "corpus"
    train_articles = load_split(corpus, "train")[:20]
    result = evaluate_polnear(tiny_annotator, MINI, sample, train_articles, n_boot=10)
    assert result["hand_sample"]["n"] == len(items)
    # the silver rule scored against its own labels is perfect
    assert result["hand_sample"]["silver_rule"]["macro_f1"] == pytest.approx(1.0)
    for key in ("source_span", "source_span_any", "source_span_every"):
        assert set(result[key]) == {"exact", "overlap"}
        assert 0.0 <= result[key]["exact"] <= result[key]["overlap"] <= 1.0
    bundled = evaluate_bundled(tiny_annotator, load_split(corpus, "test")[:2], train_articles, n_boot=10)
    metrics = {
        "model_name": "tiny-polnear",
        "created": "now",
        "eval_seconds": 1.0,
        "corpora": {"bundled": {}, "polnear_train_silver": {}},
        "bundled": bundled,
        "polnear": result,
        "reference": {"model_name": "tiny", "macro_f1": bundled["model"]["macro_f1"] + 0.02},
    }
    write_report(metrics, tmp_path / "report")
    report = (tmp_path / "report" / "report.md").read_text()
    assert "with PolNeAR in training: source span exact F1 ≥ 0.85" in report
    assert "any PolNeAR source in the sentence" in report
    assert "bundled macro-F1 loss vs tiny" in report and "| 0.020 | no |" in report
