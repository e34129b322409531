"""Attribution lexicons as data, plus small pure functions over them.

Shared by the PolNeAR silver-label rule, the rule-based baseline and the
calibrator's features, so that all three read a source the same way
(ANNOTATION.md). Everything is plain Python over strings: no torch, no model.

``classify_source`` reads only the words of a source span ("a senior US
official", "Kurt Campbell", "court records", "he"); deciding what a pronoun or
description refers to is the caller's job (see ``reference_kind``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

STANCES: tuple[str, ...] = ("neutral", "doubt", "strong", "belief", "refusal")


def _forms(stance: str, words: str) -> dict[str, str]:
    return {w.replace("_", " "): stance for w in words.split()}


# Surface forms (lower case, single spaces) of reporting cues and their stance.
# Noun-ambiguous base forms ("state", "report", "note", "claim", "post") are left
# out on purpose: "the state", "a report" are far more often not cues.
REPORTING_VERBS: dict[str, str] = {
    **_forms(
        "neutral",
        """say says said saying tell tells told telling add adds added adding
        stated noted explain explains explained write writes wrote written
        posted tweet tweeted tweets announce announces announced confirm confirms
        confirmed reported reporting deny denies denied argue argues argued
        warn warns warned suggest suggests suggested ask asks asked reply replies
        replied respond responds responded answer answered describe describes
        described testify testifies testified recall recalls recalled declare
        declares declared disclose discloses disclosed reveal reveals revealed
        indicate indicates indicated emphasize emphasized stress stresses stressed
        assert asserts asserted predict predicts predicted agree agrees agreed
        remark remarked comment commented recount recounted contend contends
        contended show shows showed found finds according_to told_reporters
        said_in_a_statement in_a_statement in_an_interview pointed_out points_out
        made_clear went_on noting arguing explaining recalling stating suggesting
        warning asserting adding telling accused accuses accusing criticized
        criticizes criticizing blasted blasts slammed slams attacked denounced
        condemned decried urged urges urging called_for calls_for called_on
        cited cites citing concluded concludes defended praised proposed promised
        promises pledged vowed vows questioned dismissed rejected blamed assured
        reiterated charged lamented complained joked echoed reminded emailed
        shouted chanted touted implied referring_to pointed_to insisting""",
    ),
    **_forms(
        "doubt",
        """claimed claiming insist insists insisted alleges alleged alleging
        purported purports maintain maintains maintained""",
    ),
    **_forms(
        "strong",
        """acknowledge acknowledges acknowledged admit admits admitted concede
        concedes conceded""",
    ),
    **_forms(
        "belief",
        """believe believes believed think thinks thought fear fears feared hope
        hopes hoped expect expects expected suspect suspects suspected worry
        worries worried estimate estimates estimated hoping expecting fearing
        believing want wants wanted feel feels felt""",
    ),
    **_forms(
        "refusal",
        """declined_to_comment declines_to_comment refused_to_comment
        refuses_to_comment declined_to_discuss would_not_comment did_not_comment
        did_not_respond does_not_respond didn't_respond did_not_return
        didn't_return could_not_be_reached declined_to_be_interviewed
        no_comment""",
    ),
}

# Cues that report an act or an appearance rather than a claim ("endorsed", "voted",
# "seemed"): an attribution corpus may mark them, but ANNOTATION.md counts the sentence
# as the reporter's description of events.
NON_CLAIM_CUES: frozenset[str] = frozenset(
    """endorse endorses endorsed endorsing back backs backed backing support supports
    supported supporting vote votes voted voting sign signs signed signing approve
    approves approved passed pass passes file files filed appoint appointed name named
    thank thanks thanked watch watched give gave gives raise raised include includes
    included allow allows allowed make made order ordered spend spent hire hired fire
    fired donate donated fund funded invite invited visit visited attend attended
    meet met authorize authorized authorise authorised seem seems seemed appear appears
    appeared""".split()
)
AUXILIARIES = frozenset(
    """has have had is was were are be been being to will would did does do not also
    first already just then again""".split()
)


def is_non_claim_cue(cue: str) -> bool:
    """Whether a cue only reports an act ("has endorsed", "voted for") or an appearance
    ("seemed"), so the words around it are the reporter's, not a cited claim."""
    words = [w for w in re.findall(r"[a-z]+", cue.lower()) if w not in AUXILIARIES]
    words = [w for w in words if w not in {"for", "against", "on", "by"}]
    return bool(words) and all(w in NON_CLAIM_CUES for w in words)


