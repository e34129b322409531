"""Read PolNeAR (BRAT standoff attributions) and derive silver sourcing labels.

Layout under ``root``: ``{split}/text/<doc>.txt`` (line 1 is the headline) and
``{split}/attributions/<doc>_<annotator>.ann``. The corpus itself is never
shipped; a user points this module at their own copy.

Reading
    T-lines are ``Source|Cue|Content|Attribution|... start end[;start end]``
    (``;`` separates the pieces of a discontinuous span); E-lines link an
    ``Attribution`` (or ``Attribution-no-source``) trigger to its ``Source``,
    ``Cue`` and ``Content``/``Content2`` text-bounds. Only E-lines make
    attributions; an E-line without a ``Cue`` uses its trigger span as the cue.
    When several annotators annotated an article, the file with the most
    attributions is used, ties going to the smallest annotator id.

Silver rule (PolNeAR marks who is cited, not whether they are identifiable,
so this label is a heuristic, never gold)
    1. Each attribution's source words are typed by ``cues.classify_source``.
       Named person, named body or public document -> ``on_record``; unnamed
       people or undisclosed documents and vague groups -> ``anonymous``; no
       source -> ``reporter`` unless a weasel phrase ("reportedly", "it is
       believed") sits by the cue, which makes it ``anonymous``.
    2. Pronouns and definite descriptions resolve to the most recent earlier
       compatible antecedent: "he"/"she"/titles to a named person or a single
       unnamed person (earlier sources, plus mentions of "Mr. X" or of a named
       source's surname in the text); "the official"/"the spokeswoman" to an
       earlier source, or a mention in the text, with the same head noun; "the
       company"/"his campaign" to an earlier named body; "they" to any earlier
       source; "I"/"we"/"you" inside someone's quoted content to that speaker.
       Unresolved: role descriptions are unnamed, person pronouns and titles
       named, organisations named bodies, "they" vague, and a first person
       outside any quotation is the writer (``reporter``).
    3. A body sentence is attributed when an attribution's cue lies in it or
       that attribution's content covers at least half of it. Attributions whose
       cue only reports an act or an appearance ("endorsed", "voted", "seemed";
       ``cues.is_non_claim_cue``) do not count: ANNOTATION.md treats those
       sentences as the reporter's. A mixed sentence takes the weakest sourcing
       (anonymous < on_record < reporter).
    4. Headline sentences (and segments a splitter marks as meta) get no label.
    Annotator slips where the "source" span is a reporting verb and the "cue"
    is not are swapped back on reading.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.errors import CorpusFormatError, InputError
from annotator.sourcing import quotes
from annotator.sourcing.coref import Candidate, Resolver
from annotator.sourcing.cues import (
    find_anonymity_reason,
    find_cues,
    find_weasels,
    is_non_claim_cue,
)
from annotator.sourcing.edges import trim
from annotator.sourcing.lexicon import REPORTING_VERBS
from annotator.sourcing.sources import (
    ANONYMOUS_TYPES,
    ON_RECORD_TYPES,
    SourceType,
    classify_source,
    count_sources,
    has_specific_role,
    reference_kind,
)

log = logging.getLogger(__name__)

SPLITS = ("train", "dev", "test")
Piece = tuple[int, int]
Splitter = Callable[[str], Sequence[Any]]

_ANN_NAME = re.compile(r"^(?P<doc>.+)_(?P<annotator>[0-9A-Za-z]+)\.ann$")
_T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t|$)")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")
_TRIGGERS = ("Attribution", "Attribution-no-source")
_LABEL_RANK = {"anonymous": 0, "on_record": 1, "reporter": 2}
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


@dataclass(frozen=True)
class Attribution:
    """One attribution relation; offsets index the article text.

    Each span is a tuple of ``(start, end)`` pieces (several when the annotator
    marked a discontinuous span, none when absent); ``*_text`` joins the pieces'
    texts with a space, as BRAT does.
    """

    id: str
    source: tuple[Piece, ...]
    cue: tuple[Piece, ...]
    content: tuple[Piece, ...]
    source_text: str
    cue_text: str
    content_text: str

    @property
    def has_source(self) -> bool:
        return bool(self.source)


@dataclass(frozen=True)
class PolnearArticle:
    """A PolNeAR article with the attributions of one annotator."""

    doc_id: str
    split: str
    text: str
    headline_end: int  # end offset of line 1 (the headline), trailing spaces excluded
    attributions: tuple[Attribution, ...]
    annotator: str = ""
    annotators: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Decision:
    """What one attribution's source amounts to after resolution."""

    source_type: SourceType
    label: str
    resolved: str | None
    antecedent: Piece | None  # where the antecedent (or the source itself) sits


