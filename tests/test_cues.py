"""Lexicons and source-span classification in annotator.cues."""

from __future__ import annotations

import pytest

from annotator.sourcing.cues import (
    find_anonymity_phrases,
    find_anonymity_reason,
    find_cues,
    find_weasels,
    is_non_claim_cue,
)
from annotator.sourcing.lexicon import ANONYMITY_PHRASES, REPORTING_VERBS, STANCES, WEASEL_PHRASES
from annotator.sourcing.quotes import has_direct_quote
from annotator.sourcing.sources import (
    SourceType,
    classify_source,
    count_sources,
    has_specific_role,
    head_noun,
    reference_kind,
)

P, B, D, U, V, R, N = (
    SourceType.NAMED_PERSON,
    SourceType.NAMED_BODY,
    SourceType.DOCUMENT,
    SourceType.UNNAMED,
    SourceType.VAGUE,
    SourceType.PRONOUN,
    SourceType.NONE,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # pronouns
        ("he", R), ("She", R), ("they", R), ("it", R), ("we", R), ("I", R), ("him", R),
        ("who", R), ("the two", R),
        # definite descriptions need resolving too
        ("the official", R), ("the spokeswoman", R), ("The diplomat", R), ("the company", R),
        ("the campaign", R), ("his campaign", R), ("the president", R),
        ("the Nevada senator", R), ("Pentagon's spokesman", R), ("the Pentagon spokesman", R),
        # vague groups
        ("critics", V), ("Critics", V), ("some analysts", V), ("observers", V), ("many", V),
        ("experts", V), ("Democrats", V), ("no one", V), ("media reports", V),
        ("it is believed", V),
        # unnamed people
        ("officials", U), ("Officials", U), ("US officials", U), ("a senior official", U),
        ("two people familiar with the matter", U), ("Two people familiar with the matter", U),
        ("sources", U), ("aides", U), ("a Pentagon official", U), ("an executive at Siemens", U),
        ("diplomats", U), ("her advisers", U), ("a Chinese official", U), ("a federal judge", U),
        ("three analysts", U), ("a senior US intelligence official, who spoke anonymously", U),
        # documents: public or named -> DOCUMENT, ones the reader cannot look up -> UNNAMED
        ("court records", D), ("Court records", D), ("a report by the GAO", D),
        ("a Pew survey", D), ("the ministry's annual report", D), ("the poll", D), ("polls", D),
        ("42%", D), ("six in 10 voters", D),
        ("emails obtained by the newspaper", U), ("documents reviewed by the Post", U),
        ("a confidential memo seen by reporters", U), ("a new poll", U),
        # named bodies
        ("the Pentagon", B), ("the Kremlin", B), ("Siemens", B), ("the Ministry of Health", B),
        ("the Center for Responsive Politics", B), ("the Huffington Post", B), ("Reuters", B),
        ("the White House", B), ("the State Department", B), ("the Obama administration", B),
        ("the Clinton campaign", B), ("Clinton's campaign", B), ("police", B), ("China", B),
        ("Acme Corp", B), ("CNN", B),
        # named people
        ("Deputy Secretary of State Kurt Campbell", P), ("Mr. Smith", P), ("Clinton", P),
        ("Trump", P), ("Sanders", P), ("Trump's", P), ("Maria Lopez, a nurse in the ward", P),
        ("a spokesman for the Pentagon, Peter Cook", P), ("Pentagon spokesman Peter Cook", P),
        ("FBI Director Sam Okafor", P), ("White House Press Secretary Lena Ortiz", P),
        ("former defense secretary Ana Ruiz", P), ("the Rev. Paul Moss", P),
        ("he and Mr. Okoro", P), ("Sanders and Clinton", P), ("Sen. Jane Park (D-Ore.)", P),
        # nothing
        ("", N), ("  ", N), ("—", N),
    ],
)  # fmt: skip
def test_classify_source(text: str, expected: SourceType) -> None:
    assert classify_source(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("two officials", 2), ("three people familiar with the plans", 3),
        ("several diplomats", 3), ("officials", 2), ("a senior official", 1),
        ("Kurt Campbell", 1), ("Sanders and Clinton", 2), ("one person briefed on the talks", 1),
        ("a couple of aides", 2), ("12 lawmakers", 12), ("sources", 2), ("the Pentagon", 1),
        ("", 0),
    ],
)  # fmt: skip
def test_count_sources(text: str, expected: int) -> None:
    assert count_sources(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a senior official", True), ("a senior US intelligence official", True),
        ("a Pentagon official", True), ("two White House aides", True),
        ("an executive at Siemens", True), ("a defense official", True),
        ("administration officials", True),
        ("an official", False), ("officials", False), ("US officials", False),
        ("sources", False), ("a Chinese official", False), ("a source", False),
        ("two people familiar with the matter", False),
    ],
)  # fmt: skip
def test_has_specific_role(text: str, expected: bool) -> None:
    assert has_specific_role(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("he", "person"), ("she", "person"), ("they", "people"), ("it", "thing"),
        ("who", "relative"), ("I", "self"), ("we", "self"), ("you", "addressee"),
        ("the official", "role"), ("the spokeswoman", "role"), ("the senator", "title"),
        ("the company", "org"), ("his campaign", "org"),
        ("Kurt Campbell", None), ("officials", None),
    ],
)  # fmt: skip
def test_reference_kind(text: str, expected: str | None) -> None:
    assert reference_kind(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a senior US official", "official"), ("two people familiar with the matter", "people"),
        ("the spokeswoman", "spokeswoman"), ("a report by the GAO", "report"), ("", ""),
    ],
)  # fmt: skip
def test_head_noun(text: str, expected: str) -> None:
    assert head_noun(text) == expected


