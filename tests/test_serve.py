"""`annotator serve`: the real server process on a loopback port, driven over HTTP with httpx."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from annotator.training.load import start_server


@pytest.fixture(scope="module")
def server(tiny_model_dir: Path) -> Iterator[str]:
    proc, url = start_server(
        tiny_model_dir, None, "--max-body-mb", "0.05", "--max-batch-items", "4", "--queue-size", "8"
    )
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def test_page_api_and_headers(server: str) -> None:
    page = httpx.get(server + "/")
    assert page.status_code == 200 and "<textarea" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "<script>" not in page.text and 'src="/static/app.js"' in page.text  # no inline script
    assert "http" not in page.text.split("<main>")[0].replace("http-equiv", "")  # no CDN
    assert httpx.get(server + "/static/app.js").headers["content-type"].startswith("text/javascript")
    assert httpx.get(server + "/openapi.json").json()["paths"]["/v1/annotate"]
    assert httpx.get(server + "/healthz").json()["status"] == "ok"
    info = httpx.get(server + "/v1/info").json()
    assert info["model"]["backend"] and info["server"]["max_batch_items"] == 4


def test_annotate_json_html_and_batch(server: str) -> None:
    text = "Officials said the talks would resume.\n\n“We are ready,” Smith said."
    r = httpx.post(server + "/v1/annotate", json={"text": text})
    assert r.status_code == 200
    article = r.json()
    assert article["schema_version"] == "1.0"
    assert article["sentences"][0]["text"].startswith("Officials")
    html = httpx.post(server + "/v1/annotate", json={"text": text, "format": "html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    batch = httpx.post(
        server + "/v1/annotate/batch",
        json={"items": [{"text": text}, {"text": "   "}, {"html": "<p>Prices rose.</p>"}]},
    )
    results = batch.json()["results"]
    assert [r["index"] for r in results] == [0, 1, 2]
    assert (
        "error" in results[1] and results[0]["text"] == text and results[2]["text"].strip() == "Prices rose."
    )


def test_hostile_markup_renders_inert(server: str) -> None:
    text = 'He said <script>alert(1)</script> and <img src=x onerror="alert(2)"> <a href="javascript:alert(3)">x</a>.'
    page = httpx.post(server + "/v1/annotate", json={"text": text, "format": "html"}).text
    # the text looks like HTML, so its visible text is annotated; whatever remains is escaped
    assert "<script" not in page.lower() and "<img" not in page and "<a href" not in page
    assert 'href="javascript' not in page and "onerror=" not in page.replace("onerror=&quot;", "")
    plain = 'He wrote "<script>alert(1)</script>" in the forum, police said.'
    escaped = httpx.post(server + "/v1/annotate", json={"text": plain, "format": "html"}).text
    assert "<script>alert" not in escaped
    from_html = httpx.post(
        server + "/v1/annotate", json={"html": f"<p>{text}</p><script>alert(4)</script>"}
    ).json()
    assert "alert(4)" not in from_html["text"]


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        ({"json": {"text": ""}}, 422, "empty"),
        ({"json": {"text": "\x00\x01\x02binary\x00"}}, 422, ""),
        ({"json": {"text": 5}}, 422, "must be a string"),
        ({"json": {"text": "a", "html": "b"}}, 422, "exactly one"),
        ({"json": ["text"]}, 422, "JSON object"),
        ({"json": {"text": "Prices rose.", "format": "pdf"}}, 422, "format"),
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400, "malformed JSON"),
        ({"content": b'{"text": "\xff\xfe"}', "headers": {"content-type": "application/json"}}, 400, "UTF-8"),
        (
            {"content": b"text=hello", "headers": {"content-type": "application/x-www-form-urlencoded"}},
            415,
            "JSON",
        ),
        ({"json": {"text": "word " * 20000}}, 413, "limit"),
    ],
)
def test_bad_input_is_a_4xx_with_one_line_of_json(
    server: str, kwargs: dict, status: int, message: str
) -> None:
    r = httpx.post(server + "/v1/annotate", **kwargs)
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and "\n" not in body["error"] and message in body["error"]
    assert (
        httpx.post(server + "/v1/annotate", json={"text": "Prices rose."}).status_code == 200
    )  # still serving


def test_limits_of_batches_routes_and_queue(server: str, tiny_model_dir: Path) -> None:
    too_many = httpx.post(server + "/v1/annotate/batch", json={"items": [{"text": "a."}] * 5})
    assert too_many.status_code == 413 and "at most 4" in too_many.json()["error"]
    assert httpx.post(server + "/v1/annotate/batch", json={"items": []}).status_code == 422
    assert httpx.get(server + "/nope").json() == {"error": "Not Found"}
    assert httpx.get(server + "/v1/annotate").status_code == 405
    proc, url = start_server(tiny_model_dir, None, "--queue-size", "1", "--timeout", "0.000001")
    try:
        busy = httpx.post(url + "/v1/annotate/batch", json={"items": [{"text": "a."}, {"text": "b."}]})
        assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
        slow = httpx.post(url + "/v1/annotate", json={"text": "Prices rose. " * 50})
        assert slow.status_code == 504 and "within" in slow.json()["error"]
        assert httpx.get(url + "/healthz").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_concurrent_clients_share_one_model(server: str) -> None:
    texts = [f"Officials said talks {k} would resume. Prices rose." for k in range(16)]
    with ThreadPoolExecutor(8) as pool:
        responses = list(
            pool.map(lambda t: httpx.post(server + "/v1/annotate", json={"text": t}, timeout=60), texts)
        )
    assert [r.status_code for r in responses] == [200] * 16
    assert [json.loads(r.text)["text"] for r in responses] == texts


def test_several_worker_processes(tiny_model_dir: Path) -> None:
    proc, url = start_server(tiny_model_dir, None, "--workers", "2")
    try:
        r = httpx.post(
            url + "/v1/annotate", json={"text": "Officials said the talks would resume."}, timeout=60
        )
        assert r.status_code == 200 and r.json()["sentences"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