# --- reading ----------------------------------------------------------------------------


def _pieces(spec: str) -> tuple[Piece, ...]:
    out = []
    for part in spec.split(";"):
        a, b = part.split()
        out.append((int(a), int(b)))
    return tuple(sorted(out))


def _join(text: str, pieces: Iterable[Piece]) -> str:
    return " ".join(text[a:b] for a, b in pieces)


def parse_ann(content: str, text: str, where: str = "<ann>") -> tuple[Attribution, ...]:
    """Attributions of one ``.ann`` file over ``text``; bad lines are logged and skipped."""
    bounds: dict[str, tuple[str, tuple[Piece, ...]]] = {}
    events: list[tuple[str, list[tuple[str, str]]]] = []
    for lineno, line in enumerate(content.split("\n"), 1):
        if line.startswith("T"):
            m = _T_LINE.match(line)
            if not m:
                if re.match(r"^T\d+\t", line):
                    log.warning("%s:%d: malformed text-bound line skipped", where, lineno)
                continue  # otherwise the continuation of a multi-line span text
            pieces = _pieces(m.group(3))
            if any(not 0 <= a <= b <= len(text) for a, b in pieces):
                log.warning("%s:%d: offsets outside the text, skipped", where, lineno)
                continue
            bounds[m.group(1)] = (m.group(2), pieces)
        elif line.startswith("E"):
            m = _E_LINE.match(line)
            if m:
                args = [tuple(a.split(":", 1)) for a in m.group(2).split() if ":" in a]
                events.append((m.group(1), [(r, t) for r, t in args]))
    out = []
    for eid, args in events:
        roles: dict[str, list[Piece]] = {}
        missing = False
        for role, tid in args:
            if tid not in bounds:
                missing = True
                break
            roles.setdefault(role.rstrip("0123456789"), []).extend(bounds[tid][1])
        trigger = next((r for r in _TRIGGERS if r in roles), None)
        if missing or trigger is None:
            log.warning("%s: %s refers to a missing or untyped text-bound, skipped", where, eid)
            continue
        source = tuple(sorted(roles.get("Source", [])))
        cue = tuple(sorted(roles.get("Cue") or roles[trigger]))
        if _swapped(text, source, cue):
            log.debug("%s: %s has source and cue swapped; swapped back", where, eid)
            source, cue = cue, source
        content_ = tuple(sorted(set(roles.get("Content", []))))
        out.append(
            Attribution(
                eid,
                source,
                cue,
                content_,
                _join(text, source),
                _join(text, cue),
                _join(text, content_),
            )
        )
    out.sort(key=lambda a: (a.cue[0] if a.cue else (0, 0), a.id))
    return tuple(out)


def _swapped(text: str, source: tuple[Piece, ...], cue: tuple[Piece, ...]) -> bool:
    """An annotator slip: the "source" is a reporting verb and the "cue" is not."""
    if not source or not cue:
        return False
    src = " ".join(_join(text, source).lower().split())
    return src in REPORTING_VERBS and not find_cues(_join(text, cue))


def _read(path: Path) -> str | None:
    try:
        with path.open(encoding="utf-8", newline="") as f:  # keep offsets exact
            return f.read()
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read %s: %s; skipped", path, exc)
        return None


def _split_dir(root: str | Path, split: str) -> Path:
    if split not in SPLITS:
        raise InputError(f"unknown PolNeAR split {split!r}; expected one of {', '.join(SPLITS)}")
    base = Path(root)
    if not base.is_dir():
        raise CorpusFormatError(f"PolNeAR root {base} is not a directory")
    where = base / split
    if not (where / "attributions").is_dir() or not (where / "text").is_dir():
        raise CorpusFormatError(
            f"{base} has no PolNeAR structure for split {split!r}: expected "
            f"{where}/attributions/*.ann and {where}/text/*.txt"
        )
    return where


