"""Corpus statistics for the data card: labels, strengths, domains, styles and constructions.

Construction counts are found by rules over the gold annotation (cue words,
span positions, source types), so the card's numbers are generated, never typed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from annotator.sourcing import quotes
from annotator.sourcing.cues import cue_stance
from annotator.sourcing.lexicon import NATIONALITIES, PLACES
from annotator.sourcing.sources import SourceType, classify_source, count_sources

_HEDGE = re.compile(
    r"\b(is|are|was|were) (expected|likely|set|poised|due) to\b|\b(appears?|seems?) to\b", re.I
)


def _sentences(articles: Sequence[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(sentence text, gold record) for every body sentence."""
    return [
        (a["text"][s["start"] : s["end"]], s) for a in articles for s in a["sentences"] if s["kind"] == "body"
    ]


def _cue(s: dict[str, Any]) -> str:
    return (s.get("cue") or {}).get("text", "").lower()


def _src(s: dict[str, Any]) -> str:
    return (s.get("source") or {}).get("text", "")


def _attributed(s: dict[str, Any]) -> bool:
    return s.get("label") in ("anonymous", "on_record")


def _said_before(text: str, s: dict[str, Any]) -> bool:
    cue = s.get("cue")
    return bool(cue) and _cue(s) in ("said", "says", "say") and cue["end"] - s["start"] < len(text) * 0.5


def _said_after(text: str, s: dict[str, Any]) -> bool:
    cue = s.get("cue")
    return bool(cue) and _cue(s) in ("said", "says", "say") and cue["start"] - s["start"] > len(text) * 0.5


def _speaker_after_quote(text: str, s: dict[str, Any]) -> bool:
    src = s.get("source")
    return bool(src) and text[:1] in '“"' and src["start"] - s["start"] > 10 and _attributed(s)


def _pronoun_to(kind: str) -> Callable[[str, dict[str, Any]], bool]:
    def check(text: str, s: dict[str, Any]) -> bool:
        if not s.get("source") or classify_source(_src(s)) is not SourceType.PRONOUN:
            return False
        return s.get("label") == kind and bool(s.get("source_resolved"))

    return check


def _unnamed_from_named_org(text: str, s: dict[str, Any]) -> bool:
    """ "a Pentagon official", "an executive at Siemens": unnamed person, named employer."""
    if s.get("label") != "anonymous":
        return False
    words = re.findall(r"[\w.’'-]+", _src(s))
    named = [w for w in words[1:] if w[:1].isupper() and w.lower().strip(".") not in NATIONALITIES | PLACES]
    return bool(named)


CONSTRUCTIONS: dict[str, Callable[[str, dict[str, Any]], bool]] = {
    "said before the claim": _said_before,
    "said after the claim": _said_after,
    "according to": lambda t, s: "according to" in _cue(s),
    "told (reporters, a newspaper)": lambda t, s: _cue(s).startswith(("told", "tells")),
    "in a statement": lambda t, s: "statement" in t.lower() and _attributed(s),
    "wrote / posted / tweeted": lambda t, s: bool(
        re.search(r"\b(wrote|writes|posted|tweeted|posts)\b", _cue(s))
    ),
    "declined to comment / did not respond": lambda t, s: (
        bool(
            re.search(
                r"declin|did not (respond|return|reply)|refused to comment|no comment|not respond", t.lower()
            )
        )
        and _attributed(s)
    ),
    "colon lead-in": lambda t, s: bool(re.search(r":\s*[“\"]", t)) and _attributed(s),
    "dash attribution": lambda t, s: (
        bool(re.search(r"[—–]", t))
        and bool(s.get("cue"))
        and bool(re.search(r"[—–][^—–]*" + re.escape(_cue(s)) + r"[^—–]*[—–]?", t.lower()))
    ),
    "multi-sentence quote (speaker in another sentence)": lambda t, s: (
        _attributed(s) and not s.get("source") and bool(s.get("source_resolved")) and quotes.has_mark(t)
    ),
    "speaker named after the quote": _speaker_after_quote,
    "pronoun/description continuation → named source": _pronoun_to("on_record"),
    "pronoun/description continuation → unnamed source": _pronoun_to("anonymous"),
    "internal state (believe, fear, hope, expect)": lambda t, s: (
        cue_stance(_cue(s)) == "belief" or bool(re.search(r"\b(believe|fear|hope|expect|worr)", _cue(s)))
    ),
    "hedged reporter voice": lambda t, s: s.get("label") == "reporter" and bool(_HEDGE.search(t)),
    "weasel attribution (strength 0)": lambda t, s: s.get("label") == "anonymous" and s.get("strength") == 0,
    "document (records, report, emails, survey)": lambda t, s: (
        bool(s.get("source"))
        and bool(
            re.search(
                r"record|report|document|email|memo|filing|survey|poll|study|data|letter|transcript",
                _src(s).lower(),
            )
        )
    ),
    "anonymity reason": lambda t, s: bool(s.get("anonymity_reason")),
    "corroboration count (two or more unnamed sources)": lambda t, s: (
        s.get("label") == "anonymous"
        and bool(s.get("source"))
        and bool(re.match(r"(two|three|four|five|six|several|multiple|\d+)\b", _src(s).lower()))
    ),
    "named organisation speaking": lambda t, s: (
        s.get("label") == "on_record"
        and bool(s.get("source"))
        and classify_source(_src(s)) is SourceType.NAMED_BODY
    ),
    "unnamed person from a named organisation": _unnamed_from_named_org,
    "reported speech without quotes": lambda t, s: (
        _attributed(s) and not quotes.has_mark(t) and bool(s.get("cue"))
    ),
    "mixed sentence citing unnamed sources": lambda t, s: (
        "citing" in t.lower() and s.get("label") == "anonymous"
    ),
}


