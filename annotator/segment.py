"""Split an article into paragraphs and sentences with character offsets, and
recognise page furniture (headlines, bylines, dates, captions, boilerplate)
as ``meta`` segments.

Offsets index the exact text passed in; nothing is normalised away.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from annotator.sourcing import quotes
from annotator.types import Kind

ABBREVIATIONS = frozenset(
    """mr mrs ms dr gov sen rep gen lt col sgt capt cmdr adm maj prof rev hon pres st
    jr sr inc corp co ltd bros jan feb mar apr jun jul aug sep sept oct nov dec no nos
    vs vol fig approx mt ft ave blvd rd dept univ est atty supt det insp cpl pvt messrs
    mme mlle sec gens reps sens assn natl intl govt ret""".split()
)
# After these an uppercase word may well start a new sentence.
_SOFT_ABBREVIATIONS = frozenset("inc corp co ltd jr sr bros".split())
_SENTENCE_STARTERS = frozenset(
    """the a an he she it they we i but and in on at this that these those there his
    her its their our officials some many after before when while if as for however
    meanwhile still yet""".split()
)

_BOUNDARY = re.compile(r"[.!?…]++[\"”’'\)\]]*+(?=\s+[“\"‘'(\[]?[A-Z0-9À-Ý])")
_ABBREVIATION_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_WORD_AFTER_BOUNDARY = re.compile(r"\s+[“\"‘'(\[]?([A-Za-z]+)")
_TERMINAL = re.compile(r"[.!?…:;][\"”’'\)\]]*\s*$")

_BOILERPLATE = re.compile(
    r"\b(newsletter|click here|sign up|subscribe\b|cookies?\b|log ?in\b|logged\b|read more|"
    r"advertisement|share (this|on)\b|follow us\b|all rights reserved|terms of (use|service)|"
    r"privacy policy|timeout|javascript|you did not use the site|skip to (main )?content|"
    r"related (stories|articles|coverage)|most (read|popular)\b|comments? \(\d+\)|"
    r"listen to (this|the) article|min(ute)? read\b|download (the|our) app|"
    r"accept all\b|manage preferences|continue reading|recommended for you|trending now)",
    re.IGNORECASE,
)
# Furniture told by how the line opens or what it asks of the reader; only lines without
# final punctuation or that ask for a story ("Got a story? Email …"), so prose that merely
# mentions a newsdesk or subscribers stays body.
_PAGE_PROMPT = re.compile(
    r"^(related|more|also read|read also|lire aussi|recommended|you may also (be interested in|like)|"
    r"watch( the video)?|see also|read next|further reading)\s*:|^font size\b|^listen$|"
    r"^read the \w+ version of this article|^lire la version|^(sign in|log in|register)\b|"
    r"^(do you have|have you got|got|have) a (news )?(story|tip)( for us)?\?|"
    r"\?\s+(email|contact|call|get in touch with|have your say)\b|^comentarios \(\d+\)|"
    r"^suscr[ií]bete\b|^s[ií]guenos\b|^share\b(:|\s+tweet)|^premium content\b|"
    r"\bsubscribers only$|^follow\b.*\bon google news$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^((?i:exclusive |updates |edited )?[Bb][Yy]\s+(the\s+)?[A-ZÀ-Ý]|(?:Por|Par|Von)\s+[A-ZÀ-Ý]|(?i:author:|written by|reporting by|"
    r"words by|editing by|additional reporting|compiled by|posted by|story by|source:|"
    r"live (coverage|updates|reporting|blog) (by|with)\s|(by )?our (\w+ )?(correspondents?|reporters?|"
    r"staff|team|bureau)\b))|^([A-Z][\w&]* )?(?i:desk|team)(,\s*[A-Z][\w ]*)?$",
)
# A name: two to four capitalised words ("Marc-André Tremblay", "Sipho Ndlovu-Mthembu").
_NAME = (
    r"[A-ZÀ-Ý][\w'’.-]+(?:\s+(?:(?:de|da|di|du|van|von|der|den|del|della|al|bin|el|la|le)\s+)*"
    r"[A-ZÀ-Ý][\w'’.-]+){1,3}"
)
# "Eleanor Shaw, Health Correspondent"; "Katrin Hollweg in Berlin and Min-ji Kang in Seoul"
_NAMED_BYLINE = re.compile(
    rf"^{_NAME},\s+[\w ,&'’-]{{0,40}}\b(?i:correspondent|editor|reporter|writer|columnist|journalist|"
    rf"bureau chief|contributor|analyst)$|^{_NAME}\s+in\s+[A-ZÀ-Ý][\w.-]*(\s[A-ZÀ-Ý][\w.-]*)*"
    rf"(\s+and\s+{_NAME}\s+in\s+[A-ZÀ-Ý][\w.-]*(\s[A-ZÀ-Ý][\w.-]*)*)?$",
)
_NAME_LINE = re.compile(rf"^{_NAME}((,\s*|\s+and\s+){_NAME})*$")
# Agency credit lines at an article's end: "(Reporting by …; editing by …)", "bur-ag/jm".
_CREDIT_LINE = re.compile(
    r"^\((additional )?(reporting|editing|writing|compiled|translated|translation)\b[^()]*\)$|"
    r"^(additional )?(reporting|writing) by [^()]*;\s*(additional reporting|editing|writing) by [^().]*$|"
    r"^(?-i:[a-z]{2,5}(-[a-z]{2,5})*(/[a-z]{2,5})+)$",
    re.IGNORECASE,
)
# A dateline on a line of its own: "DAKAR (AFP) —", "RIYADH, Feb 12 (Reuters) -".
_DATELINE = re.compile(
    r"^[A-ZÀ-Ý][A-ZÀ-Ý'./\- ]{1,40}(,\s*[A-Z][A-Za-z.]*(\s[A-Za-z.]+){0,4}(\s\d{1,2})?){0,2}"
    r"(\s*\([A-Za-z .]+\)\s*[-–—]*|\s*[-–—]+)$"
)
# Wiki and HTML debris of converted pages: tags, comments, magic words, templates, links.
_MARKUP_TAGS = re.compile(r"<!--.*?(-->|$)|</?[a-zA-Z][^>]*>")  # HTML comments and tags
_MARKUP = re.compile(_MARKUP_TAGS.pattern + r"|__[A-Z]+__|\[https?://[^\]]*\]?|\{\{|\}\}|[=*]+")
_WIKI_WORDS = frozenset("publish archive-unreviewed haveyoursay wikimediamention".split())
_WIKI_HEADING = re.compile(r"^(={2,})\s*([^=]+?)\s*\1(.*)$")
_AUX_HEADING = re.compile(
    r"^(related|see also|sources?|external links|blogs|references|notes|have your say)\b", re.IGNORECASE
)
# A one-sentence question put to the reader ("Do you support this move?"): a comment prompt
# when it closes the article (``_trailing_prompts``), a rhetorical question anywhere else.
_READER_PROMPT = re.compile(
    r"^(do|does|did|should|is|are|was|were|would|will|can|could|have|has|what|how|why)\b[^\"“”.?!]*"
    r"\byou(r)?\b[^\"“”.?!]*\?$",
    re.IGNORECASE,
)
# Breadcrumbs: "News > Crime & Courts", "Personal Finance › Student Loans", "News / Scotland".
_BREADCRUMB = re.compile(r"^[^.!?>›»/=]{1,30}(\s[>›»/]\s[^.!?>›»/]{1,30}){1,4}$")
_CREDIT = re.compile(
    r"©|\bphoto(graph)?s?:|\bimage:|\bpicture:|\bcredit:|\(ap photo|getty images|"
    r"\bafp\b\s*/|/\s*(afp|reuters|ap|epa)\b|\bvia reuters\b|shutterstock|"
    r"\bphoto by\b|\bfile photo\b",
    re.IGNORECASE,
)
_MONTH = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|"
    r"sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)\.?"
)
_DATE_WORDS = re.compile(
    rf"^((update|updated|published|posted|last (updated|modified)|first published|on)\b:?|"
    rf"\d|{_MONTH}\b|(mon|tues|wednes|thurs|fri|satur|sun)day\b|(mon|tue|wed|thu|fri|sat|sun)\b|"
    rf"\d{{1,2}}:\d{{2}})",
    re.IGNORECASE,
)
_DATE_TOKEN = re.compile(
    rf"^({_MONTH}|\d{{1,4}}(st|nd|rd|th)?[,.]?|\d{{1,2}}[:.]\d{{2}}|am|pm|a\.m\.|p\.m\.|"
    rf"\d{{1,2}}([:.]\d{{2}})?\s?[ap]\.?m\.?|\d{{1,2}}[./]\d{{1,2}}[./]\d{{2,4}}|"
    rf"gmt|utc|bst|cet|cest|eet|eest|est|edt|cst|cdt|mst|mdt|pst|pdt|et|pt|ct|brt|ist|jst|kst|ict|pet|"
    rf"msk|sast|wat|eat|aest|aedt|awst|nzst|nzdt|hkt|sgt|pht|pkt|wib|myt|time|"
    rf"\d{{4}}[-./]\d{{1,2}}[-./]\d{{1,2}}|\d{{1,2}}:\d{{2}}:\d{{2}}|"
    rf"(update|updated|published|posted|modified)[:,]?|last|at|on|"
    rf"first|[-–—|/,:•·]|(mon|tues|wednes|thurs|fri|satur|sun)day,?|(mon|tue|wed|thu|fri|sat|sun),?|"
    rf"today|yesterday|hours?|minutes?|ago|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})$",
    re.IGNORECASE,
)
_WORDS = re.compile(r"\S+")
_REPORTING = re.compile(r"\b(said|says|told|according to)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Segment:
    """A sentence of article prose or a line of page furniture.

    ``quote_group`` links the sentences of one quotation that spans several
    sentences, so the speaker named in one of them can be shared.
    """

    start: int
    end: int
    kind: Kind
    paragraph: int
    meta_kind: str | None = None
    quote_group: int | None = None


def _lines(text: str) -> Iterator[tuple[int, int, int]]:
    """Yield (start, end, paragraph) of each non-blank line, stripped of edge spaces."""
    paragraph = 0
    pos = 0
    seen_blank = False
    first = True
    for m in re.finditer(r"[^\r\n]*(\r\n|\r|\n|$)", text):
        line_start, line_end = m.start(), m.end() - len(m.group(1))
        if m.start() == len(text) and not m.group(0):
            break
        raw = text[line_start:line_end]
        if raw.strip():
            lead = len(raw) - len(raw.lstrip())
            trail = len(raw) - len(raw.rstrip())
            if seen_blank and not first:
                paragraph += 1
            first = False
            seen_blank = False
            yield line_start + lead, line_end - trail, paragraph
        else:
            seen_blank = True
        pos = m.end()
        if pos >= len(text):
            break


# A line ending like this is cut mid-sentence (headlines and bylines do not end so).
_CONTINUES = re.compile(
    r"(,|—|–|-|\b(the|a|an|of|to|in|and|or|but|for|with|by|at|on|from|that|who|which|said|says|"
    r"told|according|Deputy|Secretary|Minister|President|Mr|Mrs|Ms|Dr|Sen|Gov|Rep))$"
)


def _strong_meta(line: str) -> bool:
    """Furniture recognisable on its own (not merely short and unpunctuated)."""
    kind = _meta_kind(line, 1, False)
    return kind is not None and kind not in ("headline", "subheadline")


def _merge_soft_wraps(text: str, lines: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Join hard-wrapped prose lines (and ``<br>`` breaks) into one block.

    A line without final punctuation continues on the next line of the same
    paragraph when the next line starts in lower case or the line ends mid-phrase
    ("… said Deputy"), and neither line is recognisable furniture.
    """
    blocks: list[tuple[int, int, int]] = []
    for start, end, para in lines:
        if blocks:
            p_start, p_end, p_para = blocks[-1]
            prev_line = text[p_start:p_end]
            nxt = text[start:end]
            if (
                para == p_para
                and not _TERMINAL.search(prev_line)
                and (
                    nxt[:1].islower()
                    or (_CONTINUES.search(prev_line) and not _headline_above(blocks, nxt, prev_line))
                )
                and not _strong_meta(prev_line)
                and not _strong_meta(nxt)
                and prev_line != nxt
            ):
                blocks[-1] = (p_start, end, p_para)
                continue
        blocks.append((start, end, para))
    return blocks