# Stated reasons a source is unnamed ("anonymity_reason" in the corpus).
ANONYMITY_REASON_PHRASES: tuple[str, ...] = (
    "on condition of anonymity",
    "on the condition of anonymity",
    "on condition that they not be named",
    "on condition that he not be named",
    "on condition that she not be named",
    "on condition they not be identified",
    "speaking anonymously",
    "spoke anonymously",
    "speaking on background",
    "spoke on background",
    "on background",
    "not authorized to speak",
    "not authorized to discuss",
    "not authorized to comment",
    "not authorised to speak",
    "not permitted to speak",
    "not allowed to speak",
    "asked not to be named",
    "asked not to be identified",
    "requested anonymity",
    "declined to be named",
    "declined to be identified",
    "did not want to be named",
    "did not want to be identified",
    "because of the sensitivity",
    "because the matter is sensitive",
    "to discuss internal deliberations",
)
# Descriptions that mark a source as unnamed without giving a reason.
UNNAMED_SOURCE_PHRASES: tuple[str, ...] = (
    "familiar with the matter",
    "familiar with the talks",
    "familiar with the plans",
    "familiar with the discussions",
    "familiar with the investigation",
    "familiar with the negotiations",
    "familiar with the situation",
    "familiar with the decision",
    "familiar with the thinking",
    "familiar with",
    "briefed on",
    "with knowledge of",
    "with direct knowledge",
    "knowledgeable about",
    "source close to",
    "sources close to",
    "people close to",
    "person close to",
    "someone close to",
    "those close to",
    "in the know",
)
ANONYMITY_PHRASES: tuple[str, ...] = ANONYMITY_REASON_PHRASES + UNNAMED_SOURCE_PHRASES

# Vague, collective or impersonal attributions (weasel words).
WEASEL_PHRASES: tuple[str, ...] = (
    "critics say", "critics said", "critics argue", "critics contend", "critics charge",
    "some analysts", "some experts", "some observers", "some say", "some said",
    "some believe", "some argue", "many believe", "many fear", "many say", "many feel",
    "some people", "many people", "most people", "people say",
    "it is understood", "it is believed", "it is thought", "it is feared", "it is said",
    "it was said", "it is reported", "it was reported", "it has been reported",
    "it is rumored", "it is alleged", "it is widely believed", "it is expected",
    "is said to", "are said to", "was said to", "were said to",
    "is believed to", "are believed to", "is thought to", "are thought to",
    "reportedly", "allegedly", "rumored", "rumoured", "widely believed",
    "observers say", "observers said", "experts say", "experts said",
    "analysts say", "analysts said", "according to reports", "reports say",
    "reports suggest", "media reports", "news reports", "there are fears",
    "there is speculation", "conventional wisdom", "it could be argued",
)  # fmt: skip


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


# --- word lists used by classify_source -------------------------------------------------

_PERSON_PRONOUNS = frozenset("he she him her his hers himself herself one".split())
_PLURAL_PRONOUNS = frozenset("they them their theirs themselves both those these all".split())
_THING_PRONOUNS = frozenset("it its itself".split())
RELATIVE_PRONOUNS = frozenset("who whom whose which that".split())
_SELF_PRONOUNS = frozenset("i me my mine myself we us our ours ourselves".split())
_ADDRESSEE_PRONOUNS = frozenset("you your yours yourself".split())
PRONOUNS: frozenset[str] = (
    _PERSON_PRONOUNS
    | _PLURAL_PRONOUNS
    | _THING_PRONOUNS
    | RELATIVE_PRONOUNS
    | _SELF_PRONOUNS
    | _ADDRESSEE_PRONOUNS
)
_PRONOUN_PHRASES = frozenset({"the two", "the three", "the latter", "the former", "each"})

# Words that never open or close the noun phrase naming a source: the decoder trims them
# off a span's edges ("even Obama", "among Republican Party leaders", "The Trump campaign on").
PREPOSITIONS = frozenset(
    """about after against among at before by during for from in into like of on over
    since through to toward towards under until upon with within without""".split()
)
SUBORDINATORS = frozenset("although as because if once though unless when whereas while".split())
FOCUS_ADVERBS = frozenset("even also soon still just meanwhile".split())  # not "then candidate"
# Words opening a number, which a preposition before it belongs to ("at least three officials").
QUANTITY_WORDS = frozenset("least most many much more less fewer half nearly almost".split())
# Capitalised words that end a name rather than continue it ("Trump Tuesday", "Obama in May").
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)

