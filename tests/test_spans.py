"""Span conventions (trim, brackets) and the BIO decoder that applies them."""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest

from annotator.model import TAGS
from annotator.sourcing.decode import decode_runs, decode_spans
from annotator.sourcing.edges import (
    close_brackets,
    trim,
    with_first_conjunct,
    with_rest_of_name,
    with_title,
    without_edge_words,
)
from annotator.sourcing.runs import by_confidence
from annotator.training.metrics import span_f1, span_f1_any, span_sets_f1


def _applied(rule: Callable[[str, int, int], tuple[int, int]], text: str) -> str:
    """What a span rule makes of a span over the whole of ``text``."""
    a, b = rule(text, 0, len(text))
    return text[a:b]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Okafor, a top Hale surrogate,", "Okafor, a top Hale surrogate"),
        ("  “Marisa Delacroix", "Marisa Delacroix"),
        ("Gov. Warren Pelletier (D)", "Gov. Warren Pelletier (D)"),
        ("Sen. Smith Jr.", "Sen. Smith Jr."),
        ("― Rosa Quintero", "Rosa Quintero"),
        ("42%,", "42%"),
        (",", ","),  # never trimmed to nothing
    ],
)
def test_trim(text: str, expected: str) -> None:
    assert _applied(trim, text) == expected


def test_close_brackets() -> None:
    text = "Sen. Corinne Dupree (R-N.D.) told reporters"
    assert text[: close_brackets(text, 0, 26)] == "Sen. Corinne Dupree (R-N.D.)"
    assert close_brackets(text, 0, 19) == 19  # nothing opened


def _probs(tags: list[str], confidence: float = 0.9) -> np.ndarray:
    out = np.full((len(tags), len(TAGS)), (1 - confidence) / (len(TAGS) - 1))
    for i, tag in enumerate(tags):
        out[i, TAGS.index(tag)] = confidence
    return out


def _words(text: str) -> list[tuple[int, int]]:
    offsets, pos = [], 0
    for word in text.split(" "):
        offsets.append((pos, pos + len(word)))
        pos += len(word) + 1
    return offsets


def test_decoder_keeps_a_name_whole_despite_a_second_b() -> None:
    text = "The FBI said on Monday"
    spans = decode_spans(_probs(["B-source", "B-source", "B-cue", "O", "O"]), _words(text), [True] * 5, text)
    _, a, b, _ = spans["source"]
    assert text[a:b] == "The FBI"
    assert spans["cue"].text(text) == "said"


def test_decoder_extends_into_weak_neighbours_and_trims() -> None:
    text = "Tobias Renner, a history professor at UNM, said"
    tags = ["B-source", "I-source", "I-source", "I-source", "I-source", "O", "I-source", "B-cue"]
    probs = _probs(tags)
    # "at"'s own argmax is O, but 40% of its mass says source: it joins the span
    probs[5] = 0.0
    probs[5, TAGS.index("O")], probs[5, TAGS.index("I-source")] = 0.6, 0.4
    spans = decode_spans(probs, _words(text), [True] * 8, text)
    _, a, b, _ = spans["source"]
    assert text[a:b] == "Tobias Renner, a history professor at UNM"
    # below the extension mass a token stays outside
    probs[5, TAGS.index("O")], probs[5, TAGS.index("I-source")] = 0.8, 0.2
    _, a, b, _ = decode_spans(probs, _words(text), [True] * 8, text)["source"]
    assert text[a:b] == "Tobias Renner, a history professor"


def test_decoder_ignores_context_tokens_and_picks_the_most_confident_span() -> None:
    text = "Smith said Jones agreed"
    probs = np.concatenate([_probs(["B-source", "B-cue"], 0.6), _probs(["B-source", "O"], 0.95)])
    spans = decode_spans(probs, _words(text), [True, True, True, True], text)
    assert spans["source"].text(text) == "Jones"
    assert decode_spans(probs, _words(text), [False] * 4, text) == {}


