"""Where researchers correct the output: Label Studio tasks and brat standoff, and back.

:func:`to_label_studio` turns an annotated article into a Label Studio task whose
``predictions`` pre-annotate every sentence (its label, a strength guess, its meta kind
and antecedent as per-region fields) and the source, cue and anonymity-reason spans.
:data:`LABEL_CONFIG` is the labelling interface those tasks are made for. After people
correct them, :func:`from_label_studio` turns an exported task back into an article
record of the corpus format (``data/corpus/*.jsonl``), so corrected articles can join
the training data. :func:`to_brat` writes the same annotation as brat standoff.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from annotator.errors import InputError
from annotator.types import SPAN_TYPES, AnnotatedArticle, AnnotatedSentence, Kind

SENTENCE, SPAN, STRENGTH, META_KIND, ANTECEDENT = "sentence", "span", "strength", "meta_kind", "antecedent"
META = "meta"
SENTENCE_LABELS = ("anonymous", "on_record", "reporter", META)
META_KINDS = (
    "headline",
    "subheadline",
    "section",
    "byline",
    "date",
    "caption",
    "credit",
    "boilerplate",
    "other",
)

LABEL_CONFIG = f"""<View>
  <Labels name="{SENTENCE}" toName="text">
    {"".join(f'<Label value="{v}"/>' for v in SENTENCE_LABELS)}
  </Labels>
  <Labels name="{SPAN}" toName="text">
    {"".join(f'<Label value="{v}"/>' for v in SPAN_TYPES)}
  </Labels>
  <Text name="text" value="$text"/>
  <Choices name="{STRENGTH}" toName="text" perRegion="true">
    {"".join(f'<Choice value="{v}"/>' for v in "0123")}
  </Choices>
  <Choices name="{META_KIND}" toName="text" perRegion="true">
    {"".join(f'<Choice value="{v}"/>' for v in META_KINDS)}
  </Choices>
  <TextArea name="{ANTECEDENT}" toName="text" perRegion="true"/>
