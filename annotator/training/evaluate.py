"""Evaluation: the full pipeline judged on gold sentences, baselines side by side.

``eval/run_eval.py`` (`make eval`) is a thin wrapper around :func:`evaluate_model` and
:func:`annotator.training.report.write_report`.
"""

from __future__ import annotations

import csv
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from annotator import modeldir
from annotator.config import REPO_ROOT
from annotator.corpora.agreement import label_agreement
from annotator.corpora.bundled import file_hashes, load_split
from annotator.pipeline import Annotator
from annotator.provenance import git_commit, versions
from annotator.training.align import align
from annotator.training.baselines import RuleBaseline, tfidf_baseline
from annotator.training.metrics import (
    attributed_f1,
    bootstrap_ci,
    brier,
    confusion,
    ece,
    macro_f1,
    prf,
    reliability,
    span_f1,
    span_f1_any,
    span_sets_f1,
)
from annotator.types import LABEL_NAMES, Kind

logger = logging.getLogger(__name__)

META = "meta"
HAND_SAMPLE = REPO_ROOT / "data" / "polnear_dev_sample.jsonl"


@dataclass(frozen=True)
class Row:
    """One gold sentence and what the pipeline made of it."""

    article: int
    gold_kind: str
    gold_meta_kind: str | None  # headline, byline, date, ... for a gold meta line
    gold_label: str | None
    gold_well: int | None
    gold_source: tuple[int, int] | None
    gold_sources: tuple[tuple[int, int], ...]  # every gold source in the sentence (PolNeAR lists them)
    text: str
    pred_kind: str
    pred_meta_kind: str | None
    pred_label: str  # "meta" when the pipeline called a body sentence meta
    score: float | None
    raw_score: float | None
    pred_source: tuple[int, int] | None


def _span(d: dict[str, Any] | None) -> tuple[int, int] | None:
    return (d["start"], d["end"]) if d else None


def collect_rows(annotator: Annotator, articles: Sequence[dict[str, Any]]) -> list[Row]:
    """Run the pipeline on gold articles and align its sentences to the gold ones."""
    rows: list[Row] = []
    results = annotator.pipe_with_evidence([a["text"] for a in articles])
    for k, (article, (predicted, evidence)) in enumerate(zip(articles, results, strict=True)):
        body_index = {id(s): i for i, s in enumerate(predicted.body)}
        for g, p in zip(article["sentences"], align(article["sentences"], predicted.sentences), strict=True):
            is_body = p is not None and p.kind is Kind.BODY
            strength = g.get("strength")
            rows.append(
                Row(
                    article=k,
                    gold_kind=g["kind"],
                    gold_meta_kind=g.get("meta_kind") if g["kind"] == META else None,
                    gold_label=g.get("label"),
                    gold_well=None if strength is None else int(strength >= 2),
                    gold_source=_span(g.get("source")),
                    gold_sources=tuple(
                        _span(d) for d in g.get("sources") or ([g["source"]] if g.get("source") else [])
                    ),
                    text=article["text"][g["start"] : g["end"]],
                    pred_kind=p.kind.value if p is not None else META,
                    pred_meta_kind=p.meta_kind if p is not None and p.kind is Kind.META else None,
                    pred_label=p.label.value if is_body and p.label else META,
                    score=p.score if is_body else None,
                    raw_score=evidence[body_index[id(p)]].well_sourced if is_body else None,
                    pred_source=(p.source.start, p.source.end) if is_body and p.source else None,
                )
            )
    return rows


