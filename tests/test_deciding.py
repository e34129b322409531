"""The rules that decide which source a sentence's label rests on (annotator.sourcing.deciding)."""

from __future__ import annotations

import pytest

from annotator.sourcing.deciding import deciding_source, nearest_run, unnamed_subject, weakest_source
from annotator.sourcing.runs import Run

TEXT = "The United States has warned China and both Chinese and US officials say Beijing held back"


def _run(kind: str, words: str, score: float = 0.95, text: str = TEXT) -> Run:
    start = text.index(words)
    return Run(kind, start, start + len(words), score)


NAMED = _run("source", "The United States", 0.98)
WARNED = _run("cue", "warned", 0.9)
UNNAMED = _run("source", "both Chinese and US officials", 0.93)
SAY = _run("cue", "say", 0.9)


def test_an_unnamed_second_source_with_its_own_cue_decides_with_that_cue() -> None:
    assert weakest_source("on_record", [NAMED, WARNED, UNNAMED, SAY], TEXT) == (UNNAMED, SAY)


@pytest.mark.parametrize(
    "runs",
    [
        [NAMED, WARNED],  # one source: the label head decides
        [NAMED, WARNED, UNNAMED],  # the unnamed source has no cue of its own
        [NAMED, WARNED, _run("source", "both Chinese and US officials", 0.5), SAY],  # not confident
        [NAMED, WARNED, _run("source", "Beijing", 0.95), SAY],  # named: on_record stands
    ],
)
def test_the_rule_keeps_on_record_without_a_confident_unnamed_claim(runs) -> None:
    assert weakest_source("on_record", runs, TEXT) is None


@pytest.mark.parametrize("label", ["anonymous", "reporter"])
def test_the_rule_only_lowers_on_record(label: str) -> None:
    assert weakest_source(label, [NAMED, WARNED, UNNAMED, SAY], TEXT) is None


def test_a_place_after_the_speakers_cue_is_not_a_second_claim() -> None:
    text = "The satellite is healthy, director Elena Marchetti said from the control room of officials"
    runs = [
        _run("source", "director Elena Marchetti", 0.99, text),
        _run("cue", "said", 0.99, text),
        _run("source", "officials", 0.9, text),
    ]
    # "said" belongs to Marchetti, which is nearer to it than "officials" is
    assert weakest_source("on_record", runs, text) is None


def test_deciding_source_lowers_a_mixed_on_record_sentence() -> None:
    assert deciding_source("on_record", [NAMED, WARNED, UNNAMED, SAY], TEXT) == ("anonymous", UNNAMED, SAY)


def test_an_anonymous_sentence_names_its_unnamed_source_not_the_named_one() -> None:
    # the label head already says anonymous; the most confident source is the named one
    assert deciding_source("anonymous", [NAMED, WARNED, UNNAMED, SAY], TEXT) == ("anonymous", UNNAMED, SAY)


@pytest.mark.parametrize(
    ("label", "runs"),
    [
        # the unnamed source is already the most confident one
        ("anonymous", [_run("source", "both Chinese and US officials", 0.99), SAY, NAMED, WARNED]),
        ("anonymous", [_run("source", "US officials", 0.99), SAY]),
        ("reporter", [NAMED, WARNED, UNNAMED, SAY]),
        ("on_record", [NAMED, WARNED]),
    ],
)
def test_deciding_source_leaves_consistent_output_alone(label: str, runs: list[Run]) -> None:
    assert deciding_source(label, runs, TEXT) is None


def test_nearest_run() -> None:
    runs = [WARNED, SAY]
    assert nearest_run(runs, "cue", UNNAMED[1], UNNAMED[2]) == SAY
    assert nearest_run(runs, "cue", NAMED[1], NAMED[2]) == WARNED
    assert nearest_run(runs, "source", 0, 3) is None


@pytest.mark.parametrize(
    "clause",
    [
        "which is backed by lenders",  # a relative clause about the first source
        "many lenders",  # right after the first source: the same noun phrase, split by the tagger
    ],
)
def test_a_description_of_the_first_source_is_not_a_second_source(clause: str) -> None:
    text = f"Renata Falk, a spokeswoman for the alliance, {clause}, said the program worked"
    runs = [
        _run("source", "Renata Falk, a spokeswoman for the alliance", 0.99, text),
        _run("source", clause, 0.9, text),
        _run("cue", "said", 0.99, text),
    ]
    assert weakest_source("on_record", runs, text) is None


SEED = (
    "The administration hopes that such dialogue can help contain tensions "
    "but US officials have stressed they will still press on concerns."
)
ADMIN, HOPES = _run("source", "The administration", 0.98, SEED), _run("cue", "hopes", 0.99, SEED)


def _words(found: tuple[Run, ...] | None, text: str) -> list[str] | None:
    return None if found is None else [text[r[1] : r[2]] for r in found]


def test_the_cue_rules_find_an_unnamed_subject_the_tagger_missed() -> None:
    assert _words(unnamed_subject(SEED, [ADMIN, HOPES]), SEED) == ["US officials", "stressed"]
    decided = deciding_source("anonymous", [ADMIN, HOPES], SEED)
    assert decided is not None and _words(decided[1:], SEED) == ["US officials", "stressed"]
    assert decided[1][3] == 0.0  # found by rules, not scored by the tagger
    # without the tagger's runs nothing stops at "and": the nearest clause is taken
    assert _words(unnamed_subject(TEXT, [NAMED, WARNED]), TEXT) == ["US officials", "say"]