def corpus_stats(splits: dict[str, Sequence[dict[str, Any]]]) -> dict[str, Any]:
    """Counts for the data card, from compiled split files."""
    articles = [a for arts in splits.values() for a in arts]
    body = _sentences(articles)
    meta = Counter(s.get("meta_kind") for a in articles for s in a["sentences"] if s["kind"] == "meta")
    per_article = [sum(s["kind"] == "body" for s in a["sentences"]) for a in articles]
    label_counts = Counter(s["label"] for _, s in body)
    share_rep = [
        sum(s.get("label") == "reporter" for s in a["sentences"] if s["kind"] == "body") / n
        for a, n in zip(articles, per_article, strict=True)
        if n
    ]
    anon_share = [
        sum(s.get("label") == "anonymous" for s in a["sentences"] if s["kind"] == "body") / n
        for a, n in zip(articles, per_article, strict=True)
        if n
    ]
    return {
        "articles": len(articles),
        "body_sentences": len(body),
        "meta_lines": sum(meta.values()),
        "splits": {k: {"articles": len(v), "body_sentences": len(_sentences(v))} for k, v in splits.items()},
        "body_sentences_per_article": {
            "min": min(per_article),
            "mean": round(sum(per_article) / len(per_article), 1),
            "max": max(per_article),
        },
        "labels": dict(sorted(label_counts.items())),
        "label_strength": dict(sorted(Counter(f"{s['label']} {s['strength']}" for _, s in body).items())),
        "well_sourced_share": round(sum((s.get("strength") or 0) >= 2 for _, s in body) / len(body), 3),
        "articles_without_anonymous": sum(x == 0 for x in anon_share),
        "articles_mostly_anonymous": sum(x >= 0.5 for x in anon_share),
        "reporter_share_mean": round(sum(share_rep) / len(share_rep), 3),
        "domains": dict(sorted(Counter(a["domain"] for a in articles).items())),
        "styles": dict(sorted(Counter(a["style"] for a in articles).items())),
        "countries": len({a.get("country") for a in articles}),
        "meta_kinds": dict(sorted(meta.items())),
        "constructions": {name: sum(rule(t, s) for t, s in body) for name, rule in CONSTRUCTIONS.items()},
        "sources_counted": sum(count_sources(_src(s)) for _, s in body if s.get("source")),
    }


def stats_markdown(stats: dict[str, Any]) -> str:
    """The generated part of the data card."""

    def table(title: str, data: dict[str, Any]) -> str:
        rows = "\n".join(f"| {k} | {v} |" for k, v in data.items())
        return f"| {title} | count |\n|---|---|\n{rows}\n"

    spa = stats["body_sentences_per_article"]
    agreement = ""
    if "agreement" in stats:
        ag = stats["agreement"]
        agreement = (
            f"- **Agreement** (independent second labelling of {ag['articles']} articles, {ag['sentences']} "
            f"body sentences, before adjudication): Cohen's kappa {ag['label_kappa']:.3f} for the label "
            f"({ag['label_agreement']:.1%} raw agreement), {ag['well_sourced_kappa']:.3f} for strength ≥ 2; "
            f"{ag['disagreements']} disagreements were adjudicated (data/agreement/adjudication.tsv); "
            f"{ag['remaining_disagreements']} sentences still differ from the second labels, where the "
            "adjudicator upheld the first label."
        )
    lines = [
        f"- **{stats['articles']} articles, {stats['body_sentences']} body sentences, "
        f"{stats['meta_lines']} meta lines**; {spa['min']}–{spa['max']} body sentences per article "
        f"(mean {spa['mean']}); {stats['countries']} countries.",
        f"- Mean share of reporter-voice sentences per article: {stats['reporter_share_mean']:.0%}; "
        f"{stats['articles_without_anonymous']} articles have no anonymous sentence, "
        f"{stats['articles_mostly_anonymous']} are at least half anonymous.",
        f"- Well sourced (strength ≥ 2): {stats['well_sourced_share']:.1%} of body sentences.",
        agreement,
        "",
        table(
            "split",
            {
                k: f"{v['articles']} articles, {v['body_sentences']} sentences"
                for k, v in stats["splits"].items()
            },
        ),
        table("label", stats["labels"]),
        table("label and strength", stats["label_strength"]),
        table("domain", stats["domains"]),
        table("style", stats["styles"]),
        table("meta kind", stats["meta_kinds"]),
        table("construction (found by rule)", stats["constructions"]),
    ]
    return "\n".join(lines)
