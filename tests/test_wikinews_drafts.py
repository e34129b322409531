"""`training/wikinews_drafts.py --extend`, run as a user runs it, on a small articles.jsonl."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _article(k: int) -> dict:
    text = " ".join(f"Mayor Ann Lee of town {k} said bridge {j} would reopen on Monday." for j in range(7))
    return {"id": f"wn-t-{k}", "title": f"Bridge {k} to reopen", "date": "2008-01-01", "url": None, "origin": "tosca", "text": text}  # fmt: skip


def _drafted(drafts: Path) -> dict[str, list[str]]:
    return {p.name: re.findall(r"^### id=(\S+)", p.read_text(encoding="utf-8"), re.M) for p in sorted(drafts.glob("batch-*.txt"))}  # fmt: skip


def test_a_further_draw_never_drafts_an_article_again_nor_overwrites_a_batch(tmp_path: Path) -> None:
    """`make data` keeps only labelled ids in splits.json, so a draw must count every drafted id
    as taken (a second draw once drafted the first one's 200 articles again), and number its
    files after the highest, not after the count."""
    wikinews, drafts, splits = tmp_path / "wikinews", tmp_path / "drafts", tmp_path / "splits.json"
    wikinews.mkdir()
    drafts.mkdir()
    # 200 articles with attribution wording: the first selection samples 170 of them
    rows = [json.dumps(_article(k)) for k in range(200)]
    (wikinews / "articles.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")

    def extend(n: int) -> None:
        splits.write_text("{}\n", encoding="utf-8")  # as `make data` leaves it while nothing is labelled
        args = [
            "--wikinews",
            str(wikinews),
            "--out",
            str(drafts),
            "--splits",
            str(splits),
            "--extend",
            str(n),
        ]
        subprocess.run([sys.executable, "training/wikinews_drafts.py", *args], check=True, cwd=ROOT, capture_output=True)  # fmt: skip

    extend(10)
    extend(10)
    first = _drafted(drafts)
    assert list(first) == ["batch-01.txt", "batch-02.txt"]
    assert len(set(first["batch-01.txt"]) | set(first["batch-02.txt"])) == 20
    (drafts / "batch-01.txt").unlink()  # a gap: the next file is batch-03, batch-02 stays
    extend(10)
    after = _drafted(drafts)
    assert list(after) == ["batch-02.txt", "batch-03.txt"]
    assert after["batch-02.txt"] == first["batch-02.txt"]
    assert not set(after["batch-03.txt"]) & set(first["batch-02.txt"])
