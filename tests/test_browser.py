"""The page in a real browser: headless Chromium (Debian's) driven by Playwright.

Pastes the seed article into the page of a real server process, checks the highlighted
sentences and their labels, hovers a sentence and reads its tooltip, downloads the JSON.
Skips, saying why, only where no Chromium can be found (`make install` installs it).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.training.load import start_server

ROOT = Path(__file__).resolve().parents[1]
SEED_LIKE_ARTICLE = ROOT / "tests" / "fixtures" / "seed_like_article.txt"
SHARED_SEED_ARTICLE = ROOT.parent / "shared" / "seed_article.txt"  # outside the checkout: used if present

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium on PATH: `apt-get install chromium` (make install does it where it can)",
)


@pytest.fixture(scope="module")
def page_url() -> Iterator[str]:
    from annotator.config import SHIPPED_MODEL_DIR

    proc, url = start_server(SHIPPED_MODEL_DIR)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_paste_highlight_hover_download(page_url: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (make install)")
    seed = SHARED_SEED_ARTICLE if SHARED_SEED_ARTICLE.is_file() else SEED_LIKE_ARTICLE
    anonymous_start = (
        "China has been the key factor" if seed == SHARED_SEED_ARTICLE else "Norvanian credit has become"
    )
    record_start = (
        "Deputy Secretary of State" if seed == SHARED_SEED_ARTICLE else "The Norvanian Foreign Ministry said"
    )
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 390, "height": 844}, accept_downloads=True)  # a phone
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto(page_url + "/")
            page.fill("#text", seed.read_text(encoding="utf-8"))
            page.keyboard.press("Tab")
            page.click("#submit")
            page.wait_for_selector("#result:not([hidden])", timeout=60_000)
            frame = page.frame_locator("#view")
            anonymous = frame.locator("span.s", has_text=anonymous_start).first
            assert "anonymous" in anonymous.get_attribute("class")
            assert "on_record" in frame.locator("span.s", has_text=record_start).first.get_attribute("class")
            assert frame.locator("span.s").count() >= 15
            tip = anonymous.locator(".tip")
            assert not tip.is_visible()
            anonymous.hover()
            assert tip.is_visible() and "Anonymous source" in tip.inner_text()
            anonymous.focus()  # keyboard and touch: focus shows it too
            assert tip.is_visible()
            with page.expect_download() as download:
                page.click("#download-json")
            path = tmp_path / "annotated.json"
            download.value.save_as(path)
            article = json.loads(path.read_text())
            labels = {s["text"][:30]: s["label"] for s in article["sentences"] if s["kind"] == "body"}
            assert labels[next(k for k in labels if anonymous_start.startswith(k[:20]))] == "anonymous"
            assert not [e for e in errors if "Content Security Policy" in e]
        finally:
            browser.close()
