"""Train-then-eval smoke test and determinism, on the tiny encoder and a slice of the corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.config import Config
from annotator.corpora.bundled import load_split
from annotator.modeldir import CONFIG_FILE
from annotator.pipeline import Annotator
from annotator.training.evaluate import evaluate_bundled
from annotator.training.report import write_report
from annotator.training.train import train


def test_train_then_eval(tiny_train_config: Config, small_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "model"
    meta = train(tiny_train_config, out, name="tiny")
    for name in (
        "network.safetensors",
        "tokenizer.json",
        "scorer.json",
        "annotator_config.json",
        "training.json",
    ):
        assert (out / name).is_file(), name
    assert set(meta["data_hashes"]) == {"train", "dev", "calib", "test"}
    assert meta["versions"]["torch"].startswith("2.13")
    assert meta["calib_sentences"] > 50
    annotator = Annotator.from_dir(out)
    test = load_split(small_corpus, "test")
    result = evaluate_bundled(annotator, test, load_split(small_corpus, "train"), n_boot=20)
    assert result["body_sentences"] == sum(s["kind"] == "body" for a in test for s in a["sentences"])
    for system in (result["model"], result["baselines"]["tfidf_lr"], result["baselines"]["rules"]):
        assert 0.0 <= system["macro_f1"] <= 1.0
        lo, hi = system["macro_f1_ci95"]
        assert lo <= hi
    assert 0.0 <= result["score"]["ece"] <= 1.0 and 0.0 <= result["meta_accuracy"] <= 1.0
    soup = {
        "seeds": [2, 1],
        "selection": 0.5,
        "tried": [{"seeds": [2], "selection": 0.4}, {"seeds": [2, 1], "selection": 0.5}],
    }
    metrics = {"model_name": "tiny", "created": "now", "eval_seconds": 1.0, "bundled": result, "soup": soup}
    write_report(metrics, tmp_path / "report", out)
    assert (
        "the runs with seeds 2, 1 (selection score of each mixture tried: 2: 0.4000, 2+1: 0.5000)"
        in (tmp_path / "report" / "report.md").read_text()
    )
    assert (tmp_path / "report" / "reliability.png").stat().st_size > 1000
    assert "Bundled test split" in (out / "MODEL_CARD.md").read_text()


def test_same_seed_same_predictions(tiny_train_config: Config, small_corpus: Path, tmp_path: Path) -> None:
    config = tiny_train_config.replace(train={"max_train_sentences": 48})
    texts = [a["text"] for a in load_split(small_corpus, "test")]
    runs = []
    for k, run_seeds in enumerate(((), (), (config.train.seed,))):  # [seed] is the default's one run
        train(config.replace(train={"run_seeds": run_seeds}), tmp_path / f"m{k}")
        annotator = Annotator.from_dir(tmp_path / f"m{k}")
        runs.append([(s.label, s.probabilities, s.score) for a in annotator.pipe(texts) for s in a.sentences])
    assert runs[0] == runs[1] == runs[2]
    for k in (1, 2):
        assert (tmp_path / "m0" / "network.safetensors").read_bytes() == (
            tmp_path / f"m{k}" / "network.safetensors"
        ).read_bytes()


def test_train_with_polnear_holds_out_selection_articles(tiny_train_config: Config, tmp_path: Path) -> None:
    from annotator.corpora.polnear import polnear_training_articles

    mini = Path(__file__).parent / "fixtures" / "polnear_mini"
    training, held_out = polnear_training_articles(mini, "train", 10_000, seed=13, selection_sentences=1)
    assert len(held_out) == 1 and len(training) == 2
    assert not {a["id"] for a in training} & {a["id"] for a in held_out}
    assert polnear_training_articles(mini, "train", 10_000, seed=13)[1] == []
    config = tiny_train_config.replace(
        train={"max_train_sentences": 0, "polnear_selection_sentences": 1, "epochs": 1, "polnear_epochs": 2}
    )
    meta = train(config, tmp_path / "m", polnear_dir=mini)
    polnear = meta["corpora"]["polnear_train_silver"]
    assert polnear["articles"] == 2 and polnear["selection_articles"] == 1
    assert len(polnear["sha256"]) == 64
    # with PolNeAR the run takes polnear_epochs, and the saved config says so
    assert [e["epoch"] for e in meta["history"]] == [1, 2]
    assert json.loads((tmp_path / "m" / CONFIG_FILE).read_text())["train"]["epochs"] == 2
    for epoch in meta["history"]:
        assert 0.0 <= epoch["polnear_selection_macro_f1"] <= 1.0
        assert epoch["selection"] == (epoch["dev_macro_f1"] + epoch["polnear_selection_macro_f1"]) / 2


def test_every_listed_source_and_cue_is_a_span_target() -> None:
    """PolNeAR lists every attribution's source and cue; all become targets, overlaps dropped."""
    from annotator.encoding import TAGS, bio_tags
    from annotator.training.train import build_examples

    sentence = "Halloran, who said he resigned, told reporters the firm wrote it."
    text = "Headline\n\n" + sentence
    lo = text.index(sentence)

    def span(words: str, after: int = 0) -> dict:
        start = text.index(words, after)
        return {"start": start, "end": start + len(words), "text": words}

    gold = {
        "start": lo,
        "end": len(text),
        "kind": "body",
        "label": "on_record",
        "strength": 2,
        "source": span("Halloran"),
        "sources": [span("Halloran"), span("who"), span("Halloran, who")],  # the last overlaps: dropped
        "cue": span("told reporters"),
        "cues": [span("said"), span("told reporters")],
    }
    article = {"text": text, "sentences": [{"start": 0, "end": 8, "kind": "meta"}, gold]}
    context = {"n_context": 0, "words_before": 0, "words_after": 0}
    (example,) = build_examples([article], context)
    rel = {k: [sentence[a:b] for a, b in v] for k, v in example.spans.items()}
    assert rel == {"source": ["Halloran", "who"], "cue": ["told reporters", "said"]}

    offsets, pos = [], 0
    for word in sentence.split(" "):
        offsets.append((pos, pos + len(word.rstrip(","))))
        pos += len(word) + 1
    tags = [TAGS[t] for t in bio_tags(offsets, [True] * len(offsets), example.spans)]
    assert tags[:6] == ["B-source", "B-source", "B-cue", "O", "O", "B-cue"]
    assert tags[6] == "I-cue"


