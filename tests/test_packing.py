"""The window packing: consecutive sentences read together, each pooled on its own."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from annotator.context import sentence_inputs
from annotator.encoding import Encoder, SentenceInput
from annotator.model import SourcingModel

ARTICLE = (
    "Officials said the talks would resume. The minister left early. “We are ready,” he said. "
    "Prices rose after the bridge closed. Police said the company would not comment. "
    "A senior official who spoke on condition of anonymity said the unions were ready. "
    "Smith told reporters the regional councils would resume talks on Monday."
)


def _inputs(text: str = ARTICLE) -> list[SentenceInput]:
    spans, start = [], 0
    for piece in text.split(". "):
        end = start + len(piece) + (1 if not piece.endswith(".") else 0)
        spans.append((start, min(end, len(text))))
        start = end + 1
    return sentence_inputs(text, spans, 1, 20, 12)


@pytest.mark.parametrize("max_length", [96, 200])
def test_every_sentence_is_read_once_and_maps_back_to_its_text(tiny_base: Path, max_length: int) -> None:
    encoder = Encoder.from_dir(tiny_base, max_length, "window")
    items = _inputs() * 2  # two articles: the second starts a run of its own
    features = encoder.encode(items)
    read = sorted(slot.item for f in features for slot in f["slots"])
    assert read == list(range(len(items)))
    assert max(len(f["slots"]) for f in features) > 1  # sentences do share inputs
    for feature in features:
        assert len(feature["input_ids"]) <= max_length
        for slot in feature["slots"]:
            text = items[slot.item].text
            own = [feature["offsets"][k] for k in slot.tokens if feature["target"][k]]
            assert own[0][0] == 0 and own[-1][1] == len(text.rstrip())
            assert feature["input_ids"][slot.marker] == encoder.cls_id
    # the first article's last sentence and the second's first are never read together
    boundary = len(items) // 2
    for feature in features:
        items_read = {slot.item for slot in feature["slots"]}
        assert not {boundary - 1, boundary} <= items_read


def test_a_sentence_that_does_not_follow_starts_a_window(tiny_base: Path) -> None:
    encoder = Encoder.from_dir(tiny_base, 256, "window")
    items = _inputs()
    items[3] = SentenceInput(items[3].text, items[3].before, items[3].after, follows=False)
    starts = sorted(f["slots"][0].item for f in encoder.encode(items))
    assert starts == [0, 3]


def test_window_predictions_do_not_depend_on_the_batch(tiny_base: Path) -> None:
    """Padding and batching leave each sentence's output as it is: the pool weights and
    the attention mask keep a sentence to its own input."""
    model = SourcingModel.from_base(str(tiny_base), max_length=160, packing="window")
    items = _inputs() + _inputs()[:3]
    one = model.predict(items, batch_size=1)
    many = model.predict(items, batch_size=32)
    assert len(one) == len(items)
    for item, a, b in zip(items, one, many, strict=True):
        np.testing.assert_allclose(a.probabilities, b.probabilities, atol=1e-5)
        np.testing.assert_allclose(a.tag_probs, b.tag_probs, atol=1e-5)
        assert a.offsets == b.offsets
        assert a.offsets[-1][1] <= len(item.text)


def test_sentence_packing_pools_segment_a_and_cls(tiny_base: Path) -> None:
    """The sentence packing's pool row is the mean of segment A (with [CLS] and its [SEP])
    plus [CLS]: the pooling the models trained before windows were read with."""
    encoder = Encoder.from_dir(tiny_base, 96)
    batch = encoder.pad(encoder.encode(_inputs()[:2]))
    for row in range(2):
        in_a = (batch["attention_mask"][row] == 1) & (batch["token_type_ids"][row] == 0)
        want = in_a / in_a.sum()
        want[0] += 1.0
        np.testing.assert_allclose(batch["pool"][row, 0], want, rtol=1e-6)
