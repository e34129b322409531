"""The pipeline end to end on the tiny random model: invariants and bad input."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator import Annotator
from annotator.errors import InputError, ModelNotFoundError
from annotator.pipeline import _chunks
from annotator.types import LABEL_NAMES, AnnotatedArticle, Kind


def check_invariants(article: AnnotatedArticle) -> None:
    text = article.text
    last_end = 0
    for s in article.sentences:
        assert text[s.start : s.end] == s.text
        assert s.start >= last_end
        last_end = s.end
        if s.kind is Kind.META:
            assert s.label is None and s.score is None
            continue
        assert s.label is not None and s.probabilities is not None
        assert set(s.probabilities) == set(LABEL_NAMES)
        assert math.isclose(sum(s.probabilities.values()), 1.0, abs_tol=1e-4)
        assert s.score is not None and 0.0 <= s.score <= 1.0
        for span in (s.source, s.cue, s.anonymity_reason):
            if span is not None:
                assert text[span.start : span.end] == span.text
                assert s.start <= span.start < span.end <= s.end


def test_seed_like_article(tiny_annotator: Annotator, seed_like_text: str) -> None:
    article = tiny_annotator.annotate(seed_like_text)
    check_invariants(article)
    assert article.text == seed_like_text
    assert len(article.body) == 16
    assert article.profile.n_body == 16 and article.profile.n_meta == 9
    d = article.to_dict()
    assert d["schema_version"] and len(d["sentences"]) == 25


@pytest.mark.parametrize("backend", ["torch-fp32", "torch-bf16", "torch-int8", "onnx-int8"])
def test_pipe_matches_annotate(tiny_model_dir: Path, seed_like_text: str, backend: str) -> None:
    """An article gets what it gets alone whatever else is in the call: the int8 backends
    scale activations per batch, so their batches hold one article each."""
    annotator = Annotator.from_dir(tiny_model_dir, backend=backend)
    texts = [
        seed_like_text,
        "Officials said the bridge would close.",
        "",
        seed_like_text[:400],
        seed_like_text[900:],
    ]
    batched = list(annotator.pipe(texts))
    assert len(batched) == len(texts)
    for text, article in zip(texts, batched, strict=True):
        single = annotator.annotate(text)
        assert [s.label for s in single.sentences] == [s.label for s in article.sentences]
        for a, b in zip(single.sentences, article.sentences, strict=True):
            if a.score is not None:
                assert a.probabilities == pytest.approx(b.probabilities, abs=1e-5)
                assert a.score == pytest.approx(b.score, abs=1e-5)


def test_an_article_is_not_cut_where_a_chunk_of_sentences_ends(tiny_annotator: Annotator) -> None:
    """Articles go to the model in chunks of whole articles, so the second of two 700-sentence
    articles is read in the same windows as when it is annotated alone."""
    first = " ".join(f"Officials said the bridge would close on day {i}." for i in range(701))
    second = " ".join(f"“We are ready for day {i},” Smith said." for i in range(700))
    together = list(tiny_annotator.pipe([first, second]))[1]
    alone = tiny_annotator.annotate(second)
    assert [s.probabilities for s in together.body] == [s.probabilities for s in alone.body]


def test_chunks_keep_articles_whole() -> None:
    assert _chunks([0, 0, 0, 1, 1, 1, 1, 2, 2], 5) == [(0, 3), (3, 7), (7, 9)]
    assert _chunks([0, 0] + [1] * 12 + [2, 2], 5) == [(0, 2), (2, 7), (7, 12), (12, 16)]
    assert _chunks([], 5) == []


@pytest.mark.parametrize("text", ["", "   \n\t\n  ", "\u00a0\u2003"])
def test_empty_text_gives_empty_article(tiny_annotator: Annotator, text: str) -> None:
    article = tiny_annotator.annotate(text)
    assert article.sentences == () and article.profile.n_body == 0
    assert article.profile.mean_score is None


def test_html_input_is_extracted(tiny_annotator: Annotator) -> None:
    page = "<html><body><script>alert(1)</script><p>Officials said it rained.</p><p>It did.</p></body></html>"
    article = tiny_annotator.annotate(page)
    assert "alert" not in article.text
    assert [s.text for s in article.body] == ["Officials said it rained.", "It did."]
    assert any("HTML" in w for w in article.warnings)
    check_invariants(article)


def test_odd_quotes_and_no_punctuation(tiny_annotator: Annotator) -> None:
    for text in ['He said “it is over. And ” then ”” left "', "officials said the bridge would close"]:
        article = tiny_annotator.annotate(text)
        check_invariants(article)
        assert article.body


def test_non_english_is_annotated_with_warning(tiny_annotator: Annotator) -> None:
    text = "El gobierno anunció el lunes nuevas medidas, según dijo un portavoz del ministerio. " * 2
    article = tiny_annotator.annotate(text)
    assert article.body and any("English" in w for w in article.warnings)


def test_huge_article_is_processed(tiny_annotator: Annotator) -> None:
    filler = (
        "after a long night of negotiations between the ministry, the unions and the regional councils " * 3
    )
    paragraph = (
        "Officials said the talks would resume "
        + filler
        + "on day {}. “We are ready,” Smith said "
        + filler
        + ".\n\n"
    )
    n = 5_000_000 // len(paragraph)
    text = "".join(paragraph.format(i) for i in range(n))
    assert len(text) > 4_900_000
    article = tiny_annotator.annotate(text)
    assert len(article.body) == 2 * n
    last = article.sentences[-1]
    assert text[last.start : last.end] == last.text


def test_not_a_string_is_an_input_error(tiny_annotator: Annotator) -> None:
    with pytest.raises(InputError):
        tiny_annotator.annotate(b"bytes")  # type: ignore[arg-type]


def test_missing_model_says_how_to_train(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="make train"):
        Annotator.from_dir(tmp_path / "nope")
    with pytest.raises(ModelNotFoundError, match="make train"):
        Annotator.from_dir(tmp_path)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("abc XYZ.,!?“”\"'\n—é東")), max_size=300))
def test_random_texts_keep_invariants(tiny_annotator: Annotator, text: str) -> None:
    check_invariants(tiny_annotator.annotate(text))


def test_datasets_dataset(tiny_annotator: Annotator, seed_like_text: str) -> None:
    import json

    from datasets import Dataset

    ds = Dataset.from_dict({"id": [1, 2], "text": [seed_like_text, "Officials said it rained."]})
    out = tiny_annotator.annotate_dataset(ds)
    assert out["n_body"] == [16, 1]
    first = json.loads(out["annotation"][0])
    assert first["text"] == seed_like_text
    assert abs(sum(out[f"share_{k}"][0] for k in LABEL_NAMES) - 1.0) < 1e-9


def test_sentence_longer_than_the_model_input(tiny_annotator: Annotator) -> None:
    long = "Officials said " + "the talks went on and on " * 60 + "until dawn."
    article = tiny_annotator.annotate(f"Prices rose. {long} Smith said it was over.")
    check_invariants(article)
    assert [s.text for s in article.body][1] == long
    # the user is told the model read only the start of it, and where it stopped
    (warning,) = [w for w in article.warnings if "read in part" in w]
    start = article.text.index(long)
    assert f"{start}-{start + len(long)}" in warning
    stop = int(warning.split("up to character ")[1].split(";")[0])
    assert start < stop < start + len(long)
    assert not [
        w for w in tiny_annotator.annotate("Prices rose. Smith said so.").warnings if "read in part" in w
    ]


def test_profile_merges_mentions_of_one_source() -> None:
    from annotator.profile import _distinct_sources

    named = _distinct_sources(
        [
            "Spain’s transport minister, Lucía Herrero",
            "Herrero",
            "the Justice Department",
            "the State Department",
        ],
        True,
    )
    assert named == (
        "Spain’s transport minister, Lucía Herrero",
        "the Justice Department",
        "the State Department",
    )
    assert len(_distinct_sources(["John Ross", "Ross"], True)) == 1


def test_running_a_model_leaves_torch_threads_as_they_were(tiny_model_dir: Path) -> None:
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        annotator = Annotator.from_dir(tiny_model_dir)
        assert annotator.config.inference.threads == 2
        annotator.annotate("Prices rose. Smith said so.")
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