</View>
"""
"""The Label Studio labelling interface for :func:`to_label_studio` tasks."""


def _region(rid: str, name: str, kind: str, start: int, end: int, text: str, value: Any) -> dict[str, Any]:
    key = {"labels": "labels", "choices": "choices", "textarea": "text"}[kind]
    return {
        "id": rid,
        "from_name": name,
        "to_name": "text",
        "type": kind,
        "value": {"start": start, "end": end, "text": text, key: value},
    }


def strength_guess(sentence: AnnotatedSentence) -> int:
    """A pre-annotation's strength, for the corrector to confirm: 0 for the reporter's
    voice; otherwise 2 when the calibrated score says well sourced, else 1 (anonymous) or
    2 (on the record: the guideline's floor for a named source)."""
    label = sentence.label.value if sentence.label else "reporter"
    if label == "reporter":
        return 0
    if sentence.score is not None and sentence.score >= 0.5:
        return 2
    return 1 if label == "anonymous" else 2


def _sentence_regions(k: int, s: AnnotatedSentence) -> list[dict[str, Any]]:
    rid = f"s{k}"
    if s.kind is Kind.META:
        return [
            _region(rid, SENTENCE, "labels", s.start, s.end, s.text, [META]),
            _region(rid, META_KIND, "choices", s.start, s.end, s.text, [s.meta_kind or "other"]),
        ]
    label = s.label.value if s.label else "reporter"
    out = [
        {
            **_region(rid, SENTENCE, "labels", s.start, s.end, s.text, [label]),
            "score": (s.probabilities or {}).get(label),
        },
        _region(rid, STRENGTH, "choices", s.start, s.end, s.text, [str(strength_guess(s))]),
    ]
    if s.source_resolved and (s.source is None or s.source.text != s.source_resolved):
        out.append(_region(rid, ANTECEDENT, "textarea", s.start, s.end, s.text, [s.source_resolved]))
    for kind, span in (("source", s.source), ("cue", s.cue), ("anonymity_reason", s.anonymity_reason)):
        if span is not None:
            out.append(_region(f"{rid}-{kind}", SPAN, "labels", span.start, span.end, span.text, [kind]))
    return out


def to_label_studio(article: AnnotatedArticle, task_id: str) -> dict[str, Any]:
    """One Label Studio task: the text, the paragraph of each sentence, and the model's
    annotation as ``predictions``."""
    result = [r for k, s in enumerate(article.sentences) for r in _sentence_regions(k, s)]
    version = str(article.model.get("name") or article.model.get("path") or "annotator")
    return {
        "data": {"id": task_id, "text": article.text, "paragraphs": [s.paragraph for s in article.sentences]},
        "predictions": [{"model_version": version, "result": result}],
    }


def _latest_result(task: dict[str, Any]) -> list[dict[str, Any]]:
    """The newest annotation that was not cancelled, else the first prediction."""
    done = [a for a in task.get("annotations") or [] if not a.get("was_cancelled")]
    if done:
        return done[-1].get("result") or []
    return (task.get("predictions") or [{}])[0].get("result") or []


def from_label_studio(task: dict[str, Any]) -> dict[str, Any]:
    """An exported (corrected) task as an article record of the corpus format;
    :class:`InputError` names what is missing or inconsistent."""
    data = task.get("data") or {}
    text, task_id = data.get("text"), str(data.get("id") or task.get("id") or "task")
    if not isinstance(text, str):
        raise InputError(f"{task_id}: the task has no data.text")
    regions: dict[str, dict[str, Any]] = {}
    spans: list[tuple[int, int, str]] = []
    for r in _latest_result(task):
        value, name = r.get("value") or {}, r.get("from_name")
        start, end = value.get("start"), value.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
            raise InputError(f"{task_id}: region {r.get('id')} has no valid offsets")
        if name == SPAN:
            spans.append((start, end, (value.get("labels") or ["?"])[0]))
            continue
        region = regions.setdefault(str(r.get("id")), {"start": start, "end": end})
        if name == SENTENCE:
            region["label"] = (value.get("labels") or [None])[0]
        elif name in (STRENGTH, META_KIND):
            region[name] = (value.get("choices") or [None])[0]
        elif name == ANTECEDENT:
            region[ANTECEDENT] = " ".join(value.get("text") or []) or None
    sentences = sorted((r for r in regions.values() if r.get("label")), key=lambda r: r["start"])
    paragraphs = data.get("paragraphs") or []
    out = [_record_sentence(text, task_id, k, r, paragraphs, spans) for k, r in enumerate(sentences)]
    claimed = {
        (a, b) for s in out for key in SPAN_TYPES if (sp := s.get(key)) for a, b in [(sp["start"], sp["end"])]
    }
    stray = [(a, b, kind) for a, b, kind in spans if (a, b) not in claimed]
    if stray:
        raise InputError(f"{task_id}: span {stray[0]} lies in no labelled sentence or repeats a kind there")
    return {"id": task_id, "text": text, "sentences": out}


def _record_sentence(
    text: str,
    task_id: str,
    k: int,
    r: dict[str, Any],
    paragraphs: list[int],
    spans: Iterable[tuple[int, int, str]],
) -> dict[str, Any]:
    label = r["label"]
    if label not in SENTENCE_LABELS:
        raise InputError(f"{task_id}: sentence at {r['start']} has an unknown label {label!r}")
    base: dict[str, Any] = {
        "start": r["start"],
        "end": r["end"],
        "paragraph": paragraphs[k] if k < len(paragraphs) else 0,
    }
    if label == META:
        return {**base, "kind": "meta", "meta_kind": r.get(META_KIND) or "other"}
    strength = r.get(STRENGTH)
    if strength not in ("0", "1", "2", "3"):
        raise InputError(f"{task_id}: sentence at {r['start']} ({label}) has no strength 0-3")
    sentence: dict[str, Any] = {**base, "kind": "body", "label": label, "strength": int(strength)}
    for a, b, kind in spans:
        if r["start"] <= a and b <= r["end"] and kind in SPAN_TYPES and kind not in sentence:
            sentence[kind] = {"start": a, "end": b, "text": text[a:b]}
    if r.get(ANTECEDENT):
        sentence["source_resolved"] = r[ANTECEDENT]
    return sentence


BRAT_CONF = """[entities]
Sentence
Meta
source
cue
anonymity_reason

[relations]

[events]

[attributes]
Label Arg:Sentence, Value:anonymous|on_record|reporter
Strength Arg:Sentence, Value:0|1|2|3
MetaKind Arg:Meta, Value:{kinds}
""".format(kinds="|".join(META_KINDS))
"""brat's ``annotation.conf`` for :func:`to_brat` files."""


def to_brat(article: AnnotatedArticle) -> tuple[str, str]:
    """brat standoff: the text (``.txt``) and its annotation (``.ann``). A T line per
    sentence (``Sentence``, or ``Meta`` for page furniture) with its label, strength guess
    or meta kind as attributes and its score and antecedent as a note, and a T line per
    source, cue and anonymity-reason span."""
    lines: list[str] = []
    t = a = n = 0
    for s in article.sentences:
        t += 1
        sid = f"T{t}"
        one_line = s.text.replace("\n", " ")
        if s.kind is Kind.META:
            lines.append(f"{sid}\tMeta {s.start} {s.end}\t{one_line}")
            a += 1
            lines.append(f"A{a}\tMetaKind {sid} {s.meta_kind or 'other'}")
            continue
        lines.append(f"{sid}\tSentence {s.start} {s.end}\t{one_line}")
        a += 1
        lines.append(f"A{a}\tLabel {sid} {s.label.value if s.label else 'reporter'}")
        a += 1
        lines.append(f"A{a}\tStrength {sid} {strength_guess(s)}")
        note = f"score={s.score:.3f}" if s.score is not None else ""
        if s.source_resolved:
            note += f" antecedent={s.source_resolved}"
        if note:
            n += 1
            lines.append(f"#{n}\tAnnotatorNotes {sid}\t{note.strip()}")
        for kind, span in (("source", s.source), ("cue", s.cue), ("anonymity_reason", s.anonymity_reason)):
            if span is not None:
                t += 1
                lines.append(f"T{t}\t{kind} {span.start} {span.end}\t{span.text.replace(chr(10), ' ')}")
    return article.text, "\n".join(lines) + "\n"
