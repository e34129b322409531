"""Which backend runs the model here, and loading the model on it.

``auto`` (the default) picks from what the CPU can do (``annotator.hardware``) and what
``make bench`` measured: bf16 only where the CPU has it natively (Intel AMX: about 3x
fp32 there; emulated elsewhere and several times slower), otherwise ONNX Runtime with
int8 weights, which keeps the test-split labels and the score's calibration (see
``eval/reports/bench.json``). On an AMD EPYC with AVX-512 BF16 but no AMX, onnx-int8 ran
65% faster than torch-bf16 on real articles and 54% faster on bundled ones (bench.json of
export 8, one window per run, two runs at once), and torch-bf16 would need torch, whose
import alone costs more than the whole ONNX cold start. An explicit backend always wins.

A one-shot process (the CLI on a few files) takes the ONNX backend on every CPU: there the
torch import and model build cost more than bf16 can save. ``annotator annotate`` of a
25-sentence article took 5.2 s on torch-bf16 against 0.5 s on onnx-int8 (AMD EPYC, same
session); importing torch is not work that AMX speeds up.
"""

from __future__ import annotations

from pathlib import Path

from annotator.hardware import CpuInfo, cpu_info
from annotator.tagger import Tagger

AUTO = "auto"


def resolve_backend(backend: str, cpu: CpuInfo | None = None, *, one_shot: bool = False) -> str:
    """The concrete backend ``backend`` means on ``cpu`` (default: this machine's);
    ``one_shot`` for a process that annotates a few documents and exits."""
    if backend != AUTO:
        return backend
    cpu = cpu or cpu_info()
    return "torch-bf16" if cpu.amx and not one_shot else "onnx-int8"


def load_tagger(directory: str | Path, backend: str, threads: int = 0) -> Tagger:
    """The model in ``directory`` on ``backend`` (already resolved); torch is imported
    only for the torch backends."""
    if backend.startswith("onnx-"):
        from annotator.ort import OrtTagger

        return OrtTagger.load(directory, backend, threads)
    from annotator.model import SourcingModel

    return SourcingModel.load(directory, backend=backend)