def test_span_f1_any_accepts_any_gold_source() -> None:
    gold = [((0, 5), (10, 15)), ((0, 5),), (), ()]
    pred = [(10, 15), (1, 5), (3, 4), None]
    scores = span_f1_any(gold, pred)
    # exact: tp 1, fp 2 (wrong + extra), fn 1 -> P 1/3, R 1/2
    assert scores["exact"] == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))
    # overlap: tp 2, fp 1, fn 0
    assert scores["overlap"] == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))
    assert span_f1([(0, 5), None], [(0, 5), None]) == {"exact": 1.0, "overlap": 1.0}


def test_span_sets_f1_scores_every_span_on_its_own() -> None:
    gold = [{(0, 5), (10, 15)}, set(), {(20, 30)}]
    pred = [{(0, 5)}, {(3, 4)}, {(22, 30), (40, 45)}]
    scores = span_sets_f1(gold, pred)
    # exact: 1 of 4 predicted spans right, 1 of 3 gold spans found
    assert scores["exact"] == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3))
    # overlap: 2 of 4 predicted overlap a gold span, 2 of 3 gold spans are overlapped
    assert scores["overlap"] == pytest.approx(2 * (2 / 4) * (2 / 3) / (2 / 4 + 2 / 3))
    assert span_sets_f1([set()], [set()]) == {"exact": 0.0, "overlap": 0.0}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (". Xi", "Xi"),  # a span starts on a word, not on the full stop before it
        ("[D] Smith,", "[D] Smith"),
        ("Smith [D],", "Smith [D]"),
        ("…said Smith.", "said Smith."),
    ],
)
def test_trim_start_and_square_brackets(text: str, expected: str) -> None:
    assert _applied(trim, text) == expected


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("said Mr. Xi on Monday", "Xi", "Mr. Xi"),
        ("said Mr. Abara-Lind on Monday", "Mr.", "Mr. Abara-Lind"),
        ("Sen. Corinne Dupree told reporters", "Sen.", "Sen. Corinne Dupree"),
        ("the OMr. Xi", "Xi", "Xi"),  # not a title: part of a word
        ("Dupree told reporters", "Dupree", "Dupree"),
        ("questioned Mr. Varga's remarks", "Mr", "Mr. Varga's"),  # the tagger stopped before "."
        ("Mr. Varga was pressed", "Mr", "Mr. Varga"),
        ("the MR. Trump", "MR", "MR"),  # titles are capitalised words
    ],
)
def test_with_title(text: str, span: str, expected: str) -> None:
    start = text.index(span)
    a, b = with_title(text, start, start + len(span))
    assert text[a:b] == expected


def test_close_square_brackets() -> None:
    text = "Smith [D-Ohio] said"
    assert text[: close_brackets(text, 0, 9)] == "Smith [D-Ohio]"


