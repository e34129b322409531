"""What kind of source a source span names: ``classify_source`` and the features
coreference and scoring read from a source's words (head noun, number, reference kind).

``classify_source`` reads only the words of a source span ("a senior US official",
"Kurt Campbell", "court records", "he"); deciding what a pronoun or description refers
to is coreference's job (``annotator.sourcing.coref``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from annotator.sourcing.cues import WEASEL_PATTERN
from annotator.sourcing.lexicon import (
    ADDRESSEE_PRONOUNS,
    DEFINITE,
    GROUP_MEMBERS,
    HONORIFICS,
    INDEFINITE,
    KNOWN_BODIES,
    MANY,
    NATIONALITIES,
    NUMBERS,
    ORG_MARKERS,
    PERSON_PRONOUNS,
    PLACES,
    PLURAL_PRONOUNS,
    POSSESSIVE_PRONOUNS,
    PRONOUN_PHRASES,
    PRONOUNS,
    RELATIVE_PRONOUNS,
    ROLE_NOUNS,
    SELF_PRONOUNS,
    SPECIFIC_ROLE_WORDS,
    THING_PRONOUNS,
    TITLE_NOUNS,
    VAGUE_QUANTIFIERS,
)


class SourceType(StrEnum):
    """What kind of source a source span names (before any pronoun resolution)."""

    NAMED_PERSON = "named_person"
    NAMED_BODY = "named_body"
    DOCUMENT = "document"
    UNNAMED = "unnamed"
    VAGUE = "vague"
    PRONOUN = "pronoun"  # a pronoun or definite description: needs resolving
    NONE = "none"


ANONYMOUS_TYPES: tuple[SourceType, ...] = (SourceType.UNNAMED, SourceType.VAGUE)
"""Source types the reader cannot identify: a claim resting on them is ``anonymous``."""
ON_RECORD_TYPES: tuple[SourceType, ...] = (
    SourceType.NAMED_PERSON,
    SourceType.NAMED_BODY,
    SourceType.DOCUMENT,
)
"""Identifiable source types: a claim resting on them is ``on_record``."""

# --- word lists only the classifier reads --------------------------------------------

_VAGUE_NOUNS = frozenset(
    """critics critic observers experts analysts pundits commentators skeptics sceptics
    opponents detractors supporters proponents advocates people others voters americans
    residents citizens democrats republicans conservatives liberals progressives
    independents millennials investors economists scientists historians fans activists
    rumors rumours speculation everyone everybody nobody someone somebody many some most
    democrat republican conservative liberal progressive observer expert pundit""".split()
)
_DOC_NOUNS = frozenset(
    """report reports survey surveys poll polls study studies record records document
    documents memo memos memorandum email emails e-mail e-mails filing filings data
    statement statements letter letters transcript transcripts analysis census audit
    lawsuit complaint indictment ruling verdict book article tweet tweets video videos
    website site ad ads advertisement release results findings numbers figures statistics
    estimates forecast projections minutes testimony affidavit papers cable cables
    footage recording recordings tape tapes chart map platform bill law order brief
    motion petition paper page post posts commercial spot message messages note notes
    list index count tally tallies precedent precedents opinion decision commentary column
    op-ed editorial essay speech remarks comments interview blog""".split()
)
_NONPUBLIC_MARKERS = frozenset(
    """obtained reviewed seen viewed leaked confidential internal private secret classified
    unpublished unreleased draft sealed""".split()
)
_PUBLIC_MARKERS = frozenset(
    """court public official federal government census annual congressional judicial
    campaign-finance fec sec published released""".split()
)
_ORG_NOUNS = frozenset(
    """company companies firm firms campaign campaigns administration agency agencies
    department ministry government committee commission council group organization
    organisation office board court police party bank university newspaper paper network
    station team union association institute foundation center centre coalition caucus
    senate house congress legislature military army navy embassy consulate regime
    district county city authority authorities service bureau corporation club school
    hospital airline regulator magazine outlet outlets publication channel website
    prosecutors pentagon kremlin""".split()
)
# Organisations that speak as institutions even unnamed ("police said").
_INSTITUTIONAL = frozenset("police prosecutors congress pentagon kremlin".split())
_CUT_WORDS = frozenset(
    """by of from at with in to for about among inside within under over on who whom which
    that familiar close briefed knowledgeable obtained reviewed seen viewed leaked
    provided released published issued cited quoted according involved working
    speaking conducted commissioned sponsored paid funded""".split()
)
_NAMED_CUTS = _CUT_WORDS - {"of"}  # "Secretary of State Kurt Campbell"
_CONNECTORS = frozenset("of for and on the de du da al van von".split())
_COMMON_WORDS = (
    ROLE_NOUNS | TITLE_NOUNS | _VAGUE_NOUNS | _DOC_NOUNS | _ORG_NOUNS | DEFINITE | INDEFINITE
    | POSSESSIVE_PRONOUNS | PRONOUNS | frozenset(NUMBERS) | MANY | VAGUE_QUANTIFIERS
    | SPECIFIC_ROLE_WORDS | _NONPUBLIC_MARKERS | _PUBLIC_MARKERS | _CUT_WORDS
    | frozenset("former new recent latest current longtime close unnamed anonymous".split())
)  # fmt: skip
_ALWAYS_COMMON = _VAGUE_NOUNS | ROLE_NOUNS | _DOC_NOUNS - frozenset({"post"})
# a surname written after a lower-case particle and a hyphen ("al-Bashir", "el-Sisi")
_PARTICLE_NAME = re.compile(r"^(?:al|el|ad|as|ash|at|bin|ibn|abu|ben)-[A-Z]")

_SHARE = re.compile(
    r"^(?:about |nearly |almost |just |roughly |over |more than |fewer than |less than )?"
    r"(?:\d+(?:\.\d+)?\s*(?:%|percent|per cent)|[\w-]+ percent|"
    r"(?:one|two|three|four|five|six|seven|eight|nine|\d+)"
    r" (?:in|of|out of) (?:\d+|two|three|four|five|ten))",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"[A-Za-z0-9À-ÿ][\w'’.&-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
_STRIP = " \t\r\n,.;:!?\"“”‘’'()[]—–-"
APPOSITION = re.compile(r"\s*(?:,|\(|\)|—|–|\s-\s)\s*")
"""What separates a name from its appositive ("Maria Lopez, a nurse", "Peter Cook (Pentagon)")."""


@dataclass(frozen=True)
class _Word:
    raw: str
    low: str  # lower case, trailing "." and possessive removed
    possessive: bool
    first: bool

    @property
    def capital(self) -> bool:
        """Capitalised in a way that suggests a name (a first word only if not a common word);
        a surname after a hyphenated particle ("al-Bashir", "bin-Talal") counts."""
        if _PARTICLE_NAME.match(self.raw):
            return True
        if not self.raw[0].isupper():
            return False
        if self.low in _ALWAYS_COMMON:
            return False
        return not (self.first and self.low in _COMMON_WORDS)

    @property
    def acronym(self) -> bool:
        letters = self.raw.replace(".", "").rstrip("'’s")
        return len(letters) >= 2 and letters.isalpha() and letters.isupper()


def _words(text: str) -> list[_Word]:
    out: list[_Word] = []
    for i, m in enumerate(_TOKEN.finditer(text)):
        raw = m.group(0).rstrip(".") if not _is_abbrev(m.group(0)) else m.group(0)
        low = raw.lower()
        possessive = bool(_POSSESSIVE.search(low)) and len(low) > 2
        if possessive:
            low = _POSSESSIVE.sub("", low)
        out.append(_Word(raw, low.rstrip("."), possessive, i == 0))
    return out


def _is_abbrev(token: str) -> bool:
    return token.endswith(".") and (token.count(".") > 1 or token[:-1].lower() in HONORIFICS)


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(_STRIP)


def _plural(low: str) -> bool:
    return low in {"people", "staff", "police", "allies"} or (
        low.endswith("s") and not low.endswith("ss") and low not in {"news", "times"}
    )


class _Kind(StrEnum):
    """Head category of a common-noun phrase."""

    ROLE = "role"
    TITLE = "title"
    ORG = "org"
    DOC = "document"
    VAGUE = "vague"
    OTHER = "other"


def _head_kind(low: str) -> _Kind:
    if low in _DOC_NOUNS:
        return _Kind.DOC
    if low in _ORG_NOUNS:
        return _Kind.ORG
    if low in _VAGUE_NOUNS or low in VAGUE_QUANTIFIERS:
        return _Kind.VAGUE
    if low in ROLE_NOUNS:
        return _Kind.ROLE
    if low in TITLE_NOUNS:
        return _Kind.TITLE
    return _Kind.OTHER


def _final_run(words: list[_Word]) -> int:
    """Index where the trailing run of capitalised words (with connectors) starts."""
    i = len(words)
    while i > 0:
        w = words[i - 1]
        if w.capital or w.acronym:
            i -= 1
        elif w.low in _CONNECTORS and i - 1 > 0 and i < len(words):
            prev = words[i - 2]
            if not (prev.capital or prev.acronym):
                break
            i -= 1
        else:
            break
    return i


def _is_body_run(run: list[_Word]) -> bool:
    """Whether a run of capitalised words names an organisation or place, not a person."""
    text = " ".join(w.low for w in run)
    last = run[-1]
    if last.acronym or text in KNOWN_BODIES or text in PLACES or last.low in ORG_MARKERS:
        return True
    if all(w.low in PLACES or w.low in KNOWN_BODIES for w in run):
        return True
    if _is_name_token(last) and (len(run) == 1 or _is_name_token(run[-2]) or run[-2].low in HONORIFICS):
        return False  # "Kurt Campbell", "Mr. Smith", "Press Secretary Lena Ortiz"
    return any(w.low in ORG_MARKERS for w in run)


def _is_name_token(w: _Word) -> bool:
    return (
        (w.capital or w.acronym)
        and w.low not in HONORIFICS
        and w.low not in ORG_MARKERS
        and w.low not in KNOWN_BODIES
        and not w.acronym
    )


def _is_standalone_name(text: str) -> bool:
    """An appositive that is just a person's name ("Peter Cook", "Ms. Lopez"), perhaps with
    where the person is from ("Sameer Kulkarni from Andheri")."""
    words = _words(text)
    words = words[: next((i for i, w in enumerate(words) if i > 1 and w.low == "from"), len(words))]
    if not words or len(words) > 6:
        return False
    if not all(w.capital or w.low in _CONNECTORS or w.low in HONORIFICS for w in words):
        return False
    return _is_name_token(words[-1]) and not _is_body_run(words)


def _classify_phrase(phrase: str) -> SourceType:
    words = _words(phrase)
    if not words:
        return SourceType.NONE
    low = " ".join(w.low for w in words)
    if low in GROUP_MEMBERS:
        return SourceType.UNNAMED  # "One, a machinist at the plant, said"
    if low in PRONOUNS or low in PRONOUN_PHRASES:
        return SourceType.PRONOUN
    if low in KNOWN_BODIES or low in PLACES:
        return SourceType.NAMED_BODY
    if low in {"no one", "nobody", "none", "no-one"}:
        return SourceType.VAGUE
    start = _final_run(words)
    if start < len(words):
        prefix, run = words[:start], words[start:]
        if not any(i and (w.low in _NAMED_CUTS or _role_of(prefix, i)) for i, w in enumerate(prefix)):
            return _classify_named(prefix, run)
    cut = next((i for i, w in enumerate(words) if i and w.low in _CUT_WORDS), len(words))
    if _names_a_person(words[:cut]):
        return SourceType.NAMED_PERSON  # "Edmund King from the AA", "Mr Blair in a speech"
    return _classify_common(words[:cut], words[cut:])


def _names_a_person(head: list[_Word]) -> bool:
    """Whether the words before a cut ("in", "from", ...) are all a person's name, perhaps
    after a title: two or more capitalised words, or one that is not a plural ("Hagan",
    "President Obama", not "Doctors")."""
    titled = len(head) > 1 and (head[0].low in HONORIFICS or head[0].low in TITLE_NOUNS)
    if titled:
        head = head[1:]
    if not head or _final_run(head) != 0 or not any(_is_name_token(w) for w in head) or _is_body_run(head):
        return False
    return titled or len(head) > 1 or not _plural(head[0].low)


def _person_noun(low: str) -> bool:
    """A noun for a person ("professor", "resident", "attendee"), as before a name."""
    return low in ROLE_NOUNS or low in TITLE_NOUNS or bool(AGENT_NOUN.search(low)) or low.endswith("ee")


def _full_name(run: list[_Word]) -> bool:
    """Two or more name words that do not name a body ("Om Prakash", "Julian Marshall")."""
    return sum(_is_name_token(w) for w in run) >= 2 and not _is_body_run(run)


def _is_titled_name(text: str) -> bool:
    """An appositive that names a person after lower-case words ending in a noun for them
    ("civil engineering professor Julian Marshall"), not after a verb or preposition
    ("citing President Biden", "a spokesman for Senator Ted Cruz")."""
    words = _words(text)
    start = _final_run(words)
    prefix, run = words[:start], words[start:]
    if not prefix or not run or any(w.raw[0].isupper() or w.low in _CUT_WORDS for w in prefix):
        return False
    return _person_noun(prefix[-1].low) and _full_name(run)


def _role_of(words: list[_Word], i: int) -> bool:
    """Whether ``words[i]`` is the "of" of a role noun ("officials of the City Council"): the
    people are unnamed, as "officials at the Council" are, not the body speaking."""
    return (
        words[i].low == "of" and words[i - 1].low in ROLE_NOUNS and not words[i - 1].low.startswith("spokes")
    )


def _classify_named(prefix: list[_Word], run: list[_Word]) -> SourceType:
    """A phrase ending in capitalised words: a person, a body or a titled description."""
    first = prefix[0].low if prefix else None
    if first in DEFINITE:
        if run[0].low in HONORIFICS and any(_is_name_token(w) for w in run[1:]):
            return SourceType.NAMED_PERSON
        if all(w.low in HONORIFICS or w.low in TITLE_NOUNS for w in run):
            return SourceType.PRONOUN  # "the President"
        return SourceType.NAMED_BODY
    if first in INDEFINITE or first in NUMBERS or first in MANY:
        if _is_body_run(run) and not _is_name_token(run[-1]):
            return SourceType.NAMED_BODY  # "a Daily Courier" (report)
        if first in INDEFINITE and len(prefix) > 1 and _person_noun(prefix[-1].low) and _full_name(run):
            return SourceType.NAMED_PERSON  # "an attendee Om Prakash"
        return SourceType.UNNAMED  # "a Republican", "two Democrats"
    if _is_body_run(run):
        return SourceType.NAMED_BODY
    if any(_is_name_token(w) for w in run):
        return SourceType.NAMED_PERSON
    return SourceType.PRONOUN  # a bare title such as "President"


@dataclass(frozen=True)
class _Common:
    """A common-noun phrase as the rules of every head kind read it: the words up to
    the cut (``head``, its noun last) and what they test about those and the rest."""

    head: tuple[_Word, ...]
    definite: bool  # "the …", "those …", "his …", "Smith's …"
    counted: bool  # "two …", "3 …"
    named_mod: bool  # a capitalised modifier, not a nationality ("the Clinton campaign", "Clinton's …")
    any_caps: bool  # a capitalised modifier, nationalities too ("the Chinese government")
    post_named: bool  # a capitalised word after the cut ("analysts at Goldman Sachs")
    markers: frozenset[str]  # every word of the phrase, lower case

    @property
    def noun(self) -> _Word:
        return self.head[-1]

    @property
    def first(self) -> _Word:
        return self.head[0]

    @property
    def plural(self) -> bool:
        return _plural(self.noun.low)


def _common(head: list[_Word], post: list[_Word]) -> _Common:
    """The features of a common-noun phrase: ``head`` (not empty) up to the cut, ``post`` after it."""
    first, mods = head[0], head[:-1]
    named_mod = any((w.capital or w.acronym) and w.low not in NATIONALITIES for w in mods) or (
        first.possessive and first.raw[0].isupper() and len(head) > 1
    )
    return _Common(
        head=tuple(head),
        definite=(
            first.low in DEFINITE or first.low in POSSESSIVE_PRONOUNS or (first.possessive and len(head) > 1)
        ),
        counted=first.low in NUMBERS or first.low.isdigit(),
        named_mod=named_mod,
        any_caps=named_mod or any(w.capital or w.acronym for w in mods),
        post_named=any(w.capital or w.acronym for w in post),
        markers=frozenset(w.low for w in head + post),
    )


def _common_document(p: _Common) -> SourceType:
    """A report, poll or record: public when it can be looked up (definite, named, marked public)."""
    if p.markers & _NONPUBLIC_MARKERS:
        return SourceType.UNNAMED
    if p.noun.low == "reports" and not p.named_mod and not p.post_named:
        return SourceType.VAGUE
    if p.definite or p.named_mod or p.post_named or p.markers & _PUBLIC_MARKERS:
        return SourceType.DOCUMENT
    if any(w.possessive for w in p.head[:-1]) or len(p.head) == 1 or p.plural:
        return SourceType.DOCUMENT  # "the ministry's report", "polls", a bare "poll"
    return SourceType.UNNAMED  # "a new poll": nothing to look it up by


def _common_org(p: _Common) -> SourceType:
    """An organisation: named by a capitalised modifier or owner, else a description to resolve."""
    if p.noun.low in _INSTITUTIONAL and p.first.low not in INDEFINITE:
        return SourceType.NAMED_BODY
    if p.any_caps or (p.first.possessive and p.first.raw[0].isupper()):
        return SourceType.NAMED_BODY  # "the Clinton campaign", "the Chinese government"
    if p.definite:
        return SourceType.PRONOUN  # "the company", "his campaign"
    return SourceType.UNNAMED


def _common_vague(p: _Common) -> SourceType:
    """A vague group ("analysts", "people"), unnamed once counted or placed, an epithet after "the"."""
    if p.noun.low in {"people", "someone", "somebody"} and (
        p.markers & {"familiar", "briefed", "close", "knowledgeable"}
    ):
        return SourceType.UNNAMED
    if p.counted or (p.post_named and p.markers & {"at", "from", "with"}):
        return SourceType.UNNAMED  # "two analysts", "analysts at Goldman Sachs"
    if p.first.low == "the" and not p.plural and len(p.head) > 1:
        return SourceType.PRONOUN  # "the Nevada Democrat": an epithet
    return SourceType.VAGUE


def _common_role(p: _Common) -> SourceType:
    """A role ("official", "spokeswoman"): unnamed, or a description to resolve when definite."""
    if p.first.low in DEFINITE and p.first.low != "the" and p.plural:
        return SourceType.UNNAMED  # "those officials"
    if p.first.low == "the" or (p.definite and not p.plural):
        return SourceType.PRONOUN  # "the official", "Smith's spokeswoman"
    if p.noun.low.startswith("spokes"):
        return SourceType.NAMED_BODY  # "a Treasury spokesman": the body speaking (decision 3)
    return SourceType.UNNAMED


def _common_title(p: _Common) -> SourceType:
    """A title ("senator", "judge"): a description to resolve when definite, vague as a bare plural."""
    if p.definite:
        return SourceType.PRONOUN  # "the senator", "the former secretary of state"
    if p.plural and not p.counted and p.first.low not in INDEFINITE:
        return SourceType.VAGUE  # "candidates"
    return SourceType.UNNAMED  # "a federal judge"


def _common_other(p: _Common) -> SourceType:
    """Any other noun: a description to resolve when definite, else vague if plural."""
    if p.definite:
        return SourceType.PRONOUN
    return SourceType.VAGUE if p.plural else SourceType.UNNAMED


_COMMON_RULES = {
    _Kind.DOC: _common_document,
    _Kind.ORG: _common_org,
    _Kind.VAGUE: _common_vague,
    _Kind.ROLE: _common_role,
    _Kind.TITLE: _common_title,
    _Kind.OTHER: _common_other,
}
"""The rules for a common-noun phrase, by the kind of its head noun."""


def _classify_common(head: list[_Word], post: list[_Word]) -> SourceType:
    """A phrase whose head is a common noun ("a senior official", "court records")."""
    if not head:
        return SourceType.NONE
    noun = head[-1]
    if noun.possessive and len(head) == 1 and noun.raw[0].isupper():
        return SourceType.NAMED_PERSON  # "Trump's"
    return _COMMON_RULES[_head_kind(noun.low)](_common(head, post))


@lru_cache(maxsize=65536)
def classify_source(text: str) -> SourceType:
    """Kind of source the words of a source span name.

    Pronouns and definite descriptions ("he", "the official", "the company")
    are PRONOUN: the caller resolves them. Only words are used, so a sentence-
    initial capital ("Officials said") does not make a name.
    """
    cleaned = _clean(text)
    if not cleaned:
        return SourceType.NONE
    if _SHARE.search(cleaned):
        return SourceType.DOCUMENT  # poll figures: "42%", "six in 10", "a third of voters"
    if not re.search(r"[A-Za-z]", cleaned):
        return SourceType.NONE
    low = cleaned.lower()
    if low in GROUP_MEMBERS:
        return SourceType.UNNAMED  # "one said": which member of a group, the reader cannot tell
    if low in PRONOUNS or low in PRONOUN_PHRASES or len(low) == 1:
        return SourceType.PRONOUN  # a single letter: "Q:"/"A:" in an interview transcript
    if WEASEL_PATTERN.match(cleaned):
        return SourceType.VAGUE  # "it is believed", "critics say"
    parts = [p for p in APPOSITION.split(cleaned) if p.strip(_STRIP)]
    head = re.split(r"\s+(?:who|which|whose)\s+", parts[0])[0] if parts else cleaned
    if any(_is_standalone_name(p) or _is_titled_name(p) for p in parts[1:]):
        return SourceType.NAMED_PERSON  # "a spokesman for the Pentagon, Peter Cook"
    conjuncts = [c for c in re.split(r"\s+and\s+", head) if c.strip(_STRIP)]
    types = [_classify_phrase(c) for c in conjuncts] or [SourceType.NONE]
    if SourceType.NAMED_PERSON in types:
        return SourceType.NAMED_PERSON
    return types[0]


# a noun for someone who does something ("a teacher", "a scientist", "an immigrant")
AGENT_NOUN = re.compile(r"^[a-z-]{3,}(?:er|or|ist|ian|ant|ent)$")


def names_a_source(text: str) -> bool:
    """Whether a phrase's head noun can name a source at all: a person, group, body or
    document ("aid workers", "the ministry", "a report"), or a pronoun or name; not a
    stray phrase the tagger marked ("a news conference at City Hall", "a three-day trip")."""
    stype = classify_source(text)
    if stype in (SourceType.NAMED_PERSON, SourceType.NAMED_BODY, SourceType.NONE):
        return stype is not SourceType.NONE
    if _clean(text).lower() in GROUP_MEMBERS:
        return True
    if stype is SourceType.PRONOUN and reference_kind(text) != "other":
        return True
    noun = head_noun(text)
    return _head_kind(noun) is not _Kind.OTHER or bool(AGENT_NOUN.search(noun.removesuffix("s")))


def head_noun(text: str) -> str:
    """Lower-case head word of a source phrase ("a senior US official" -> "official")."""
    words = _words(_clean(text))
    if not words:
        return ""
    cut = next((i for i, w in enumerate(words) if i and w.low in _CUT_WORDS), len(words))
    return words[:cut][-1].low


def reference_kind(text: str) -> str | None:
    """What a PRONOUN source can refer to, or None when the span is not one.

    One of "person" (he, she), "people" (they), "thing" (it), "relative"
    (who, which), "self" (I, we), "addressee" (you), "role" ("the official"),
    "title" ("the senator"), "org" ("the company") or "other".
    """
    if classify_source(text) is not SourceType.PRONOUN:
        return None
    low = _clean(text).lower()
    for kind, words in (
        ("person", PERSON_PRONOUNS),
        ("people", PLURAL_PRONOUNS | PRONOUN_PHRASES),
        ("thing", THING_PRONOUNS),
        ("relative", RELATIVE_PRONOUNS),
        ("self", SELF_PRONOUNS),
        ("addressee", ADDRESSEE_PRONOUNS),
    ):
        if low in words:
            return kind
    kind = _head_kind(head_noun(text))
    if kind is _Kind.ROLE:
        return "role"
    if kind in (_Kind.TITLE, _Kind.VAGUE) or all(w.low in HONORIFICS for w in _words(low)):
        return "title"
    if kind is _Kind.ORG:
        return "org"
    return "other"


def count_sources(text: str) -> int:
    """How many sources a span names: "two officials" 2, "several diplomats" 3,
    bare plurals 2, a single person or a name 1, nothing 0."""
    cleaned = _clean(text)
    stype = classify_source(cleaned)
    if stype is SourceType.NONE:
        return 0
    words = _words(cleaned)
    lows = [w.low for w in words]
    joined = " ".join(lows)
    for w in lows:
        if w.isdigit():
            return int(w)
        if w in NUMBERS:
            return NUMBERS[w]
    if re.search(r"\b(a number of|a few|a handful of)\b", joined):
        return 3
    if any(w in MANY for w in lows):
        return 3
    head = re.split(r"\s+(?:who|which|whose)\s+", APPOSITION.split(cleaned)[0])[0]
    conjuncts = [c for c in re.split(r"\s+and\s+", head) if c.strip(_STRIP)]
    if len(conjuncts) > 1:
        return len(conjuncts)
    if stype in (SourceType.NAMED_PERSON, SourceType.NAMED_BODY, SourceType.DOCUMENT):
        return 1
    noun = head_noun(cleaned)
    if lows and lows[0] in INDEFINITE:
        return 1
    if noun in PLURAL_PRONOUNS or (noun and _plural(noun)):
        return 2
    return 1


def has_specific_role(text: str) -> bool:
    """Whether a source description says more than a bare "official"/"source":
    a rank, agency or affiliation ("a senior official", "a Pentagon official",
    "an executive at Siemens"); nationality alone ("US officials") is not specific."""
    words = _words(_clean(text))
    lows = {w.low for w in words}
    if lows & SPECIFIC_ROLE_WORDS:
        return True
    if "white house" in " ".join(w.low for w in words):
        return True
    return any((w.capital or w.acronym) and w.low not in NATIONALITIES and w.low not in PLACES for w in words)


def naming_part(text: str) -> str:
    """The part of a source phrase that names a person ("Maria Lopez" of "Maria Lopez, a
    nurse"; "Lucía Herrero" of "Spain's minister, Lucía Herrero"), else its first part."""
    parts = [p.strip() for p in APPOSITION.split(text) if p.strip()] or [text.strip()]
    return next((p for p in parts if classify_source(p) is SourceType.NAMED_PERSON), parts[0])


def surname(text: str) -> str | None:
    """The last word of the name in a source phrase that names a person ("Campbell" of
    "Deputy Secretary of State Kurt Campbell", "Trump" of "Trump's"), else None."""
    core = naming_part(text)
    if classify_source(core) is not SourceType.NAMED_PERSON:
        return None
    words = re.findall(r"[\w’'-]+", core)
    return re.sub(r"['’]s$", "", words[-1]) if words else None
