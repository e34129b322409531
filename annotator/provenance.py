"""Where a model or report came from: library versions and the git commit."""

from __future__ import annotations

import platform
import subprocess
from importlib import metadata

from annotator.config import REPO_ROOT

PACKAGES = ("annotator", "torch", "transformers", "tokenizers", "scikit-learn", "datasets", "numpy", "peft")
DATA_LICENCES = {  # by the corpus names training.json records
    "bundled": "Apache-2.0 (invented articles written for the project)",
    "wikinews": "CC BY 2.5 (Wikinews contributors; annotated and segmented by the project)",
    "polnear_train_silver": "PolNeAR: research use on these machines only; never in a shipped model",
}


def versions() -> dict[str, str]:
    """Installed versions of the libraries that decide a model's numbers."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_commit() -> str | None:
    """The checked-out commit (with ``-dirty`` when the tree has changes), if in a git checkout."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10
        )
        if commit.returncode != 0:
            return None
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=10,
        )  # fmt: skip
        return commit.stdout.strip() + ("-dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None