def test_lexicon_stances_are_known() -> None:
    assert set(REPORTING_VERBS.values()) == set(STANCES)
    for key in REPORTING_VERBS:
        assert key == key.lower() == " ".join(key.split())


@pytest.mark.parametrize(
    ("cue", "stance"),
    [
        ("said", "neutral"), ("told", "neutral"), ("according to", "neutral"),
        ("claimed", "doubt"), ("alleged", "doubt"), ("insisted", "doubt"),
        ("acknowledged", "strong"), ("admitted", "strong"), ("conceded", "strong"),
        ("believe", "belief"), ("fear", "belief"), ("estimated", "belief"),
        ("declined to comment", "refusal"), ("did not respond", "refusal"),
        ("refused to comment", "refusal"),
    ],
)  # fmt: skip
def test_reporting_verb_stance(cue: str, stance: str) -> None:
    assert REPORTING_VERBS[cue] == stance


def test_find_cues_spans_and_stances() -> None:
    sentence = "Officials Said, according to aides who DECLINED TO COMMENT, that rivals claimed it."
    found = find_cues(sentence)
    assert [(sentence[a:b], s) for a, b, s in found] == [
        ("Said", "neutral"),
        ("according to", "neutral"),
        ("DECLINED TO COMMENT", "refusal"),
        ("claimed", "doubt"),
    ]


@pytest.mark.parametrize(
    "sentence",
    ["He resaid nothing.", "The sayings are old.", "A self-described analyst.", "Unsaid."],
)
def test_find_cues_whole_words_only(sentence: str) -> None:
    assert find_cues(sentence) == []


def test_find_cues_curly_apostrophe_and_line_break() -> None:
    sentence = "The firm didn’t respond, and the mayor declined\nto comment."
    assert [s for *_, s in find_cues(sentence)] == ["refusal", "refusal"]


def test_find_cues_longest_match_wins() -> None:
    sentence = "The ministry said in a statement that it would appeal."
    ((a, b, stance),) = find_cues(sentence)
    assert sentence[a:b] == "said in a statement"
    assert stance == "neutral"


def test_anonymity_reason_extends_to_clause_end() -> None:
    sentence = (
        "A senior official, who spoke on condition of anonymity because the findings "
        "are classified, said the review would end."
    )
    a, b = find_anonymity_reason(sentence)  # type: ignore[misc]
    assert sentence[a:b] == "on condition of anonymity because the findings are classified"


@pytest.mark.parametrize(
    "sentence",
    ["Two people familiar with the matter said so.", "The council met on Monday."],
)
def test_no_anonymity_reason(sentence: str) -> None:
    assert find_anonymity_reason(sentence) is None


def test_anonymity_phrases_found() -> None:
    sentence = "A source close to the talks and two people briefed on the plans spoke."
    found = [sentence[a:b] for a, b in find_anonymity_phrases(sentence)]
    assert found == ["source close to", "briefed on"]
    assert "on condition of anonymity" in ANONYMITY_PHRASES


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Critics say the plan is flawed.", ["Critics say"]),
        ("It is understood that talks will resume.", ["It is understood"]),
        ("The deal was reportedly signed.", ["reportedly"]),
        ("The mayor said the deal was signed.", []),
    ],
)
def test_find_weasels(sentence: str, expected: list[str]) -> None:
    assert [sentence[a:b] for a, b in find_weasels(sentence)] == expected
    assert all(p == p.lower() for p in WEASEL_PHRASES)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("“We will hold them accountable,” Campbell said.", True),
        ('"We will not stand by," she said.', True),
        ("He called the plan “reckless.”", False),
        ("Campbell said the US would act.", False),
    ],
)
def test_has_direct_quote(sentence: str, expected: bool) -> None:
    assert has_direct_quote(sentence) is expected


@pytest.mark.parametrize(
    ("cue", "expected"),
    [
        ("endorsed", True), ("has endorsed", True), ("voted for", True), ("seemed", True),
        ("were appointed", True), ("said", False), ("told reporters", False),
        ("endorsed and said", False), ("", False),
    ],
)  # fmt: skip
def test_is_non_claim_cue(cue: str, expected: bool) -> None:
    assert is_non_claim_cue(cue) is expected
