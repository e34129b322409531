"""What the CPU can do: the features that decide which inference backend is fast.

bf16 is fast only with native support (Intel AMX, or AVX-512 BF16); elsewhere torch
emulates it and it is several times slower than fp32. Read from ``/proc/cpuinfo``
(Linux) without importing torch, so it costs nothing at start-up.
"""

from __future__ import annotations

import functools
import platform
from dataclasses import dataclass
from pathlib import Path

WATCHED = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8")


@dataclass(frozen=True)
class CpuInfo:
    """The CPU's model name, its watched feature flags and the core count."""

    model: str
    flags: tuple[str, ...]
    cores: int

    @property
    def native_bf16(self) -> bool:
        """Whether bf16 matrix products run in hardware (AMX or AVX-512 BF16)."""
        return "amx_bf16" in self.flags or "avx512_bf16" in self.flags

    @property
    def amx(self) -> bool:
        return "amx_bf16" in self.flags

    def to_dict(self) -> dict[str, object]:
        return {"model": self.model, "flags": list(self.flags), "cores": self.cores}


@functools.cache
def cpu_info(cpuinfo: str = "/proc/cpuinfo") -> CpuInfo:
    """The CPU this process runs on (flags empty where ``/proc/cpuinfo`` is missing)."""
    import os

    model, flags = platform.processor() or platform.machine(), set()
    try:
        text = Path(cpuinfo).read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "model name" and value.strip():
            model = value.strip()
        elif key == "flags":
            flags = set(value.split())
            break
    return CpuInfo(model, tuple(f for f in WATCHED if f in flags), os.cpu_count() or 1)