def _headline_above(blocks: list[tuple[int, int, int]], nxt: str, first: str) -> bool:
    """Whether the text's first line is a headline over a paragraph written on one line
    ("… to step down as Prime Minister" over "Lord Hattersley, the former …"), not the first
    line of hard-wrapped prose: a wrapped line is about as long as the one after it."""
    return len(blocks) == 1 and len(nxt) > 2 * len(first) + 40


# "Key: value" header lines of scraped pages and their meta kinds ("Headline: …", "Date: 2024-09-04")
_FIELD_KINDS = {
    **dict.fromkeys(("headline", "title", "hed"), "headline"),
    **dict.fromkeys(("subtitle", "subheadline", "subhead", "dek", "standfirst", "summary"), "subheadline"),
    **dict.fromkeys(("date", "published", "updated", "last updated", "posted", "time"), "date"),
    **dict.fromkeys(("author", "authors", "by", "byline", "source", "publisher", "outlet"), "byline"),
    **dict.fromkeys(("section", "category", "categories", "topic", "kicker"), "section"),
    **dict.fromkeys(("caption", "photo", "image"), "caption"),
    **dict.fromkeys(("credit", "photo credit", "image credit"), "credit"),
    **dict.fromkeys(
        ("url", "link", "site", "word count", "words", "language", "tags", "topics"), "boilerplate"
    ),
}
_FIELD = re.compile(
    r"^\s*(" + "|".join(sorted(map(re.escape, _FIELD_KINDS), key=len, reverse=True)) + r")\s*:\s*\S",
    re.IGNORECASE,
)
FIELD_WORDS = 60
"""A "Key: value" line this long or longer is prose ("Summary: …" opening a paragraph)."""


