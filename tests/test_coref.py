"""The one coreference resolver (annotator.sourcing.coref), on invented real-style articles."""

from __future__ import annotations

from annotator.sourcing.coref import Candidate, Mention, Resolver, compatible, resolve
from annotator.sourcing.sources import SourceType, classify_source


def _article(lines: list[tuple[str, str | None, str]]) -> tuple[str, list[Mention]]:
    """An article of one sentence a paragraph, with a mention per sentence:
    ``(sentence, source words or None, label before resolution)``."""
    text, mentions = "", []
    for sentence, source, label in lines:
        if text:
            text += "\n\n"
        start = len(text)
        text += sentence
        if source is None:
            mentions.append(Mention(None, label, None, sentence, start, start))
        else:
            a = start + sentence.index(source)
            mentions.append(Mention(source, label, None, sentence, a, a + len(source)))
    return text, mentions


def test_he_said_resolves_to_a_speaker_named_five_paragraphs_back() -> None:
    text, mentions = _article(
        [
            (
                "Harbour Minister Tomas Ekdahl said the ferry tender would be reopened.",
                "Harbour Minister Tomas Ekdahl",
                "on_record",
            ),
            ("The tender was first announced in 2019.", None, "reporter"),
            ("Three companies bid for it.", None, "reporter"),
            ("Two of them later withdrew.", None, "reporter"),
            ("The third went bankrupt in March.", None, "reporter"),
            ("“We will not make the same mistake twice,” he said.", "he", "anonymous"),
        ]
    )
    res = resolve(mentions, text)
    assert res[-1].resolved == "Harbour Minister Tomas Ekdahl"
    assert res[-1].label == "on_record"  # a resolution to a named person makes it on record
    assert res[-1].speaker == 0


def test_a_speaker_introduced_without_an_attribution_is_found() -> None:
    """The person is named with a role in a sentence that quotes no one; "she said" three
    paragraphs later refers to her (not to "Council members", nor to "On Monday")."""
    text, mentions = _article(
        [
            ("Maria Lopez, the city's finance director, presented the budget on Monday.", None, "reporter"),
            ("The plan cuts spending on roads by a tenth.", None, "reporter"),
            ("On Monday, Council members will vote on it.", None, "reporter"),
            ("“We cannot keep borrowing to pay for repairs,” she said.", "she", "anonymous"),
        ]
    )
    res = resolve(mentions, text)
    assert res[-1].resolved == "Maria Lopez" and res[-1].label == "on_record"


def test_an_unnamed_antecedent_keeps_the_continuation_anonymous() -> None:
    text, mentions = _article(
        [
            (
                "The talks stalled, a senior port official said on condition of anonymity.",
                "a senior port official",
                "anonymous",
            ),
            ("“Nobody wants to blink first,” the official said.", "the official", "on_record"),
        ]
    )
    res = resolve(mentions, text)
    assert (res[1].resolved, res[1].label) == ("a senior port official", "anonymous")


def test_two_speakers_alternating_each_description_finds_its_own() -> None:
    text, mentions = _article(
        [
            ("Mayor Ines Varga said the bridge would close in May.", "Mayor Ines Varga", "on_record"),
            (
                "A spokeswoman for the contractor, Dana Holm, said work would start in June.",
                "A spokeswoman for the contractor, Dana Holm",
                "on_record",
            ),
            ("The mayor said the city had not been told.", "The mayor", "anonymous"),
            ("The spokeswoman said the letter was sent in April.", "The spokeswoman", "anonymous"),
        ]
    )
    res = resolve(mentions, text)
    assert res[2].resolved == "Mayor Ines Varga"
    assert res[3].resolved == "A spokeswoman for the contractor, Dana Holm"
    assert [r.label for r in res] == ["on_record"] * 4


def test_a_surname_mention_stands_for_the_named_source() -> None:
    text, mentions = _article(
        [
            ("Deputy Minister Aron Kask said the fund was empty.", "Deputy Minister Aron Kask", "on_record"),
            ("Officials said the audit would take weeks.", "Officials", "anonymous"),
            (
                "Kask met the auditors on Monday, and he said afterwards that they would be paid.",
                "he",
                "anonymous",
            ),
        ]
    )
    res = resolve(mentions, text)
    assert res[2].resolved == "Deputy Minister Aron Kask"  # the surname, nearer than "Officials"
    assert res[2].label == "on_record"


