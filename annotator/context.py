"""What the model reads for each body sentence: the sentence and its body neighbours.

Training and inference both build their inputs here, so the model always sees
context assembled the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from annotator.config import Config
from annotator.encoding import SentenceInput


def context_settings(config: Config) -> dict[str, int]:
    """The context a model is trained with (saved in the model's info so inference matches)."""
    return {
        "n_context": config.model.context_sentences,
        "words_before": config.model.context_words_before,
        "words_after": config.model.context_words_after,
    }


def sentence_inputs(
    text: str,
    body: Sequence[tuple[int, int]],
    n_context: int = 1,
    words_before: int | None = None,
    words_after: int | None = None,
) -> list[SentenceInput]:
    """One input per body sentence, with ``n_context`` body sentences either side.

    ``body`` holds the (start, end) offsets of the article's body sentences in
    order; meta lines are left out so a caption never counts as a neighbour.
    The context keeps at most the last ``words_before`` words before the
    sentence and the first ``words_after`` after it: the words next to the
    sentence carry most of what it needs, and shorter inputs make the model faster.
    Each input after the first ``follows`` the one before it, so a window packing
    (``model.packing``) reads them together.
    """
    pieces = [text[a:b] for a, b in body]
    inputs = []
    for i, piece in enumerate(pieces):
        before = " ".join(pieces[max(0, i - n_context) : i])
        after = " ".join(pieces[i + 1 : i + 1 + n_context])
        if words_before is not None:
            before = " ".join(before.split()[-words_before:]) if words_before else ""
        if words_after is not None:
            after = " ".join(after.split()[:words_after])
        inputs.append(SentenceInput(piece, before, after, follows=i > 0))
    return inputs