def test_evaluate_model_reports_the_wikinews_test_split(
    tiny_model_dir: Path, small_corpus: Path, tmp_path: Path
) -> None:
    """With a Wikinews corpus, make eval reports its test split beside the bundled one, with
    baselines, calibration, a reliability diagram and its targets (the small bundled slice
    stands in for the Wikinews corpus: same schema)."""
    from annotator.training.evaluate import evaluate_model
    from annotator.training.report import write_report

    metrics = evaluate_model(tiny_model_dir, small_corpus, n_boot=10, wikinews_dir=small_corpus)
    assert metrics["wikinews"]["body_sentences"] == metrics["bundled"]["body_sentences"]
    assert set(metrics["wikinews"]["baselines"]) == {"rules", "tfidf_lr"}
    assert {"wikinews/train", "wikinews/test"} <= set(metrics["data_hashes"])
    write_report(metrics, tmp_path / "report")
    report = (tmp_path / "report" / "report.md").read_text()
    assert "## Wikinews test split (real news)" in report and "Wikinews ECE ≤ 0.03" in report
    assert (tmp_path / "report" / "wikinews_reliability.png").is_file()
    assert (tmp_path / "report" / "wikinews_confusion_matrix.png").is_file()


def test_a_window_model_trains_reproducibly_and_annotates_from_onnx(
    tiny_train_config: Config, small_corpus: Path, tmp_path: Path
) -> None:
    """The window packing end to end: training (windows shifted from epoch to epoch), the
    same weights from the same seed, and the same labels from torch and ONNX Runtime."""
    config = tiny_train_config.replace(
        model={"packing": "window", "max_length": 160},
        train={"epochs": 2, "max_train_sentences": 64, "calib_wikinews_share": None},
    )
    for k in range(2):
        train(config, tmp_path / f"w{k}")
    assert (tmp_path / "w0" / "network.safetensors").read_bytes() == (
        tmp_path / "w1" / "network.safetensors"
    ).read_bytes()
    texts = [a["text"] for a in load_split(small_corpus, "test")][:2]
    labels = {}
    for backend in ("torch-fp32", "onnx-fp32"):
        annotator = Annotator.from_dir(tmp_path / "w0", backend=backend)
        labels[backend] = [s.label for a in annotator.pipe(texts) for s in a.sentences]
    assert labels["torch-fp32"] == labels["onnx-fp32"]
    assert sum(label is not None for label in labels["torch-fp32"]) > 10