def load_polnear(root: str | Path, split: str) -> list[PolnearArticle]:
    """All readable articles of one split, sorted by document id.

    Articles whose text is missing or unreadable are skipped with a warning;
    a split without any readable article raises ``CorpusFormatError``.
    """
    where = _split_dir(root, split)
    by_doc: dict[str, dict[str, Path]] = {}
    for path in sorted((where / "attributions").glob("*.ann")):
        m = _ANN_NAME.match(path.name)
        if not m:
            log.warning("%s: not named <doc>_<annotator>.ann; skipped", path)
            continue
        by_doc.setdefault(m.group("doc"), {})[m.group("annotator")] = path
    if not by_doc:
        raise CorpusFormatError(f"no <doc>_<annotator>.ann files in {where / 'attributions'}")
    articles = []
    for doc_id, files in sorted(by_doc.items()):
        text_path = where / "text" / f"{doc_id}.txt"
        if not text_path.is_file():
            log.warning("%s: text file %s missing; article skipped", doc_id, text_path)
            continue
        text = _read(text_path)
        if text is None:
            continue
        candidates = []
        for annotator, path in sorted(files.items()):
            content = _read(path)
            if content is not None:
                candidates.append((annotator, parse_ann(content, text, str(path))))
        if not candidates:
            log.warning("%s: no readable annotation file; article skipped", doc_id)
            continue
        annotator, attributions = min(candidates, key=lambda c: (-len(c[1]), c[0]))
        first_line = text.split("\n", 1)[0]
        articles.append(
            PolnearArticle(
                doc_id=doc_id,
                split=split,
                text=text,
                headline_end=len(first_line.rstrip()),
                attributions=attributions,
                annotator=annotator,
                annotators=tuple(sorted(files)),
            )
        )
    if not articles:
        raise CorpusFormatError(f"no readable PolNeAR article in {where}")
    log.info("PolNeAR %s: %d articles read from %s", split, len(articles), where)
    return articles


# --- resolution -------------------------------------------------------------------------


def _label(stype: SourceType) -> str:
    if stype in ANONYMOUS_TYPES:
        return "anonymous"
    if stype in ON_RECORD_TYPES:
        return "on_record"
    return "reporter"


def _span_of(pieces: tuple[Piece, ...]) -> Piece:
    return pieces[0][0], pieces[-1][1]


def _inside(inner: Piece, pieces: Iterable[Piece]) -> bool:
    return any(a <= inner[0] and inner[1] <= b for a, b in pieces)


class _Resolver:
    """Resolves every attribution of one article (memoised, cycle-safe)."""

    def __init__(self, article: PolnearArticle) -> None:
        self.article = article
        self.text = article.text
        sources = [
            Candidate(*_span_of(a.source), a.source_text, classify_source(a.source_text))
            for a in article.attributions
            if a.source
        ]
        self.coref = Resolver(self.text, sources)
        self.memo: dict[str, _Decision] = {}

    def decide(self, attr: Attribution, depth: int = 0) -> _Decision:
        if attr.id not in self.memo:
            self.memo[attr.id] = self._decide(attr, depth)
        return self.memo[attr.id]

    def _weasel_near_cue(self, attr: Attribution) -> bool:
        if not attr.cue:
            return False
        a, b = _span_of(attr.cue)
        return bool(find_weasels(self.text[max(0, a - 25) : b + 25]))

    def _decide(self, attr: Attribution, depth: int) -> _Decision:
        if not attr.source:
            if self._weasel_near_cue(attr):
                return _Decision(SourceType.VAGUE, "anonymous", None, None)
            return _Decision(SourceType.NONE, "reporter", None, None)
        span = _span_of(attr.source)
        stype = classify_source(attr.source_text)
        if stype is not SourceType.PRONOUN:
            return _Decision(stype, _label(stype), None, span)
        kind = reference_kind(attr.source_text) or "other"
        if kind in ("self", "addressee"):
            outer = self._enclosing(attr, span)
            if outer is not None and depth < 8:
                d = self.decide(outer, depth + 1)
                resolved = d.resolved or outer.source_text
                return _Decision(d.source_type, d.label, resolved, d.antecedent)
            if kind == "self":
                return _Decision(SourceType.NONE, "reporter", None, None)
            return _Decision(SourceType.VAGUE, "anonymous", None, None)
        if kind == "thing" and self._weasel_near_cue(attr):
            return _Decision(SourceType.VAGUE, "anonymous", None, None)
        found = self.coref.antecedent(attr.source_text, span[0], exclude=attr.content)
        if found is None:
            fallback = {
                "role": SourceType.UNNAMED,
                "org": SourceType.NAMED_BODY,
                "thing": SourceType.NAMED_BODY,
                "people": SourceType.VAGUE,
            }.get(kind, SourceType.NAMED_PERSON)
            return _Decision(fallback, _label(fallback), None, None)
        return _Decision(found.stype, _label(found.stype), found.text, (found.start, found.end))

    def _enclosing(self, attr: Attribution, span: Piece) -> Attribution | None:
        outers = [
            o for o in self.article.attributions
            if o.id != attr.id and o.source and _inside(span, o.content)
        ]  # fmt: skip
        return min(outers, key=lambda o: sum(b - a for a, b in o.content), default=None)


