"""The model shipped inside the package: real behaviour in the fast suite.

It is what ``annotate()`` uses from any directory, so these tests check what a user
gets: the labels of an article shaped like the seed article, "he said" resolved to a
speaker named earlier, a calibrated score in range, and that the model is not stale
(its training data is the data in ``data/``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator import annotate, modeldir
from annotator.config import SHIPPED_MODEL_DIR
from annotator.corpora.bundled import file_hashes
from annotator.pipeline import Annotator
from annotator.training.ship import FILES, MAX_BYTES
from annotator.types import AnnotatedArticle, AnnotatedSentence, Label

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def shipped() -> Annotator:
    return Annotator()


def find(article: AnnotatedArticle, start: str) -> AnnotatedSentence:
    return next(s for s in article.sentences if s.text.startswith(start))


def test_the_package_carries_the_whole_model_in_under_2_mb() -> None:
    sizes = {name: (SHIPPED_MODEL_DIR / name).stat().st_size for name in FILES}
    assert sum(sizes.values()) <= MAX_BYTES, sizes
    assert not (SHIPPED_MODEL_DIR / modeldir.WEIGHTS_FILE).exists()
    corpora = modeldir.read_training(SHIPPED_MODEL_DIR)["corpora"]
    assert set(corpora) == {"bundled", "wikinews"}  # never PolNeAR


def test_the_shipped_model_is_trained_on_the_data_in_the_repository() -> None:
    """Retrain and re-ship (`make train eval ship`) whenever data/ changes."""
    recorded = modeldir.read_training(SHIPPED_MODEL_DIR)["data_hashes"]
    current = file_hashes(ROOT / "data" / "corpus")
    current.update(
        {f"wikinews/{k}": v for k, v in file_hashes(ROOT / "data" / "wikinews" / "corpus").items()}
    )
    assert recorded == current


def test_annotator_uses_the_shipped_model_by_default(
    shipped: Annotator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(modeldir.MODEL_ENV, raising=False)
    monkeypatch.chdir(tmp_path)  # any working directory
    article = annotate("The mayor said the bridge would reopen on Monday.")
    assert article.model["shipped"] is True and article.model["adapter"] is True
    assert article.model["backend"] == shipped.info["backend"] and "flags" in article.model["cpu"]


def test_seed_shaped_article(shipped: Annotator, seed_like_text: str) -> None:
    article = shipped.annotate(seed_like_text)
    expected = {
        "Norvania is quietly financing": Label.ANONYMOUS,
        "Presenting the findings, officials said": Label.ANONYMOUS,
        "Norvanian credit has become": Label.ANONYMOUS,
        "“Estrelia is building faster": Label.ANONYMOUS,
        "“Without that money": Label.ANONYMOUS,
        "The Norvanian Foreign Ministry said": Label.ON_RECORD,
        "“We finance harbours, not navies,”": Label.ON_RECORD,
        "Fisheries Minister Tomas Ledvik said": Label.ON_RECORD,
        "Cargo traffic at the northern harbours": Label.ON_RECORD,
        "Ledvik is also expected to visit": Label.REPORTER,
        "The Northern Council’s maritime committee": Label.REPORTER,
    }
    for start, label in expected.items():
        assert find(article, start).label is label, start
    official = find(article, "Norvanian credit has become")
    assert official.source is not None and official.source.text == "a senior Aldmark official"
    assert official.anonymity_reason is not None and "anonymity" in official.anonymity_reason.text
    he = find(article, "“Without that money")
    assert he.source_resolved is not None and "official" in he.source_resolved
    assert find(article, "The Norvanian Foreign Ministry said").score > official.score


def test_he_said_resolves_to_a_speaker_named_paragraphs_earlier(shipped: Annotator) -> None:
    text = (
        "Maria Lopez, the city's finance director, presented the budget on Monday.\n\n"
        "The plan cuts spending on roads by a tenth and raises parking fees.\n\n"
        "Council members will vote on it next month.\n\n"
        "“We cannot keep borrowing to pay for repairs,” she said."
    )
    article = shipped.annotate(text)
    quote = find(article, "“We cannot keep borrowing")
    assert quote.label is Label.ON_RECORD
    assert quote.source_resolved is not None and "Maria Lopez" in quote.source_resolved


def test_scores_are_probabilities(shipped: Annotator, seed_like_text: str) -> None:
    scores = [s.score for s in shipped.annotate(seed_like_text).body]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert max(scores) - min(scores) > 0.3  # the score separates well and poorly sourced claims


def test_a_local_model_directory_still_wins(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(modeldir.MODEL_ENV, os.fspath(tiny_model_dir))
    article = Annotator().annotate("Prices rose.")
    assert article.model["shipped"] is False and article.model["path"] == os.fspath(tiny_model_dir)
