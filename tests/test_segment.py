"""Segmentation: offsets, abbreviations, quotes and page furniture."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.segment import field_kind, segment, split_sentences
from annotator.types import Kind


def texts_of(text: str, kind: Kind | None = None) -> list[str]:
    return [text[s.start : s.end] for s in segment(text) if kind is None or s.kind is kind]


def test_seed_like_article_furniture_is_meta(seed_like_text: str) -> None:
    text = seed_like_text
    segs = segment(text)
    meta = [(text[s.start : s.end], s.meta_kind) for s in segs if s.kind is Kind.META]
    kinds = [k for _, k in meta]
    assert kinds == [
        "section", "headline", "byline", "date", "caption", "caption",
        "subheadline", "boilerplate", "boilerplate",
    ]  # fmt: skip
    assert meta[0][0] == "Arctic–Baltic shipping"
    assert meta[1][0].startswith("Norvania quietly bankrolling") and meta[1][0].endswith("Aldmark says")
    assert meta[2][0] == "By Mira Solberg, Harbour Wire"
    assert meta[3][0] == "Published: 3 March 2025, 09:12 GMT"
    assert meta[4][0] == meta[5][0] and meta[4][0].startswith("Estrelian dredgers") and "©" in meta[4][0]
    assert meta[6][0] == "Kesslo keeps its distance"
    assert meta[7][0].startswith("Weekly newsletterGet")
    assert meta[8][0].startswith("Still reading? Click here")
    body = texts_of(text, Kind.BODY)
    assert len(body) == 16
    assert body[0].startswith("Norvania is quietly financing")
    assert body[-1].startswith("The Northern Council’s maritime committee")
    # a paragraph of two sentences; NBSPs from the scrape stay inside their sentence
    assert "Aldmark officials also said that 80 percent" in body[7]
    assert body[8] == "The figures could not be independently verified."
    assert "backing\u00a0Estrelia\u00a0in" in body[2]


@pytest.mark.slow
def test_shared_seed_article_furniture_is_meta(shared_seed_text: str) -> None:
    """The real scraped page of ANNOTATION.md's worked example (outside the checkout)."""
    seed_text = shared_seed_text
    segs = segment(seed_text)
    meta = {seed_text[s.start : s.end]: s.meta_kind for s in segs if s.kind is Kind.META}
    assert meta["China helping Moscow in biggest military expansion since Soviet times, US says"]
    assert meta["Author: Editors Desk Source: France 24"] == "byline"
    assert meta["April 13, 2024 at 17:47"] == "date"
    assert any(k == "caption" and t.startswith("Russian Defence Minister") for t, k in meta.items())
    assert meta["Daily newsletterReceive essential international news every morning"] == "boilerplate"
    assert meta["You did not use the site, Click here to remain logged. Timeout: 60 second"] == "boilerplate"
    body = texts_of(seed_text, Kind.BODY)
    assert len(body) == 17
    assert body[0].startswith("China is helping Russia") and body[-1].startswith("Ukraine has suffered")


def test_abbreviations_do_not_split() -> None:
    text = "Mr. Smith met Gov. Lee and Dr. Ana Ruiz on Jan. 5 in the U.S. capital. They talked."
    assert texts_of(text) == [
        "Mr. Smith met Gov. Lee and Dr. Ana Ruiz on Jan. 5 in the U.S. capital.",
        "They talked.",
    ]


def test_a_web_address_ends_a_sentence_an_abbreviation_does_not() -> None:
    text = "Fares will rise, said Dana Marr of farewatch.com. Marr said to book early. The U.S. Army agreed."
    assert texts_of(text) == [
        "Fares will rise, said Dana Marr of farewatch.com.",
        "Marr said to book early.",
        "The U.S. Army agreed.",
    ]


def test_initials_and_decimals() -> None:
    text = "John F. Kennedy spoke of 3.5 percent growth. Prices rose."
    assert texts_of(text) == ["John F. Kennedy spoke of 3.5 percent growth.", "Prices rose."]


def test_quote_then_attribution_is_one_sentence() -> None:
    text = "“We will hold China accountable,” Campbell said. The talks end Friday."
    assert texts_of(text) == ["“We will hold China accountable,” Campbell said.", "The talks end Friday."]


def test_multi_sentence_quote_shares_a_group() -> None:
    text = "“We are not going to stand by. This matters to all of us,” he added. Markets fell."
    segs = segment(text)
    assert len(segs) == 3
    assert segs[0].quote_group is not None and segs[0].quote_group == segs[1].quote_group
    assert segs[2].quote_group is None