# --- sentences --------------------------------------------------------------------------


def _overlap(pieces: Iterable[Piece], start: int, end: int) -> int:
    return sum(max(0, min(b, end) - max(a, start)) for a, b in pieces)


def _span_dict(text: str, pieces: tuple[Piece, ...]) -> dict[str, Any] | None:
    """The span from the first piece's start to the last one's end, trimmed of edge punctuation
    (annotators differ on "Okafor, a top Hale surrogate," vs "…surrogate")."""
    if not pieces:
        return None
    a, b = trim(text, *_span_of(pieces))
    return {"start": a, "end": b, "text": text[a:b]}


def _span_key(pieces: tuple[Piece, ...]) -> Piece | None:
    return _span_of(pieces) if pieces else None


def _distinct_spans(text: str, spans: Iterable[tuple[Piece, ...]]) -> list[dict[str, Any]]:
    """Span dicts of several attributions' sources (or cues), each once."""
    return [d for d in {_span_key(p): _span_dict(text, p) for p in spans}.values() if d]


def _check_offsets(text: str, sentences: Sequence[Piece]) -> None:
    for start, end in sentences:
        if not 0 <= start <= end <= len(text):
            raise InputError(f"sentence offsets {start}:{end} outside a text of {len(text)}")


def _nested(attr: Attribution, others: Iterable[Attribution]) -> bool:
    """Whether the attribution's cue sits inside another one's content."""
    return bool(attr.cue) and any(o.id != attr.id and _inside(_span_of(attr.cue), o.content) for o in others)


def _attached(attr: Attribution, start: int, end: int) -> bool:
    if is_non_claim_cue(attr.cue_text):
        return False
    if _overlap(attr.cue, start, end) > 0:
        return True
    return _overlap(attr.content, start, end) * 2 >= max(1, end - start)


def sentence_records(
    article: PolnearArticle,
    sentences: Sequence[Piece],
    kinds: Sequence[str | None] | None = None,
) -> list[dict[str, Any]]:
    """One silver record per sentence (see the module docstring for the rule).

    ``sentences`` are ``(start, end)`` offsets into ``article.text``; ``kinds``
    may mark some of them ``"meta"`` (sentences in the headline always are).
    Spans are dicts ``{"start", "end", "text"}`` in article offsets; ``source``
    and ``cue`` come from the attribution that decides the label, so a
    sentence of quoted content carries the source named in a neighbour;
    ``sources`` and ``cues`` list the source and cue of every attribution attached
    to the sentence.
    Spans are trimmed of edge whitespace and punctuation (``annotator.spans.trim``).
    """
    return [record for record, _ in _records(article, sentences, kinds)]


def _records(
    article: PolnearArticle,
    sentences: Sequence[Piece],
    kinds: Sequence[str | None] | None,
) -> list[tuple[dict[str, Any], int | None]]:
    """Sentence records with their silver strength (None for meta)."""
    _check_offsets(article.text, sentences)
    if kinds is not None and len(kinds) != len(sentences):
        raise InputError(f"{len(kinds)} kinds given for {len(sentences)} sentences")
    resolver = _Resolver(article)
    out: list[tuple[dict[str, Any], int | None]] = []
    for i, (start, end) in enumerate(sentences):
        if start < article.headline_end or (kinds is not None and kinds[i] == "meta"):
            out.append(({**_empty_record(start, end), "kind": "meta"}, None))
        else:
            out.append(_body_record(article, resolver, sentences, start, end))
    return out