@pytest.mark.parametrize(
    ("text", "runs"),
    [
        (
            "They said staff had been told to prioritise households.",
            [Run("source", 0, 4, 0.9), Run("cue", 5, 9, 0.9)],
        ),
        ("Residents had been told by officials to leave.", []),  # passive: the residents were told
        ("The plan that the city council passed says rents will rise.", []),  # no role noun
        ("Many long serving senior party officials said it was over.", []),  # too long
        ("US officials said it was over.", [Run("cue", 13, 17, 0.9)]),  # the tagger has that cue
        ('"There was no money that officials said was there," he said.', []),  # quoted content
        ("Officials warned us for months,” the administration said.", []),  # a quotation closing here
        ("That's what officials say.", []),  # no clause break inside "That's"
        ("On Tuesday officials said it was over.", []),  # not the whole subject: left alone
        ("Officials who briefed staff said it was over.", []),
        ("A report written by staff found it was over.", []),
    ],
)
def test_the_cue_rules_find_nothing_where_there_is_no_unnamed_subject(text: str, runs: list[Run]) -> None:
    assert unnamed_subject(text, runs) is None


def test_a_described_first_source_gives_way_only_to_an_indefinite_source_with_its_own_cue() -> None:
    officials = _run("source", "officials", 0.6, SEED)
    decided = deciding_source("anonymous", [ADMIN, HOPES, officials], SEED)
    assert decided is not None and _words(decided[1:], SEED) == ["officials", "stressed"]
    text = "Warnings from his lawyer said the database contractor would invoke his rights."
    runs = [_run("source", "his lawyer", 0.9, text), _run("cue", "said", 0.9, text)]
    contractor = _run("source", "contractor", 0.6, text)
    # "the database contractor" may stand for someone named: the first source stands
    assert deciding_source("anonymous", [*runs, contractor], text) is None
    quote = "“There just wasn't money some people thought was there,” the person said."
    runs = [_run("source", "the person", 0.9, quote), _run("cue", "said", 0.9, quote)]
    people = _run("source", "people", 0.6, quote)
    assert deciding_source("anonymous", [*runs, people], quote) is None  # quoted content is no source


def test_the_rules_find_a_subject_that_is_no_passive_and_leave_pronouns_to_resolution() -> None:
    text = "US officials are saying privately that it is over."
    assert _words(unnamed_subject(text, []), text) == ["US officials", "saying"]  # progressive, not passive
    assert (
        unnamed_subject("US officials said it was over.", []) is not None
    )  # the case above, without the cue run
    # "He" may resolve to a named person, which makes the sentence on_record: not replaced here
    text = "He said the plan, which aides predicted would fail, was final."
    runs = [_run("source", "He", 0.9, text), _run("cue", "said", 0.9, text)]
    assert deciding_source("anonymous", runs, text) is None
    # the object of the first source's verb has no claim of its own
    text = "The administration has told US officials that talks will resume."
    runs = [_run(k, w, 0.9, text) for k, w in (("source", "The administration"), ("cue", "has told"))]
    assert deciding_source("anonymous", [*runs, _run("source", "US officials", 0.5, text)], text) is None
    # but an inverted "…, said two officials" is a claim of its own
    text = "The administration hopes for talks, said two officials."
    runs = [_run("source", "The administration", 0.9, text), _run("cue", "hopes", 0.9, text)]
    runs.append(_run("source", "two officials", 0.6, text))
    decided = deciding_source("anonymous", runs, text)
    assert decided is not None and _words(decided[1:], text) == ["two officials", "said"]
    # a named first source with nothing unnamed anywhere: the label head's output stands
    assert deciding_source("anonymous", [NAMED, WARNED], "The United States has warned China.") is None


def test_a_stray_phrase_the_tagger_marked_is_not_a_second_source() -> None:
    text = (
        "The port will open, Consul General Ana Ruiz, who will oversee the opening, said at a news"
        " conference at Midland City Hall"
    )
    runs = [
        _run("source", "Consul General Ana Ruiz", 0.99, text),
        _run("cue", "said", 0.99, text),
        _run("source", "conference at Midland City Hall", 0.9, text),
    ]
    assert weakest_source("on_record", runs, text) is None
    # the same runs with a real unnamed second source do lower the label
    text2 = "The port will open, Consul General Ana Ruiz said, and aid workers say it is late"
    runs2 = [
        _run("source", "Consul General Ana Ruiz", 0.99, text2),
        _run("cue", "said", 0.99, text2),
        _run("source", "aid workers", 0.9, text2),
        _run("cue", "say", 0.9, text2),
    ]
    assert weakest_source("on_record", runs2, text2) is not None


@pytest.mark.parametrize(
    ("text", "source", "expected"),
    [
        ("Cargo traffic has fallen by a third, customs records show", "customs records", "on_record"),
        ("Court filings show the firm was fined twice", "Court filings", "on_record"),
        # a document only the paper has seen, and a sentence that also rests on hearsay
        ("Emails seen by this newspaper show the manager asked for a cut", "Emails", None),
        ("Court records reportedly show the firm was fined twice", "Court records", None),
    ],
)
def test_a_public_record_the_label_head_called_anonymous_is_on_record(
    text: str, source: str, expected: str | None
) -> None:
    runs = [_run("source", source, 0.95, text), _run("cue", "show", 0.9, text)]
    decided = deciding_source("anonymous", runs, text)
    assert (decided[0] if decided else None) == expected