def test_a_person_named_only_inside_a_quotation_is_skipped() -> None:
    text = "Sen. Ruth Adler said: “I spoke to Mr. Brandt yesterday.” Later he said the deal was off."
    sources = [Candidate(0, 15, "Sen. Ruth Adler", SourceType.NAMED_PERSON, 0)]
    found = Resolver(text, sources).antecedent("he", text.index("he said"))
    assert found is not None and found.text == "Sen. Ruth Adler"


def test_an_unresolvable_pronoun_keeps_the_label_head_label() -> None:
    text, mentions = _article([("“It is over,” she said.", "she", "anonymous")])
    res = resolve(mentions, text)
    assert (res[0].resolved, res[0].resolved_type, res[0].label) == (None, SourceType.PRONOUN, "anonymous")


def test_compatibility_by_number_and_kind() -> None:
    person = Candidate(0, 10, "Anna Berg", SourceType.NAMED_PERSON)
    group = Candidate(0, 10, "two officials", SourceType.UNNAMED)
    body = Candidate(0, 10, "the Interior Ministry", SourceType.NAMED_BODY)
    thing = Candidate(0, 10, "a raft of new rules", SourceType.UNNAMED)
    assert compatible("he", person) and not compatible("he", group) and not compatible("he", body)
    assert not compatible("she", thing)  # not a person: no role or title
    assert compatible("they", group) and compatible("the ministry", body) and compatible("it", body)
    assert compatible("the officials", group) and not compatible("the diplomat", group)


def test_an_unknown_description_needs_a_source_with_the_same_head_noun() -> None:
    """ "the Lake District Planning Board" is not "some residents", and "the plan" is not
    "harbour officials"; "the leaflet" refers back to "a leaflet handed out at the gates"."""
    text, mentions = _article(
        [
            ("Some residents said the road would flood again.", "Some residents", "anonymous"),
            (
                "According to the Lake District Planning Board in Kendal, the road will be raised.",
                "the Lake District Planning Board in Kendal",
                "on_record",
            ),
            ("Harbour officials said the work would cost more.", "Harbour officials", "anonymous"),
            (
                "According to the council's five-year plan, the cost is £4m.",
                "the council's five-year plan",
                "on_record",
            ),
            (
                "A leaflet handed out at the gates put the cost at £6m.",
                "A leaflet handed out at the gates",
                "anonymous",
            ),
            ("The leaflet said the council knew.", "The leaflet", "on_record"),
        ]
    )
    res = resolve(mentions, text)
    assert res[1].label == "on_record" and res[1].speaker == 1  # its own source, not "Some residents"
    assert (res[3].label, res[3].resolved) == ("on_record", None)  # no plan before it: the head decides
    assert (res[5].resolved, res[5].label) == ("A leaflet handed out at the gates", "anonymous")


def test_a_title_finds_the_name_written_next_to_it() -> None:
    """The tagger may mark only the title ("trade commissioner"); "the commissioner" later
    is the person named right after it."""
    text, mentions = _article(
        [
            (
                "Trade commissioner Amara Okafor announced that the scheme would start in July.",
                "Trade commissioner",
                "anonymous",
            ),
            ("The ports are not ready yet.", None, "reporter"),
            ("“We will start anyway,” the commissioner said.", "the commissioner", "anonymous"),
        ]
    )
    res = resolve(mentions, text)
    assert (res[2].resolved, res[2].label) == ("Amara Okafor", "on_record")


def test_spokespeople_and_particle_names() -> None:
    assert classify_source("a Treasury spokesman") is SourceType.NAMED_BODY  # decision 3
    assert classify_source("A spokeswoman") is SourceType.NAMED_BODY
    assert classify_source("the spokeswoman") is SourceType.PRONOUN  # resolved like any description
    assert classify_source("President Omar al-Rashid") is SourceType.NAMED_PERSON
    assert classify_source("A reader, Nadia Haddad from Tripoli") is SourceType.NAMED_PERSON
    assert classify_source("a senior official") is SourceType.UNNAMED


def test_they_is_a_group_or_a_body_not_one_named_person() -> None:
    """ "They said" after "Dana Holm … nurses at the clinic" refers to the nurses: a single
    named person is never "they" (and the label stays anonymous)."""
    text, mentions = _article(
        [
            (
                "Nurses at the clinic say the night shift is short of staff.",
                "Nurses at the clinic",
                "anonymous",
            ),
            ("Dana Holm, the clinic's director, said two posts would be filled.", "Dana Holm", "on_record"),
            ("They said the new posts would not be enough.", "They", "on_record"),
        ]
    )
    res = resolve(mentions, text)
    assert (res[2].resolved, res[2].label) == ("Nurses at the clinic", "anonymous")
    assert not compatible("they", Candidate(0, 9, "Dana Holm", SourceType.NAMED_PERSON))
    assert compatible("they", Candidate(0, 9, "Holm and Berg", SourceType.NAMED_PERSON))


