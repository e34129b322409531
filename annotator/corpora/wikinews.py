"""Wikinews (CC BY 2.5): choose articles for annotation by a seeded rule and draft them.

``../shared/wikinews/articles.jsonl`` holds 5,721 real Wikinews articles. The
project annotates a fixed selection of them in the corpus markup
(``data/source/FORMAT.md``) under ``data/wikinews/source/``. This module owns:

- :func:`select`: the documented, seeded choice of articles. Every article with
  anonymous-source wording whose title reads as news, then a seeded random
  sample of the articles with attributions ("said", "according to", ...), then a
  few with none, from both origins (``tosca`` 2004-2018, ``vanatteveldt`` 2019-2021);
- :func:`draft`: the article segmented by the pipeline's own segmenter into one
  line a sentence, ``? | sentence``, for an annotator to label. The text is kept as
  it stands except for the cleaning :func:`clean` documents.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from annotator.errors import CorpusFormatError
from annotator.segment import segment
from annotator.types import Kind

SEED = 16
N_ATTRIBUTED = {"tosca": 170, "vanatteveldt": 45}
N_UNATTRIBUTED = {"tosca": 16, "vanatteveldt": 6}
MIN_BODY, MAX_BODY = 6, 45  # body sentences: a short brief or a long feature is not typical news

ANONYMOUS_WORDING = re.compile(
    r"\b(on (the )?condition of anonymity|(officials|sources|aides|diplomats) (said|say|told)|"
    r"(a|an|one|two|three) (senior |unnamed |anonymous )?(\w+ )?(officials?|sources?|diplomats?|aides?) "
    r"(said|say|says|told)|familiar with the (matter|talks|plans|investigation|situation|negotiations)|"
    r"unnamed (source|official)s?|anonymous (source|official)s?|speaking anonymously|"
    r"not authori[sz]ed to (speak|discuss|comment)|who asked not to be (named|identified)|"
    r"declined to be (named|identified))",
    re.IGNORECASE,
)
ATTRIBUTION_WORDING = re.compile(r"\b(said|says|told|according to|stated|announced)\b", re.IGNORECASE)
# interviews, digests and quizzes are not news reports
NOT_NEWS_TITLE = re.compile(r"interview|business brief|wikinews shorts|news briefs|quiz|obituar", re.I)
# the corpus markup reserves these characters
_RESERVED = str.maketrans({"{": "(", "}": ")", "|": "/"})


@dataclass(frozen=True)
class WikinewsArticle:
    """One article of ``articles.jsonl``."""

    id: str
    title: str
    date: str | None
    url: str | None
    origin: str
    text: str


def read_articles(path: str | Path) -> list[WikinewsArticle]:
    """Read ``articles.jsonl`` (the file, or the folder that holds it)."""
    path = Path(path)
    if path.is_dir():
        path = path / "articles.jsonl"
    if not path.is_file():
        raise CorpusFormatError(f"no Wikinews articles at {path} (expected articles.jsonl)")
    out = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            try:
                row = json.loads(line)
                out.append(WikinewsArticle(**{k: row.get(k) for k in WikinewsArticle.__dataclass_fields__}))
            except (json.JSONDecodeError, TypeError) as exc:
                raise CorpusFormatError(f"{path}:{lineno}: not a Wikinews article record ({exc})") from None
    return out


def clean(text: str) -> str:
    """The only change made to the text: the markup's reserved characters ``{ } |``
    become ``( ) /``, and trailing spaces are dropped from each line."""
    return "\n".join(line.rstrip() for line in text.translate(_RESERVED).split("\n")).strip()


def body_count(text: str) -> int:
    """Body sentences the pipeline's segmenter finds in ``text``."""
    return sum(s.kind is Kind.BODY for s in segment(text))