_DEFINITE = frozenset("the this that these those".split())
_POSSESSIVE_PRONOUNS = frozenset("his her their its our my your".split())
_INDEFINITE = frozenset("a an another".split())
_NUMBERS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12,
    "both": 2, "couple": 2, "pair": 2,
}  # fmt: skip
NUMBER_WORDS: frozenset[str] = frozenset(_NUMBERS)
_MANY = frozenset("several multiple numerous various many dozens handful few".split())
_VAGUE_QUANTIFIERS = frozenset("some many most few others other all several".split())

_ROLE_SINGULAR = """official spokesman spokeswoman spokesperson aide adviser advisor diplomat
source person executive officer lawmaker legislator analyst staffer insider employee worker
member operative strategist ally associate confidant friend relative investigator agent
attorney lawyer representative negotiator envoy manager consultant pollster organizer
volunteer donor fundraiser witness resident""".split()
_ROLE_IRREGULAR = {"person": "people", "ally": "allies", "staff": "staff"}
ROLE_NOUNS: frozenset[str] = frozenset(
    _ROLE_SINGULAR + [_ROLE_IRREGULAR.get(w, w + "s") for w in _ROLE_SINGULAR] + ["staff"]
)
_TITLE_SINGULAR = """president senator governor candidate nominee secretary judge justice
mayor congressman congresswoman speaker chairman chairwoman chair director minister
ambassador chief ceo founder leader author host anchor reporter narrator writer columnist
editor pastor father mother wife husband son daughter brother sister frontrunner
front-runner billionaire businessman businesswoman mogul star actor actress singer
commissioner prosecutor sheriff chancellor premier king queen prince pope general
commander superintendent presenter moderator interviewer""".split()
TITLE_NOUNS: frozenset[str] = frozenset(_TITLE_SINGULAR + [w + "s" for w in _TITLE_SINGULAR])
# Titles abbreviated with a full stop before a name ("Sen. Warren", "Atty. Lee").
TITLE_ABBREVIATIONS: frozenset[str] = frozenset(
    "mr mrs ms dr sen sens rep reps gov gen lt col sgt capt adm maj prof rev hon pres atty supt insp".split()
)
HONORIFICS: frozenset[str] = TITLE_ABBREVIATIONS | frozenset(
    """miss gov. president senator governor secretary judge justice mayor speaker chairman
    minister ambassador director chief deputy vice prime attorney general former late sir dame
    lord lady pope king queen prince rabbi imam father sister brother""".split()
)
# Words that open a noun phrase naming a source ("the official", "two diplomats", "both sides").
DETERMINERS: tuple[str, ...] = (
    "a", "an", "the", "one", "two", "three", "four", "five", "several", "some", "many", "both",
)  # fmt: skip
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
ORG_MARKERS = frozenset(
    """ministry department inc inc. corp corp. corporation co co. ltd llc plc agency
    commission committee party university college court police council bank times post
    news journal journalism herald tribune gazette telegraph guardian press network
    institute foundation association center centre office bureau service services
    administration board group organization organisation fund union federation league
    coalition caucus council senate house congress parliament assembly watch project
    campaign alliance network channel magazine review daily weekly radio television tv
    company companies partners holdings capital industries airlines systems labs
    hospital school academy agency authority army navy force forces guard command
    reserve exchange institute society trust""".split()
)
KNOWN_BODIES = frozenset(
    """reuters ap afp bloomberg politico axios cnn msnbc nbc abc cbs pbs npr bbc fox
    twitter facebook google apple microsoft amazon siemens nato un eu fbi cia nsa gao
    pentagon kremlin congress breitbart vox buzzfeed slate salon gallup pew quinnipiac
    rasmussen marist ipsos yougov wikileaks youtube instagram""".split()
) | frozenset(
    {"white house", "associated press", "the associated press", "state department",
     "justice department", "supreme court", "fox news", "downing street", "élysée"}
)  # fmt: skip
PLACES = frozenset(
    """america china russia israel iran iraq syria ukraine japan germany france britain
    england scotland ireland mexico canada india pakistan afghanistan turkey egypt
    jordan lebanon qatar cuba venezuela brazil argentina colombia italy spain greece
    poland hungary sweden norway denmark finland netherlands belgium austria
    switzerland australia taiwan vietnam philippines indonesia nigeria kenya ethiopia
    libya yemen saudi korea washington moscow beijing tehran kyiv kiev brussels london
    paris berlin tokyo seoul pyongyang ottawa europe asia africa alabama alaska arizona
    arkansas california colorado connecticut delaware florida georgia hawaii idaho
    illinois indiana iowa kansas kentucky louisiana maine maryland massachusetts
    michigan minnesota mississippi missouri montana nebraska nevada hampshire jersey
    mexico york carolina dakota ohio oklahoma oregon pennsylvania rhode tennessee texas
    utah vermont virginia wisconsin wyoming""".split()
)
NATIONALITIES = frozenset(
    """us u.s. usa american americans chinese russian israeli iranian iraqi syrian
    ukrainian japanese german french british english irish mexican canadian indian
    pakistani afghan turkish egyptian saudi korean north south european western eastern
    foreign arab palestinian italian spanish greek polish brazilian australian
    taiwanese vietnamese uk eu nato un""".split()
)
SPECIFIC_ROLE_WORDS = frozenset(
    """senior top high-ranking high-level ranking intelligence defense defence military
    administration pentagon white ministry department cabinet campaign congressional
    police security treasury justice fbi cia nsa state-department diplomatic
    counterterrorism law-enforcement enforcement federal prosecutors prosecutor
    investigators investigator embassy army navy commerce energy homeland national
    trade economic foreign-policy government""".split()
)
_CUT_WORDS = frozenset(
    """by of from at with in to for about among inside within under over on who whom which
    that familiar close briefed knowledgeable obtained reviewed seen viewed leaked
    provided released published issued cited quoted according involved working
    speaking conducted commissioned sponsored paid funded""".split()
)
_NAMED_CUTS = _CUT_WORDS - {"of"}  # "Secretary of State Kurt Campbell"
_CONNECTORS = frozenset("of for and on the de du da al van von".split())
_COMMON_WORDS = (
    ROLE_NOUNS | TITLE_NOUNS | _VAGUE_NOUNS | _DOC_NOUNS | _ORG_NOUNS | _DEFINITE | _INDEFINITE
    | _POSSESSIVE_PRONOUNS | PRONOUNS | frozenset(_NUMBERS) | _MANY | _VAGUE_QUANTIFIERS
    | SPECIFIC_ROLE_WORDS | _NONPUBLIC_MARKERS | _PUBLIC_MARKERS | _CUT_WORDS
    | frozenset("former new recent latest current longtime close unnamed anonymous".split())
)  # fmt: skip
_ALWAYS_COMMON = _VAGUE_NOUNS | ROLE_NOUNS | _DOC_NOUNS - frozenset({"post"})

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
_APPOSITION = re.compile(r"\s*(?:,|\(|\)|—|–|\s-\s)\s*")


