"""HTML export: self-contained, escaped, complete."""

from __future__ import annotations

import re

from annotator import Annotator
from annotator.render import render_html


def test_script_in_article_renders_as_text(tiny_annotator: Annotator) -> None:
    text = 'Officials said <script>alert("x")</script> was found & removed. “It is gone,” he said.'
    page = render_html(tiny_annotator.annotate(text))
    assert "<script>" not in page
    plain = re.sub(r"</?mark[^>]*>", "", page)  # spans may cut the sentence anywhere
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in plain
    assert "&amp; removed" in plain


def test_page_is_self_contained(tiny_annotator: Annotator, seed_like_text: str) -> None:
    page = render_html(tiny_annotator.annotate(seed_like_text))
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page and "<script" not in page
    assert page.count('class="s ') == 16
    assert page.count('class="meta"') == 9
    for word in ("Anonymous source", "On the record", "Reporter", "Sourcing profile", "Arctic–Baltic"):
        assert word in page


def test_empty_article_renders(tiny_annotator: Annotator) -> None:
    page = render_html(tiny_annotator.annotate(""))
    assert "no text to annotate" in page
