"""Copy a trained adapter model into the package, where ``annotate()`` finds it.

Only an adapter model ships (the full network is 90 MB; the adapter, its calibrator,
config, provenance and model card fit in :data:`MAX_BYTES`), only one trained on data
the project may redistribute (never PolNeAR), and only with its model card, so the
numbers travel with the weights.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from annotator import modeldir
from annotator.config import SHIPPED_MODEL_DIR
from annotator.errors import AnnotatorError

logger = logging.getLogger(__name__)

MAX_BYTES = 2 * 1024 * 1024
CARD_FILE = modeldir.CARD_FILE
FILES = (
    modeldir.ADAPTER_FILE,
    modeldir.TAGGER_FILE,
    modeldir.SCORER_FILE,
    modeldir.CONFIG_FILE,
    modeldir.TRAINING_FILE,
    modeldir.EVAL_FILE,
    CARD_FILE,
)
_UNSHIPPABLE = ("polnear",)  # corpora whose text or labels may not be redistributed


class ShipError(AnnotatorError):
    """The model cannot ship: not an adapter, no model card, too large, or unshippable data."""


def ship(model_dir: str | Path, dest: str | Path = SHIPPED_MODEL_DIR) -> int:
    """Replace the model in ``dest`` with the one in ``model_dir``; returns its size in bytes."""
    source = modeldir.require(model_dir)
    missing = [name for name in FILES if not (source / name).is_file()]
    if missing:
        evaluated = CARD_FILE not in missing and modeldir.EVAL_FILE not in missing
        hint = "" if evaluated else " (run `make eval` on it first: it writes the card and eval.json)"
        raise ShipError(f"{source} lacks {', '.join(missing)}{hint}; `make train` writes an adapter model")
    corpora = modeldir.read_training(source).get("corpora", {})
    barred = [name for name in corpora if any(bar in name.lower() for bar in _UNSHIPPABLE)]
    if barred:
        raise ShipError(f"{source} was trained on {', '.join(barred)}, which may not be redistributed")
    size = sum((source / name).stat().st_size for name in FILES)
    if size > MAX_BYTES:
        raise ShipError(
            f"{source} is {size / 1e6:.2f} MB; the shipped model must stay under {MAX_BYTES / 1e6:.1f} MB"
        )
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in FILES:
        shutil.copyfile(source / name, dest / name)
    # the shipped model runs on whatever backend each machine's CPU is fastest with
    config = modeldir.read_config(dest)
    modeldir.write_config(dest, config.replace(inference={"backend": "auto"}))
    logger.info("shipped %s to %s (%d bytes)", source, dest, size)
    return size
