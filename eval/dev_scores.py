"""Macro-F1 and ECE of models on the dev splits: what a choice between recipes is made on.

python eval/dev_scores.py models/default models/window --out eval/reports/packing_dev.json

Every model after the first also gets its macro-F1 difference from the first with a paired
95% interval, resampling whole articles: on Wikinews dev (759 sentences) one model's own
interval is about ±0.03 wide, so a difference is only read as one when its interval
excludes zero.

Test splits are for the reports (`make eval`); choices (packing, calibration weights,
mixes) are made on these numbers.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", help="model directories")
    parser.add_argument("--corpus", default="data/corpus")
    parser.add_argument("--wikinews", default="data/wikinews/corpus")
    parser.add_argument("--backend", default="onnx-int8", help="the same for every model")
    parser.add_argument("--out", default=None, help="write the numbers here as JSON")
    parser.add_argument(
        "--calib",
        action="store_true",
        help="also score the calib splits' labels (more held-out labels than dev alone; their ECE"
        " is in-sample, the calibrator was fitted on them), and each corpus's dev and calib"
        " pooled",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    from annotator.pipeline import Annotator
    from annotator.training.bench import held_out_rows, held_out_splits, scores

    splits = held_out_splits(args.corpus, args.wikinews, calib=args.calib)
    results, differences, first = {}, {}, None
    for model in args.models:
        rows = held_out_rows(Annotator(model, backend=args.backend), splits)
        if args.calib:
            rows.update(_pooled(rows))
        results[model] = {s: scores(body) for s, body in rows.items()}
        line = "  ".join(f"{s} F1 {v['macro_f1']:.4f} ECE {v['ece']:.4f}" for s, v in results[model].items())
        print(f"{model}: {line}")
        if first is None:
            first = rows
            continue
        differences[model] = {s: _difference(first[s], rows[s]) for s in rows}
        line = "  ".join(
            f"{s} {d['macro_f1']:+.4f} [{d['ci95'][0]:+.4f}, {d['ci95'][1]:+.4f}]"
            for s, d in differences[model].items()
        )
        print(f"  macro-F1 minus {args.models[0]}'s (paired 95% CI over articles): {line}")
    if args.out:
        payload = {
            "backend": args.backend,
            "sentences": {s: len(body) for s, body in (first or {}).items()},
            "models": results,
            "differs_from_first_model": {m: _recipe_difference(args.models[0], m) for m in args.models[1:]},
            "macro_f1_minus_first_model": differences,
        }
        Path(args.out).write_text(json.dumps(payload, indent=2) + "\n")
    return 0


def _pooled(rows: dict[str, list]) -> dict[str, list]:
    """Each corpus's dev and calib rows as one split ("wikinews/dev+calib"), the calib
    articles numbered after the dev ones: twice the held-out labels for a choice (the
    pooled ECE is partly in-sample, as the calib split's is)."""
    import dataclasses

    pooled = {}
    for name in rows:
        corpus, _, split = name.rpartition("/")
        if split == "dev" and f"{corpus}/calib" in rows:
            after = max((x.article for x in rows[name]), default=-1) + 1
            calib = [dataclasses.replace(x, article=x.article + after) for x in rows[f"{corpus}/calib"]]
            pooled[f"{corpus}/dev+calib"] = rows[name] + calib
    return pooled


def _recipe_difference(first: str, other: str) -> dict[str, object]:
    """What ``other`` was trained with that ``first`` was not: config values (dotted keys)
    and the names of training splits whose data differ (model directories are not in git,
    so the report says what each one is)."""
    import dataclasses

    from annotator import modeldir

    def flat(directory: str) -> dict[str, object]:
        config = dataclasses.asdict(modeldir.read_config(directory))
        out = {}
        for key, value in config.items():
            for sub, v in value.items() if isinstance(value, dict) else [("", value)]:
                out[f"{key}.{sub}" if sub else key] = v
        return out

    def changed(a: dict, b: dict) -> list[str]:
        return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))

    config = flat(other)
    out: dict[str, object] = {k: config.get(k) for k in changed(flat(first), config)}
    hashes = [modeldir.read_training(d).get("data_hashes", {}) for d in (first, other)]
    out["training_data_differs"] = changed(*hashes)
    return out


def _difference(before: list, after: list) -> dict[str, object]:
    """One split's macro-F1 of ``after``'s rows minus ``before``'s, with its paired interval."""
    from annotator.training.metrics import macro_f1, paired_difference_ci

    gold = [x.gold_label for x in before]
    if gold != [x.gold_label for x in after]:
        raise SystemExit("the two models' rows do not line up; were they run on the same splits?")
    old = [x.pred_label for x in before]
    new = [x.pred_label for x in after]
    lo, hi = paired_difference_ci(gold, old, new, [x.article for x in before])
    return {
        "macro_f1": round(macro_f1(gold, new) - macro_f1(gold, old), 4),
        "ci95": [round(lo, 4), round(hi, 4)],
    }


if __name__ == "__main__":
    raise SystemExit(main())