@dataclass(frozen=True)
class _Word:
    raw: str
    low: str  # lower case, trailing "." and possessive removed
    possessive: bool
    first: bool

    @property
    def capital(self) -> bool:
        """Capitalised in a way that suggests a name (a first word only if not a common word)."""
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
    if low in _VAGUE_NOUNS or low in _VAGUE_QUANTIFIERS:
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
    """An appositive that is just a person's name ("Peter Cook", "Ms. Lopez")."""
    words = _words(text)
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
    if low in PRONOUNS or low in _PRONOUN_PHRASES:
        return SourceType.PRONOUN
    if low in KNOWN_BODIES or low in PLACES:
        return SourceType.NAMED_BODY
    if low in {"no one", "nobody", "none", "no-one"}:
        return SourceType.VAGUE
    start = _final_run(words)
    if start < len(words):
        prefix, run = words[:start], words[start:]
        if not any(i and w.low in _NAMED_CUTS for i, w in enumerate(prefix)):
            return _classify_named(prefix, run)
    cut = next((i for i, w in enumerate(words) if i and w.low in _CUT_WORDS), len(words))
    return _classify_common(words[:cut], words[cut:])


def _classify_named(prefix: list[_Word], run: list[_Word]) -> SourceType:
    """A phrase ending in capitalised words: a person, a body or a titled description."""
    first = prefix[0].low if prefix else None
    if first in _DEFINITE:
        if run[0].low in HONORIFICS and any(_is_name_token(w) for w in run[1:]):
            return SourceType.NAMED_PERSON
        if all(w.low in HONORIFICS or w.low in TITLE_NOUNS for w in run):
            return SourceType.PRONOUN  # "the President"
        return SourceType.NAMED_BODY
    if first in _INDEFINITE or first in _NUMBERS or first in _MANY:
        if _is_body_run(run) and not _is_name_token(run[-1]):
            return SourceType.NAMED_BODY  # "a Daily Courier" (report)
        return SourceType.UNNAMED  # "a Republican", "two Democrats"
    if _is_body_run(run):
        return SourceType.NAMED_BODY
    if any(_is_name_token(w) for w in run):
        return SourceType.NAMED_PERSON
    return SourceType.PRONOUN  # a bare title such as "President"


