"""Fine-tune the tagger, fit the calibrated scorer on the calib split, and save
everything (weights, tokenizer, scorer, resolved config, data hashes, versions).

``training/fit_model.py`` is a thin command-line wrapper around :func:`train`.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import json
import logging
import math
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from transformers import get_linear_schedule_with_warmup

from annotator import adapter, modeldir, tagger
from annotator.config import Config
from annotator.context import context_settings, sentence_inputs
from annotator.corpora.bundled import file_hashes, load_split
from annotator.encoding import IGNORE, INPUT_NAMES, SentenceInput
from annotator.errors import ModelNotFoundError, SoupError
from annotator.hardware import cpu_info
from annotator.model import SourcingModel
from annotator.pipeline import Annotator
from annotator.provenance import DATA_LICENCES, git_commit, versions
from annotator.scoring import SourcingScorer
from annotator.sourcing.runs import overlaps
from annotator.training.align import align
from annotator.training.average import WeightAverage
from annotator.training.dropout import MaskSource, fast_dropout
from annotator.training.metrics import macro_f1
from annotator.training.soup import Soup, greedy_soup
from annotator.types import LABEL_NAMES, Kind

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Example:
    """One gold body sentence with its context and targets (span offsets relative to it)."""

    input: SentenceInput
    label: int
    well_sourced: int
    spans: dict[str, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    weight: float = 1.0


_SPAN_KEYS = (("source", "sources"), ("cue", "cues"), ("anonymity_reason", None))


def _span_targets(sent: dict[str, Any]) -> dict[str, tuple[tuple[int, int], ...]]:
    """A sentence's spans by type, relative to it: its ``source``, ``cue`` and
    ``anonymity_reason``, then the other sources and cues a corpus lists
    (PolNeAR's ``sources`` and ``cues``); left out, those would teach the tagger
    that a source is not one. A span overlapping one kept before it is dropped,
    so a PolNeAR source that holds its own anonymity reason ("an official not
    authorized to speak publicly") stays whole. The bundled corpus has no overlaps."""
    lo, hi = sent["start"], sent["end"]
    kept: dict[str, list[tuple[int, int]]] = {}
    taken: list[tuple[int, int]] = []
    primary = [(key, sent.get(key)) for key, _ in _SPAN_KEYS]
    extra = [(key, d) for key, more in _SPAN_KEYS if more for d in sent.get(more) or []]
    for key, d in primary + extra:
        if not d or not (lo <= d["start"] and d["end"] <= hi):
            continue
        a, b = d["start"] - lo, d["end"] - lo
        if not any(overlaps((a, b), t) for t in taken):
            kept.setdefault(key, []).append((a, b))
            taken.append((a, b))
    return {key: tuple(spans) for key, spans in kept.items()}


def build_examples(
    articles: Sequence[dict[str, Any]], context: dict[str, Any], weight: float = 1.0
) -> list[Example]:
    """Training examples from gold articles (bundled schema): body sentences only."""
    examples = []
    for article in articles:
        body = [s for s in article["sentences"] if s["kind"] == "body" and s.get("label")]
        inputs = sentence_inputs(article["text"], [(s["start"], s["end"]) for s in body], **context)
        for sent, item in zip(body, inputs, strict=True):
            strength = sent.get("strength") or 0
            examples.append(
                Example(
                    item, LABEL_NAMES.index(sent["label"]), int(strength >= 2), _span_targets(sent), weight
                )
            )
    return examples


def seed_everything(seed: int, threads: int) -> None:
    """Fix every random source and the thread count (same seed + threads = same weights)."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)


def training_precision(config: Config) -> str:
    """``train.precision`` resolved on this machine: "auto" is bf16 only where the CPU
    multiplies bf16 natively (emulated bf16 is several times slower than fp32)."""
    precision = config.train.precision
    if precision == "auto":
        precision = "bf16" if cpu_info().native_bf16 else "fp32"
    return precision


def _length_grouped_batches(
    lengths: Sequence[int], sizes: Sequence[int], batch_size: int, rng: random.Random
) -> list[list[int]]:
    """Shuffle, then sort within windows of 50 batches so padding stays small; a batch
    holds at most ``batch_size`` sentences (``sizes``: sentences per feature)."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    window = batch_size * 50
    batches = []
    for lo in range(0, len(order), window):
        chunk = sorted(order[lo : lo + window], key=lambda i: lengths[i])
        batches.extend([chunk[k] for k in b] for b in tagger.batches([sizes[i] for i in chunk], batch_size))
    rng.shuffle(batches)
    return batches


def _shifted(examples: Sequence[Example], rng: random.Random, span: int = 6) -> list[SentenceInput]:
    """The examples' inputs with each article's windows started at a random sentence
    (a break in ``follows`` within its first ``span`` sentences), so a window packing
    sees each sentence at other places in its window from epoch to epoch."""
    inputs, cut_at = [], 0
    for k, example in enumerate(examples):
        item = example.input
        if not item.follows:
            cut_at = k + rng.randrange(span)
        inputs.append(dataclasses.replace(item, follows=False) if k == cut_at else item)
    return inputs


def evaluate_examples(model: SourcingModel, examples: Sequence[Example], batch_size: int = 64) -> float:
    """Macro-F1 of the tagger's labels on gold-segmented examples (used for model selection)."""
    preds = model.predict([e.input for e in examples], batch_size)
    gold = [LABEL_NAMES[e.label] for e in examples]
    pred = [LABEL_NAMES[int(np.argmax(p.probabilities))] for p in preds]
    return macro_f1(gold, pred)


def fit_tagger(
    model: SourcingModel,
    train_examples: Sequence[Example],
    dev_examples: Sequence[Example],
    config: Config,
    extra_dev: Sequence[Example] = (),
    seed: int | None = None,
) -> tuple[SourcingModel, list[dict[str, float]]]:
    """Fine-tune in place; keep the epoch with the best dev macro-F1. Returns (model, history).

    With ``extra_dev`` (held-out PolNeAR train sentences) the epoch is chosen on the
    mean of the two macro-F1s, so a model trained on both corpora is chosen for both.
    ``seed`` (default ``train.seed``) fixes the data order and dropout of this run.
    """
    tc = config.train
    seed = tc.seed if seed is None else seed
    seed_everything(seed, tc.threads)
    spans = [e.spans for e in train_examples]
    rng = random.Random(seed)
    windowed = model.encoder.packing == "window"
    bf16 = training_precision(config) == "bf16"
    features = model.encode([e.input for e in train_examples], spans)
    steps = len(
        _length_grouped_batches([1] * len(features), _sizes(features), tc.batch_size, random.Random(0))
    )
    total_steps = steps * tc.epochs
    optimizer, scheduler = _optimizer(model, config, total_steps)
    average = WeightAverage(model.network, tc.weight_average) if tc.weight_average else None
    progress = _Progress(total_steps)
    history: list[dict[str, float]] = []
    best_f1, best_state = -1.0, None
    masks = MaskSource(seed) if tc.dropout_masks == "numpy" else None
    for epoch in range(1, tc.epochs + 1):
        progress.new_epoch(epoch)
        if windowed and epoch > 1:
            features = model.encode(_shifted(train_examples, rng), spans)
        lengths = [len(f["input_ids"]) for f in features]
        batches = [
            [features[i] for i in ids]
            for ids in _length_grouped_batches(lengths, _sizes(features), tc.batch_size, rng)
        ]
        with fast_dropout(model.network, masks) if masks else contextlib.nullcontext():
            _train_epoch(
                model, batches, train_examples, optimizer, scheduler, config, progress, average, bf16
            )
        record = selection_scores(model, dev_examples, extra_dev)
        if (not dev_examples and not extra_dev) or record["selection"] > best_f1:
            best_f1 = record["selection"]
            best_state = copy.deepcopy(model.network.state_dict())
        if average is not None:
            with average.applied():
                averaged = selection_scores(model, dev_examples, extra_dev)
                if averaged["selection"] > best_f1:
                    best_f1 = averaged["selection"]
                    best_state = copy.deepcopy(model.network.state_dict())
            record.update({f"averaged_{k}": v for k, v in averaged.items()})
        history.append({"epoch": epoch, **record, "seconds": time.perf_counter() - progress.started})
        logger.info("epoch %d done: %s", epoch, ", ".join(f"{k} {v:.4f}" for k, v in record.items()))
    if best_state is not None:
        model.network.load_state_dict(best_state)
    model.network.eval()
    return model, history


def _sizes(features: Sequence[dict[str, Any]]) -> list[int]:
    """Sentences read in each feature."""
    return [len(f["slots"]) for f in features]


def _optimizer(
    model: SourcingModel, config: Config, total_steps: int
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LambdaLR]:
    """AdamW with linear warmup and decay over ``total_steps``; biases and LayerNorm
    weights get no weight decay (the usual recipe for fine-tuning BERT-style encoders);
    frozen parameters (the base under an adapter) are left out."""
    tc = config.train
    trained = [(n, p) for n, p in model.network.named_parameters() if p.requires_grad]
    params = [
        {"params": [p for n, p in trained if not _no_decay(n)], "weight_decay": tc.weight_decay},
        {"params": [p for n, p in trained if _no_decay(n)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(params, lr=tc.learning_rate)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(tc.warmup_ratio * total_steps), total_steps)
    return optimizer, scheduler


@dataclass
class _Progress:
    """Where a run is, for its log: optimizer steps taken of ``total_steps`` since ``started``
    (``time.perf_counter``), and the loss summed over the ``since`` steps not yet logged."""

    total_steps: int
    started: float = field(default_factory=time.perf_counter)
    epoch: int = 0
    step: int = 0
    running: float = 0.0
    since: int = 0
    sentences: int = 0

    def new_epoch(self, epoch: int) -> None:
        """Start ``epoch``: the logged mean loss never spans two epochs."""
        self.epoch, self.running, self.since = epoch, 0.0, 0

    def log_step(self, loss: float, sentences: int) -> None:
        """Count one step of ``sentences``; every 50 steps and at the last, log the mean
        loss since the last line."""
        self.step += 1
        self.sentences += sentences
        self.running += loss
        self.since += 1
        if self.step % 50 == 0 or self.step == self.total_steps:
            elapsed = time.perf_counter() - self.started
            logger.info(
                "epoch %d step %d/%d loss %.4f (%.1f examples/s)",
                self.epoch,
                self.step,
                self.total_steps,
                self.running / self.since,
                self.sentences / elapsed,
            )
            self.running, self.since = 0.0, 0


def _train_epoch(
    model: SourcingModel,
    batches: Sequence[list[dict[str, Any]]],
    examples: Sequence[Example],
    optimizer: torch.optim.Optimizer,
    scheduler: torch.optim.lr_scheduler.LambdaLR,
    config: Config,
    progress: _Progress,
    average: WeightAverage | None = None,
    bf16: bool = False,
) -> None:
    """One pass over ``batches`` of encoded features (whose slots index ``examples``),
    one clipped optimizer step per batch (each folded into ``average``, if given); with
    ``bf16`` the forward pass runs under bf16 autocast."""
    model.network.train()
    for features in batches:
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            loss = _batch_loss(model, features, examples, config)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.network.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        if average is not None:
            average.update()
        progress.log_step(loss.item(), sum(_sizes(features)))


def _batch_loss(
    model: SourcingModel, features: list[dict[str, Any]], examples: Sequence[Example], config: Config
) -> torch.Tensor:
    """The multi-task loss of one batch: the label's cross-entropy and the well-sourced
    logit's BCE, both weighted per sentence (PolNeAR vs bundled), plus the span tags'
    cross-entropy (context, special and padding tokens ignored)."""
    tc = config.train
    batch = model.collate(features)
    rows, cols = zip(*[(r, k) for r, f in enumerate(features) for k in range(len(f["slots"]))], strict=True)
    read = [examples[slot.item] for f in features for slot in f["slots"]]
    labels = torch.tensor([e.label for e in read])
    well = torch.tensor([float(e.well_sourced) for e in read])
    weights = torch.tensor([e.weight for e in read])
    label_logits, strength_logit, tag_logits = model.network(*(batch[k] for k in INPUT_NAMES))
    label = nn.functional.cross_entropy(label_logits[rows, cols], labels, reduction="none")
    loss = (label * weights).sum() / weights.sum()
    strength = nn.functional.binary_cross_entropy_with_logits(
        strength_logit[rows, cols], well, reduction="none"
    )
    loss = loss + tc.strength_loss_weight * (strength * weights).sum() / weights.sum()
    tags = nn.functional.cross_entropy(tag_logits.flatten(0, 1), batch["tags"].flatten(), ignore_index=IGNORE)
    return loss + tc.span_loss_weight * tags


def selection_scores(
    model: SourcingModel, dev_examples: Sequence[Example], extra_dev: Sequence[Example] = ()
) -> dict[str, float]:
    """Bundled dev macro-F1, held-out PolNeAR macro-F1 (with ``extra_dev``) and the
    ``selection`` score that chooses epochs and soups: their mean, or the one there is."""
    record = {"dev_macro_f1": evaluate_examples(model, dev_examples) if dev_examples else float("nan")}
    selection = record["dev_macro_f1"]
    if extra_dev:
        record["polnear_selection_macro_f1"] = evaluate_examples(model, extra_dev)
        selection = (
            (selection + record["polnear_selection_macro_f1"]) / 2
            if dev_examples
            else record["polnear_selection_macro_f1"]
        )
    return {**record, "selection": selection}


def soup_runs(
    models: Sequence[SourcingModel],
    scores: Sequence[float],
    dev_examples: Sequence[Example],
    extra_dev: Sequence[Example] = (),
) -> tuple[SourcingModel, Soup]:
    """Greedy soup of fine-tuned runs, chosen on the selection score; the first
    model is loaded with the soup's weights and returned."""

    def score(state: Mapping[str, torch.Tensor]) -> float:
        model.network.load_state_dict(state)
        return selection_scores(model, dev_examples, extra_dev)["selection"]

    model = models[0]
    # mixtures are scored in the first run's model, whose state dict shares its tensors:
    # that one is copied, the others are only read
    states = [m.network.state_dict() for m in models]
    states[0] = copy.deepcopy(states[0])
    soup = greedy_soup(states, scores, score)
    model.network.load_state_dict(soup.state)
    model.network.eval()
    return model, soup


def _no_decay(name: str) -> bool:
    return name.endswith("bias") or "LayerNorm" in name or "layer_norm" in name


def calibration_data(annotator: Annotator, articles: Sequence[dict[str, Any]]) -> tuple[list[Any], list[int]]:
    """Evidence for each gold body sentence, from the full pipeline, with y = strength >= 2."""
    evidence, targets = [], []
    results = annotator.pipe_with_evidence([a["text"] for a in articles])
    for article, (predicted, ev) in zip(articles, results, strict=True):
        body_index = {id(s): k for k, s in enumerate(predicted.body)}
        gold = [s for s in article["sentences"] if s["kind"] == "body"]
        for g, p in zip(gold, align(gold, predicted.sentences), strict=True):
            if p is None or p.kind is not Kind.BODY:
                continue
            evidence.append(ev[body_index[id(p)]])
            targets.append(int((g.get("strength") or 0) >= 2))
    return evidence, targets


@dataclass(frozen=True)
class TrainingData:
    """What a training run reads, as examples, with the provenance saved beside the model."""

    config: Config  # resolved: with PolNeAR, ``train.polnear_epochs`` has become ``train.epochs``
    train: list[Example]
    dev: list[Example]
    selection: list[Example]  # held-out PolNeAR train sentences (empty without PolNeAR)
    calib_articles: list[dict[str, Any]]
    calib_wikinews: list[dict[str, Any]]  # the Wikinews calib articles (weighed apart: calib_weights)
    corpora: dict[str, dict[str, Any]]
    data_hashes: dict[str, str]


def article_subset(articles: list[dict[str, Any]], share: float, seed: int) -> list[dict[str, Any]]:
    """The ``share`` of ``articles`` trained on: the ones whose id, hashed with ``seed``,
    comes first (a fixed choice that does not depend on their order), in their order."""
    if share >= 1:
        return articles
    rank = sorted(articles, key=lambda a: hashlib.sha256(f"{seed}:{a['id']}".encode()).hexdigest())
    keep = {id(a) for a in rank[: max(1, round(share * len(articles)))]}
    return [a for a in articles if id(a) in keep]


def training_data(config: Config, polnear_dir: str | Path | None = None) -> TrainingData:
    """Read the bundled splits (with the Wikinews ones if ``wikinews_dir`` is set, and
    PolNeAR train if given) into training examples; dev and calib hold both corpora, so
    the epoch is chosen and the score calibrated on real news too."""
    corpus = Path(config.corpus_dir)
    context = context_settings(config)
    data_hashes = file_hashes(corpus)  # before reading, so they describe what was read
    train_articles = article_subset(
        load_split(corpus, "train"), config.train.bundled_share, config.train.seed
    )
    train_examples = build_examples(train_articles, context)
    corpora: dict[str, dict[str, Any]] = {
        "bundled": {
            "articles": len(train_articles),
            "share": config.train.bundled_share,
            "sentences": len(train_examples),
            "licence": DATA_LICENCES["bundled"],
        }
    }
    selection_examples: list[Example] = []
    if polnear_dir is not None:
        from annotator.corpora.polnear import polnear_training_articles

        if config.train.polnear_epochs is not None:  # saved beside the model as resolved
            config = config.replace(train={"epochs": config.train.polnear_epochs})

        silver, held_out = polnear_training_articles(
            polnear_dir,
            "train",
            config.train.polnear_max_sentences,
            config.train.seed,
            config.train.polnear_selection_sentences,
        )
        extra = build_examples(silver, context, weight=config.train.polnear_weight)
        selection_examples = build_examples(held_out, context)
        train_examples = train_examples + extra
        corpora["polnear_train_silver"] = {
            "articles": len(silver),
            "sentences": len(extra),
            # texts, spans and silver labels as trained on (the corpus itself is never shipped)
            "sha256": hashlib.sha256(json.dumps(silver, sort_keys=True).encode()).hexdigest(),
            "selection_articles": len(held_out),
            "selection_sentences": len(selection_examples),
        }
    dev_articles, calib_articles = load_split(corpus, "dev"), load_split(corpus, "calib")
    calib_wikinews: list[dict[str, Any]] = []
    if config.wikinews_dir:
        wikinews = Path(config.wikinews_dir)
        data_hashes.update({f"wikinews/{k}": v for k, v in file_hashes(wikinews).items()})
        articles = article_subset(
            load_split(wikinews, "train"), config.train.wikinews_share, config.train.seed
        )
        extra = build_examples(articles, context, weight=config.train.wikinews_weight)
        train_examples = train_examples + extra
        dev_articles = dev_articles + load_split(wikinews, "dev")
        calib_wikinews = load_split(wikinews, "calib")
        corpora["wikinews"] = {
            "articles": len(articles),
            "share": config.train.wikinews_share,
            "sentences": len(extra),
            "licence": DATA_LICENCES["wikinews"],
        }
    if config.train.max_train_sentences:
        train_examples = train_examples[: config.train.max_train_sentences]
    return TrainingData(
        config,
        train_examples,
        build_examples(dev_articles, context),
        selection_examples,
        calib_articles,
        calib_wikinews,
        corpora,
        data_hashes,
    )


def train(
    config: Config,
    out_dir: str | Path,
    polnear_dir: str | Path | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """Train the tagger (one run per ``train.run_seeds``, souped), calibrate the
    scorer on the calib split, save to ``out_dir``."""
    started = time.perf_counter()
    commit = git_commit()  # the code that trains, even if the tree changes during a long run
    data = training_data(config, polnear_dir)
    config = data.config
    logger.info("training on %d sentences, selecting on %d dev sentences", len(data.train), len(data.dev))
    runs: list[tuple[SourcingModel, list[dict[str, float]]]] = []
    seeds = config.train.run_seeds or (config.train.seed,)
    for run_seed in seeds:
        seed_everything(config.train.seed, config.train.threads)  # every run starts from the same weights
        model = SourcingModel.from_base(
            config.model.resolved_base_model(),
            config.model.max_length,
            config.model.dropout,
            config.model.packing,
        )
        if config.model.adapter == "lora":
            adapter.add_lora(model.network, config.model)
        if len(seeds) > 1:
            logger.info("run %d of %d, seed %d", len(runs) + 1, len(seeds), run_seed)
        runs.append(fit_tagger(model, data.train, data.dev, config, data.selection, seed=run_seed))
    if config.model.adapter == "lora":
        # what ships: the trained parts in fp16 merged into the base, calibrated as saved
        runs = [
            (SourcingModel.from_adapter(adapter.trainable_state(m.network), config.model), h) for m, h in runs
        ]
    model, history = runs[0]
    meta: dict[str, Any] = {
        "run_seeds": list(seeds),
        "precision": training_precision(config),
        "history": history,
    }
    if len(runs) > 1:
        records = [{"seed": sd, "history": h} for sd, (_, h) in zip(seeds, runs, strict=True)]
        model, meta = _soup([m for m, _ in runs], records, data)
    return _calibrate_and_save(model, data, out_dir, name, commit, meta, started)


def _soup(
    models: Sequence[SourcingModel], runs: Sequence[dict[str, Any]], data: TrainingData
) -> tuple[SourcingModel, dict[str, Any]]:
    """Greedy soup of runs (each ``{"seed", "history", ...}``), scored by their best
    selection; returns the model and the provenance of the runs and the soup.

    Runs are taken in seed order, so the same runs make the same soup however they
    were listed or trained (one ``make train``, or one machine per seed and :func:`soup_dirs`)."""
    order = sorted(range(len(runs)), key=lambda i: runs[i]["seed"])
    models, runs = [models[i] for i in order], [runs[i] for i in order]
    # a run's score is its best epoch's; a NaN anywhere (nothing to select on) stays NaN
    best = [
        math.nan
        if any(math.isnan(h["selection"]) for h in run["history"])
        else max(h["selection"] for h in run["history"])
        for run in runs
    ]
    model, soup = soup_runs(models, best, data.dev, data.selection)
    if model.adapter is not None:
        # the mean of merged weights is no low-rank update of the base any more
        logger.info("a soup of adapter runs is saved as a full model")
        model.adapter = None
    seeds = [run["seed"] for run in runs]
    record = {
        "seeds": [seeds[i] for i in soup.members],
        "selection": soup.score,
        "tried": [{"seeds": [seeds[i] for i in m], "selection": sc} for m, sc in soup.tried],
    }
    logger.info("soup of seeds %s: selection %.4f", record["seeds"], soup.score)
    return model, {"run_seeds": seeds, "runs": runs, "soup": record}


def _calibrate_and_save(
    model: SourcingModel,
    data: TrainingData,
    out_dir: str | Path,
    name: str | None,
    commit: str | None,
    runs_meta: dict[str, Any],
    started: float,
) -> dict[str, Any]:
    """Fit the scorer on the calib split through the full pipeline; save model, scorer,
    resolved config and provenance (``training.json``)."""
    out_dir = Path(out_dir)
    config = data.config
    annotator = Annotator(model, None, config)
    evidence, targets = calibration_data(annotator, data.calib_articles)
    real_evidence, real_targets = calibration_data(annotator, data.calib_wikinews)
    weights = calib_weights(len(targets), len(real_targets), config.train.calib_wikinews_share)
    scorer = SourcingScorer().fit(evidence + real_evidence, targets + real_targets, weights)
    targets = targets + real_targets
    logger.info("scorer fitted on %d calib sentences", len(targets))
    model.save(out_dir)
    scorer.save(out_dir)
    modeldir.write_config(out_dir, config)
    meta = {
        "name": name or out_dir.name,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "seed": config.train.seed,  # initial weights and the held-out PolNeAR articles
        "threads": config.train.threads,
        "data_hashes": data.data_hashes,
        "corpora": data.corpora,
        "versions": versions(),
        "git_commit": commit,
        **runs_meta,  # run_seeds (data order and dropout of each run), history, runs, soup
        "calib_sentences": len(targets),
        "train_seconds": round(time.perf_counter() - started, 1),
    }
    modeldir.write_training(out_dir, meta)
    return meta


def calib_weights(n_bundled: int, n_wikinews: int, wikinews_share: float | None) -> list[float] | None:
    """Sample weights of the calib sentences (bundled first): with ``wikinews_share``,
    the Wikinews ones carry that share of the total weight; None: all weigh the same."""
    if wikinews_share is None or not n_bundled or not n_wikinews:
        return None
    w = wikinews_share / (1 - wikinews_share) * n_bundled / n_wikinews
    return [1.0] * n_bundled + [w] * n_wikinews


def soup_dirs(
    model_dirs: Sequence[str | Path],
    out_dir: str | Path,
    polnear_dir: str | Path | None = None,
    corpus_dir: str | Path | None = None,
    name: str | None = None,
) -> dict[str, Any]:
    """Soup models trained separately, one run seed each, into the model one
    ``make train`` with all their ``run_seeds`` would make: same config and data
    otherwise (checked against the recorded hashes), greedy soup, new calibration.

    ``corpus_dir`` is the bundled corpus here (default: the first model's ``corpus_dir``);
    the runs may have read theirs from other paths on other machines.
    """
    started = time.perf_counter()
    if len(model_dirs) < 2:
        raise SoupError("a soup needs at least two models")
    read = [_read_run(d) for d in model_dirs]
    first_config, first_meta = read[0][1], read[0][2]
    for directory, (_, config, meta, _) in zip(model_dirs[1:], read[1:], strict=True):
        if dataclasses.replace(config, corpus_dir=first_config.corpus_dir) != first_config:
            diff = _config_difference(first_config, config)
            raise SoupError(f"{directory} was trained with {diff}; only runs of one config average")
        for key, what in (("data_hashes", "bundled data"), ("corpora", "corpora")):
            if meta.get(key) != first_meta.get(key):
                raise SoupError(f"{directory} was trained on other {what} than {model_dirs[0]}")
    seeds = [seed for *_, seed in read]
    if len(set(seeds)) != len(seeds):
        raise SoupError(f"the models share run seeds ({seeds}): identical runs add nothing")
    has_polnear = "polnear_train_silver" in first_meta.get("corpora", {})
    if has_polnear != (polnear_dir is not None):
        raise SoupError(
            "the models were trained with PolNeAR: give its path"
            if has_polnear
            else "the models were trained without PolNeAR: leave its path out"
        )
    corpus = Path(corpus_dir if corpus_dir is not None else first_config.corpus_dir)
    if not corpus.is_dir():
        raise SoupError(f"no bundled corpus at {corpus}: give its path (corpus_dir, --corpus)")
    config = first_config.replace(train={"run_seeds": seeds})
    config = dataclasses.replace(config, corpus_dir=str(corpus))
    previous_threads = torch.get_num_threads()
    torch.set_num_threads(config.train.threads)  # as the runs were scored while training
    try:
        data = training_data(config, polnear_dir)
        if data.data_hashes != first_meta.get("data_hashes") or data.corpora != first_meta.get("corpora"):
            raise SoupError(f"the corpora here ({corpus}) differ from those the models were trained on")
        runs = [
            {"seed": seed, "history": meta["history"], "model": str(d), "git_commit": meta.get("git_commit")}
            for d, (_, _, meta, seed) in zip(model_dirs, read, strict=True)
        ]
        model, meta = _soup([m for m, *_ in read], runs, data)
        return _calibrate_and_save(model, data, out_dir, name, git_commit(), meta, started)
    finally:
        torch.set_num_threads(previous_threads)


def _read_run(directory: str | Path) -> tuple[SourcingModel, Config, dict[str, Any], int]:
    """A single-run model directory: model, config without run seeds, training.json, run seed.
    Directories from before ``run_seeds`` count as one run with ``train.seed``."""
    files = [Path(directory) / f for f in (modeldir.CONFIG_FILE, modeldir.TRAINING_FILE)]
    missing = [f.name for f in files if not f.is_file()]
    if missing:
        raise SoupError(f"{directory} is not a trained model directory (no {', '.join(missing)})")
    try:
        config, meta = modeldir.read_config(directory), modeldir.read_training(directory)
    except ModelNotFoundError as exc:
        raise SoupError(str(exc)) from None
    seeds = list(meta.get("run_seeds") or config.train.run_seeds or (config.train.seed,))
    if len(seeds) != 1:
        raise SoupError(f"{directory} is already a soup of seeds {seeds}; soup its runs instead")
    if not meta.get("history"):
        raise SoupError(f"{directory}/{modeldir.TRAINING_FILE} has no training history to score the run by")
    return SourcingModel.load(directory), config.replace(train={"run_seeds": ()}), meta, seeds[0]


def _config_difference(a: Config, b: Config) -> str:
    da, db = a.to_dict(), b.to_dict()
    for section in da:
        if da[section] != db[section]:
            if isinstance(da[section], dict):
                key = next(k for k in da[section] if da[section][k] != db[section].get(k))
                return f"{section}.{key} = {db[section].get(key)!r}, not {da[section][key]!r}"
            return f"{section} = {db[section]!r}, not {da[section]!r}"
    return "another config"