def test_decode_runs_lists_every_span_and_completes_a_coordination() -> None:
    text = "The US warned China and both Chinese and US officials say Beijing held back"
    words = text.split(" ")
    tags = ["O"] * len(words)
    tags[0:2] = ["B-source", "I-source"]
    tags[2] = "B-cue"
    tags[7:10] = ["I-source", "I-source", "I-source"]  # "and US officials": the tagger missed "Chinese"
    tags[10] = "B-cue"
    runs = decode_runs(_probs(tags), _words(text), [True] * len(words), text)
    found = [(kind, text[a:b]) for kind, a, b, _ in runs]
    assert found == [
        ("source", "The US"),
        ("cue", "warned"),
        ("source", "both Chinese and US officials"),
        ("cue", "say"),
    ]


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("both Chinese and US officials", "and US officials", "Chinese and US officials"),
        ("the FBI said", "the FBI", "the FBI"),
    ],
)
def test_with_first_conjunct(text: str, span: str, expected: str) -> None:
    start = with_first_conjunct(text, text.index(span))
    assert text[start : text.index(span) + len(span)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Lund, who", "Mr. Lund"),
        ("two senators present who", "two senators present"),
        ("a group that", "a group"),
        ("who", "who"),  # a relative pronoun alone is a source of its own
        ("the official", "the official"),
        ("Whoopi", "Whoopi"),
        ("officials at the WHO", "officials at the WHO"),  # the World Health Organization
        ("The Ferris campaign on", "The Ferris campaign"),  # "... on Tuesday countered"
        ("Donald Trump, a", "Donald Trump"),
        ("even Obama", "Obama"),
        ("Even Republicans", "Republicans"),
        ("among Labour Party leaders", "Labour Party leaders"),
        ("which Beijing", "Beijing"),
        ("who remains loyal", "who remains loyal"),  # "who" opens a clause: kept
        ("that official", "that official"),  # "that" may be a determiner
        ("whose spokesman", "whose spokesman"),
        ("on", "on"),  # never cut to nothing
        ("In-Q-Tel", "In-Q-Tel"),
        ("Only half a dozen county commissioners", "Only half a dozen county commissioners"),
        ("Several teachers we spoke to", "Several teachers we spoke to"),  # stranded by the clause
        ("at least three officials", "at least three officials"),  # a number's preposition stays
        ("As many as 10 officials", "As many as 10 officials"),
        ("about 200 economists", "about 200 economists"),
        ("NOW president Terry O'Neill", "NOW president Terry O'Neill"),  # a name, not "now"
        ("then candidate Donald Trump", "then candidate Donald Trump"),
        ("AMMAN — The Jordanian army", "The Jordanian army"),  # a dateline is no part of a source
        ("PORT LOUIS (AP) — Police", "Police"),
        ("UN—Habitat", "UN—Habitat"),
        ("one TikTok user posted", "one TikTok user"),  # the verb after the source
        ("The Vermont senator emailed", "The Vermont senator"),
        ("the accused", "the accused"),  # a noun after a determiner
        ("Some of the accused", "Some of the accused"),
        ("posted", "posted"),
    ],
)
def test_without_edge_words(text: str, expected: str) -> None:
    assert _applied(without_edge_words, text) == expected


@pytest.mark.parametrize(
    ("text", "span", "expected"),
    [
        ("Donald Trump said", "Donald", "Donald Trump"),
        ("soon Helen K. Moravec had announced", "soon Helen", "soon Helen K. Moravec"),
        (
            "Corvane chief executive Lionel Marsh said",
            "Corvane chief executive Lionel",
            "Corvane chief executive Lionel Marsh",
        ),
        ("Trump Tuesday said", "Trump", "Trump"),  # a date ends a name
        ("Dana Whitlock Says he will", "Dana", "Dana Whitlock"),  # so does a reporting verb
        ("The Trump campaign said", "The", "The"),  # a determiner is no part of a name
        ("said officials in Washington", "officials", "officials"),  # not capitalised
        ("Nadia Just Snubbed The Ferry Workers", "Nadia", "Nadia"),  # title case
        ("so I said Trump I think", "Trump", "Trump"),
        ("Donald Trump Jr. said", "Donald", "Donald Trump Jr."),
        ("Hillary Clinton Meets with Trump Backers", "Hillary", "Hillary"),  # mostly capitalised
        ("said Raúl Castro, president of Cuba, on Monday", "Raúl", "Raúl Castro"),
        ("the hearing Theresa May called", "Theresa", "Theresa May"),  # a month only before a date
        ("Trump May 5 said", "Trump", "Trump"),
    ],
)
def test_with_rest_of_name(text: str, span: str, expected: str) -> None:
    start = text.index(span)
    assert text[start : with_rest_of_name(text, start, start + len(span))] == expected


def _pieces(text: str) -> list[tuple[int, int]]:
    """Offsets as a WordPiece tokenizer gives them: words and single punctuation marks."""
    return [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]


