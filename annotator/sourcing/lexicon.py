"""Attribution lexicons as data: reporting cues with their stance, anonymity and weasel
phrases, and the word lists the source classifier and the span-edge rules read.

Plain data, no logic: every rule in ``annotator.sourcing`` reads its words from here, so a
word list is defined once (ANNOTATION.md is the contract these lists serve).
"""

from __future__ import annotations

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

MALE_PRONOUNS = frozenset("he him his himself".split())
FEMALE_PRONOUNS = frozenset("she her hers herself".split())
PERSON_PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS | {"one"}
# Titles and kinship words that state a person's gender ("Mr Pillai", "the spokeswoman").
MALE_WORDS = MALE_PRONOUNS | frozenset(
    """mr sir lord king prince father brother son husband congressman chairman spokesman
    businessman""".split()
)
FEMALE_WORDS = FEMALE_PRONOUNS | frozenset(
    """mrs ms miss madam dame lady queen princess mother sister daughter wife congresswoman
    chairwoman spokeswoman businesswoman""".split()
)
PLURAL_PRONOUNS = frozenset("they them their theirs themselves both those these all".split())
THING_PRONOUNS = frozenset("it its itself".split())
RELATIVE_PRONOUNS = frozenset("who whom whose which that".split())
SELF_PRONOUNS = frozenset("i me my mine myself we us our ours ourselves".split())
ADDRESSEE_PRONOUNS = frozenset("you your yours yourself".split())
PRONOUNS: frozenset[str] = (
    PERSON_PRONOUNS
    | PLURAL_PRONOUNS
    | THING_PRONOUNS
    | RELATIVE_PRONOUNS
    | SELF_PRONOUNS
    | ADDRESSEE_PRONOUNS
)
PRONOUN_PHRASES = frozenset({"the two", "the three", "the latter", "the former", "each"})
# One unidentified member of a group as a speaker ("“…,” one said", "the other said",
# "another added"): the reader cannot tell which one, so the claim is unnamed (data card W23).
GROUP_MEMBERS = frozenset({"one", "the other", "another", "the other one", "one of them", "one of those"})

# Words that never open or close the noun phrase naming a source: the decoder trims them
# off a span's edges ("even Obama", "among Labour Party leaders", "The Ferris campaign on").
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

DEFINITE = frozenset("the this that these those".split())
POSSESSIVE_PRONOUNS = frozenset("his her their its our my your".split())
INDEFINITE = frozenset("a an another".split())
NUMBERS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12,
    "both": 2, "couple": 2, "pair": 2,
}  # fmt: skip
NUMBER_WORDS: frozenset[str] = frozenset(NUMBERS)
MANY = frozenset("several multiple numerous various many dozens handful few".split())
VAGUE_QUANTIFIERS = frozenset("some many most few others other all several".split())

_ROLE_SINGULAR = """official spokesman spokeswoman spokesperson aide adviser advisor diplomat
source person executive officer lawmaker legislator analyst staffer insider employee worker
member operative strategist ally associate confidant friend relative investigator agent
attorney lawyer representative negotiator envoy manager consultant pollster organizer
volunteer donor fundraiser witness resident""".split()
_ROLE_IRREGULAR = {"person": "people", "ally": "allies", "staff": "staff"}
ROLE_NOUNS: frozenset[str] = frozenset(
    _ROLE_SINGULAR + [_ROLE_IRREGULAR.get(w, w + "s") for w in _ROLE_SINGULAR] + ["staff"]
)
# A description's other names for one person's role, which a named antecedent carries in its
# title: "the lawmaker" ~ "Sen. Jane Doe", "the Labour peer" ~ "Lord Hattersley", "the
# pontiff" ~ "Pope Francis" (singular descriptions only: "the lawmakers" is not one senator).
_LEGISLATORS = """senator sen congressman congresswoman congressmember representative rep
legislator lawmaker assemblyman assemblywoman assemblymember mp""".split()
ROLE_ALIASES: dict[str, frozenset[str]] = {
    "lawmaker": frozenset(_LEGISLATORS),
    "legislator": frozenset(_LEGISLATORS),
    "peer": frozenset("lord lady baroness baron viscount earl".split()),
    "pontiff": frozenset({"pope"}),
    "monarch": frozenset("king queen emperor empress sultan".split()),
    "premier": frozenset({"prime"}),  # "Prime Minister Jane Doe"
    "envoy": frozenset({"ambassador"}),
    "diplomat": frozenset({"ambassador", "envoy"}),
    "lawyer": frozenset({"attorney", "counsel"}),
    "attorney": frozenset({"lawyer", "counsel"}),
}
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
