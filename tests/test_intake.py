"""Text intake: encodings, binary files, HTML pages, language warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.errors import InputError
from annotator.intake import decode_bytes, html_to_text, language_warnings, looks_like_html, read_file


def test_binary_file_is_refused_with_its_name(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4)
    with pytest.raises(InputError, match=r"photo\.jpg"):
        read_file(path)


def test_invalid_utf8_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Le ministre a déclaré lundi.".encode("latin-1"))
    with pytest.raises(InputError, match=r"latin1.txt: not valid UTF-8"):
        read_file(path)


def test_bom_is_stripped_and_missing_file_is_clear(tmp_path: Path) -> None:
    assert decode_bytes("\ufeffHello.".encode()) == "Hello."
    with pytest.raises(InputError, match="no such file"):
        read_file(tmp_path / "missing.txt")
    with pytest.raises(InputError, match="directory"):
        read_file(tmp_path)


PAGE = """<!DOCTYPE html><html><head><title>T</title><style>p{color:red}</style>
<script>var secret = "officials said";</script></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Talks stall &amp; resume</h1>
<p>Officials said the talks <b>stalled</b> on Friday.</p><p>“We will return,” Lopez said.</p></article>
<footer>© 2025 Example News</footer></body></html>"""


def test_html_page_gives_visible_article_text() -> None:
    assert looks_like_html(PAGE)
    text = html_to_text(PAGE)
    assert "Talks stall & resume" in text
    assert "Officials said the talks stalled on Friday." in text
    assert "secret" not in text and "color:red" not in text and "Home" not in text and "2025" not in text
    assert not looks_like_html("He said 3 < 4 and 5 > 2.")


def test_non_english_text_gets_a_warning() -> None:
    german = "Die Regierung hat am Montag neue Maßnahmen beschlossen, teilte ein Sprecher mit. " * 3
    assert language_warnings(german)
    assert not language_warnings("The government said on Monday that it would act, a spokesman said.")
