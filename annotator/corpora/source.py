"""Compile the corpus authoring markup (``data/source/*.txt``) into gold articles.

The markup is described in ``data/source/FORMAT.md``. Authors write one sentence
per line with inline ``{s:..}``, ``{c:..}`` and ``{r:..}`` spans; this module
builds the article text and exact character offsets, so offsets are never typed
by hand. ``python -m annotator.corpora.source check FILE...`` validates files.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.errors import CorpusFormatError

DOMAINS = (
    "politics", "diplomacy", "military", "courts", "business", "technology",
    "health", "environment", "sports", "local", "culture", "education",
)  # fmt: skip
STYLES = ("wire", "broadsheet", "tabloid", "trade", "local", "liveblog", "scraped", "wiki")
META_KINDS = (
    "headline", "subheadline", "byline", "date", "dateline", "caption",
    "credit", "section", "boilerplate",
)  # fmt: skip
LABEL_CODES = {"A": "anonymous", "O": "on_record", "R": "reporter"}
SPAN_KEYS = {"s": "source", "c": "cue", "r": "anonymity_reason"}

_HEADER = re.compile(r"^###\s+(.*)$")
_KEYVAL = re.compile(r"(\w+)=(.*?)(?=\s+\w+=|\s*$)")
_BODY = re.compile(r"^([AOR])\s*([0-3])\s*\|(.*)$")
_META = re.compile(r"^M\s+(\w+)\s*\|(.*)$")
_MARK = re.compile(r"\{([scr]):([^{}]*)\}")
_PRONOUNS = {
    "he", "she", "they", "it", "we", "him", "her", "them", "his",
}  # fmt: skip


@dataclass
class _Line:
    lineno: int
    kind: str  # "body" | "meta"
    text: str
    meta_kind: str | None = None
    label: str | None = None
    strength: int | None = None
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    resolved: str | None = None


def _parse_spans(raw: str, where: str) -> tuple[str, dict[str, tuple[int, int]]]:
    """Strip inline markup, returning the plain sentence and span offsets in it."""
    out: list[str] = []
    spans: dict[str, tuple[int, int]] = {}
    pos = 0
    length = 0
    for m in _MARK.finditer(raw):
        chunk = raw[pos : m.start()]
        out.append(chunk)
        length += len(chunk)
        key = SPAN_KEYS[m.group(1)]
        if key in spans:
            raise CorpusFormatError(f"{where}: two {key} spans in one sentence")
        inner = m.group(2)
        if not inner.strip() or inner != inner.strip():
            raise CorpusFormatError(f"{where}: empty or space-padded {key} span")
        spans[key] = (length, length + len(inner))
        out.append(inner)
        length += len(inner)
        pos = m.end()
    out.append(raw[pos:])
    plain = "".join(out)
    if any(ch in plain for ch in "{}|"):
        raise CorpusFormatError(f"{where}: stray '{{', '}}' or '|' in sentence text")
    lead = len(plain) - len(plain.lstrip())
    plain_stripped = plain.strip()
    spans = {k: (a - lead, b - lead) for k, (a, b) in spans.items()}
    if not plain_stripped:
        raise CorpusFormatError(f"{where}: empty sentence")
    return plain_stripped, spans


def _parse_line(line: str, where: str) -> _Line:
    m = _META.match(line)
    if m:
        meta_kind = m.group(1)
        if meta_kind not in META_KINDS:
            raise CorpusFormatError(f"{where}: unknown meta kind {meta_kind!r}")
        text, spans = _parse_spans(m.group(2), where)
        if spans:
            raise CorpusFormatError(f"{where}: meta lines take no span markup")
        return _Line(0, "meta", text, meta_kind=meta_kind)
    m = _BODY.match(line)
    if not m:
        raise CorpusFormatError(f"{where}: expected 'A|O|R <0-3> | sentence' or 'M <kind> | text'")
    code, strength, rest = m.group(1), int(m.group(2)), m.group(3)
    sentence, _, resolved = rest.partition("|")
    text, spans = _parse_spans(sentence, where)
    resolved = resolved.strip() or None
    label = LABEL_CODES[code]
    if label == "reporter":
        if strength != 0:
            raise CorpusFormatError(f"{where}: reporter sentences have strength 0")
        if spans or resolved:
            raise CorpusFormatError(f"{where}: reporter sentences take no spans")
    elif not (spans.get("source") or spans.get("cue") or resolved):
        raise CorpusFormatError(f"{where}: attributed sentence needs a source, cue or antecedent")
    if label == "on_record" and strength < 2:
        raise CorpusFormatError(f"{where}: on_record sentences have strength 2 or 3")
    if label == "anonymous" and strength > 2:
        raise CorpusFormatError(f"{where}: anonymous sentences have strength at most 2")
    src = spans.get("source")
    if src and text[src[0] : src[1]].lower() in _PRONOUNS and not resolved:
        raise CorpusFormatError(f"{where}: pronoun source needs its antecedent after a second '|'")
    return _Line(0, "body", text, label=label, strength=strength, spans=spans, resolved=resolved)


def _assemble(header: dict[str, str], paragraphs: list[list[_Line]], where: str) -> dict[str, Any]:
    """Join lines into the article text and turn sentence offsets into article offsets."""
    text_parts: list[str] = []
    sentences: list[dict[str, Any]] = []
    cursor = 0
    for p_index, para in enumerate(paragraphs):
        if p_index:
            text_parts.append("\n\n")
            cursor += 2
        for i, line in enumerate(para):
            if i:
                sep = " " if line.kind == "body" and para[i - 1].kind == "body" else "\n"
                text_parts.append(sep)
                cursor += len(sep)
            start = cursor
            text_parts.append(line.text)
            cursor += len(line.text)
            record: dict[str, Any] = {
                "start": start,
                "end": cursor,
                "kind": line.kind,
                "paragraph": p_index,
                "meta_kind": line.meta_kind,
                "label": line.label,
                "strength": line.strength,
                "source": None,
                "source_resolved": line.resolved,
                "cue": None,
                "anonymity_reason": None,
            }
            for key, (a, b) in line.spans.items():
                record[key] = {"start": start + a, "end": start + b, "text": line.text[a:b]}
            sentences.append(record)
    text = "".join(text_parts)
    for record in sentences:
        resolved = record["source_resolved"]
        if resolved and resolved not in text:
            raise CorpusFormatError(f"{where}: antecedent {resolved!r} does not occur in the article text")
    return {**header, "text": text, "sentences": sentences}


def parse_source(content: str, filename: str = "<string>") -> list[dict[str, Any]]:
    """Parse one markup file into gold article dicts (JSON-ready)."""
    articles: list[dict[str, Any]] = []
    header: dict[str, str] | None = None
    header_line = 0
    paragraphs: list[list[_Line]] = []

    def flush() -> None:
        if header is None:
            return
        paras = [p for p in paragraphs if p]
        where = f"{filename}:{header_line} ({header.get('id')})"
        if not any(line.kind == "body" for p in paras for line in p):
            raise CorpusFormatError(f"{where}: article has no body sentences")
        articles.append(_assemble(header, paras, where))

    for lineno, raw in enumerate(content.splitlines(), 1):
        line = raw.rstrip()
        where = f"{filename}:{lineno}"
        m = _HEADER.match(line)
        if m:
            flush()
            header = {k: v.strip() for k, v in _KEYVAL.findall(m.group(1))}
            header_line = lineno
            for key in ("id", "domain", "style"):
                if not header.get(key):
                    raise CorpusFormatError(f"{where}: header needs {key}=")
            if header["domain"] not in DOMAINS:
                raise CorpusFormatError(f"{where}: unknown domain {header['domain']!r}")
            if header["style"] not in STYLES:
                raise CorpusFormatError(f"{where}: unknown style {header['style']!r}")
            paragraphs = [[]]
            continue
        if header is None:
            if line.strip():
                raise CorpusFormatError(f"{where}: text before the first '### id=...' header")
            continue
        if not line.strip():
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        parsed = _parse_line(line.strip(), where)
        parsed.lineno = lineno
        paragraphs[-1].append(parsed)
    flush()
    return articles


def parse_files(paths: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """Parse markup files in order, refusing duplicate article ids."""
    seen: dict[str, str] = {}
    for path in paths:
        for article in parse_source(path.read_text(encoding="utf-8"), str(path)):
            if article["id"] in seen:
                raise CorpusFormatError(
                    f"{path}: duplicate article id {article['id']} (also in {seen[article['id']]})"
                )
            seen[article["id"]] = str(path)
            yield article


def _main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] != "check":
        sys.stderr.write("usage: python -m annotator.corpora.source check FILE...\n")
        return 2
    failed = False
    total_articles = total_body = 0
    for name in argv[1:]:
        try:
            articles = parse_source(Path(name).read_text(encoding="utf-8"), name)
        except (CorpusFormatError, OSError, UnicodeDecodeError) as exc:
            sys.stderr.write(f"error: {exc}\n")
            failed = True
            continue
        body = sum(s["kind"] == "body" for a in articles for s in a["sentences"])
        total_articles += len(articles)
        total_body += body
        sys.stdout.write(f"{name}: {len(articles)} articles, {body} body sentences, ok\n")
    sys.stdout.write(f"total: {total_articles} articles, {total_body} body sentences\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