def test_unbalanced_quotes_do_not_break() -> None:
    text = "He said “this will not stand. Then nothing. Officials said it was over."
    segs = segment(text)
    assert [text[s.start : s.end] for s in segs][-1] == "Officials said it was over."


def test_lone_unpunctuated_sentence_is_body() -> None:
    text = "officials said the bridge would close"
    segs = segment(text)
    assert len(segs) == 1 and segs[0].kind is Kind.BODY


def test_newline_conventions_and_unicode_spaces() -> None:
    text = "First\u00a0sentence here.\r\n\r\nSecond paragraph starts.\rThird line ends."
    segs = segment(text)
    assert [text[s.start : s.end] for s in segs] == [
        "First\u00a0sentence here.",
        "Second paragraph starts.",
        "Third line ends.",
    ]
    assert segs[0].paragraph < segs[1].paragraph


def test_split_sentences_offsets_in_block() -> None:
    text = "xx A first one. A second one! Third?"
    assert [text[a:b] for a, b in split_sentences(text, 3)] == ["A first one.", "A second one!", "Third?"]


PROSE = st.lists(
    st.sampled_from(
        ["Officials said", "the U.S.", "“We will", "win,”", "he said.", "Mr. Smith", "Prices",
         "rose 3.5%.", "Why?", "\n", "\n\n", "By Jane Doe", "© AFP", " ", "\u00a0", "'", '"', "…",
         "Read more", "It is understood", "ministers", "met.", "déjà vu", "東京", "\t"]
    ),
    max_size=60,
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(PROSE.map(" ".join))
def test_segments_cover_text_without_overlap(text: str) -> None:
    segs = segment(text)
    covered = set()
    last_end = 0
    for s in segs:
        assert 0 <= s.start < s.end <= len(text)
        assert s.start >= last_end, "segments overlap or are out of order"
        last_end = s.end
        assert text[s.start : s.end] == text[s.start : s.end].strip()
        covered.update(range(s.start, s.end))
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert i in covered, f"character {ch!r} at {i} is in no segment"


SCRAPED_FIELDS = """Site of the Valley Courier
Headline: Is the county ready for the flood season?
Subtitle: The report covers three fiscal years.
Date: 2024-09-04
Publisher: Valley Courier
Author: Jane Roe
Tags: floods, county budget

BRATTLEBORO — The county auditor said Tuesday that the levee repairs were late.

Summary: Officials said the backlog had grown, and the council will meet on Friday to decide what to do next.
"""


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Headline: Is the county ready for the flood season?", "headline"),  # punctuated, not first
        ("Subtitle: The report covers three fiscal years.", "subheadline"),
        ("Date: 2024-09-04", "date"),
        ("Publisher: Valley Courier", "byline"),
        ("Author: Jane Roe", "byline"),
        ("Tags: floods, county budget", "boilerplate"),  # a tag list, as the corpora mark it
        (
            "Summary: Officials said the backlog had grown, and the council will meet on Friday to decide what to do next.",
            "subheadline",
        ),
    ],
)
def test_scraped_key_value_lines_are_meta_of_their_kind(line: str, kind: str) -> None:
    by_text = {SCRAPED_FIELDS[s.start : s.end]: s for s in segment(SCRAPED_FIELDS)}
    assert by_text[line].kind is Kind.META and by_text[line].meta_kind == kind


def test_a_dateline_stays_in_the_body_and_a_colon_in_prose_is_no_field() -> None:
    text = "BRATTLEBORO — The auditor said: the levee is late.\n\nThe mayor's verdict: delays were avoidable."
    segments = segment(text)
    assert [s.kind for s in segments] == [Kind.BODY, Kind.BODY]
    assert field_kind("Headline: x") == "headline" and field_kind("The verdict: late") is None


def test_a_headline_ending_in_a_title_word_stays_above_a_one_line_paragraph() -> None:
    """ "… as Prime Minister" looks like a line cut before a name, but over a paragraph written
    on one line it is the headline; hard-wrapped prose after the same word still joins."""
    headline = "Veteran peer urges Lund to step down as Prime Minister"
    body = (
        "Lord Ashworth, a former party chairman, has said Karin Lund should resign before the "
        "autumn conference. He said the party would suffer if she stayed on."
    )
    segs = segment(f"{headline}\n{body}")
    assert (segs[0].kind, segs[0].meta_kind) == (Kind.META, "headline")
    assert [s.kind for s in segs[1:]] == [Kind.BODY, Kind.BODY]
    wrapped = "The harbour plan was approved on Monday, according to the Prime Minister\nKarin Lund and two aides.\n"
    segs = segment(wrapped)
    assert [s.kind for s in segs] == [Kind.BODY]