def _empty_record(start: int, end: int) -> dict[str, Any]:
    """A sentence's record before any attribution is looked at: every key, nothing found."""
    return {
        "start": start,
        "end": end,
        "kind": "body",
        "label": None,
        "attributed": False,
        "source": None,
        "sources": [],
        "source_resolved": None,
        "cue": None,
        "cues": [],
        "content": [],
        "source_type": None,
    }


def _decisive(attached: Sequence[Attribution], resolver: _Resolver, start: int, end: int) -> Attribution:
    """The attribution that labels a sentence: the weakest sourcing (rule 3), then one whose
    cue is in the sentence, then the outer speaker, then the earliest cue."""
    return min(
        attached,
        key=lambda a: (
            _LABEL_RANK[resolver.decide(a).label],
            0 if _overlap(a.cue, start, end) else 1,
            1 if _nested(a, attached) else 0,  # prefer the outer speaker
            a.cue[0] if a.cue else (0, 0),
        ),
    )


def _body_record(
    article: PolnearArticle, resolver: _Resolver, sentences: Sequence[Piece], start: int, end: int
) -> tuple[dict[str, Any], int]:
    """A body sentence's record and strength: the reporter's (0) without an attached
    attribution; otherwise labelled by the decisive one, with the weakest strength among
    the attributions of that label."""
    record = _empty_record(start, end)
    attached = [a for a in article.attributions if _attached(a, start, end)]
    if not attached:
        record.update(label="reporter", source_type=SourceType.NONE.value)
        return record, 0
    decisive = _decisive(attached, resolver, start, end)
    decision = resolver.decide(decisive)
    text = article.text
    record.update(
        label=decision.label,
        attributed=True,
        source=_span_dict(text, decisive.source),
        sources=_distinct_spans(text, [a.source for a in attached]),
        source_resolved=decision.resolved,
        cue=_span_dict(text, decisive.cue),
        cues=_distinct_spans(text, [a.cue for a in attached]),
        content=[{"start": a, "end": b, "text": text[a:b]} for a, b in decisive.content],
        source_type=decision.source_type.value,
    )
    strength = min(
        _strength(article, resolver, a, start, end, sentences)
        for a in attached
        if resolver.decide(a).label == decision.label
    )
    return record, strength


def _sentence_at(sentences: Sequence[Piece], offset: int) -> Piece | None:
    return next(((a, b) for a, b in sentences if a <= offset < b), None)


def _strength(
    article: PolnearArticle,
    resolver: _Resolver,
    attr: Attribution,
    start: int,
    end: int,
    sentences: Sequence[Piece],
) -> int:
    """Sourcing strength (0-3) of one attribution as seen from one sentence."""
    d = resolver.decide(attr)
    text = article.text
    stype = d.source_type
    if d.label == "reporter" or stype is SourceType.VAGUE:
        return 0
    if stype is SourceType.DOCUMENT:
        return 3
    if stype is SourceType.NAMED_BODY:
        return 2
    if stype is SourceType.NAMED_PERSON:
        refusal = any(s == "refusal" for *_, s in find_cues(attr.cue_text))
        quoted = quotes.has_direct_quote(text[start:end]) or quotes.opens_with_quote(attr.content_text)
        return 3 if quoted and not refusal else 2
    # unnamed: a specific role plus a stated reason or several sources
    words = d.resolved or attr.source_text
    where = [(start, end)]
    if d.antecedent is not None:
        around = _sentence_at(sentences, d.antecedent[0])
        if around:
            where.append(around)
    reason = any(find_anonymity_reason(text[a:b]) for a, b in where)
    return 2 if has_specific_role(words) and (reason or count_sources(words) >= 2) else 1


# --- corpus conversion ------------------------------------------------------------------


@dataclass(frozen=True)
class _Segment:
    start: int
    end: int
    kind: str | None
    meta_kind: str | None
    paragraph: int | None


def _as_segments(article: PolnearArticle, splitter: Splitter) -> list[_Segment]:
    """Normalise a splitter's output (tuples or objects with ``.start``/``.end``/``.kind``),
    trimming whitespace and cutting any segment that straddles the headline's end."""
    text = article.text
    out = []
    for item in splitter(text):
        if isinstance(item, tuple):
            a, b, kind, meta_kind, para = item[0], item[1], None, None, None
        else:
            a, b = item.start, item.end
            kind = getattr(item, "kind", None)
            kind = getattr(kind, "value", kind)
            meta_kind = getattr(item, "meta_kind", None)
            para = getattr(item, "paragraph", None)
        h = article.headline_end
        for x, y in [(a, h), (h, b)] if a < h < b else [(a, b)]:
            while x < y and text[x].isspace():
                x += 1
            while y > x and text[y - 1].isspace():
                y -= 1
            if x < y:
                out.append(_Segment(x, y, kind, meta_kind, para))
    return sorted(out, key=lambda s: (s.start, s.end))