def field_kind(line: str) -> str | None:
    """The meta kind of a scraped "Key: value" header line ("Headline: …", "Publisher:
    VTDigger"), or None for any other line."""
    m = _FIELD.match(line)
    if m is None or len(_WORDS.findall(line)) >= FIELD_WORDS:
        return None
    return _FIELD_KINDS[" ".join(m.group(1).lower().split())]


def _meta_kind(line: str, position: int, repeated: bool) -> str | None:
    """Classify one line as page furniture, or None for article prose.

    ``repeated``: the same line stands right before or after it (scraped
    pages repeat photo captions as alt text and caption).
    """
    words = _WORDS.findall(line)
    n = len(words)
    if repeated:
        return "caption"
    if (field := field_kind(line)) is not None:
        return field
    if n <= 14 and _DATE_WORDS.match(line) and _dateish(words):
        return "date"
    if _BOILERPLATE.search(line) and n <= 30 and not _REPORTING.search(line):
        return "boilerplate"
    if (wiki := _wiki_kind(line)) is not None:
        return wiki
    if _CREDIT_LINE.match(line):
        return "credit"
    if _PAGE_PROMPT.search(line) and n <= 30 and not (_TERMINAL.search(line) and "?" not in line):
        return "boilerplate"
    if _BYLINE.match(line) and n <= 16 and not _TERMINAL.search(line):
        return "byline"
    if position > 0 and n <= 16 and _NAMED_BYLINE.match(line):
        return "byline"
    credit = _CREDIT.search(line)
    if credit and (n <= 8 or credit.start() >= 0.5 * len(line) or "©" in line):
        return "caption" if n > 8 else "credit"
    if _DATELINE.match(line):
        return "dateline"
    if _BREADCRUMB.match(line) and not _TERMINAL.search(line):
        return "section"
    if n <= 20 and not _TERMINAL.search(line):
        return "headline" if position == 0 else "subheadline"
    return None


