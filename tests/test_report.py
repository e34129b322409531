"""annotator report: a corpus run's dashboard, from the real CLI output."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.corpora.bundled import load_split
from annotator.report import build_report, group_key, read_records

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, tiny_model_dir: Path) -> tuple[Path, Path]:
    """A corpus run over 12 bundled test articles with outlet and date metadata (one
    outlet name is hostile markup), by the real CLI with the tiny model."""
    work = tmp_path_factory.mktemp("report")
    articles = load_split(ROOT / "data" / "corpus", "test")[:12]
    outlets = ["Harbour Wire", "<script>alert(1)</script>", "Daily Ledger"]
    with (work / "input.jsonl").open("w") as fh:
        for k, a in enumerate(articles):
            meta = {"outlet": outlets[k % 3], "date": f"2025-0{1 + k % 3}-1{k % 9}"}
            fh.write(json.dumps({"id": a["id"], "text": a["text"], **meta}) + "\n")
        fh.write(json.dumps({"id": "broken", "text": 5}) + "\n")
    out = work / "out.jsonl"
    main(
        [
            "annotate",
            "--input",
            str(work / "input.jsonl"),
            "--output",
            str(out),
            "--model",
            str(tiny_model_dir),
        ]
    )
    return work / "input.jsonl", out


def test_aggregates_by_metadata_and_month(run: tuple[Path, Path]) -> None:
    articles, errors = read_records(run[1], run[0])
    assert len(articles) == 12 and errors == 1
    report = build_report(articles, errors, ["outlet", "month", "week"])
    assert abs(sum(report.overall.shares.values()) - 1) < 1e-9
    assert sum(s.articles for s in report.by["outlet"]) == 12 and len(report.by["outlet"]) == 3
    assert [s.group for s in report.by["month"]] == ["2025-01", "2025-02", "2025-03"]
    assert all(s.group.startswith("2025-W") for s in report.by["week"])
    for s in report.by["outlet"]:
        lo, hi = s.intervals["anonymous"]
        assert lo <= s.shares["anonymous"] <= hi
    assert group_key({"meta": {"date": "not a date"}}, "month") is None
    assert set(report.charts) == {"by_outlet", "by_month", "by_week", "scores"}


def test_cli_page_csv_and_escaping(run: tuple[Path, Path], tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    args = ["report", str(run[1]), "--meta", str(run[0]), "--by", "outlet", "--by", "month"]
    assert main([*args, "-o", str(html), "--csv", str(tmp_path / "csv"), "--html-dir", "articles"]) == 0
    page = html.read_text()
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<svg") == 3 and 'href="articles/' in page
    rows = list(csv.DictReader((tmp_path / "csv" / "by_outlet.csv").open()))
    assert len(rows) == 3 and {"anonymous", "anonymous_lo", "anonymous_hi"} <= set(rows[0])
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no Chromium on PATH to look at the page")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            view = browser.new_page(viewport={"width": 1000, "height": 1200})
            view.goto(html.as_uri())
            boxes = [view.locator("svg").nth(k).bounding_box() for k in range(3)]
            assert all(b is not None and b["width"] > 300 and b["height"] > 80 for b in boxes)
            assert len(view.screenshot(full_page=True)) > 20_000  # the charts are drawn
        finally:
            browser.close()
