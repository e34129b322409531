"""Load-test `annotator serve` (`make load`): N concurrent clients for a fixed time on loopback.

Writes eval/reports/load.json; the harness is annotator/training/load.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=None, help="model directory (default: the shipped one)")
    parser.add_argument("--backend", default=None)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--article",
        default="data/wikinews/corpus/test.jsonl",
        help="JSONL: the article nearest 25 body sentences",
    )
    parser.add_argument(
        "--seed-article", default="../shared/seed_article.txt", help="for the single-client p50"
    )
    parser.add_argument("--out", default="eval/reports/load.json")
    args = parser.parse_args()

    from annotator.hardware import cpu_info
    from annotator.training.load import run_load, single_latency, start_server

    records = [json.loads(line) for line in Path(args.article).read_text(encoding="utf-8").splitlines()]
    body = [sum(s["kind"] == "body" for s in r["sentences"]) for r in records]
    article = records[min(range(len(records)), key=lambda k: abs(body[k] - 25))]
    proc, url = start_server(args.model, args.backend, "--queue-size", "256")
    try:
        results = {"cpu": cpu_info().to_dict(), "article_body_sentences": body[records.index(article)]}
        seed = Path(args.seed_article)
        if seed.is_file():
            results["seed_article_single_client"] = single_latency(url, seed.read_text(encoding="utf-8"))
        results["load"] = run_load(url, article["text"], args.clients, args.seconds, proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