def select(articles: Iterable[WikinewsArticle], seed: int = SEED) -> list[WikinewsArticle]:
    """The articles to annotate, in a fixed order (see the module docstring).

    Articles are first filtered to news (title) of ``MIN_BODY``..``MAX_BODY`` body
    sentences; every one with anonymous wording is taken; the attributed and
    unattributed samples are drawn per origin with ``random.Random(seed)`` from
    the remaining articles sorted by id.
    """
    pool = sorted(
        (a for a in articles if not NOT_NEWS_TITLE.search(a.title)),
        key=lambda a: a.id,
    )
    pool = [a for a in pool if MIN_BODY <= body_count(clean(a.text)) <= MAX_BODY]
    rng = random.Random(seed)
    chosen = [a for a in pool if ANONYMOUS_WORDING.search(a.text)]
    for origin in sorted(N_ATTRIBUTED):
        rest = [a for a in pool if a.origin == origin and not ANONYMOUS_WORDING.search(a.text)]
        attributed = [a for a in rest if ATTRIBUTION_WORDING.search(a.text)]
        plain = [a for a in rest if not ATTRIBUTION_WORDING.search(a.text)]
        chosen += rng.sample(attributed, min(N_ATTRIBUTED[origin], len(attributed)))
        chosen += rng.sample(plain, min(N_UNATTRIBUTED[origin], len(plain)))
    return chosen


EXTENSION_SEED = 17


US_POLITICS_SEED = 18
US_POLITICS_MIN_BODY = 15
# US political news, the kind of reporting PolNeAR (2016 US politics) holds
US_POLITICS = re.compile(
    r"\b(Congress|Senate|Senator|Sen\.|House of Representatives|Republicans?|Democrats?|"
    r"White House|GOP|presidential (campaign|candidate|election|primary))\b"
)


def select_more(
    articles: Iterable[WikinewsArticle],
    taken: Iterable[str],
    n: int,
    seed: int = EXTENSION_SEED,
    topic: re.Pattern[str] | None = None,
    min_body: int = MIN_BODY,
) -> list[WikinewsArticle]:
    """A further draw of ``n`` articles for training: a seeded random sample (``seed``)
    of the news articles with attribution wording (and ``topic`` wording, if given) of
    ``min_body``..``MAX_BODY`` body sentences that are not in ``taken``; in a fixed order."""
    taken = set(taken)
    pool = sorted(
        (a for a in articles if a.id not in taken and not NOT_NEWS_TITLE.search(a.title)),
        key=lambda a: a.id,
    )
    pool = [a for a in pool if ATTRIBUTION_WORDING.search(a.text) and (topic is None or topic.search(a.text))]
    rng = random.Random(seed)
    chosen: list[WikinewsArticle] = []
    for article in rng.sample(pool, len(pool)):  # a seeded order; lengths checked lazily (segmenting is slow)
        if len(chosen) == n:
            break
        if min_body <= body_count(clean(article.text)) <= MAX_BODY:
            chosen.append(article)
    return chosen


def draft(article: WikinewsArticle) -> str:
    """The article as unlabelled markup: a header, then ``? | sentence`` and
    ``M? kind | line`` lines as the segmenter splits it, paragraphs blank-separated."""
    text = clean(article.text)
    lines = [f"### id={article.id} domain=? style=wiki country=?"]
    lines.append(f"M headline | {article.title.translate(_RESERVED)}")
    paragraph = None
    for seg in segment(text):
        if paragraph is not None and seg.paragraph != paragraph:
            lines.append("")
        paragraph = seg.paragraph
        content = " ".join(text[seg.start : seg.end].split())
        if seg.kind is Kind.META:
            lines.append(f"M? {seg.meta_kind} | {content}")
        else:
            lines.append(f"? | {content}")
    return "\n".join(lines) + "\n"


def drafts(articles: Iterable[WikinewsArticle]) -> Iterator[tuple[str, str]]:
    """``(id, draft)`` for each article."""
    for article in articles:
        yield article.id, draft(article)


BATCH = 10  # articles a draft file
SECOND_SHARE = 0.15


def second_labelled(ids: Iterable[str], share: float = SECOND_SHARE) -> list[str]:
    """The ids labelled a second time, independently: the ``share`` of ids whose
    SHA-256 comes first (a fixed choice that does not depend on the order)."""
    ranked = sorted(ids, key=lambda i: hashlib.sha256(i.encode()).hexdigest())
    return sorted(ranked[: round(share * len(ranked))])


_LINE = re.compile(r"^(?:\?|M\??\s+\w+|[AOR]\s*[0-3])\s*\|(.*)$")
_MARKUP = re.compile(r"\{[scr]:([^{}]*)\}")