def test_one_member_of_a_group_is_an_unnamed_speaker() -> None:
    """ "one said", "the other added": the reader cannot tell which member spoke (data card
    W23), so the sentence is not resolved to the last person named."""
    for words in ("one", "One", "the other", "another", "one of them"):
        assert classify_source(words) is SourceType.UNNAMED, words
    assert classify_source("One, a machinist at the plant for 22 years") is SourceType.UNNAMED
    text, mentions = _article(
        [
            (
                "Plant manager Ruth Engel said the line would close in May.",
                "Plant manager Ruth Engel",
                "on_record",
            ),
            ("Two workers spoke at the gate.", None, "reporter"),
            ("“We heard it on the radio,” one said.", "one", "anonymous"),
        ]
    )
    res = resolve(mentions, text)
    assert (res[2].resolved, res[2].resolved_type, res[2].label) == ("one", SourceType.UNNAMED, "anonymous")


def test_officials_of_a_body_are_unnamed_people_not_the_body() -> None:
    assert classify_source("officials of the Harbour Development Corporation") is SourceType.UNNAMED
    assert classify_source("an official of the Pentagon") is SourceType.UNNAMED  # decision 3
    assert classify_source("a spokesman of the Foreign Ministry") is SourceType.NAMED_BODY  # decision 3
    assert classify_source("Secretary of State Kurt Campbell") is SourceType.NAMED_PERSON


def test_a_named_speaker_with_words_after_or_before_the_name_is_named() -> None:
    """A name before "from"/"in" ("Tomas Varga from the Drivers' Union"), a name after a
    lower-case noun for the person ("a shopkeeper Ravi Menon"), or a titled name in an
    appositive ("Another researcher, chemistry professor Lena Brandt") names the speaker,
    so "he added" after their words is on the record."""
    named = (
        "Tomas Varga from the Drivers' Union",
        "Okafor in a radio interview",
        "Governor Ellis Park in a statement",
        "a shopkeeper Ravi Menon",
        "Another researcher, chemistry professor Lena Brandt",
    )
    for words in named:
        assert classify_source(words) is SourceType.NAMED_PERSON, words
    for words in ("Doctors at the clinic", "a source, citing President Mara Quist", "a Republican"):
        assert classify_source(words) is not SourceType.NAMED_PERSON, words
    text, mentions = _article(
        [
            ("“Fuel duty is a tax on work,” said Tomas Varga from the Drivers' Union.",
             "Tomas Varga from the Drivers' Union", "on_record"),
            ("“Nobody here can afford another rise,” he added.", "he", "anonymous"),
        ]
    )  # fmt: skip
    res = resolve(mentions, text)
    assert (res[1].resolved_type, res[1].label) == (SourceType.NAMED_PERSON, "on_record")


def test_a_description_finds_a_name_whose_title_is_another_name_for_the_role() -> None:
    """ "The lawmaker" is the senator named before, "the Liberal peer" the lord, "the pontiff"
    the pope; a plural description ("the lawmakers") is not one named person."""
    cases = [
        (
            "Sen. Marta Quill said the bill would pass.",
            "Sen. Marta Quill",
            "The lawmaker",
            "Sen. Marta Quill",
        ),
        (
            "Lord Penhallow has said the party should change course.",
            "Lord Penhallow",
            "The Liberal peer",
            "Lord Penhallow",
        ),
        ("Pope Linus said the talks were a sign of hope.", "Pope Linus", "The pontiff", "Pope Linus"),
    ]
    for first, source, description, expected in cases:
        text, mentions = _article(
            [
                (first, source, "on_record"),
                ("The vote is due in March.", None, "reporter"),
                (f"{description} said more work was needed.", description, "anonymous"),
            ]
        )
        res = resolve(mentions, text)
        assert res[-1].resolved == expected and res[-1].label == "on_record", description
    senator = Candidate(0, 16, "Sen. Marta Quill", SourceType.NAMED_PERSON, 0)
    assert compatible("the lawmaker", senator)
    assert not compatible("the lawmakers", senator)
    assert not compatible("the diplomat", Candidate(0, 16, "Sen. Marta Quill", SourceType.NAMED_PERSON, 0))