_CLOCK = re.compile(r"^\d{1,2}[:.]\d{2}\b")


def _dateish(words: list[str]) -> bool:
    """Whether a short line's words are (nearly) all date and time tokens."""
    n = len(words)
    dateish = sum(bool(_DATE_TOKEN.match(w)) for w in words)
    line_end = words[-1] if words else ""
    return (
        dateish == n
        or (dateish >= n - 2 and n >= 4 and not line_end.endswith("."))
        or (n >= 2 and dateish >= n - 1 and bool(_CLOCK.match(words[0])))  # "22:10 Baku time"
    )


def _wiki_kind(line: str) -> str | None:
    """Wiki conversion debris: "boilerplate" for markup with at most a few words left
    ("<noinclude>", "United States infobox", "== Related news == * *", "publish"), a
    section heading ("=== Background ===") as "subheadline", else None."""
    heading = _WIKI_HEADING.match(_MARKUP_TAGS.sub("", line).strip())
    if heading is not None:
        rest = heading.group(3).strip()
        if rest and _TERMINAL.search(rest) and not _AUX_HEADING.match(heading.group(2)):
            return None  # a heading run into its paragraph: the prose stays body
        return "boilerplate" if _AUX_HEADING.match(heading.group(2)) or rest else "subheadline"
    words = [w.lower() for w in _WORDS.findall(line)]
    if words and (
        all(w in _WIKI_WORDS for w in words) or (len(words) <= 6 and words[-1].endswith("infobox"))
    ):
        return "boilerplate"
    if line.startswith(("<!--", "(/", "{|", "= ")) or re.match(r"<div\b", line):
        return "boilerplate"
    stripped = _MARKUP.sub(" ", line)
    if stripped != line and len(_WORDS.findall(stripped)) <= 3 and not _TERMINAL.search(stripped):
        return "boilerplate"
    return None


