"""``annotator info``: which model, trained on what (with its licences), how well it
scored, and on which backend and CPU it runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator import modeldir
from annotator.hardware import cpu_info
from annotator.provenance import DATA_LICENCES, versions
from annotator.runtime import resolve_backend


def model_info(path: str | Path | None = None, backend: str | None = None) -> dict[str, Any]:
    """Everything ``annotator info`` reports about the model at ``path`` (default: the
    shipped one, or ``$ANNOTATOR_MODEL``), without loading the network."""
    from annotator.pipeline import default_model_dir

    directory = modeldir.require(path if path is not None else default_model_dir())
    config = modeldir.read_config(directory)
    training = modeldir.read_training(directory)
    corpora = training.get("corpora", {})
    requested = backend or config.inference.backend
    chosen = resolve_backend(requested)
    return {
        "model": modeldir.describe(directory, chosen),
        # what "auto" means on this CPU: for the Python API, corpora and serve, and for
        # `annotator annotate` on files, a short process that never waits for torch
        "backend": {
            "requested": requested,
            "long_running": chosen,
            "cli_on_files": resolve_backend(requested, one_shot=True),
        },
        "base_model": config.model.base_model,
        "adapter": config.model.adapter,
        "input": {"packing": config.model.packing, "max_length": config.model.max_length},
        "training_data": {
            name: {**facts, "licence": facts.get("licence") or DATA_LICENCES.get(name, "unknown")}
            for name, facts in corpora.items()
        },
        "data_hashes": training.get("data_hashes", {}),
        "test_metrics": modeldir.read_eval(directory).get("splits", {}),
        "cpu": cpu_info().to_dict(),
        "versions": versions(),
    }


def format_info(info: dict[str, Any]) -> str:
    """``model_info`` as a few readable lines."""
    model = info["model"]
    where = "shipped in the package" if model.get("shipped") else "local directory"
    lines = [
        f"model      {model.get('name', '?')} ({where}: {model['path']})",
        f"           {'adapter' if model.get('adapter') else 'full fine-tune'} on {info['base_model']}, "
        f"created {model.get('created', '?')}, commit {str(model.get('git_commit') or '?')[:12]}",
        f"input      {info['input']['packing']} packing, up to {info['input']['max_length']} tokens per input",
        f"backend    {_backend_line(info['backend'])}",
        f"cpu        {info['cpu']['model']} ({info['cpu']['cores']} cores; {' '.join(info['cpu']['flags']) or 'no watched flags'})",
        "training data",
    ]
    for name, facts in info["training_data"].items():
        lines.append(f"  {name}: {facts.get('sentences', '?')} sentences; licence {facts['licence']}")
    lines.append("test metrics" if info["test_metrics"] else "test metrics: none recorded (run `make eval`)")
    for split, m in info["test_metrics"].items():
        lo, hi = m.get("macro_f1_ci95", (float("nan"), float("nan")))
        extra = f", ECE {m['ece']:.3f}" if "ece" in m else ""
        lines.append(
            f"  {split}: macro-F1 {m['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}]{extra} ({m['body_sentences']} sentences)"
        )
    lines.append("versions   " + ", ".join(f"{k} {v}" for k, v in info["versions"].items()))
    return "\n".join(lines) + "\n"


def _backend_line(backend: dict[str, str]) -> str:
    """ "onnx-int8 (auto on this CPU)", with the CLI's choice on files where it differs."""
    line = backend["long_running"]
    if backend["requested"] != backend["long_running"]:
        line += f" ({backend['requested']} on this CPU)"
    if backend["cli_on_files"] != backend["long_running"]:
        line += f"; {backend['cli_on_files']} for `annotator annotate` on files"
    return line
