"""Finding attribution cues in text: reporting verbs with their stance, anonymity
reasons and unnamed-source phrases, weasel phrases, and cues that report an act."""

from __future__ import annotations

import re
from collections.abc import Iterable

from annotator.sourcing.lexicon import (
    ANONYMITY_PHRASES,
    ANONYMITY_REASON_PHRASES,
    AUXILIARIES,
    NON_CLAIM_CUES,
    REPORTING_VERBS,
    WEASEL_PHRASES,
)


def is_non_claim_cue(cue: str) -> bool:
    """Whether a cue only reports an act ("has endorsed", "voted for") or an appearance
    ("seemed"), so the words around it are the reporter's, not a cited claim."""
    words = [w for w in re.findall(r"[a-z]+", cue.lower()) if w not in AUXILIARIES]
    words = [w for w in words if w not in {"for", "against", "on", "by"}]
    return bool(words) and all(w in NON_CLAIM_CUES for w in words)


def _phrase_pattern(phrases: Iterable[str]) -> re.Pattern[str]:
    alts = sorted(set(phrases), key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w).replace("'", "['’]") for w in p.split()) for p in alts)
    return re.compile(rf"(?<![\w'’-])(?:{body})(?![\w'’-])", re.IGNORECASE)


_CUE_RE = _phrase_pattern(REPORTING_VERBS)
_REASON_RE = _phrase_pattern(ANONYMITY_REASON_PHRASES)
_ANON_RE = _phrase_pattern(ANONYMITY_PHRASES)
WEASEL_PATTERN = _phrase_pattern(WEASEL_PHRASES)
_CLAUSE_END = re.compile(r"[,;:.!?)—–\"“”]")


def find_cues(sentence: str) -> list[tuple[int, int, str]]:
    """Character spans of reporting cues in ``sentence`` with their stance
    (whole words, case-insensitive, longest match first, non-overlapping)."""
    out = []
    for m in _CUE_RE.finditer(sentence):
        key = " ".join(m.group(0).lower().replace("’", "'").split())
        out.append((m.start(), m.end(), REPORTING_VERBS[key]))
    return out


def find_anonymity_phrases(sentence: str) -> list[tuple[int, int]]:
    """Spans of anonymity phrases (reasons and unnamed-source descriptions)."""
    return [(m.start(), m.end()) for m in _ANON_RE.finditer(sentence)]


def find_weasels(sentence: str) -> list[tuple[int, int]]:
    """Spans of weasel phrases ("critics say", "it is believed", "reportedly")."""
    return [(m.start(), m.end()) for m in WEASEL_PATTERN.finditer(sentence)]


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


def cue_stance(cue: str | None) -> str:
    """Stance of a reporting cue ("said" neutral, "claimed" doubt, ...), or "none"."""
    if not cue:
        return "none"
    low = " ".join(cue.lower().split())
    if low in REPORTING_VERBS:
        return REPORTING_VERBS[low]
    found = find_cues(low)
    return found[0][2] if found else "neutral"