def label_metrics(
    gold: Sequence[str], pred: Sequence[str], groups: Sequence[int], n_boot: int
) -> dict[str, Any]:
    """Per-label P/R/F1, macro-F1 and attributed F1 with article-bootstrap intervals."""
    gold_arr, pred_arr = np.asarray(gold, dtype=object), np.asarray(pred, dtype=object)
    out: dict[str, Any] = {"n": len(gold), "per_label": {}}
    for label in LABEL_NAMES:
        p, r, f = prf(gold, pred, label)
        out["per_label"][label] = {
            "precision": p,
            "recall": r,
            "f1": f,
            "support": int(sum(g == label for g in gold)),
        }
    out["macro_f1"] = macro_f1(gold, pred)
    out["macro_f1_ci95"] = bootstrap_ci(lambda i: macro_f1(gold_arr[i], pred_arr[i]), groups, n_boot)
    out["attributed_f1"] = attributed_f1(gold, pred)
    out["attributed_f1_ci95"] = bootstrap_ci(
        lambda i: attributed_f1(gold_arr[i], pred_arr[i]), groups, n_boot
    )
    out["confusion"] = {"labels": [*LABEL_NAMES, META], "matrix": confusion(gold, pred, [*LABEL_NAMES, META])}
    return out


def score_metrics(
    y: Sequence[int], p: Sequence[float], raw: Sequence[float], groups: Sequence[int], n_boot: int
) -> dict[str, Any]:
    y_arr, p_arr = np.asarray(y), np.asarray(p)
    return {
        "n": len(y),
        "positive_rate": float(np.mean(y_arr)) if len(y_arr) else float("nan"),
        "brier": brier(y, p),
        "brier_ci95": bootstrap_ci(lambda i: brier(y_arr[i], p_arr[i]), groups, n_boot),
        "ece": ece(y, p),
        "ece_ci95": bootstrap_ci(lambda i: ece(y_arr[i], p_arr[i]), groups, n_boot),
        "raw_brier": brier(y, raw),
        "raw_ece": ece(y, raw),
        "reliability": reliability(y, p),
    }


def evaluate_bundled(
    annotator: Annotator,
    test_articles: Sequence[dict[str, Any]],
    train_articles: Sequence[dict[str, Any]],
    n_boot: int = 1000,
) -> dict[str, Any]:
    """Model and both baselines on the bundled test split."""
    started = time.perf_counter()
    rows = collect_rows(annotator, test_articles)
    seconds = time.perf_counter() - started
    body = [r for r in rows if r.gold_kind == "body"]
    groups = [r.article for r in body]
    gold = [r.gold_label for r in body]
    result: dict[str, Any] = {
        "articles": len(test_articles),
        "sentences": len(rows),
        "body_sentences": len(body),
        "pipeline_seconds": round(seconds, 2),
        "model": label_metrics(gold, [r.pred_label for r in body], groups, n_boot),
    }
    scored = [r for r in body if r.score is not None]
    result["score"] = score_metrics(
        [r.gold_well for r in scored], [r.score for r in scored], [r.raw_score for r in scored],
        [r.article for r in scored], n_boot,
    )  # fmt: skip
    result["source_span"] = span_f1([r.gold_source for r in body], [r.pred_source for r in body])
    result["meta_accuracy"] = float(np.mean([(r.gold_kind == META) == (r.pred_kind == META) for r in rows]))
    meta_rows = [r for r in rows if r.gold_kind == META]
    result["meta_recall"] = float(np.mean([r.pred_kind == META for r in meta_rows])) if meta_rows else None
    kinded = [r for r in meta_rows if r.gold_meta_kind]
    result["meta_kind_accuracy"] = (
        float(np.mean([r.pred_meta_kind == r.gold_meta_kind for r in kinded])) if kinded else None
    )
    result["baselines"] = baseline_metrics(train_articles, [r.text for r in body], gold, groups, n_boot)
    return result


def gold_body(articles: Sequence[dict[str, Any]]) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for a in articles:
        for s in a["sentences"]:
            if s["kind"] == "body" and s.get("label"):
                texts.append(a["text"][s["start"] : s["end"]])
                labels.append(s["label"])
    return texts, labels


def baseline_metrics(
    train_articles: Sequence[dict[str, Any]],
    texts: Sequence[str],
    gold: Sequence[str],
    groups: Sequence[int],
    n_boot: int,
) -> dict[str, Any]:
    """Rule and TF-IDF baselines on gold sentences, trained on the same training split."""
    train_texts, train_labels = gold_body(train_articles)
    out = {}
    for name, est in (("rules", RuleBaseline()), ("tfidf_lr", tfidf_baseline())):
        est.fit(train_texts, train_labels)
        out[name] = label_metrics(gold, list(est.predict(list(texts))), groups, n_boot)
    return out