def test_article_subset_is_a_seeded_share_independent_of_order() -> None:
    from annotator.training.train import article_subset

    articles = [{"id": f"a{i}"} for i in range(40)]
    half = article_subset(articles, 0.5, seed=13)
    assert len(half) == 20
    assert [a["id"] for a in article_subset(list(reversed(articles)), 0.5, seed=13)] == [
        a["id"] for a in reversed(half)
    ]
    assert {a["id"] for a in article_subset(articles, 0.5, seed=14)} != {a["id"] for a in half}
    assert article_subset(articles, 1.0, seed=13) is articles


@pytest.mark.parametrize("name", ["bundled_share", "wikinews_share"])
@pytest.mark.parametrize("value", [0.0, 1.5])
def test_corpus_shares_must_be_shares(name: str, value: float) -> None:
    from annotator.config import TrainConfig
    from annotator.errors import ConfigError

    with pytest.raises(ConfigError, match=name):
        TrainConfig(**{name: value})


def test_the_weight_average_follows_the_weights_and_is_swapped_in_and_out() -> None:
    """The moving average trails the trained weights (frozen ones are not averaged), and
    ``applied`` puts it in the network only for the duration of the block."""
    import torch

    from annotator.training.average import WeightAverage

    net = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(2, 1))
    net[0].requires_grad_(False)
    average = WeightAverage(net, decay=0.9)
    start = net[1].weight.detach().clone()
    assert [n for n, _ in average.params] == ["1.weight", "1.bias"]
    with torch.no_grad():
        net[1].weight.add_(1.0)
    for _ in range(50):
        average.update()
    trained = net[1].weight.detach().clone()
    assert torch.all(average.shadow["1.weight"] > start) and torch.all(average.shadow["1.weight"] < trained)
    with average.applied():
        assert torch.equal(net[1].weight, average.shadow["1.weight"])
    assert torch.equal(net[1].weight, trained)
    with pytest.raises(ValueError, match="decay"):
        WeightAverage(net, decay=1.0)


@pytest.mark.parametrize(
    ("precision", "flags", "resolved"),
    [
        ("auto", ("avx2",), "fp32"),
        ("auto", ("avx2", "avx512f", "avx512_bf16"), "bf16"),
        ("auto", ("avx2", "amx_tile", "amx_bf16"), "bf16"),
        ("fp32", ("amx_bf16",), "fp32"),
        ("bf16", ("avx2",), "bf16"),
    ],
)
def test_training_precision_is_bf16_on_auto_only_where_the_cpu_has_it(
    monkeypatch: pytest.MonkeyPatch, precision: str, flags: tuple[str, ...], resolved: str
) -> None:
    """Emulated bf16 is several times slower than fp32, so "auto" never picks it there."""
    from annotator.config import Config
    from annotator.hardware import CpuInfo
    from annotator.training import train as training

    monkeypatch.setattr(training, "cpu_info", lambda: CpuInfo("test CPU", flags, 2))
    config = Config().replace(train={"precision": precision})
    assert training.training_precision(config) == resolved


def test_training_precision_must_be_known() -> None:
    from annotator.config import TrainConfig
    from annotator.errors import ConfigError

    with pytest.raises(ConfigError, match="precision"):
        TrainConfig(precision="fp16")


def test_numpy_dropout_masks_train_reproducibly_from_their_own_random_stream(
    tiny_train_config: Config, tmp_path: Path
) -> None:
    config = tiny_train_config.replace(train={"max_train_sentences": 48})
    weights = {}
    for name, masks in (("a", "numpy"), ("b", "numpy"), ("torch", "torch")):
        train(config.replace(train={"dropout_masks": masks}), tmp_path / name)
        weights[name] = (tmp_path / name / "network.safetensors").read_bytes()
    assert weights["a"] == weights["b"]
    assert weights["a"] != weights["torch"]


def test_dropout_masks_must_be_known() -> None:
    from annotator.config import TrainConfig
    from annotator.errors import ConfigError

    with pytest.raises(ConfigError, match="dropout_masks"):
        TrainConfig(dropout_masks="mt19937")
