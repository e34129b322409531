"""``annotator report``: the picture of a whole corpus run.

Reads the JSONL a corpus run wrote (``annotator annotate --input … --output out.jsonl``),
optionally joined by ``id`` with the input records' metadata (outlet, section, date …),
and aggregates: label shares overall and by any metadata field (a date binned by month or
week), each with a 95% interval from a bootstrap over articles (sentences of one article
are not independent); the lead anonymous share; the most frequent named and unnamed
sources and anonymity reasons; the distribution of sourcing scores; the articles with the
most anonymous sourcing. Charts are inline SVG (matplotlib, no network); the page is
rendered by ``annotator.render.render_report``.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from annotator.errors import InputError
from annotator.types import LABEL_NAMES

N_BOOT = 500
TOP = 15


@dataclass(frozen=True)
class Share:
    """Label shares of a group of articles, with bootstrap 95% intervals."""

    group: str
    articles: int
    sentences: int
    shares: dict[str, float]
    intervals: dict[str, tuple[float, float]]


@dataclass
class CorpusReport:
    """Everything the dashboard shows."""

    articles: int
    errors: int
    overall: Share
    by: dict[str, list[Share]] = field(default_factory=dict)
    lead_anonymous_share: float | None = None
    named_sources: list[tuple[str, int]] = field(default_factory=list)
    unnamed_sources: list[tuple[str, int]] = field(default_factory=list)
    reasons: list[tuple[str, int]] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    most_anonymous: list[dict[str, Any]] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)


def read_records(path: str | Path, meta_path: str | Path | None = None) -> tuple[list[dict[str, Any]], int]:
    """The articles of a corpus run (error rows counted, not kept), each with the
    metadata of its input record (``meta_path``, joined by ``id``) under ``meta``."""
    meta: dict[str, dict[str, Any]] = {}
    if meta_path is not None:
        for record in _jsonl(meta_path):
            if "id" in record:
                meta[str(record["id"])] = {k: v for k, v in record.items() if k not in ("id", "text")}
    articles, errors = [], 0
    for record in _jsonl(path):
        if "error" in record or "sentences" not in record:
            errors += 1
            continue
        record["meta"] = {**meta.get(str(record.get("id")), {}), **(record.get("meta") or {})}
        articles.append(record)
    if not articles:
        raise InputError(f"{path}: no annotated articles (a JSONL written by `annotator annotate --input`)")
    return articles, errors


def _jsonl(path: str | Path) -> Iterable[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError:
                        raise InputError(f"{path}:{lineno}: not valid JSON") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror}") from None


def group_key(article: dict[str, Any], by: str) -> str | None:
    """The article's value of ``by``: a metadata field, or ``month`` / ``week`` of its
    ``date`` (ISO ``YYYY-MM-DD``, or longer)."""
    meta = article.get("meta") or {}
    if by in ("month", "week"):
        raw = str(meta.get("date") or "")[:10]
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            return None
        if by == "month":
            return f"{day.year}-{day.month:02d}"
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    value = meta.get(by)
    return None if value is None else str(value)


def share(group: str, articles: Sequence[dict[str, Any]], rng: np.random.Generator) -> Share:
    """Label shares over the body sentences of ``articles`` and their bootstrap interval."""
    counts = np.array(
        [[a["profile"]["counts"].get(k, 0) for k in LABEL_NAMES] for a in articles], dtype=float
    )
    totals = counts.sum(0)
    n = totals.sum()
    shares = {k: float(totals[i] / n) if n else 0.0 for i, k in enumerate(LABEL_NAMES)}
    boots = []
    for _ in range(N_BOOT):
        pick = counts[rng.integers(0, len(articles), len(articles))].sum(0)
        boots.append(pick / pick.sum() if pick.sum() else pick)
    b = np.array(boots)
    intervals = {
        k: (float(np.quantile(b[:, i], 0.025)), float(np.quantile(b[:, i], 0.975)))
        for i, k in enumerate(LABEL_NAMES)
    }
    return Share(group, len(articles), int(n), shares, intervals)


def build_report(
    articles: Sequence[dict[str, Any]], errors: int = 0, by: Sequence[str] = (), seed: int = 0
) -> CorpusReport:
    """Aggregate a corpus run (see the module docstring)."""
    rng = np.random.default_rng(seed)
    report = CorpusReport(len(articles), errors, share("all articles", articles, rng))
    for field_name in by:
        groups: dict[str, list[dict[str, Any]]] = {}
        for a in articles:
            key = group_key(a, field_name)
            if key is not None:
                groups.setdefault(key, []).append(a)
        report.by[field_name] = [share(k, v, rng) for k, v in sorted(groups.items())]
    leads = [
        a["profile"]["lead_anonymous_share"]
        for a in articles
        if a["profile"].get("lead_anonymous_share") is not None
    ]
    report.lead_anonymous_share = float(np.mean(leads)) if leads else None
    for key, target in (
        ("on_record_sources", "named_sources"),
        ("anonymous_sources", "unnamed_sources"),
        ("anonymity_reasons", "reasons"),
    ):
        counter = Counter(x for a in articles for x in a["profile"].get(key, []))
        setattr(report, target, counter.most_common(TOP))
    report.scores = [s["score"] for a in articles for s in a["sentences"] if s.get("score") is not None]
    ranked = sorted(articles, key=lambda a: (-a["profile"]["shares"].get("anonymous", 0.0), str(a.get("id"))))
    report.most_anonymous = [
        {
            "id": str(a.get("id")),
            "title": next((s["text"] for s in a["sentences"] if s.get("meta_kind") == "headline"), None),
            "share": a["profile"]["shares"].get("anonymous", 0.0),
            "n_body": a["profile"]["n_body"],
        }
        for a in ranked[:TOP]
    ]
    report.charts = charts(report)
    return report


def charts(report: CorpusReport) -> dict[str, str]:
    """Inline SVG charts: anonymous share by each grouping (with intervals) and the scores."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.fonttype"] = "path"  # text as shapes: nothing from the data is markup
    out = {}
    for name, shares in report.by.items():
        if not shares:
            continue
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(shares) + 1.2))
        y = np.arange(len(shares))
        values = [s.shares["anonymous"] for s in shares]
        lo = [v - s.intervals["anonymous"][0] for v, s in zip(values, shares, strict=True)]
        hi = [s.intervals["anonymous"][1] - v for v, s in zip(values, shares, strict=True)]
        ax.barh(y, values, xerr=[lo, hi], color="#f59e0b", ecolor="#78350f", capsize=3)
        ax.set_yticks(y, [s.group[:40] for s in shares])
        ax.set_xlabel("share of body sentences on anonymous sources (95% interval)")
        ax.set_xlim(0, 1)
        ax.invert_yaxis()
        fig.tight_layout()
        out[f"by_{name}"] = _svg(fig)
    if report.scores:
        fig, ax = plt.subplots(figsize=(7, 2.6))
        ax.hist(report.scores, bins=20, range=(0, 1), color="#2563eb")
        ax.set_xlabel("sourcing score (calibrated probability of strength >= 2)")
        ax.set_ylabel("sentences")
        fig.tight_layout()
        out["scores"] = _svg(fig)
    return out


def _svg(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    fig.savefig(buffer, format="svg")
    plt.close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def write_csv(report: CorpusReport, directory: str | Path) -> list[Path]:
    """The aggregate tables as CSV: shares overall and by each grouping."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, shares in {"overall": [report.overall], **{f"by_{k}": v for k, v in report.by.items()}}.items():
        path = directory / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh)
            w.writerow(
                [
                    "group",
                    "articles",
                    "sentences",
                    *(f"{k}{s}" for k in LABEL_NAMES for s in ("", "_lo", "_hi")),
                ]
            )
            for s in shares:
                w.writerow([s.group, s.articles, s.sentences,
                            *(round(x, 4) for k in LABEL_NAMES for x in (s.shares[k], *s.intervals[k]))])  # fmt: skip
        written.append(path)
    return written