def polnear_to_corpus(root: str | Path, split: str, splitter: Splitter) -> list[dict[str, Any]]:
    """Every article of a split with its silver sentence records.

    ``splitter`` maps a text to sentence offsets (``(start, end)`` tuples, or
    segments with ``.start``/``.end``/``.kind`` such as ``annotator.segment``'s).
    Returns dicts ``{"id", "split", "annotator", "text", "headline_end", "sentences"}``.
    """
    out = []
    for article in load_polnear(root, split):
        segments = _as_segments(article, splitter)
        offsets = [(s.start, s.end) for s in segments]
        records = sentence_records(article, offsets, [s.kind for s in segments])
        out.append(
            {
                "id": article.doc_id,
                "split": split,
                "annotator": article.annotator,
                "text": article.text,
                "headline_end": article.headline_end,
                "sentences": records,
            }
        )
    return out


def _within(span: dict[str, Any] | None, start: int, end: int) -> dict[str, Any] | None:
    if span is None or not (start <= span["start"] and span["end"] <= end):
        return None
    return span


def _all_within(spans: Iterable[dict[str, Any]], start: int, end: int) -> list[dict[str, Any]]:
    return [d for d in spans if _within(d, start, end)]


def polnear_to_gold(root: str | Path, split: str, splitter: Splitter) -> list[dict[str, Any]]:
    """Articles in the bundled corpus's JSON schema, marked ``"silver": True``.

    Strength follows ANNOTATION.md from the resolved source type: a named
    person quoted directly 3, paraphrased (or declining to comment) 2; a named
    body 2; a public document 3; unnamed 1, or 2 with a specific role and a
    stated reason or several sources; vague and reporter 0. As in the bundled
    corpus, ``source``/``cue`` are kept only when they lie inside the sentence;
    otherwise ``source_resolved`` names the speaker. ``every_source`` lists the
    source of every PolNeAR attribution inside the sentence, whatever the label,
    for the per-attribution span metric.
    """
    return [_gold_article(article, splitter) for article in load_polnear(root, split)]


def _gold_article(article: PolnearArticle, splitter: Splitter) -> dict[str, Any]:
    """One article in the bundled schema: its segments' silver records made gold sentences."""
    text = article.text
    segments = _as_segments(article, splitter)
    records = _records(article, [(s.start, s.end) for s in segments], [s.kind for s in segments])
    every = {
        (d["start"], d["end"]): d for d in (_span_dict(text, a.source) for a in article.attributions) if d
    }
    every_source = list(every.values())
    breaks = [m.end() for m in _PARAGRAPH_BREAK.finditer(text)]
    return {
        "id": f"polnear-{article.split}-{article.doc_id}",
        "domain": "politics",
        "style": "polnear",
        "country": "US",
        "silver": True,
        "annotator": article.annotator,
        "text": text,
        "sentences": [
            _gold_sentence(article, seg, record, strength, every_source, breaks)
            for seg, (record, strength) in zip(segments, records, strict=True)
        ],
    }


def _gold_sentence(
    article: PolnearArticle,
    seg: _Segment,
    r: dict[str, Any],
    strength: int | None,
    every_source: Sequence[dict[str, Any]],
    breaks: Sequence[int],
) -> dict[str, Any]:
    """One silver record as a bundled-schema sentence: as in the bundled corpus, spans are
    kept only inside the sentence; ``every_source`` (the article's attribution sources,
    distinct) is filtered to it too."""
    start, end = r["start"], r["end"]
    meta = r["kind"] == "meta"
    label = r["label"]
    attributed = not meta and label != "reporter"
    source = _within(r["source"], start, end) if attributed else None
    return {
        "start": start,
        "end": end,
        "kind": r["kind"],
        "paragraph": _paragraph(seg, breaks),
        "meta_kind": ("headline" if start < article.headline_end else seg.meta_kind) if meta else None,
        "label": None if meta else label,
        "strength": None if meta else (strength if attributed else 0),
        "source": source,
        # every PolNeAR source inside the sentence (a sentence may cite several)
        "sources": _all_within(r["sources"], start, end) if attributed else [],
        "source_resolved": _speaker(r, source) if attributed else None,
        "cue": _within(r["cue"], start, end) if attributed else None,
        "cues": _all_within(r["cues"], start, end) if attributed else [],
        # every attribution's source, acts and silver-reporter sentences included
        "every_source": _all_within(every_source, start, end),
        "anonymity_reason": _reason_span(article.text, start, end) if label == "anonymous" else None,
    }