def _name_headlines(contents: list[str], kinds: list[str | None]) -> None:
    """The first title-like line is the headline, unless it is a short section label
    ("World | Europe") directly above a longer title line; later ones are subheadlines."""
    titles = [i for i, k in enumerate(kinds) if k in ("headline", "subheadline")]
    if not titles:
        return
    first = titles[0]
    for i in titles:
        kinds[i] = "subheadline"
    n_first = len(_WORDS.findall(contents[first]))
    nxt = first + 1
    if n_first <= 4 and nxt in titles and len(_WORDS.findall(contents[nxt])) > n_first:
        kinds[first], kinds[nxt] = "section", "headline"
    else:
        kinds[first] = "headline"


def _under_headline(contents: list[str], kinds: list[str | None]) -> None:
    """A short title-like line right under the headline is seldom a subheadline (a dek is
    usually longer): names alone are the byline ("Farah Nasser-Whitley", "Ardit Krasniqi and
    Milica Jovanović"), a label with a lower-case word or a digit is a topic ("Economy and
    business", "2008 US Presidential Election", as Wikinews sets them)."""
    for i in range(1, len(kinds)):
        if kinds[i] != "subheadline" or kinds[i - 1] != "headline":
            continue
        line = contents[i]
        if _NAME_LINE.match(line):
            kinds[i] = "byline"
        elif len(_WORDS.findall(line)) <= 4 and re.search(r"\b[a-z]|\d", line):
            kinds[i] = "section"


def _trailing_prompts(contents: list[str], kinds: list[str | None]) -> None:
    """Questions to the reader after the last paragraph of prose ("Do you think the board
    should have voted?", Wikinews' "Have your say") are boilerplate."""
    for i in range(len(kinds) - 1, -1, -1):
        if kinds[i] is not None:
            continue
        if len(_WORDS.findall(contents[i])) <= 20 and _READER_PROMPT.match(contents[i]):
            kinds[i] = "boilerplate"
            continue
        break


_NEXT_CHAR = re.compile(r"\s*(\S)")


