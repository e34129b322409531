"""The wheel works alone: built from the checkout, installed in a new virtual environment
(CPU torch first), it annotates an article from /tmp with the weights it carries.

Minutes long (a new environment), so marked ``wheel``: `make test-wheel`, run by `.ci/run`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from annotator.config import REPO_ROOT
from annotator.training.ship import FILES

pytestmark = pytest.mark.wheel

ARTICLE = REPO_ROOT / "tests" / "fixtures" / "seed_like_article.txt"


def _run(*cmd: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, f"{cmd}: {result.stderr[-2000:]}"
    return result


def test_wheel_annotates_from_tmp_with_no_repository(tmp_path_factory: pytest.TempPathFactory) -> None:
    work = tmp_path_factory.mktemp("wheel")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", work / "dist", REPO_ROOT, cwd=work)
    (wheel,) = (work / "dist").glob("annotator-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert {f"annotator/weights/{name}" for name in FILES} <= names
    assert not any(n.startswith(("data/", "tests/", "models/")) for n in names)
    venv = work / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=work)
    pip = venv / "bin" / "pip"
    _run(pip, "install", "-q", "torch==2.13.0", cwd=work)  # the CPU build first
    _run(pip, "install", "-q", wheel, cwd=work)
    article = work / "story.txt"
    article.write_text(ARTICLE.read_text(encoding="utf-8"), encoding="utf-8")
    outside = tmp_path_factory.mktemp("elsewhere")
    env_cmd = ["env", "-u", "ANNOTATOR_MODEL", "HF_HUB_OFFLINE=1", "TRANSFORMERS_OFFLINE=1"]
    result = _run(*env_cmd, venv / "bin" / "annotator", "annotate", article, "--format", "json", cwd=outside)
    output = json.loads(result.stdout)
    assert output["model"]["shipped"] is True and output["model"]["adapter"] is True
    labels = {s["text"][:30]: s["label"] for s in output["sentences"] if s["kind"] == "body"}
    assert labels["The Norvanian Foreign Ministry"] == "on_record"
    assert labels["Norvanian credit has become th"] == "anonymous"
    info = _run(*env_cmd, venv / "bin" / "annotator", "info", "--json", cwd=outside)
    assert json.loads(info.stdout)["model"]["shipped"] is True