def _classify_common(head: list[_Word], post: list[_Word]) -> SourceType:
    """A phrase whose head is a common noun ("a senior official", "court records")."""
    if not head:
        return SourceType.NONE
    noun = head[-1]
    kind = _head_kind(noun.low)
    mods = head[:-1]
    first = head[0]
    definite = (
        first.low in _DEFINITE or first.low in _POSSESSIVE_PRONOUNS or (first.possessive and len(head) > 1)
    )
    counted = first.low in _NUMBERS or first.low.isdigit()
    named_mod = any((w.capital or w.acronym) and w.low not in NATIONALITIES for w in mods) or (
        first.possessive and first.raw[0].isupper() and len(head) > 1
    )
    any_caps = named_mod or any(w.capital or w.acronym for w in mods)
    post_named = any(w.capital or w.acronym for w in post)
    markers = {w.low for w in head + post}
    if noun.possessive and len(head) == 1 and noun.raw[0].isupper():
        return SourceType.NAMED_PERSON  # "Trump's"
    if kind is _Kind.DOC:
        if markers & _NONPUBLIC_MARKERS:
            return SourceType.UNNAMED
        if noun.low == "reports" and not named_mod and not post_named:
            return SourceType.VAGUE
        if definite or named_mod or post_named or markers & _PUBLIC_MARKERS:
            return SourceType.DOCUMENT
        if any(w.possessive for w in mods) or len(head) == 1 or _plural(noun.low):
            return SourceType.DOCUMENT  # "the ministry's report", "polls", a bare "poll"
        return SourceType.UNNAMED  # "a new poll": nothing to look it up by
    if kind is _Kind.ORG:
        if noun.low in _INSTITUTIONAL and first.low not in _INDEFINITE:
            return SourceType.NAMED_BODY
        if any_caps or (first.possessive and first.raw[0].isupper()):
            return SourceType.NAMED_BODY  # "the Clinton campaign", "the Chinese government"
        if definite:
            return SourceType.PRONOUN  # "the company", "his campaign"
        return SourceType.UNNAMED
    if kind is _Kind.VAGUE:
        if noun.low in {"people", "someone", "somebody"} and (
            markers & {"familiar", "briefed", "close", "knowledgeable"}
        ):
            return SourceType.UNNAMED
        if counted or (post_named and markers & {"at", "from", "with"}):
            return SourceType.UNNAMED  # "two analysts", "analysts at Goldman Sachs"
        if first.low == "the" and not _plural(noun.low) and len(head) > 1:
            return SourceType.PRONOUN  # "the Nevada Democrat": an epithet
        return SourceType.VAGUE
    if kind is _Kind.ROLE:
        if first.low in _DEFINITE and first.low != "the" and _plural(noun.low):
            return SourceType.UNNAMED  # "those officials"
        if first.low == "the" or (definite and not _plural(noun.low)):
            return SourceType.PRONOUN  # "the official", "Smith's spokeswoman"
        return SourceType.UNNAMED
    if kind is _Kind.TITLE:
        if definite:
            return SourceType.PRONOUN  # "the senator", "the former secretary of state"
        if _plural(noun.low) and not counted and first.low not in _INDEFINITE:
            return SourceType.VAGUE  # "candidates"
        return SourceType.UNNAMED  # "a federal judge"
    if definite:
        return SourceType.PRONOUN
    return SourceType.VAGUE if _plural(noun.low) else SourceType.UNNAMED


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
    if low in PRONOUNS or low in _PRONOUN_PHRASES or len(low) == 1:
        return SourceType.PRONOUN  # a single letter: "Q:"/"A:" in an interview transcript
    if _WEASEL_RE.match(cleaned):
        return SourceType.VAGUE  # "it is believed", "critics say"
    parts = [p for p in _APPOSITION.split(cleaned) if p.strip(_STRIP)]
    head = re.split(r"\s+(?:who|which|whose)\s+", parts[0])[0] if parts else cleaned
    if any(_is_standalone_name(p) for p in parts[1:]):
        return SourceType.NAMED_PERSON  # "a spokesman for the Pentagon, Peter Cook"
    conjuncts = [c for c in re.split(r"\s+and\s+", head) if c.strip(_STRIP)]
    types = [_classify_phrase(c) for c in conjuncts] or [SourceType.NONE]
    if SourceType.NAMED_PERSON in types:
        return SourceType.NAMED_PERSON
    return types[0]


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
        ("person", _PERSON_PRONOUNS),
        ("people", _PLURAL_PRONOUNS | _PRONOUN_PHRASES),
        ("thing", _THING_PRONOUNS),
        ("relative", RELATIVE_PRONOUNS),
        ("self", _SELF_PRONOUNS),
        ("addressee", _ADDRESSEE_PRONOUNS),
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
        if w in _NUMBERS:
            return _NUMBERS[w]
    if re.search(r"\b(a number of|a few|a handful of)\b", joined):
        return 3
    if any(w in _MANY for w in lows):
        return 3
    head = re.split(r"\s+(?:who|which|whose)\s+", _APPOSITION.split(cleaned)[0])[0]
    conjuncts = [c for c in re.split(r"\s+and\s+", head) if c.strip(_STRIP)]
    if len(conjuncts) > 1:
        return len(conjuncts)
    if stype in (SourceType.NAMED_PERSON, SourceType.NAMED_BODY, SourceType.DOCUMENT):
        return 1
    noun = head_noun(cleaned)
    if lows and lows[0] in _INDEFINITE:
        return 1
    if noun in _PLURAL_PRONOUNS or (noun and _plural(noun)):
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


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    alts = sorted(set(phrases), key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w).replace("'", "['’]") for w in p.split()) for p in alts)
    return re.compile(rf"(?<![\w'’-])(?:{body})(?![\w'’-])", re.IGNORECASE)


