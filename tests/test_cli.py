"""The command line, run in-process: formats, bad input, batches, streaming and resuming."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def inputs(tmp_path: Path, seed_like_text: str) -> dict[str, Path]:
    good = tmp_path / "seed.txt"
    good.write_text(seed_like_text, encoding="utf-8")
    other = tmp_path / "short.txt"
    other.write_text("Officials said the bridge would close. “It is unsafe,” Lopez said.", encoding="utf-8")
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Le ministre a déclaré.".encode("latin-1"))
    return {"good": good, "other": other, "binary": binary, "latin": latin}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def annotate(capsys: pytest.CaptureFixture[str], model: Path, *args: str | Path) -> tuple[int, str, str]:
    """``annotator annotate ARGS --model MODEL``, in-process."""
    return run(capsys, "annotate", *map(str, args), "--model", str(model))


def test_text_output(
    tiny_model_dir: Path, inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = annotate(capsys, tiny_model_dir, inputs["good"])
    assert code == 0, err
    assert "meta  byline" in out and "16 body sentences" in out
    assert "\033[" not in out  # no colours when not a terminal


def test_json_output_is_the_schema(
    tiny_model_dir: Path, inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "a.json"
    code, _, err = annotate(capsys, tiny_model_dir, inputs["good"], "-f", "json", "-o", out_file)
    assert code == 0, err
    data = json.loads(out_file.read_text())
    assert data["schema_version"] == "1.0"
    assert {"text", "sentences", "profile", "model", "warnings"} <= set(data)
    s = data["sentences"][8]
    assert data["text"][s["start"] : s["end"]] == s["text"]


def test_bad_inputs_are_reported_and_skipped(
    tiny_model_dir: Path, inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "out.jsonl"
    files = [inputs["good"], inputs["binary"], inputs["other"], inputs["latin"], tmp_path / "missing.txt"]
    code, _, err = annotate(capsys, tiny_model_dir, *files, "-f", "jsonl", "-o", out_file)
    assert code == 2
    assert "image.png: looks like a binary file" in err
    assert "latin.txt: not valid UTF-8" in err
    assert "missing.txt: no such file" in err
    assert "Traceback" not in err
    records = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert [("error" in r) for r in records] == [False, True, False, True, True]
    assert records[2]["profile"]["n_body"] == 2


def test_no_model_is_a_one_line_error(
    tmp_path: Path, inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "annotate", str(inputs["good"]), "--model", str(tmp_path / "none"))
    assert code == 2 and err.count("\n") == 1 and "make train" in err


def test_html_export(
    tiny_model_dir: Path, inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "seed.html"
    code, _, err = annotate(capsys, tiny_model_dir, inputs["good"], "-f", "html", "-o", page)
    assert code == 0, err
    assert "Sourcing profile" in page.read_text()
    out_dir = tmp_path / "pages"
    code, _, err = annotate(
        capsys, tiny_model_dir, inputs["good"], inputs["other"], "-f", "html", "-o", out_dir
    )
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == ["seed.html", "short.html"]


def test_jsonl_records_in_and_streaming_resume(
    tiny_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "corpus.jsonl"
    records = [
        {"id": f"a{i}", "text": f"Officials said item {i} was late. “No,” Smith said."} for i in range(5)
    ]
    lines = [json.dumps(r) for r in records]
    lines.insert(2, "{not json")
    lines.insert(4, json.dumps({"id": "no-text", "body": "x"}))
    corpus.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out.jsonl"
    # a first, interrupted run wrote two records and half a line
    first = [json.dumps({"id": "a0", "text": "x"}), json.dumps({"id": "a1", "text": "y"}), '{"id": "a2", "te']
    out.write_text("\n".join(first))
    code, _, err = annotate(capsys, tiny_model_dir, "--input", corpus, "--output", out)
    assert code == 2, err  # some records had errors; the others were written
    written = []
    for line in out.read_text().splitlines():
        try:
            written.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    ids = [r["id"] for r in written]
    assert ids.count("a0") == 1 and ids.count("a1") == 1
    assert {"a2", "a3", "a4", "no-text"} <= set(ids)
    assert any("error" in r for r in written)
    assert "corpus.jsonl:3: not valid JSON" in err
    # a second run finds everything done, the errors included: nothing is redone or duplicated
    lines_before = out.read_text().count("\n")
    code, _, err = annotate(capsys, tiny_model_dir, "--input", corpus, "--output", out)
    assert code == 0 and out.read_text().count("\n") == lines_before
    assert out.read_text().endswith("\n")


def test_output_path_problems_are_one_line(
    tiny_model_dir: Path, inputs: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = annotate(capsys, tiny_model_dir, inputs["good"], "-f", "json", "-o", tmp_path)
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1
    code, _, err = annotate(
        capsys, tiny_model_dir, inputs["good"], "-o", tmp_path / "no" / "such" / "dir.txt"
    )
    assert code == 2 and "No such file" in err


def test_non_utf8_jsonl_record_is_reported(
    tiny_model_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "mixed.jsonl"
    corpus.write_bytes(
        b'{"id": "ok", "text": "Officials said it rained."}\n'
        + '{"id": "bad", "text": "d\u00e9clar\u00e9"}\n'.encode("latin-1")
    )
    out = tmp_path / "out.jsonl"
    code, _, err = annotate(capsys, tiny_model_dir, corpus, "-f", "jsonl", "-o", out)
    assert code == 2 and "not valid UTF-8" in err and "Traceback" not in err
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records[0]["id"] == "ok" and "error" in records[1]


def test_reader_closing_early_is_a_quiet_exit(
    tiny_model_dir: Path, tmp_path: Path, seed_like_text: str
) -> None:
    """``annotator annotate … | head``: the real CLI in a subprocess, piped into a reader that
    takes one line and closes the pipe, exits 0 without a BrokenPipeError traceback.

    The input is 30 records (~750 lines, ~120 kB of output, twice a 64 kB pipe buffer), so
    the CLI writes many times after the reader has gone. One huge article would not test
    this: its output goes out in one write, and CPython reports a write cut short by a
    closed pipe as a short write, not as BrokenPipeError.
    """
    story = tmp_path / "stories.jsonl"
    story.write_text(
        "".join(json.dumps({"id": f"a{i}", "text": seed_like_text}) + "\n" for i in range(30)),
        encoding="utf-8",
    )
    stderr_file = tmp_path / "stderr.txt"
    with open(stderr_file, "wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "annotator.cli", "annotate", str(story),
             "--model", str(tiny_model_dir), "--format", "text"],
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=ROOT,
        )  # fmt: skip
        assert proc.stdout is not None
        first = proc.stdout.readline()
        proc.stdout.close()  # the reader has gone, far more than a pipe buffer still to come
        code = proc.wait(timeout=300)
    err = stderr_file.read_text(encoding="utf-8", errors="replace")
    assert first.startswith(b"== a0"), err  # the CLI did start writing
    assert code == 0, err
    assert "Traceback" not in err and "BrokenPipeError" not in err and "Exception ignored" not in err


def test_the_cli_on_a_file_never_waits_for_torch_even_with_amx(
    tiny_model_dir: Path,
    inputs: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """On an AMX CPU ``auto`` means torch-bf16 for a long-lived annotator, but the CLI on a
    file is one short process, where importing torch costs more than bf16 saves."""
    from annotator import runtime
    from annotator.hardware import CpuInfo

    amx = CpuInfo("Intel Xeon", ("avx2", "avx512f", "avx512_bf16", "amx_tile", "amx_bf16"), 2)
    monkeypatch.setattr(runtime, "cpu_info", lambda: amx)
    code, out, err = annotate(capsys, tiny_model_dir, inputs["other"], "-f", "json", "--backend", "auto")
    assert code == 0, err
    assert json.loads(out)["model"]["backend"] == "onnx-int8"
    assert runtime.resolve_backend("auto") == "torch-bf16"
