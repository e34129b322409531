"""Beyond one machine: the same pipeline over a Ray Data dataset (``pip install annotator[scale]``).

:func:`annotate_dataset` maps batches of records through an actor class that loads the
model once per worker (:class:`AnnotateBatch`) and returns one row per article: its ``id``,
an ``error`` for a record that could not be annotated (never a failed job), ``record``
(the JSON line the single-process ``annotator annotate --input`` writes, byte for byte),
the profile's numbers as columns, and ``sentences`` as a nested list of structs.
:func:`run` reads JSONL or Parquet, skips the ids already in the output directory (so an
interrupted job resumes) and writes Parquet or JSONL.

Delivery is at least once: every input record ends up in the output, and a record whose
output file was written just as the job was interrupted may appear twice after the
rerun; readers keep the first row of each id (:func:`done_ids` reads them so).
"""

from __future__ import annotations

import glob
import json
import logging
import uuid
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from annotator.errors import AnnotatorError, InputError

logger = logging.getLogger(__name__)

SENTENCE = pa.struct(
    [
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("kind", pa.string()),
        ("paragraph", pa.int64()),
        ("meta_kind", pa.string()),
        ("label", pa.string()),
        ("score", pa.float64()),
        ("source", pa.string()),
        ("source_resolved", pa.string()),
        ("cue", pa.string()),
        ("anonymity_reason", pa.string()),
        ("text", pa.string()),
    ]
)
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("error", pa.string()),
        ("record", pa.string()),
        ("n_body", pa.int64()),
        ("share_anonymous", pa.float64()),
        ("share_on_record", pa.float64()),
        ("share_reporter", pa.float64()),
        ("mean_score", pa.float64()),
        ("sentences", pa.list_(SENTENCE)),
    ]
)


def _sentence_row(s: dict[str, Any]) -> dict[str, Any]:
    span = {k: (s[k] or {}).get("text") if s.get(k) else None for k in ("source", "cue", "anonymity_reason")}
    return {**{k: s.get(k) for k in ("start", "end", "kind", "paragraph", "meta_kind", "label", "score",
                                     "source_resolved", "text")}, **span}  # fmt: skip


def article_row(rid: str, result: Any) -> dict[str, Any]:
    """One output row: an annotated article, or the error of a record that failed."""
    if isinstance(result, Exception):
        return {
            "id": rid,
            "error": str(result),
            "record": json.dumps({"id": rid, "error": str(result)}, ensure_ascii=False),
        }
    d = result.to_dict()
    profile = d["profile"]
    return {
        "id": rid,
        "error": None,
        "record": json.dumps({"id": rid, **d}, ensure_ascii=False),
        "n_body": profile["n_body"],
        **{f"share_{k}": profile["shares"].get(k) for k in ("anonymous", "on_record", "reporter")},
        "mean_score": profile["mean_score"],
        "sentences": [_sentence_row(s) for s in d["sentences"]],
    }


class AnnotateBatch:
    """Ray Data actor: loads the model once per worker, annotates a batch of records."""

    def __init__(self, model: str | None = None, backend: str | None = None, batch_size: int = 32) -> None:
        from annotator.pipeline import Annotator

        self.annotator = Annotator(model, backend=backend)
        self.batch_size = batch_size

    def __call__(self, batch: pa.Table) -> pa.Table:
        from annotator.intake import NO_TEXT, check_text

        ids = [str(x) for x in batch.column("id").to_pylist()]
        texts = batch.column("text").to_pylist() if "text" in batch.column_names else [None] * len(ids)
        results: dict[int, Any] = {}
        good = []
        for k, text in enumerate(texts):
            try:
                if not isinstance(text, str):
                    raise InputError(NO_TEXT.format(rid=ids[k]))
                good.append((k, check_text(text)))
            except InputError as exc:
                results[k] = exc
        try:
            for (k, _), article in zip(
                good, self.annotator.pipe([t for _, t in good], self.batch_size), strict=True
            ):
                results[k] = article
        except InputError:  # one bad article: annotate the batch one by one
            for k, text in good:
                try:
                    results[k] = self.annotator.annotate(text)
                except InputError as exc:
                    results[k] = exc
        return pa.Table.from_pylist([article_row(ids[k], results[k]) for k in range(len(ids))], schema=SCHEMA)


def annotate_dataset(
    ds: Any,
    model: str | None = None,
    backend: str | None = None,
    concurrency: int = 1,
    batch_size: int = 32,
    num_cpus: float = 1,
) -> Any:
    """``ds`` (a ``ray.data.Dataset`` of records with ``id`` and ``text``) annotated: a
    dataset of :data:`SCHEMA` rows, one per record; ``concurrency`` actors, each holding
    one model and using ``num_cpus`` CPUs."""
    from ray.data import ActorPoolStrategy

    return ds.map_batches(
        AnnotateBatch,
        fn_constructor_kwargs={"model": model, "backend": backend, "batch_size": batch_size},
        batch_size=batch_size,
        batch_format="pyarrow",
        compute=ActorPoolStrategy(size=concurrency),
        num_cpus=num_cpus,
    )


def done_ids(out_dir: str | Path) -> set[str]:
    """The ids already written to ``out_dir`` (Parquet or JSONL parts); a part cut short by
    an interruption is skipped, so its records are done again."""
    done: set[str] = set()
    for path in sorted(Path(out_dir).glob("*.parquet")):
        try:
            done.update(str(x) for x in pq.read_table(path, columns=["id"]).column("id").to_pylist())
        except (pa.ArrowInvalid, OSError):
            logger.warning("%s is unreadable (an interrupted write?); its records are annotated again", path)
    for path in sorted(Path(out_dir).glob("*.jsonl")):
        with path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    done.add(str(json.loads(line)["id"]))
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue
    return done


def read_input(pattern: str) -> Any:
    """JSONL or Parquet files (a glob, a file or a directory) as a Ray dataset."""
    import ray

    paths = sorted(glob.glob(pattern)) if any(c in pattern for c in "*?[") else [pattern]
    if not paths:
        raise AnnotatorError(f"no input files match {pattern!r}")
    if all(p.endswith(".parquet") for p in paths):
        return ray.data.read_parquet(paths)
    return ray.data.read_json(paths, lines=True)


def run(
    pattern: str,
    out_dir: str | Path,
    fmt: str = "parquet",
    model: str | None = None,
    backend: str | None = None,
    concurrency: int = 1,
    batch_size: int = 32,
    num_cpus: float = 1,
) -> int:
    """Annotate the records matching ``pattern`` into ``out_dir``, skipping ids already
    there; returns how many rows were written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    done = done_ids(out_dir)
    ds = read_input(pattern)
    if done:
        logger.info("resuming: %d records already in %s", len(done), out_dir)
        ds = ds.filter(lambda row: str(row["id"]) not in done)
    rows = annotate_dataset(ds, model, backend, concurrency, batch_size, num_cpus)
    if fmt == "parquet":
        rows = rows.materialize()
        written = rows.count()
        if written:
            rows.write_parquet(str(out_dir))  # part names carry the write id: a rerun never overwrites
        return written
    written = 0
    part = out_dir / f"part-{uuid.uuid4().hex[:12]}.jsonl"
    with part.open("w", encoding="utf-8") as fh:  # the single-process path's lines, byte for byte
        for batch in rows.iter_batches(batch_format="pyarrow"):
            for line in batch.column("record").to_pylist():
                fh.write(line + "\n")
                written += 1
    if not written:
        part.unlink()
    return written