def _next_is_digit(text: str, pos: int) -> bool:
    """Whether the next non-space character after ``pos`` is a digit."""
    m = _NEXT_CHAR.match(text, pos)
    return bool(m and m.group(1).isdigit())


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence offsets within ``text[start:end]`` (a block of prose)."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for m in _BOUNDARY.finditer(text, start, end):
        stop = m.end()
        punct_at = m.start()
        word = _ABBREVIATION_BEFORE.search(text, max(cursor, punct_at - 64), punct_at + 1)
        nxt = _WORD_AFTER_BOUNDARY.match(text, stop)
        next_word = nxt.group(1).lower() if nxt else ""
        if word and text[m.start()] == ".":
            token = word.group(1).rstrip(".")
            low = token.lower()
            abbreviation = low in ABBREVIATIONS and not (
                low in _SOFT_ABBREVIATIONS and next_word in _SENTENCE_STARTERS
            )
            if abbreviation and not (low == "no" and not _next_is_digit(text, stop)):  # "said no." / "No. 3"
                continue
            if len(token) == 1 and token.isupper():  # an initial: "John F. Kennedy"
                continue
            if "." in token and next_word not in _SENTENCE_STARTERS and not _web_address(token):
                continue  # "U.S. officials", but "airfarewatchdog.com. Hobica said" ends there
        spans.append((cursor, stop))
        cursor = stop
        while cursor < end and text[cursor].isspace():
            cursor += 1
    if cursor < end:
        tail_end = end
        while tail_end > cursor and text[tail_end - 1].isspace():
            tail_end -= 1
        if tail_end > cursor:
            spans.append((cursor, tail_end))
    return spans


def _web_address(token: str) -> bool:
    """A site's name ("airfarewatchdog.com", "BBC.co.uk"): every dotted part two letters or
    more, where an abbreviation's are single letters ("U.S", "a.m", "Ph.D")."""
    return all(len(part) >= 2 for part in token.split("."))


def segment(text: str) -> list[Segment]:
    """Segment an article into body sentences and meta lines, in text order."""
    lines = _merge_soft_wraps(text, list(_lines(text)))
    contents = [text[a:b] for a, b, _ in lines]
    kinds: list[str | None] = []
    for position, line in enumerate(contents):
        repeated = (position > 0 and contents[position - 1] == line) or (
            position + 1 < len(contents) and contents[position + 1] == line
        )
        kinds.append(_meta_kind(line, position, repeated))
    _name_headlines(contents, kinds)
    _under_headline(contents, kinds)
    _trailing_prompts(contents, kinds)
    for i, line in enumerate(contents):  # a field names its own kind, whatever its position
        kinds[i] = field_kind(line) or kinds[i]
    if lines and all(k is not None for k in kinds):
        # Nothing looked like prose: keep the longest furniture-free line as body,
        # so a lone unpunctuated sentence is still annotated.
        candidates = [i for i, k in enumerate(kinds) if k in ("headline", "subheadline")] or list(
            range(len(lines))
        )
        best = max(candidates, key=lambda i: lines[i][1] - lines[i][0])
        kinds[best] = None
    segments: list[Segment] = []
    group_id = 0
    for (a, b, para), meta_kind in zip(lines, kinds, strict=True):
        if meta_kind is not None:
            segments.append(Segment(a, b, Kind.META, para, meta_kind))
            continue
        inside = False
        current: int | None = None
        for s, e in split_sentences(text, a, b):
            was_inside = inside
            inside = quotes.open_after(text[s:e], inside)
            if was_inside and current is not None:
                group = current
            elif inside:
                group_id += 1
                group = current = group_id
            else:
                group = None
            segments.append(Segment(s, e, Kind.BODY, para, None, group))
            if not inside:
                current = None
    return _drop_singleton_groups(segments)


def _drop_singleton_groups(segments: list[Segment]) -> list[Segment]:
    """Keep quote groups only where a quotation really spans several sentences."""
    sizes: dict[int, int] = {}
    for seg in segments:
        if seg.quote_group is not None:
            sizes[seg.quote_group] = sizes.get(seg.quote_group, 0) + 1
    out = []
    for seg in segments:
        if seg.quote_group is not None and sizes[seg.quote_group] < 2:
            seg = Segment(seg.start, seg.end, seg.kind, seg.paragraph, seg.meta_kind, None)
        out.append(seg)
    return out
