"""Who a source really is: the one coreference resolver, shared by the pipeline and the
PolNeAR silver labeller.

Rules, not learning, over typed mentions. A pronoun or a definite description ("he",
"the official", "the company", "who") resolves to the nearest compatible antecedent
earlier in the article: an earlier source, or a person the text names ("Mr. Xi", the
surname of a named source) or describes by the same role ("a senior US official" for
"the official"), skipping people mentioned only inside a quotation. A continuation
takes the sourcing label of the source it refers back to (ANNOTATION.md: continuations
follow their antecedent), and the sentences of one multi-sentence quotation share the
speaker named in one of them.
"""

from __future__ import annotations

import bisect
import heapq
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from annotator.sourcing import quotes
from annotator.sourcing.cues import find_anonymity_phrases, find_weasels
from annotator.sourcing.lexicon import (
    FEMALE_PRONOUNS,
    FEMALE_WORDS,
    MALE_PRONOUNS,
    MALE_WORDS,
    MONTHS,
    PLACES,
    PREPOSITIONS,
    ROLE_ALIASES,
    ROLE_NOUNS,
    SUBORDINATORS,
    TITLE_NOUNS,
    WEEKDAYS,
)
from annotator.sourcing.sources import (
    AGENT_NOUN,
    ANONYMOUS_TYPES,
    ON_RECORD_TYPES,
    SourceType,
    classify_source,
    count_sources,
    head_noun,
    reference_kind,
    surname,
)

_NOT_ANTECEDENTS = (SourceType.PRONOUN, SourceType.NONE)
_HONORIFIC_NAME = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Rev|Prof|President|Senator|Governor|Secretary|"
    r"Judge|Justice|Mayor|Speaker)\.?\s+(?:[A-Z][\w'’-]+\s+){0,2}[A-Z][\w'’-]+"
)
_LOOK_BACK = 200  # characters before a role noun that its appositive name may take
_NAME = r"[A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){0,3}"
_PERSON_HEADS = "|".join(
    sorted({w for w in ROLE_NOUNS | TITLE_NOUNS if not w.endswith("s")}, key=len, reverse=True)
)
# a person introduced in running text by an appositive role or title: "Maria Lopez, the city's
# finance director," / "Jan Novak, a spokesman for ..." (whoever later says "she said")
_APPOSITIVE_PERSON = re.compile(
    rf"({_NAME}),\s+(?:a|an|the|[A-Z][\w]*['’]s?)\s+(?:[\w'’-]+\s+){{0,5}}?(?:{_PERSON_HEADS})\b"
)


@dataclass(frozen=True)
class Candidate:
    """Something a pronoun or description may refer back to, in article offsets.
    ``speaker`` is the index of the sentence whose source it is (None for a mention in
    running text)."""

    start: int
    end: int
    text: str
    stype: SourceType
    speaker: int | None = None


def same_role(head: str, candidate: str) -> bool:
    """ "the official" ~ "a senior US official", "the diplomats" ~ "two diplomats" (whole words);
    a singular description also ~ its role's other names ("the lawmaker" ~ "Sen. Jane Doe",
    ``ROLE_ALIASES``)."""
    stem = head.removesuffix("s")
    words = {w.removesuffix("s") for w in re.findall(r"[a-z]+", candidate.lower())}
    return bool(stem) and (stem in words or not words.isdisjoint(ROLE_ALIASES.get(head, ())))


def is_person(candidate: Candidate) -> bool:
    """One person: a named one, or an unnamed one described by a role, a title or an agent
    noun ("a senior US official", "a federal judge", "a teacher"; not "a non-profit" or "a
    raft of rules")."""
    if candidate.stype is SourceType.NAMED_PERSON:
        return True
    head = head_noun(candidate.text)
    return (
        candidate.stype is SourceType.UNNAMED
        and (head in ROLE_NOUNS or head in TITLE_NOUNS or bool(AGENT_NOUN.search(head)))
        and count_sources(candidate.text) == 1
    )


def _before_preposition(text: str) -> str:
    """The words of a phrase before its first preposition, where its head noun is
    ("a leaflet handed out" of "a leaflet handed out at the gates")."""
    words = text.split()
    cut = next((i for i, w in enumerate(words) if i and w.lower() in PREPOSITIONS), len(words))
    return " ".join(words[:cut])