def load_hand_sample(path: str | Path) -> list[dict[str, Any]]:
    """The hand-labelled PolNeAR dev sample: offsets and labels only, never text."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def hand_sample_agreement(path: str | Path) -> dict[str, Any] | None:
    """Cohen's kappa between the hand sample's first labels (before adjudication) and the
    independent second labelling of some of its sentences (``<sample>_second.jsonl``, with
    ``<sample>_adjudication.tsv`` holding the first labels adjudication changed); None
    when the sample has no second labelling."""
    path = Path(path)
    second_path = path.with_name(f"{path.stem}_second.jsonl")
    if not second_path.is_file():
        return None
    first = {h["item"]: h["label"] for h in load_hand_sample(path)}
    adjudication = path.with_name(f"{path.stem}_adjudication.tsv")
    if adjudication.is_file():
        with open(adjudication, encoding="utf-8") as fh:
            first.update({int(row["item"]): row["first"] for row in csv.DictReader(fh, delimiter="\t")})
    second = {h["item"]: h["label"] for h in load_hand_sample(second_path)}
    keys = sorted(set(first) & set(second))
    result = label_agreement(
        {("s", k): (first[k], 0) for k in keys}, {("s", k): (second[k], 0) for k in keys}
    )
    return {k: result[k] for k in ("sentences", "label_kappa", "label_agreement", "attributed_kappa")}


def _every_source_f1(annotator: Annotator, articles: Sequence[dict[str, Any]]) -> dict[str, float]:
    """Span extraction as attribution papers score it: each source span on its own, in every
    body sentence, whatever label the pipeline gives the sentence."""
    gold: list[set[tuple[int, int]]] = []
    pred: list[set[tuple[int, int]]] = []
    for article in articles:
        body = [s for s in article["sentences"] if s["kind"] == "body"]
        predictions = annotator.tag(article["text"], [(s["start"], s["end"]) for s in body])
        for s, p in zip(body, predictions, strict=True):
            gold.append({(d["start"], d["end"]) for d in s["every_source"]})
            pred.append({(s["start"] + a, s["start"] + b) for kind, a, b, _ in p.runs if kind == "source"})
    return span_sets_f1(gold, pred)


def evaluate_polnear(
    annotator: Annotator,
    root: str | Path,
    hand_sample_path: str | Path,
    train_articles: Sequence[dict[str, Any]],
    n_boot: int = 1000,
) -> dict[str, Any]:
    """PolNeAR dev: attributed-vs-not and source spans against gold spans; 3-way against
    the silver rule and the hand-labelled sample (and the silver rule itself against the hand sample)."""
    from annotator.corpora.polnear import polnear_to_gold
    from annotator.segment import segment

    dev = polnear_to_gold(root, "dev", segment)
    rows = collect_rows(annotator, dev)
    body = [r for r in rows if r.gold_kind == "body"]
    groups = [r.article for r in body]
    silver = [r.gold_label for r in body]
    pred = [r.pred_label for r in body]
    result: dict[str, Any] = {
        "articles": len(dev),
        "body_sentences": len(body),
        "silver": label_metrics(silver, pred, groups, n_boot),
        # the source of the attribution that decides the silver label ...
        "source_span": span_f1([r.gold_source for r in body], [r.pred_source for r in body]),
        # ... and any PolNeAR source in the sentence (the tool names one per sentence)
        "source_span_any": span_f1_any([r.gold_sources for r in body], [r.pred_source for r in body]),
        # ... and, per attribution, every source the tagger marks against every PolNeAR source
        "source_span_every": _every_source_f1(annotator, dev),
    }
    # the hand-labelled sample: match each item to the pipeline's and the silver rule's sentence
    by_doc = {a["id"].removeprefix("polnear-dev-"): k for k, a in enumerate(dev)}
    index = {
        (r.article, s["start"]): r
        for r, s in zip(rows, (s for a in dev for s in a["sentences"]), strict=True)
    }
    hand, model_pred, rule_pred, texts, hgroups = [], [], [], [], []
    for item in load_hand_sample(hand_sample_path):
        k = by_doc.get(item["doc_id"])
        row = index.get((k, item["start"])) if k is not None else None
        if row is None:
            continue
        hand.append(item["label"])
        model_pred.append(row.pred_label)
        rule_pred.append(row.gold_label or META)
        texts.append(row.text)
        hgroups.append(k)
    result["hand_sample"] = {
        "n": len(hand),
        "model": label_metrics(hand, model_pred, hgroups, n_boot),
        "silver_rule": label_metrics(hand, rule_pred, hgroups, n_boot),
        "agreement": hand_sample_agreement(hand_sample_path),
    }
    base = baseline_metrics(train_articles, [r.text for r in body], silver, groups, n_boot)
    hand_base = baseline_metrics(train_articles, texts, hand, hgroups, n_boot)
    result["baselines"] = {"silver": base, "hand_sample": hand_base}
    return result


def reference_score(path: Path, metrics: dict[str, Any]) -> dict[str, Any] | None:
    """The bundled-only model's score to compare with, if ``path`` is a usable report for it."""
    if not path.is_file():
        logger.warning("no reference report at %s: run `make eval` for the bundled-only model first", path)
        return None
    ref = json.loads(path.read_text())
    if ref.get("model_name") == metrics["model_name"] or "polnear_train_silver" in ref.get("corpora", {}):
        logger.warning("%s is not a bundled-only model's report; no comparison", path)
        return None
    if ref.get("data_hashes") != metrics["data_hashes"]:
        logger.warning("%s was scored on other corpus files; no comparison", path)
        return None
    return {
        "model_name": ref["model_name"],
        "macro_f1": ref["bundled"]["model"]["macro_f1"],
        "git_commit": ref.get("git_commit"),
    }


