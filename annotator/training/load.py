"""A bounded load test of ``annotator serve``: N concurrent clients for a fixed time.

Starts the real server on a loopback port (or uses a running one), sends one real article
(about 25 body sentences) from every client as fast as answers come back, and reports
requests per second, latency percentiles, errors and the server's memory before and after.
``eval/load_test.py`` (`make load`) is the thin wrapper; it is not part of `make test`.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def start_server(
    model: str | Path | None, backend: str | None = None, *options: str, wait_s: float = 120
) -> tuple[subprocess.Popen[bytes], str]:
    """``annotator serve`` in its own process on a free loopback port (more CLI ``options``
    if given), returned once it answers /healthz."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "annotator.cli", "serve", "--port", str(port), *options]
    cmd += ["--model", str(model)] if model else []
    cmd += ["--backend", backend] if backend else []
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


def run_load(url: str, text: str, clients: int, seconds: float, pid: int | None = None) -> dict[str, Any]:
    """``clients`` threads posting ``text`` for ``seconds``; latencies, errors, throughput."""
    with httpx.Client(timeout=60) as warm:  # warm-up: first-request costs out of the numbers
        for _ in range(3):
            warm.post(url + "/v1/annotate", json={"text": text})
    rss_before = _rss_mb(pid) if pid else None
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        with httpx.Client(timeout=60) as http:
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                try:
                    r = http.post(url + "/v1/annotate", json={"text": text})
                    ok = r.status_code == 200
                    detail = f"{r.status_code}: {r.text[:100]}"
                except httpx.HTTPError as exc:
                    ok, detail = False, repr(exc)
                with lock:
                    (latencies.append(time.perf_counter() - t0) if ok else errors.append(detail))

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [float("nan")] * 99
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 2),
        "p50_s": round(q[49], 3),
        "p95_s": round(q[94], 3),
        "p99_s": round(q[98], 3),
        "errors": len(errors),
        "error_examples": errors[:3],
        "rss_before_mb": None if rss_before is None else round(rss_before, 1),
        "rss_after_mb": None if pid is None else round(_rss_mb(pid), 1),
    }


def single_latency(url: str, text: str, repeats: int = 20) -> dict[str, float]:
    """One client, one request at a time: the p50 a single user sees."""
    with httpx.Client(timeout=60) as http:
        http.post(url + "/v1/annotate", json={"text": text})
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            http.post(url + "/v1/annotate", json={"text": text}).raise_for_status()
            times.append(time.perf_counter() - t0)
    return {"p50_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}
