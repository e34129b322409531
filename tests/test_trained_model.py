"""The shipped model on the real seed article (`make test-slow`: the article is outside the checkout)."""

from __future__ import annotations

import pytest

from annotator.pipeline import Annotator
from annotator.types import Kind, Label

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def trained() -> Annotator:
    return Annotator()  # the shipped model (or $ANNOTATOR_MODEL)


def find(article, start: str):
    return next(s for s in article.sentences if s.text.startswith(start))


def test_seed_article_worked_example(trained: Annotator, shared_seed_text: str) -> None:
    """The rows of ANNOTATION.md's worked example come out as the guideline says."""
    article = trained.annotate(shared_seed_text)
    expected = {
        "China is helping Russia undertake": Label.ANONYMOUS,
        "China has been the key factor": Label.ANONYMOUS,
        "“Russia would struggle": Label.ANONYMOUS,
        "Deputy Secretary of State Kurt Campbell": Label.ON_RECORD,
        "Ukraine has suffered": Label.REPORTER,
        "Blinken is also planning": Label.REPORTER,
    }
    for start, label in expected.items():
        assert find(article, start).label is label, start
    official = find(article, "China has been the key factor")
    assert official.source is not None and official.source.text == "a senior US official"
    assert official.anonymity_reason is not None and "anonymity" in official.anonymity_reason.text
    he = find(article, "“Russia would struggle")
    assert he.source_resolved is not None and "official" in he.source_resolved
    campbell = find(article, "Deputy Secretary of State Kurt Campbell")
    assert campbell.source is not None and "Kurt Campbell" in campbell.source.text
    assert campbell.score > find(article, "China is helping Russia undertake").score
    # a mixed sentence: a named government's warning, then unnamed officials' claim (weakest wins)
    mixed = find(article, "The United States has repeatedly warned")
    assert mixed.label is Label.ANONYMOUS
    assert mixed.source is not None and mixed.source.text == "both Chinese and US officials"
    assert mixed.cue is not None and mixed.cue.text == "say"
    # a named body's hope, then "but US officials have stressed ...": anonymous again
    assert find(article, "The administration hopes").label is Label.ANONYMOUS
    metas = [s for s in article.sentences if s.kind is Kind.META]
    assert len(metas) == 9
    # US officials (also "officials"), the senior US official, and Chinese and US officials together
    assert len(article.profile.anonymous_sources) <= 4
    assert "both Chinese and US officials" in article.profile.anonymous_sources


def test_sample_article(trained: Annotator) -> None:
    from annotator.config import REPO_ROOT

    article = trained.annotate((REPO_ROOT / "data" / "sample_article.txt").read_text())
    assert find(article, "A senior Portuguese official").label is Label.ANONYMOUS
    assert find(article, "“They walked back").label is Label.ANONYMOUS
    assert find(article, "The Portuguese government said").label is Label.ON_RECORD
    assert find(article, "Negotiators are expected").label is Label.REPORTER
