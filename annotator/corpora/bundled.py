"""The bundled corpus: compile authored markup into fixed splits, load and validate them."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from annotator.corpora.source import DOMAINS, parse_files
from annotator.errors import CorpusFormatError
from annotator.types import LABEL_NAMES

logger = logging.getLogger(__name__)

SPLITS = ("train", "dev", "calib", "test")
SPLIT_SHARES = {"train": 0.60, "dev": 0.10, "calib": 0.13, "test": 0.17}
SPLITS_FILE = "splits.json"
SPAN_KEYS = ("source", "cue", "anonymity_reason")
NEAR_DUPLICATE_JACCARD = 0.35


def _rank(article_id: str) -> str:
    return hashlib.sha256(article_id.encode()).hexdigest()


def assign_splits(ids: Iterable[str], fixed: dict[str, str] | None = None) -> dict[str, str]:
    """Split article ids by domain prefix and hash; ids already assigned keep their split."""
    fixed = dict(fixed or {})
    by_prefix: dict[str, list[str]] = {}
    for article_id in ids:
        if article_id not in fixed:
            by_prefix.setdefault(article_id.split("-")[0], []).append(article_id)
    for group in by_prefix.values():
        group.sort(key=_rank)
        n = len(group)
        bounds, total = [], 0.0
        for split in SPLITS:
            total += SPLIT_SHARES[split]
            bounds.append((split, round(total * n)))
        start = 0
        for split, stop in bounds:
            for article_id in group[start:stop]:
                fixed[article_id] = split
            start = stop
    return dict(sorted(fixed.items()))


def build_corpus(source_dir: str | Path, out_dir: str | Path) -> dict[str, int]:
    """Compile ``source_dir/*.txt`` into ``out_dir/<split>.jsonl``; returns articles per split."""
    source_dir, out_dir = Path(source_dir), Path(out_dir)
    files = sorted(source_dir.glob("*.txt"))
    if not files:
        raise CorpusFormatError(f"no corpus source files (*.txt) in {source_dir}")
    articles = list(parse_files(files))
    splits_path = out_dir / SPLITS_FILE
    fixed = json.loads(splits_path.read_text()) if splits_path.is_file() else {}
    ids = {a["id"] for a in articles}
    fixed = {k: v for k, v in fixed.items() if k in ids}
    splits = assign_splits(sorted(ids), fixed)
    out_dir.mkdir(parents=True, exist_ok=True)
    splits_path.write_text(json.dumps(splits, indent=1) + "\n")
    counts = {}
    for split in SPLITS:
        chosen = sorted((a for a in articles if splits[a["id"]] == split), key=lambda a: a["id"])
        with open(out_dir / f"{split}.jsonl", "w", encoding="utf-8") as fh:
            for article in chosen:
                fh.write(_compact_line({**article, "split": split}))
        counts[split] = len(chosen)
    return counts


def _compact_line(article: dict[str, Any]) -> str:
    """One JSON line; sentence keys whose value is null are left out to keep files small."""
    sentences = [{k: v for k, v in s.items() if v is not None} for s in article["sentences"]]
    record = {**article, "sentences": sentences}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def load_split(corpus_dir: str | Path, split: str) -> list[dict[str, Any]]:
    """Articles of one split of a compiled corpus."""
    path = Path(corpus_dir) / f"{split}.jsonl"
    if not path.is_file():
        raise CorpusFormatError(f"missing corpus split {path}; run `make data` first")
    articles = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            try:
                articles.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise CorpusFormatError(f"{path}:{lineno}: invalid JSON ({exc.msg})") from None
    return articles


def file_hashes(corpus_dir: str | Path, splits: Sequence[str] = SPLITS) -> dict[str, str]:
    """sha256 of each split file, recorded beside models and reports."""
    return {
        split: hashlib.sha256((Path(corpus_dir) / f"{split}.jsonl").read_bytes()).hexdigest()
        for split in splits
    }


def validate_article(article: dict[str, Any]) -> list[str]:
    """Schema, offset and label errors of one compiled article (empty when valid)."""
    errors: list[str] = []
    aid = article.get("id", "?")
    text = article.get("text")
    if not isinstance(text, str) or not text:
        return [f"{aid}: missing text"]
    if article.get("domain") not in DOMAINS:
        errors.append(f"{aid}: unknown domain {article.get('domain')!r}")
    previous_end = 0
    for i, s in enumerate(article.get("sentences", [])):
        where = f"{aid} sentence {i}"
        start, end = s.get("start"), s.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            errors.append(f"{where}: bad offsets {start}:{end}")
            continue
        if start < previous_end:
            errors.append(f"{where}: overlaps the previous sentence")
        previous_end = end
        if text[start:end] != text[start:end].strip():
            errors.append(f"{where}: sentence has edge whitespace")
        if s.get("kind") == "meta":
            if s.get("label") is not None:
                errors.append(f"{where}: meta sentence with a label")
            continue
        if s.get("kind") != "body":
            errors.append(f"{where}: kind must be body or meta")
        if s.get("label") not in LABEL_NAMES:
            errors.append(f"{where}: bad label {s.get('label')!r}")
        if s.get("strength") not in (0, 1, 2, 3):
            errors.append(f"{where}: bad strength {s.get('strength')!r}")
        for key in SPAN_KEYS:
            span = s.get(key)
            if span is None:
                continue
            a, b = span.get("start"), span.get("end")
            if not (isinstance(a, int) and isinstance(b, int) and start <= a < b <= end):
                errors.append(f"{where}: {key} span {a}:{b} outside its sentence")
            elif text[a:b] != span.get("text"):
                errors.append(f"{where}: {key} span text does not match text[{a}:{b}]")
    return errors


_TOKEN = re.compile(r"\w+")


def _shingles(text: str, n: int = 5) -> set[int]:
    words = _TOKEN.findall(text.lower())
    return {hash(tuple(words[i : i + n])) for i in range(max(1, len(words) - n + 1))}


def near_duplicates(
    articles: Sequence[dict[str, Any]], threshold: float = NEAR_DUPLICATE_JACCARD
) -> list[tuple[str, str, float]]:
    """Pairs of articles whose word 5-gram Jaccard similarity reaches ``threshold``."""
    sets = [(a["id"], _shingles(a["text"])) for a in articles]
    index: dict[int, list[int]] = {}
    for i, (_, shingles) in enumerate(sets):
        for sh in shingles:
            index.setdefault(sh, []).append(i)
    overlaps: dict[tuple[int, int], int] = {}
    for members in index.values():
        if len(members) > 50:  # boilerplate n-grams shared by many pages
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                key = (members[x], members[y])
                overlaps[key] = overlaps.get(key, 0) + 1
    pairs = []
    for (i, j), inter in overlaps.items():
        union = len(sets[i][1]) + len(sets[j][1]) - inter
        score = inter / union if union else 0.0
        if score >= threshold:
            pairs.append((sets[i][0], sets[j][0], round(score, 3)))
    return sorted(pairs, key=lambda p: -p[2])