def _paragraph(seg: _Segment, breaks: Sequence[int]) -> int:
    """The segment's paragraph: the splitter's, else the blank-line breaks before it."""
    if seg.paragraph is not None:
        return seg.paragraph
    return sum(1 for b in breaks if b <= seg.start)


def _speaker(r: dict[str, Any], source: dict[str, Any] | None) -> str | None:
    """``source_resolved`` of an attributed sentence: the resolved antecedent, or the decisive
    source's words when that source lies outside the sentence, so the speaker is still named."""
    if source is None and r["source"] is not None and r["source_resolved"] is None:
        return r["source"]["text"]
    return r["source_resolved"]


def _reason_span(text: str, start: int, end: int) -> dict[str, Any] | None:
    """The anonymity reason stated in ``text[start:end]``, as a span in article offsets."""
    found = find_anonymity_reason(text[start:end])
    if not found:
        return None
    a, b = start + found[0], start + found[1]
    return {"start": a, "end": b, "text": text[a:b]}


def polnear_training_articles(
    root: str | Path, split: str, max_sentences: int, seed: int, selection_sentences: int = 0
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Seeded random silver articles of a split: ``(training, selection)``.

    Whole articles are shuffled with ``seed``; the first ones, up to
    ``selection_sentences`` body sentences, are held out for choosing the epoch
    (so PolNeAR dev stays untouched), and the next ones, up to ``max_sentences``,
    are for training. Segmented with the pipeline's own segmenter, so training
    sees sentences as inference will.
    """
    import random

    from annotator.segment import segment

    articles = polnear_to_gold(root, split, segment)
    random.Random(seed).shuffle(articles)
    chosen: tuple[list[dict[str, Any]], list[dict[str, Any]]] = ([], [])
    totals = [0, 0]
    for article in articles:
        part = 1 if totals[1] < selection_sentences else 0
        if part == 0 and totals[0] >= max_sentences:
            break
        chosen[part].append(article)
        totals[part] += sum(s["kind"] == "body" for s in article["sentences"])
    return chosen


def new_hand_sample_items(
    gold: Sequence[dict[str, Any]], existing: Sequence[dict[str, Any]], n: int, seed: int
) -> list[dict[str, Any]]:
    """``n`` more PolNeAR dev body sentences for the hand-labelled sample: a seeded random
    draw (``random.Random(seed)``) among the body sentences the pipeline's segmenter finds
    (``gold`` from :func:`polnear_to_gold`) that the ``existing`` sample does not hold,
    numbered after it. Offsets only: the text stays in the user's PolNeAR copy."""
    import random

    taken = {(h["doc_id"], h["start"], h["end"]) for h in existing}
    pool = sorted(
        (a["id"].removeprefix("polnear-dev-"), s["start"], s["end"])
        for a in gold
        for s in a["sentences"]
        if s["kind"] == "body" and (a["id"].removeprefix("polnear-dev-"), s["start"], s["end"]) not in taken
    )
    chosen = sorted(random.Random(seed).sample(pool, min(n, len(pool))))
    first = max((h["item"] for h in existing), default=-1) + 1
    return [{"item": first + k, "doc_id": d, "start": a, "end": b} for k, (d, a, b) in enumerate(chosen)]


def double_labelled_items(items: Sequence[dict[str, Any]], n: int) -> list[dict[str, Any]]:
    """The ``n`` items labelled a second time, independently: those whose SHA-256 of
    ``doc_id:start`` comes first (fixed, whatever the order of ``items``)."""
    import hashlib

    ranked = sorted(items, key=lambda h: hashlib.sha256(f"{h['doc_id']}:{h['start']}".encode()).hexdigest())
    return sorted(ranked[:n], key=lambda h: h["item"])