def compatible(reference: str, candidate: Candidate) -> bool:
    """Whether a pronoun or description can refer back to ``candidate``: "he"/"she" to
    one person, "they" to anyone, "it" to a body or document, "the company" to a body,
    "the official" to the same role, "the senator" to the same title or a named person,
    "who" to the nearest noun phrase, any other description ("the plan") to a source
    with the same head noun ("a new plan")."""
    kind = reference_kind(reference)
    ctype = candidate.stype
    if kind == "person":
        return is_person(candidate)
    if kind == "people":  # "they": a group or body, not one named person
        return not (ctype is SourceType.NAMED_PERSON and count_sources(candidate.text) == 1)
    if kind in ("self", "relative"):
        return True
    if kind == "org":
        return ctype is SourceType.NAMED_BODY
    if kind == "thing":
        return ctype in (SourceType.NAMED_BODY, SourceType.DOCUMENT)
    if kind in ("role", "title"):
        return same_role(head_noun(reference), candidate.text) or (
            kind == "title" and ctype is SourceType.NAMED_PERSON
        )
    if (
        kind == "other"
    ):  # "the leaflet" ~ "a leaflet handed out", never "the federation" ~ "officials at the Federation"
        return same_role(head_noun(reference), _before_preposition(candidate.text))
    return False


def person_mentions(text: str, sources: Iterable[Candidate]) -> list[Candidate]:
    """People named in running text: "Mr. X", a name with an appositive role or title
    ("Maria Lopez, the city's finance director"), and the surnames of named sources, which
    stand for that source (its full name and sentence)."""
    found = {(m.start(), m.end()): Candidate(m.start(), m.end(), m.group(0), SourceType.NAMED_PERSON)
             for m in _HONORIFIC_NAME.finditer(text)}  # fmt: skip
    for m in _APPOSITIVE_PERSON.finditer(text):
        name = m.group(1)
        words = {w.lower().strip(".,") for w in name.split()}
        if (
            len(words) > 1
            and not words & (PREPOSITIONS | SUBORDINATORS | WEEKDAYS | MONTHS | PLACES)
            and classify_source(name) is SourceType.NAMED_PERSON
        ):
            found.setdefault(
                (m.start(1), m.end(1)), Candidate(m.start(1), m.end(1), name, SourceType.NAMED_PERSON)
            )
    surnames: dict[str, Candidate] = {}
    for c in sources:
        last = surname(c.text) if c.stype is SourceType.NAMED_PERSON else None
        if last and last[0].isupper():
            surnames.setdefault(last, c)
    for name, source in surnames.items():
        for m in re.finditer(rf"\b{re.escape(name)}\b", text):
            found.setdefault(
                (m.start(), m.end()),
                Candidate(m.start(), m.end(), source.text, SourceType.NAMED_PERSON, source.speaker),
            )
    return [found[k] for k in sorted(found)]


def role_mentions(text: str, head: str) -> list[Candidate]:
    """Mentions of a role noun in running text: the name after or before it ("spokeswoman
    Jane Doe", "Jane Doe, a spokeswoman"), or an indefinite noun phrase ("a senior official");
    a definite or bare one ("the official") refers back itself and is no antecedent."""
    if not head:
        return []
    singular = "person" if head == "people" else head.rstrip("s") if head.endswith("s") else head
    out = []
    for m in re.finditer(rf"\b{re.escape(singular)}s?\b", text, re.IGNORECASE):
        after = re.match(rf"\s+({_NAME})", text[m.end() :])
        lo = max(0, m.start() - _LOOK_BACK)  # the appositive or noun phrase ends at the noun
        appos = re.search(
            rf"({_NAME}),\s+(?:a|an|the|[A-Z][\w]*['’]s?)\s+[^,.;“”\"]{{0,40}}$", text[lo : m.start()]
        )
        if after:
            a = m.end() + after.start(1)
            out.append(Candidate(a, a + len(after.group(1)), after.group(1), SourceType.NAMED_PERSON))
        elif appos:
            a = lo + appos.start(1)
            out.append(Candidate(a, a + len(appos.group(1)), appos.group(1), SourceType.NAMED_PERSON))
        elif np := re.search(r"\b(?:a|an|one|another)\s+(?:[\w'’-]+\s+){0,4}$", text[lo : m.start()]):
            a = lo + np.start()  # "a senior official"; "the official" is itself a reference
            out.append(Candidate(a, m.end(), text[a : m.end()], SourceType.UNNAMED))
    return out


