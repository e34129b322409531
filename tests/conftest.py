"""Shared fixtures: a tiny randomly initialised BERT saved with the real save code.

No download and no long training: every fast test exercises the real loading
path (``Annotator.from_dir``) on a model small enough to run in milliseconds.
"""

from __future__ import annotations

import json
import string
from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import BertConfig, BertModel, BertTokenizerFast
from transformers.utils import logging as hf_logging

from annotator.config import Config
from annotator.corpora.bundled import load_split
from annotator.model import SourcingModel
from annotator.modeldir import CONFIG_FILE
from annotator.pipeline import Annotator
from annotator.scoring import Evidence, SourcingScorer

ROOT = Path(__file__).resolve().parents[1]

hf_logging.set_verbosity_error()  # the tiny encoder has no pooler: no load report in test output


@pytest.fixture(scope="session", autouse=True)
def _onnx_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """ONNX exports made by the tests go to a temporary cache, not the user's."""
    import os

    os.environ["ANNOTATOR_CACHE"] = str(tmp_path_factory.mktemp("onnx_cache"))


WORDS = """the a an of to in and is was for on that with as by at from said says told according
officials official senior us u.s. he she they it who spoke condition anonymity reporters statement
minister ministry pentagon court records show report china russia would could will not we our
campbell smith lopez police company spokesman spokeswoman added expected after long night
negotiations between unions regional councils talks resume day are ready bridge close prices rose
""".split()


def _vocab() -> list[str]:
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    chars = list(string.ascii_lowercase + string.digits + string.punctuation) + list("“”‘’—–…«»é")
    return specials + chars + [f"##{c}" for c in string.ascii_lowercase + string.digits] + WORDS


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny pretrained-style encoder directory (config, weights, tokenizer)."""
    directory = tmp_path_factory.mktemp("tiny_base")
    vocab_file = directory / "vocab.txt"
    vocab_file.write_text("\n".join(dict.fromkeys(_vocab())) + "\n")
    tokenizer = BertTokenizerFast(vocab_file=str(vocab_file), do_lower_case=True)
    config = BertConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=48,
        max_position_embeddings=256,
    )
    torch.manual_seed(0)
    BertModel(config).save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A complete model directory: random tagger + a scorer fitted on synthetic evidence."""
    directory = tmp_path_factory.mktemp("tiny_model")
    torch.manual_seed(0)
    model = SourcingModel.from_base(str(tiny_base), max_length=96)
    model.save(directory)
    rng = np.random.default_rng(0)
    evidence, y = [], []
    for _ in range(300):
        p = rng.dirichlet([1, 1, 1])
        well = float(rng.uniform())
        evidence.append(Evidence(tuple(p), well, "named_person" if p[1] > 0.5 else "unnamed"))
        y.append(int(rng.uniform() < well))
    SourcingScorer().fit(evidence, y).save(directory)
    # torch-fp32: the fast invariants run on torch; tests/test_ort.py runs ONNX Runtime
    config = Config().replace(
        model={"base_model": str(tiny_base), "max_length": 96}, inference={"backend": "torch-fp32"}
    )
    (directory / CONFIG_FILE).write_text(json.dumps(config.to_dict()))
    return directory


@pytest.fixture(scope="session")
def tiny_annotator(tiny_model_dir: Path) -> Annotator:
    return Annotator.from_dir(tiny_model_dir)


SEED_LIKE_ARTICLE = Path(__file__).resolve().parent / "fixtures" / "seed_like_article.txt"
"""An invented article shaped like ``../shared/seed_article.txt`` (a scraped page: section
label, headline, byline, date, repeated photo caption with credits, site boilerplate, body
with unnamed, anonymous, "he said", named and institutional sourcing). Bundled, so the fast
tests never depend on a file outside the checkout: 25 segments, 16 body and 9 meta."""

SHARED_SEED_ARTICLE = Path(__file__).resolve().parents[2] / "shared" / "seed_article.txt"


@pytest.fixture(scope="session")
def seed_like_text() -> str:
    """The bundled invented article (always present: a fast test never skips for it)."""
    return SEED_LIKE_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture
def shared_seed_text(request: pytest.FixtureRequest) -> str:
    """The real ``../shared/seed_article.txt`` (ANNOTATION.md's worked example), for slow
    tests only: it lives outside the checkout, so a fast test must not depend on it."""
    if request.node.get_closest_marker("slow") is None:
        pytest.fail("shared_seed_text is for tests marked slow; use seed_like_text")
    if not SHARED_SEED_ARTICLE.is_file():
        pytest.skip("../shared/seed_article.txt is not beside this checkout")
    return SHARED_SEED_ARTICLE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("corpus")
    sizes = {"train": 10, "dev": 3, "calib": 6, "test": 4}
    for split, n in sizes.items():
        articles = load_split(ROOT / "data" / "corpus", split)[:n]
        (directory / f"{split}.jsonl").write_text("".join(json.dumps(a) + "\n" for a in articles))
    return directory


@pytest.fixture(scope="session")
def tiny_train_config(tiny_base: Path, small_corpus: Path) -> Config:
    """A config for seconds-long training runs on the tiny encoder and a corpus slice."""
    return Config(corpus_dir=str(small_corpus)).replace(
        model={"base_model": str(tiny_base), "max_length": 64, "adapter": "none"},
        inference={"backend": "torch-fp32"},
        train={"epochs": 1, "batch_size": 8, "max_train_sentences": 96, "learning_rate": 1e-3},
    )