_CUE_RE = _phrase_pattern(REPORTING_VERBS)
_REASON_RE = _phrase_pattern(ANONYMITY_REASON_PHRASES)
_ANON_RE = _phrase_pattern(ANONYMITY_PHRASES)
_WEASEL_RE = _phrase_pattern(WEASEL_PHRASES)
_CLAUSE_END = re.compile(r"[,;:.!?)—–\"“”]")
_QUOTED = re.compile(r"[“\"]([^“”\"]+)[”\"]")


def find_cues(sentence: str) -> list[tuple[int, int, str]]:
    """Character spans of reporting cues in ``sentence`` with their stance
    (whole words, case-insensitive, longest match first, non-overlapping)."""
    out = []
    for m in _CUE_RE.finditer(sentence):
        key = " ".join(m.group(0).lower().replace("’", "'").split())
        out.append((m.start(), m.end(), REPORTING_VERBS[key]))
    return out


def find_phrases(sentence: str, phrases: Iterable[str]) -> list[tuple[int, int]]:
    """Whole-word, case-insensitive spans of any of ``phrases`` in ``sentence``."""
    return [(m.start(), m.end()) for m in _phrase_pattern(tuple(phrases)).finditer(sentence)]


def find_anonymity_phrases(sentence: str) -> list[tuple[int, int]]:
    """Spans of anonymity phrases (reasons and unnamed-source descriptions)."""
    return [(m.start(), m.end()) for m in _ANON_RE.finditer(sentence)]


def find_weasels(sentence: str) -> list[tuple[int, int]]:
    """Spans of weasel phrases ("critics say", "it is believed", "reportedly")."""
    return [(m.start(), m.end()) for m in _WEASEL_RE.finditer(sentence)]


def find_anonymity_reason(sentence: str) -> tuple[int, int] | None:
    """Span of the first stated anonymity reason, extended to the end of its clause
    ("on condition of anonymity because the findings are classified")."""
    m = _REASON_RE.search(sentence)
    if not m:
        return None
    stop = _CLAUSE_END.search(sentence, m.end())
    end = stop.start() if stop else len(sentence)
    end = len(sentence[:end].rstrip())
    return m.start(), max(end, m.end())


def has_direct_quote(sentence: str, min_words: int = 3) -> bool:
    """Whether the sentence quotes someone verbatim (a quoted stretch of a few words)."""
    return any(len(m.group(1).split()) >= min_words for m in _QUOTED.finditer(sentence))