def _within_other(mention: Candidate, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether a mention is part of a longer source phrase ("Ridge" in "a person close
    to Ashanti Ridge"), where it describes someone else."""
    return any(
        a <= mention.start and mention.end <= b and (a, b) != (mention.start, mention.end) for a, b in spans
    )


def pronoun_gender(reference: str) -> str | None:
    """ "m" for "he", "f" for "she" (and their other forms), None for any other reference."""
    low = reference.strip().lower()
    return "m" if low in MALE_PRONOUNS else "f" if low in FEMALE_PRONOUNS else None


def gender_of(text: str) -> str | None:
    """The gender a source phrase states by a title or kinship word ("Mr Pillai", "the
    spokeswoman"), or None when it states none or both."""
    words = {w.rstrip(".").lower() for w in re.findall(r"[\w.]+", text)}
    male, female = bool(words & MALE_WORDS), bool(words & FEMALE_WORDS)
    return "m" if male and not female else "f" if female and not male else None


def _end(c: Candidate) -> int:
    return c.end


def _by_position(candidates: Iterable[Candidate]) -> list[Candidate]:
    return sorted(candidates, key=lambda c: (c.end, c.start))


class Resolver:
    """Resolves references in one article against its sources and the people its text
    mentions (see the module docstring). Candidates are kept sorted by position, so a
    reference costs the walk back to its antecedent, not a pass over the article."""

    def __init__(self, text: str, sources: Sequence[Candidate]) -> None:
        self.text = text
        self._quotes = quotes.QuoteMap(text)
        self.sources = _by_position(c for c in sources if c.stype not in _NOT_ANTECEDENTS)
        spans = [(c.start, c.end) for c in self.sources]
        self.mentions = _by_position(
            m
            for m in person_mentions(text, sources)
            if not self._quotes.inside(m.start) and not _within_other(m, spans)
        )
        self._roles: dict[str, list[Candidate]] = {}
        self.genders: dict[str, str] = {}  # learned from the pronouns the article uses: :meth:`learn`

    def learn(self, reference: str, antecedent: Candidate) -> None:
        """Remember the gender a resolved "he"/"she" gives its antecedent, so a later
        "she" does not resolve to a person the article has called "he"."""
        gender = pronoun_gender(reference)
        if gender is not None:
            self.genders.setdefault(antecedent.text, gender)

    def _role_mentions(self, head: str) -> list[Candidate]:
        if head not in self._roles:
            found = role_mentions(self.text, head)
            self._roles[head] = _by_position(m for m in found if not self._quotes.inside(m.start))
        return self._roles[head]

    def _nearest_first(self, pools: Sequence[list[Candidate]], before: int) -> Iterator[Candidate]:
        """Every candidate ending by ``before``, nearest first (the latest end, then start)."""
        keyed = [reversed(p[: bisect.bisect_right(p, before, key=_end)]) for p in pools]
        return heapq.merge(*keyed, key=lambda c: (c.end, c.start), reverse=True)

    def antecedent(
        self, reference: str, before: int, exclude: Sequence[tuple[int, int]] = ()
    ) -> Candidate | None:
        """The nearest candidate ending by ``before`` that ``reference`` may refer to,
        outside the ``exclude`` spans (the reference's own quoted content); for a title
        ("the mayor"), a named person with that title first."""
        kind = reference_kind(reference) or "other"
        pools = [self.sources]
        if kind in ("person", "title", "relative"):
            pools.append(self.mentions)
        if kind in ("role", "title"):  # "the commissioner" ~ "commissioner Jane Doe"
            pools.append(self._role_mentions(head_noun(reference)))

        wanted = pronoun_gender(reference)

        def fits(c: Candidate) -> bool:
            if any(a <= c.start and c.end <= b for a, b in exclude) or not compatible(reference, c):
                return False
            known = self.genders.get(c.text) or gender_of(c.text)
            return wanted is None or known is None or known == wanted

        if kind == "title":
            head = head_noun(reference)
            for c in self._nearest_first(pools, before):
                if c.stype is SourceType.NAMED_PERSON and same_role(head, c.text) and fits(c):
                    return c
        return next((c for c in self._nearest_first(pools, before) if fits(c)), None)


# --- the pipeline's use: one mention per body sentence -----------------------------------


@dataclass(frozen=True)
class Mention:
    """A body sentence's source as resolution needs it; offsets index the article."""

    source: str | None  # source words in this sentence, if any
    label: str  # the label before resolution
    quote_group: int | None = None
    sentence: str = ""  # the sentence text: an unnamed source in it keeps the sentence anonymous
    start: int = 0  # the source's offsets in the article
    end: int = 0


@dataclass(frozen=True)
class Resolution:
    """The resolved source of a sentence and the label it implies."""

    label: str
    resolved: str | None  # antecedent text (or the source itself when it is a name)
    resolved_type: SourceType
    speaker: int | None  # index of the sentence whose source this one refers back to


_UNNAMED_IN_SENTENCE = re.compile(
    r"\b(citing|unnamed|anonymous|anonymity|sources?|officials)\b", re.IGNORECASE
)


def label_for(ctype: SourceType, fallback: str, sentence: str = "") -> str:
    """The label a continuation takes from its antecedent.

    A mixed sentence ("he said, citing unnamed officials, ...") stays anonymous
    even when "he" is a named person: the weakest sourcing wins.
    """
    if ctype in ANONYMOUS_TYPES:
        return "anonymous"
    if ctype in ON_RECORD_TYPES:
        mixed = fallback == "anonymous" and (
            _UNNAMED_IN_SENTENCE.search(sentence)
            or find_anonymity_phrases(sentence)
            or find_weasels(sentence)
        )
        return fallback if mixed else "on_record"
    return fallback


def resolve(mentions: Sequence[Mention], text: str) -> list[Resolution]:
    """Resolve every sentence of one article, in order: a pronoun or description source
    to its antecedent, then the sentences of a multi-sentence quotation to its speaker."""
    attributed = [i for i, m in enumerate(mentions) if m.label != "reporter" and m.source]
    types = {i: classify_source(mentions[i].source or "") for i in attributed}
    sources = [
        Candidate(mentions[i].start, mentions[i].end, mentions[i].source or "", types[i], i)
        for i in attributed
        if types[i] is not SourceType.PRONOUN
    ]
    resolver = Resolver(text, sources)
    out: list[Resolution | None] = [None] * len(mentions)
    for i in attributed:
        m = mentions[i]
        if types[i] is not SourceType.PRONOUN:
            out[i] = Resolution(m.label, m.source, types[i], i)
            continue
        found = resolver.antecedent(m.source or "", m.start)
        if found is None:
            out[i] = Resolution(m.label, None, SourceType.PRONOUN, None)
        else:
            resolver.learn(m.source or "", found)
            out[i] = Resolution(
                label_for(found.stype, m.label, m.sentence), found.text, found.stype, found.speaker
            )
    _share_quote_speakers(mentions, out)
    return [
        r if r is not None else Resolution(m.label, None, SourceType.NONE, None)
        for r, m in zip(out, mentions, strict=True)
    ]


def _share_quote_speakers(mentions: Sequence[Mention], out: list[Resolution | None]) -> None:
    """Give the sentences of one multi-sentence quotation that have no source of their
    own the speaker resolved in one of them (in place)."""
    speakers: dict[int, Resolution] = {}
    for i, m in enumerate(mentions):
        res = out[i]
        if m.quote_group is not None and res is not None and res.resolved:
            speakers.setdefault(m.quote_group, res)
    for i, m in enumerate(mentions):
        if out[i] is None and m.label != "reporter" and m.quote_group is not None:
            shared = speakers.get(m.quote_group)
            if shared is not None:
                label = label_for(shared.resolved_type, m.label, m.sentence)
                out[i] = Resolution(label, shared.resolved, shared.resolved_type, shared.speaker)
