"""Ray Data: the same pipeline on a local Ray cluster started here, against the single process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.corpora.bundled import load_split

ray = pytest.importorskip("ray", reason="Ray Data is an optional extra: pip install 'annotator[scale]'")
pq = pytest.importorskip("pyarrow.parquet")
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cluster() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """50 records: 47 bundled test articles and three that cannot be annotated."""
    path = tmp_path_factory.mktemp("scale") / "corpus.jsonl"
    articles = load_split(ROOT / "data" / "corpus", "test")[:47]
    rows = [{"id": a["id"], "text": a["text"], "outlet": a["domain"]} for a in articles]
    rows += [{"id": "no-text"}, {"id": "number", "text": 7}, {"id": "list", "text": ["not", "a", "string"]}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _same(a: object, b: object, path: str = "") -> list[str]:
    """Where two records differ: exactly, except floats, which may differ by 1e-5 (a batch's
    padding depends on which sentences share it, and the sums run in another order)."""
    if isinstance(a, float) and isinstance(b, float):
        return [] if abs(a - b) <= 1e-5 else [path]
    if type(a) is not type(b):
        return [path]
    if isinstance(a, dict):
        return [d for k in sorted(set(a) | set(b)) for d in _same(a.get(k), b.get(k), f"{path}.{k}")]  # type: ignore[union-attr]
    if isinstance(a, list):
        if len(a) != len(b):  # type: ignore[arg-type]
            return [path]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in _same(x, y, f"{path}[{i}]")]  # type: ignore[arg-type]
    return [] if a == b else [path]


def _by_id(lines: list[str]) -> dict[str, dict]:
    return {str(json.loads(line)["id"]): json.loads(line) for line in lines if line.strip()}


def test_ray_gives_the_single_process_results(
    cluster: None, records: Path, tmp_path: Path, tiny_model_dir: Path
) -> None:
    from annotator import scale

    def run(out: Path, fmt: str) -> int:
        """The Ray path: two actors of half a CPU each (reads need a CPU too), batches of 8."""
        return scale.run(
            str(records), out, fmt, str(tiny_model_dir), concurrency=2, batch_size=8, num_cpus=0.5
        )

    single = tmp_path / "single.jsonl"
    main(["annotate", "--input", str(records), "--output", str(single), "--model", str(tiny_model_dir)])
    expected = _by_id(single.read_text(encoding="utf-8").splitlines())
    assert len(expected) == 50 and sum("error" in r for r in expected.values()) == 3

    written = run(tmp_path / "jsonl", "jsonl")
    assert written == 50
    lines = [
        line
        for p in (tmp_path / "jsonl").glob("*.jsonl")
        for line in p.read_text(encoding="utf-8").splitlines()
    ]
    assert _same(_by_id(lines), expected) == []  # field by field

    assert run(tmp_path / "pq", "parquet") == 50
    table = pq.read_table(tmp_path / "pq")
    assert table.num_rows == 50 and set(table.column_names) >= {
        "id",
        "error",
        "record",
        "sentences",
        "share_anonymous",
    }
    rows = {r["id"]: r for r in table.to_pylist()}
    assert {k for k, r in rows.items() if r["error"]} == {"no-text", "number", "list"}
    assert _same({k: json.loads(r["record"]) for k, r in rows.items()}, expected) == []
    some = next(r for r in rows.values() if not r["error"])
    assert [s["start"] for s in some["sentences"]] == [s["start"] for s in expected[some["id"]]["sentences"]]

    # an interrupted job resumes: a rerun on the same output writes nothing new
    assert run(tmp_path / "pq", "parquet") == 0
    assert pq.read_table(tmp_path / "pq").num_rows == 50