def evaluate_model(
    model_dir: str | Path,
    corpus_dir: str | Path,
    polnear_dir: str | Path | None = None,
    reference: str | Path | None = None,
    n_boot: int = 1000,
    wikinews_dir: str | Path | None = None,
) -> dict[str, Any]:
    """Everything metrics.json holds: the model on the bundled test split and, with
    ``wikinews_dir``, on the Wikinews test split (each with baselines trained on the same
    training data as the model), on PolNeAR dev if ``polnear_dir`` is given, compared with
    the ``reference`` report."""
    started = time.perf_counter()
    annotator = Annotator.from_dir(model_dir)
    train_articles = load_split(corpus_dir, "train")
    test_articles = load_split(corpus_dir, "test")
    if wikinews_dir:
        train_articles = train_articles + load_split(wikinews_dir, "train")
    training = modeldir.read_training(model_dir)
    metrics = {
        "model_name": training.get("name", Path(model_dir).name),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "seed": training.get("seed"),
        "train_seconds": training.get("train_seconds"),
        "soup": training.get("soup"),  # None for a single fine-tuning run
        "corpora": training.get("corpora", {}),
        "versions": versions(),
        "data_hashes": file_hashes(corpus_dir),  # what was evaluated
        "training_data_hashes": training.get("data_hashes", {}),  # what the model was trained on
        "backend": annotator.info.get("backend"),
        "bundled": evaluate_bundled(annotator, test_articles, train_articles, n_boot),
    }
    if wikinews_dir:
        metrics["data_hashes"].update({f"wikinews/{k}": v for k, v in file_hashes(wikinews_dir).items()})
        metrics["wikinews"] = evaluate_bundled(
            annotator, load_split(wikinews_dir, "test"), train_articles, n_boot
        )
    if polnear_dir:
        metrics["polnear"] = evaluate_polnear(annotator, polnear_dir, HAND_SAMPLE, train_articles, n_boot)
    if reference:
        metrics["reference"] = reference_score(Path(reference), metrics)
    metrics["eval_seconds"] = round(time.perf_counter() - started, 1)
    return metrics