def article_words(markup: str) -> dict[str, list[str]]:
    """Each article's words in order, from a draft or an annotated file: labels,
    span markup and antecedents left out (what "never change the words" compares)."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in markup.splitlines():
        if line.startswith("### "):
            m = re.search(r"\bid=(\S+)", line)
            current = out.setdefault(m.group(1) if m else line, [])
            continue
        m = _LINE.match(line.strip())
        if m and current is not None:
            sentence = m.group(1).split("|")[0]
            current.extend(_MARKUP.sub(r"\1", sentence).split())
    return out


def verify_batch(draft_path: str | Path, annotated_path: str | Path) -> None:
    """Raise :class:`CorpusFormatError` naming the first article whose words differ
    between a draft and its annotated version (or that is missing from either)."""
    draft_words = article_words(Path(draft_path).read_text(encoding="utf-8"))
    done_words = article_words(Path(annotated_path).read_text(encoding="utf-8"))
    if set(draft_words) != set(done_words):
        raise CorpusFormatError(f"articles differ: {sorted(set(draft_words) ^ set(done_words))}")
    for article_id, words in draft_words.items():
        other = done_words[article_id]
        if words != other:
            k = next((i for i, (a, b) in enumerate(zip(words, other, strict=False)) if a != b), None)
            k = min(len(words), len(other)) if k is None else k
            raise CorpusFormatError(
                f"{article_id}: words differ at word {k}: draft {' '.join(words[max(0, k - 5) : k + 5])!r} "
                f"vs annotated {' '.join(other[max(0, k - 5) : k + 5])!r}"
            )


PUBLIC_DOMAIN_BEFORE = "2005-09-25"  # Wikinews articles published earlier are in the public domain


def notice_table(articles: Iterable[WikinewsArticle], ids: Iterable[str]) -> tuple[str, int]:
    """The attribution table of ``NOTICE.md`` (id, title, date, URL) for ``ids``, sorted by
    id, and how many of them are in the public domain."""
    by_id = {a.id: a for a in articles}
    chosen = [by_id[i] for i in sorted(ids)]
    rows = ["| id | title | date | URL |", "|---|---|---|---|"]
    for a in chosen:
        title = a.title.replace("|", "/")
        rows.append(f"| {a.id} | {title} | {a.date or 'unknown'} | {a.url or ''} |")
    public = sum(bool(a.date) and a.date < PUBLIC_DOMAIN_BEFORE for a in chosen)
    return "\n".join(rows) + "\n", public


RESERVE = "reserve"
"""Labelled and checked batches held out of the corpus (``data/wikinews/reserve/``): the
fifth and sixth draws, which did not help at the training budget (data card)."""

MINIMUMS = (400, 7000, 80)
"""Articles, body sentences and test articles the Wikinews corpus must have (issue 16)."""


def check_wikinews(root: str | Path) -> list[str]:
    """Problems of the Wikinews corpus under ``root`` (``data/wikinews``): the compiled
    splits as for the bundled corpus (schema, offsets, splits, staleness, near-duplicates,
    :data:`MINIMUMS`), every annotated batch of ``source/`` and ``reserve/`` against its
    draft (no word changed), and reserve articles that are also in the corpus."""
    from annotator.corpora.check import check_corpus
    from annotator.corpora.source import parse_files

    root = Path(root)
    problems, splits = check_corpus(root / "source", root / "corpus", MINIMUMS)
    for folder in ("source", RESERVE):
        for done in sorted((root / folder).glob("batch-*.txt")):
            try:
                verify_batch(root / "drafts" / done.name, done)
            except (CorpusFormatError, OSError) as exc:
                problems.append(f"{folder}/{done.name}: {exc}")
    try:
        reserve = {a["id"] for a in parse_files(sorted((root / RESERVE).glob("batch-*.txt")))}
    except CorpusFormatError as exc:
        return [*problems, f"{RESERVE}: {exc}"]
    corpus = {a["id"] for articles in splits.values() for a in articles}
    problems += [f"{RESERVE}: {i} is also in the corpus" for i in sorted(reserve & corpus)]
    return problems