SCRAPED_FURNITURE = """Home › News › Regional
Harbour board delays dredging vote after cost estimate doubles
Tomasz Wielgosz and Aroha Te Rangi
11.20am
WELLINGTON, March 3 (Reuters) —
The harbour board postponed its vote on Tuesday. The chair said the new estimate arrived late.
Do you have a story for us? Email our newsdesk
Do you think the board should have voted?
(Reporting by Ana Ferreira; editing by Priya Raman)
bur-ag/jm
Ursula von der Leyen in Brussels
"""

WIKI_FURNITURE = """Harbour board delays dredging vote
Economy and business
The harbour board postponed its vote on Tuesday.
== Background ==
The dredging plan was first put forward in 2019.
<noinclude>
New Zealand infobox
== Related news == * *
publish Archive-unreviewed
"""


@pytest.mark.parametrize(
    ("text", "line", "kind"),
    [
        (SCRAPED_FURNITURE, "Home › News › Regional", "section"),
        (SCRAPED_FURNITURE, "Harbour board delays dredging vote after cost estimate doubles", "headline"),
        (SCRAPED_FURNITURE, "Tomasz Wielgosz and Aroha Te Rangi", "byline"),  # names under the headline
        (SCRAPED_FURNITURE, "11.20am", "date"),
        (SCRAPED_FURNITURE, "WELLINGTON, March 3 (Reuters) —", "dateline"),
        (SCRAPED_FURNITURE, "Do you have a story for us? Email our newsdesk", "boilerplate"),
        (SCRAPED_FURNITURE, "Do you think the board should have voted?", "boilerplate"),
        (SCRAPED_FURNITURE, "(Reporting by Ana Ferreira; editing by Priya Raman)", "credit"),
        (SCRAPED_FURNITURE, "bur-ag/jm", "credit"),
        (SCRAPED_FURNITURE, "Ursula von der Leyen in Brussels", "byline"),
        (WIKI_FURNITURE, "Economy and business", "section"),  # a Wikinews topic under the headline
        (WIKI_FURNITURE, "== Background ==", "subheadline"),
        (WIKI_FURNITURE, "<noinclude>", "boilerplate"),
        (WIKI_FURNITURE, "New Zealand infobox", "boilerplate"),
        (WIKI_FURNITURE, "== Related news == * *", "boilerplate"),
        (WIKI_FURNITURE, "publish Archive-unreviewed", "boilerplate"),
    ],
)
def test_page_furniture_gets_its_meta_kind(text: str, line: str, kind: str) -> None:
    by_text = {text[s.start : s.end]: s for s in segment(text)}
    assert by_text[line].kind is Kind.META and by_text[line].meta_kind == kind


@pytest.mark.parametrize(
    "sentence",
    [
        "The Egyptian embassy in London did not respond to requests for comment.",
        "The last draft in the United States took place in 1973.",
        "Residents of Tulla Road, Ennis have complained for years.",
        '"Do you think it is fair?" she asked the council.',
        "Detectives asked witnesses to get in touch with the incident room.",
        "The briefing was open to subscribers only.",
        "More: the full list of winners is below.",
        "Is your child's school ready for the heatwave?",  # a question, but prose follows it
        "Our correspondents were detained for six hours at the border!",
        "Reporting by the BBC revealed the scheme; editing by ministers followed.",
        "== Reaction == The minister said the vote would be held in April.",
    ],
)
def test_prose_lines_like_furniture_stay_body(sentence: str) -> None:
    text = f"Harbour board delays dredging vote\n{sentence}\nThe vote is now due in April."
    by_text = {text[s.start : s.end]: s for s in segment(text)}
    assert by_text[sentence].kind is Kind.BODY


def test_furniture_rules_stay_linear_on_long_lines() -> None:
    """Runs of spaces between capitalised words once made the name pattern backtrack for
    minutes on an 800-character line."""
    line = ("Aa" + " " * 400) * 4 + "Bb x"
    started = time.perf_counter()
    segment(f"Harbour board delays vote\n{line}\n{line}")
    assert time.perf_counter() - started < 2.0