@pytest.mark.parametrize(
    ("text", "tags", "expected"),
    [
        # the tagger marks "s" of "candidate’s" but not "candidate": one span, not two
        (
            "but the mayor’s friends expect",
            ["O", "B-source", "O", "O", "I-source", "I-source", "B-cue"],
            [("source", "the mayor’s friends"), ("cue", "expect")],
        ),
        # "He's": the clitic is a verb, never part of the pronoun
        (
            "He's telling donors",
            ["B-source", "O", "B-source", "B-cue", "O"],
            [("source", "He"), ("cue", "telling")],
        ),
        # a closing quotation mark is not inside a word
        (
            "“Never!”Former Gov. Ada Lindqvist said",
            ["O", "O", "O", "O", "B-source", "I-source", "I-source", "I-source", "I-source", "B-cue"],
            [("source", "Former Gov. Ada Lindqvist"), ("cue", "said")],
        ),
        # a sentence's full stop is not part of the name before it; "U.S." keeps its own
        ("said Rubio.", ["B-cue", "B-source", "O"], [("cue", "said"), ("source", "Rubio")]),
        (
            "said the U.S. official",
            ["B-cue", "B-source", "I-source", "O", "O", "O", "I-source"],
            [("cue", "said"), ("source", "the U.S. official")],
        ),
        # an unmarked clitic inside a span joins it; unspaced dashes and dots join no words
        (
            "the UK’s top diplomat said",
            ["B-source", "I-source", "O", "O", "I-source", "I-source", "B-cue"],
            [("source", "the UK’s top diplomat"), ("cue", "said")],
        ),
        (
            "Trump--who had said",
            ["B-source", "O", "O", "O", "O", "B-cue"],
            [("source", "Trump"), ("cue", "said")],
        ),
        (
            "the tracking site PowerOutage.us. Entergy",
            ["B-source", "I-source", "I-source", "I-source", "I-source", "I-source", "O", "B-source"],
            [("source", "the tracking site PowerOutage.us"), ("source", "Entergy")],
        ),
        # the growing step does not give a pronoun its clitic back
        (
            "He's telling donors",
            ["B-source", "I-source", "I-source", "B-cue", "O"],
            [("source", "He"), ("cue", "telling")],
        ),
        # an unmarked word between two sources keeps them apart
        (
            "officials, Trump said",
            ["B-source", "O", "B-source", "B-cue"],
            [("source", "officials"), ("source", "Trump"), ("cue", "said")],
        ),
    ],
)
def test_decoder_marks_whole_words(text: str, tags: list[str], expected: list[tuple[str, str]]) -> None:
    pieces = _pieces(text)
    assert len(pieces) == len(tags)
    runs = decode_runs(_probs(tags), pieces, [True] * len(tags), text)
    assert [(kind, text[a:b]) for kind, a, b, _ in runs] == expected


def test_decoder_cuts_edge_words_after_taking_the_determiner() -> None:
    text = "One of the officials said"
    tags = ["O", "B-source", "I-source", "I-source", "B-cue"]  # "of the officials"
    spans = decode_spans(_probs(tags), _words(text), [True] * 5, text)
    assert spans["source"].text(text) == "One of the officials"
    text = "The Ferris campaign on Tuesday countered"
    tags = ["B-source", "I-source", "I-source", "I-source", "O", "B-cue"]
    spans = decode_spans(_probs(tags), _words(text), [True] * 6, text)
    assert spans["source"].text(text) == "The Ferris campaign"


def test_decoder_cuts_a_source_before_who() -> None:
    text = "Halloran , who said he resigned"
    tags = ["B-source", "I-source", "I-source", "B-cue", "O", "O"]
    spans = decode_spans(_probs(tags), _words(text), [True] * 6, text)
    assert spans["source"].text(text) == "Halloran"


def test_a_name_is_preferred_to_a_more_confident_who() -> None:
    text = "O'Brannagh , who said he resigned , recalled it"
    tags = ["B-source", "O", "B-source", "B-cue", "O", "O", "O", "B-cue", "O"]
    probs = _probs(tags)
    probs[2, TAGS.index("B-source")] = 0.99  # "who" more confident than the name
    spans = decode_spans(probs, _words(text), [True] * len(tags), text)
    assert spans["source"].text(text) == "O'Brannagh"
    runs = decode_runs(probs, _words(text), [True] * len(tags), text)
    assert [text[a:b] for _, a, b, _ in by_confidence(runs, "source", text)] == ["O'Brannagh", "who"]
    assert [text[a:b] for _, a, b, _ in by_confidence(runs, "cue", text)] == ["said", "recalled"]
