"""Command line: ``annotator annotate FILE... | - [--format text|json|jsonl|html] [-o OUT]``.

User errors (bad files, bad input, no model) print one line and exit 2; a bad
input in a batch is reported and skipped while the others are still written.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from annotator.config import BACKENDS
from annotator.errors import AnnotatorError, InputError
from annotator.intake import NO_TEXT, check_text, decode_bytes, read_file
from annotator.types import AnnotatedArticle, Kind

logger = logging.getLogger("annotator.cli")

ANSI = {"anonymous": "\033[33m", "on_record": "\033[34m", "reporter": "\033[0m", "meta": "\033[2m"}
RESET = "\033[0m"
TAGS = {"anonymous": "ANON", "on_record": "REC ", "reporter": "REP "}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _plain(text: str) -> str:
    """Article text made safe for a terminal (no escape sequences from the input)."""
    return _CONTROL.sub(" ", text)


def format_text(article: AnnotatedArticle, colour: bool) -> str:
    """A terminal view: one line per sentence with its label and score, then the profile."""
    lines = []
    for s in article.sentences:
        if s.kind is Kind.META:
            line = f"  meta  {s.meta_kind or '':<11} {_plain(s.text)}"
            lines.append(f"{ANSI['meta']}{line}{RESET}" if colour else line)
            continue
        label = s.label.value if s.label else "reporter"
        src = ""
        if s.source or s.source_resolved:
            src = f"  [source: {_plain(s.source_resolved or s.source.text)}]"  # type: ignore[union-attr]
        line = f"{TAGS[label]} {s.score:.2f}  {_plain(s.text)}{src}"
        lines.append(f"{ANSI[label]}{line}{RESET}" if colour else line)
    p = article.profile
    lines.append("")
    lines.append(
        f"{p.n_body} body sentences: "
        + ", ".join(f"{k} {p.counts[k]} ({100 * p.shares[k]:.0f}%)" for k in p.counts)
        + (f"; mean score {p.mean_score:.2f}" if p.mean_score is not None else "")
    )
    lines.append(f"on-record sources: {', '.join(p.on_record_sources) or 'none'}")
    lines.append(f"unnamed sources: {', '.join(p.anonymous_sources) or 'none'}")
    for w in article.warnings:
        lines.append(f"warning: {w}")
    return "\n".join(lines) + "\n"


def _inputs(paths: list[str]) -> Iterator[tuple[str, str | InputError]]:
    """(name, text or error) for every input: files, '-' for stdin, records of .jsonl files."""
    for name in paths:
        if name == "-":
            try:
                yield "<stdin>", decode_bytes(sys.stdin.buffer.read(), "<stdin>")
            except InputError as exc:
                yield "<stdin>", exc
            continue
        if name.endswith(".jsonl"):
            yield from _jsonl_records(Path(name))
            continue
        try:
            yield name, read_file(name)
        except InputError as exc:
            yield name, exc


def _jsonl_records(path: Path, skip: set[str] | None = None) -> Iterator[tuple[str, str | InputError]]:
    """(id, text or error) per record; a record's id is its "id" field or ``<file>:<line>``."""
    try:
        fh = open(path, "rb")
    except OSError as exc:
        yield str(path), InputError(f"{path}: {exc.strerror}")
        return
    with fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            rid = f"{path.name}:{lineno}"
            try:
                record = json.loads(decode_bytes(raw, f"{path}:{lineno}"))
            except InputError as exc:
                record, error = None, exc
            except json.JSONDecodeError:
                record, error = None, InputError(f"{path}:{lineno}: not valid JSON")
            if isinstance(record, dict) and record.get("id") is not None:
                rid = str(record["id"])
            if skip and rid in skip:
                continue
            if record is None:
                yield rid, error
                continue
            text = record.get("text") if isinstance(record, dict) else None
            if not isinstance(text, str):
                yield rid, InputError(NO_TEXT.format(rid=rid))
                continue
            yield rid, text


def _progress(iterable: Any, total: int | None, enabled: bool) -> Any:
    if not enabled:
        return iterable
    from tqdm import tqdm

    return tqdm(iterable, total=total, unit="article", file=sys.stderr, dynamic_ncols=True)


def _annotated(
    annotator: Any, items: Iterator[tuple[str, str | InputError]], batch_size: int
) -> Iterator[tuple[str, AnnotatedArticle | InputError]]:
    """Annotate valid inputs in batches; pass errors through in input order."""
    chunk: list[tuple[str, str | InputError]] = []

    def flush() -> Iterator[tuple[str, AnnotatedArticle | InputError]]:
        good = []
        for name, item in chunk:
            if isinstance(item, str):
                try:
                    check_text(item)
                    good.append(item)
                except InputError as exc:
                    chunk[chunk.index((name, item))] = (name, exc)
        results = iter(annotator.pipe(good, batch_size=batch_size))
        for name, item in chunk:
            yield name, (next(results) if isinstance(item, str) else item)

    for pair in items:
        chunk.append(pair)
        if len(chunk) >= 32:
            yield from flush()
            chunk = []
    if chunk:
        yield from flush()


def _write_html(path: Path, article: AnnotatedArticle) -> None:
    from annotator.render import render_html

    path.write_text(render_html(article), encoding="utf-8")


def cmd_annotate(args: argparse.Namespace) -> int:
    from annotator.pipeline import Annotator

    if not args.files and not args.input:
        print("error: give FILE..., '-' for stdin, or --input corpus.jsonl", file=sys.stderr)
        return 2
    if args.ray:
        return _ray_run(args)
    try:
        # files: a one-shot process, where the start-up is most of the time; a corpus streams long
        annotator = Annotator.from_dir(args.model, backend=args.backend, one_shot=not args.input)
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.input:
        return _stream(annotator, args)
    items = list(_inputs(args.files))
    fmt = args.format
    if fmt in ("label-studio", "brat"):
        return _write_for_correction(annotator, items, args)
    if fmt == "json" and len(items) > 1:
        fmt = "jsonl"
    out_path = Path(args.output) if args.output else None
    if fmt == "html" and len(items) > 1:
        if out_path is None:
            print("error: several inputs as HTML need -o DIRECTORY", file=sys.stderr)
            return 2
        out_path.mkdir(parents=True, exist_ok=True)
    failures = 0
    used: set[str] = set()
    out: IO[str] = open(out_path, "w", encoding="utf-8") if out_path and fmt != "html" else sys.stdout
    colour = out is sys.stdout and sys.stdout.isatty() and not args.no_colour
    try:
        results = _annotated(annotator, iter(items), args.batch_size)
        for name, result in _progress(results, len(items), len(items) > 1 and sys.stderr.isatty()):
            if isinstance(result, InputError):
                failures += 1
                print(f"error: {result}", file=sys.stderr)
                if fmt == "jsonl":
                    out.write(json.dumps({"id": name, "error": str(result)}, ensure_ascii=False) + "\n")
                continue
            if fmt == "html":
                target = out_path / _html_name(name, used) if len(items) > 1 else out_path  # type: ignore[operator]
                if target is None:
                    sys.stdout.write(_html(result))
                else:
                    _write_html(target, result)
            elif fmt == "json":
                out.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
            elif fmt == "jsonl":
                out.write(json.dumps({"id": name, **result.to_dict()}, ensure_ascii=False) + "\n")
            else:
                if len(items) > 1:
                    out.write(f"== {name}\n")
                out.write(format_text(result, colour))
    finally:
        if out is not sys.stdout:
            out.close()
    return 2 if failures else 0


def _write_for_correction(
    annotator: Any, items: list[tuple[str, str | InputError]], args: argparse.Namespace
) -> int:
    """``--format label-studio`` (one JSON list of tasks) or ``brat`` (NAME.txt and NAME.ann
    per input, with annotation.conf, in the ``-o`` directory)."""
    from annotator import interchange

    out_path = Path(args.output) if args.output else None
    if args.format == "brat" and out_path is None:
        print("error: --format brat needs -o DIRECTORY", file=sys.stderr)
        return 2
    tasks, used, failures = [], set(), 0
    for name, result in _annotated(annotator, iter(items), args.batch_size):
        if isinstance(result, InputError):
            failures += 1
            print(f"error: {result}", file=sys.stderr)
            continue
        if args.format == "label-studio":
            tasks.append(interchange.to_label_studio(result, name))
            continue
        out_path.mkdir(parents=True, exist_ok=True)  # type: ignore[union-attr]
        stem = _html_name(name, used).removesuffix(".html")
        text, ann = interchange.to_brat(result)
        (out_path / f"{stem}.txt").write_text(text, encoding="utf-8")  # type: ignore[operator]
        (out_path / f"{stem}.ann").write_text(ann, encoding="utf-8")  # type: ignore[operator]
    if args.format == "brat":
        (out_path / "annotation.conf").write_text(interchange.BRAT_CONF, encoding="utf-8")  # type: ignore[operator]
    else:
        payload = json.dumps(tasks, ensure_ascii=False, indent=1) + "\n"
        if out_path is None:
            sys.stdout.write(payload)
        else:
            out_path.write_text(payload, encoding="utf-8")
    return 2 if failures else 0


def cmd_report(args: argparse.Namespace) -> int:
    from annotator.render import render_report
    from annotator.report import build_report, read_records, write_csv

    articles, errors = read_records(args.run, args.meta)
    report = build_report(articles, errors, args.by)
    Path(args.output).write_text(render_report(report, args.html_dir), encoding="utf-8")
    if args.csv:
        write_csv(report, args.csv)
    print(f"wrote {args.output} ({report.articles} articles)", file=sys.stderr)
    return 0


def cmd_import_labels(args: argparse.Namespace) -> int:
    """A Label Studio export (JSON list of tasks) as corpus JSONL records."""
    from annotator import interchange

    try:
        tasks = json.loads(Path(args.export).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        print(f"error: {args.export}: not a readable Label Studio JSON export ({exc})", file=sys.stderr)
        return 2
    if not isinstance(tasks, list):
        print(f"error: {args.export}: expected a JSON list of tasks", file=sys.stderr)
        return 2
    records = [{**interchange.from_label_studio(t), **_record_defaults(args)} for t in tasks]
    out: IO[str] = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    try:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"{len(records)} articles imported", file=sys.stderr)
    return 0


def _record_defaults(args: argparse.Namespace) -> dict[str, str]:
    return {"domain": args.domain, "style": args.style, "country": args.country}


def _ray_run(args: argparse.Namespace) -> int:
    """--input 'corpus/*.jsonl' --output out/ --ray: the same pipeline on a Ray cluster."""
    if not args.input or not args.output:
        print(
            "error: --ray needs --input FILES (JSONL or Parquet, a glob) and --output DIRECTORY",
            file=sys.stderr,
        )
        return 2
    try:
        import ray

        from annotator import scale
    except ImportError:
        print("error: --ray needs Ray Data: pip install 'annotator[scale]'", file=sys.stderr)
        return 2
    ray.init(address=args.address, ignore_reinit_error=True, log_to_driver=False)
    written = scale.run(
        args.input, args.output, args.output_format, args.model, args.backend,
        args.concurrency, args.batch_size, args.cpus_per_worker,
    )  # fmt: skip
    print(f"wrote {written} rows to {args.output}", file=sys.stderr)
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    from annotator.info import format_info, model_info

    info = model_info(args.model, args.backend)
    sys.stdout.write(json.dumps(info, indent=2) + "\n" if args.json else format_info(info))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from annotator.serve import ServeSettings, serve

    logging.getLogger("annotator").setLevel(logging.INFO)
    settings = ServeSettings(
        max_body_bytes=int(args.max_body_mb * 1024 * 1024),
        max_batch_items=args.max_batch_items,
        queue_size=args.queue_size,
        timeout_s=args.timeout,
    )
    serve(args.model, args.backend, args.host, args.port, settings, args.workers)
    return 0


def _html_name(name: str, used: set[str]) -> str:
    """A file name for one input's page, unique within this run ("a/story.txt" -> "story.html")."""
    base = re.sub(r"[^\w.-]+", "-", Path(name).name).strip("-.") or "article"
    base = re.sub(r"\.(txt|html?|md)$", "", base)
    candidate, k = f"{base}.html", 2
    while candidate in used:
        candidate, k = f"{base}-{k}.html", k + 1
    used.add(candidate)
    return candidate


def _html(article: AnnotatedArticle) -> str:
    from annotator.render import render_html

    return render_html(article)


def _stream(annotator: Any, args: argparse.Namespace) -> int:
    """--input corpus.jsonl --output out.jsonl: bounded memory, resumable, per-record errors."""
    src, dst = Path(args.input), Path(args.output or "")
    if not args.output:
        print("error: --input needs --output FILE.jsonl", file=sys.stderr)
        return 2
    if not src.is_file():
        print(f"error: {src}: no such file", file=sys.stderr)
        return 2
    done: set[str] = set()
    if dst.is_file():
        data = dst.read_bytes()
        if data and not data.endswith(b"\n"):  # a line cut by an interruption: drop it, redo its record
            with open(dst, "r+b") as fh:
                fh.truncate(data.rfind(b"\n") + 1)
        with open(dst, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                try:
                    done.add(str(json.loads(line)["id"]))
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue
        logger.info("resuming: %d records already in %s", len(done), dst)
    with open(src, encoding="utf-8") as fh:
        total = sum(1 for line in fh if line.strip())
    failures = 0
    with open(dst, "a", encoding="utf-8") as out:
        results = _annotated(annotator, _jsonl_records(src, done), args.batch_size)
        for name, result in _progress(results, total - len(done), sys.stderr.isatty()):
            if isinstance(result, InputError):
                failures += 1
                print(f"error: {result}", file=sys.stderr)
                out.write(json.dumps({"id": name, "error": str(result)}, ensure_ascii=False) + "\n")
            else:
                out.write(json.dumps({"id": name, **result.to_dict()}, ensure_ascii=False) + "\n")
            out.flush()
    print(f"wrote {dst} ({failures} records with errors)", file=sys.stderr)
    return 2 if failures else 0


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator", description="Who is making each claim in a news article."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    ann = sub.add_parser(
        "annotate", help="annotate articles (text, HTML, or JSONL records with a 'text' field)"
    )
    ann.add_argument(
        "files", nargs="*", help="input files, '-' for stdin; .jsonl files give one article per record"
    )
    ann.add_argument(
        "--format",
        "-f",
        choices=("text", "json", "jsonl", "html", "label-studio", "brat"),
        default="text",
        help="label-studio: pre-annotated tasks to correct; brat: .txt + .ann standoff (with -o DIR)",
    )
    ann.add_argument("-o", "--output", help="output file (a directory for several HTML files)")
    ann.add_argument("--input", help="stream a large JSONL corpus (with --output); resumable")
    ann.add_argument(
        "--model",
        default=None,
        help="model directory, full or adapter (default: $ANNOTATOR_MODEL, else the model shipped in the package)",
    )
    ann.add_argument("--backend", choices=BACKENDS, default=None)
    ann.add_argument("--ray", action="store_true", help="run --input on Ray Data (--output is a directory)")
    ann.add_argument(
        "--address", default=None, help="Ray cluster: auto, ray://host:10001 (default: start a local one)"
    )
    ann.add_argument(
        "--concurrency", type=_positive_int, default=1, help="Ray workers, each with its own model"
    )
    ann.add_argument("--cpus-per-worker", type=float, default=1.0)
    ann.add_argument("--output-format", choices=("parquet", "jsonl"), default="parquet", help="with --ray")
    ann.add_argument("--batch-size", type=_positive_int, default=32)
    ann.add_argument("--no-colour", "--no-color", action="store_true", help="plain text output")
    ann.set_defaults(func=cmd_annotate)
    rep = sub.add_parser(
        "report", help="an HTML dashboard of a corpus run (annotate --input ... --output OUT.jsonl)"
    )
    rep.add_argument("run", help="the JSONL a corpus run wrote")
    rep.add_argument("-o", "--output", required=True, help="report.html")
    rep.add_argument("--meta", help="the input JSONL, for metadata fields (joined by id)")
    rep.add_argument(
        "--by", action="append", default=[], help="group by a metadata field, or month / week of 'date'"
    )
    rep.add_argument("--csv", help="also write the aggregate tables as CSV into this directory")
    rep.add_argument("--html-dir", help="link the listed articles to DIR/<id>.html")
    rep.set_defaults(func=cmd_report)
    imp = sub.add_parser("import-labels", help="a corrected Label Studio export -> corpus JSONL records")
    imp.add_argument("export", help="Label Studio JSON export of tasks made by --format label-studio")
    imp.add_argument("-o", "--output", help="JSONL file (default: stdout)")
    imp.add_argument("--domain", default="politics", help="domain of every imported article")
    imp.add_argument("--style", default="wire")
    imp.add_argument("--country", default="INT")
    imp.set_defaults(func=cmd_import_labels)
    info = sub.add_parser(
        "info", help="the model, its training data and licences, test metrics, backend and CPU"
    )
    info.add_argument("--model", default=None, help="model directory (default: as for annotate)")
    info.add_argument("--backend", choices=BACKENDS, default=None)
    info.add_argument("--json", action="store_true", help="print JSON")
    info.set_defaults(func=cmd_info)
    srv = sub.add_parser("serve", help="a web page and a JSON API for annotating articles")
    srv.add_argument("--host", default="127.0.0.1", help="address to bind (default: localhost only)")
    srv.add_argument("--port", type=int, default=8000)
    srv.add_argument("--model", default=None, help="model directory (default: as for annotate)")
    srv.add_argument("--backend", choices=BACKENDS, default=None)
    srv.add_argument("--max-body-mb", type=float, default=5.0, help="largest request body (MB)")
    srv.add_argument(
        "--max-batch-items", type=_positive_int, default=64, help="items a batch request may hold"
    )
    srv.add_argument("--queue-size", type=_positive_int, default=64, help="articles waiting before 503")
    srv.add_argument("--timeout", type=float, default=30.0, help="seconds a request may take before 504")
    srv.add_argument("--workers", type=_positive_int, default=1, help="processes, each with its own model")
    srv.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s", stream=sys.stderr)
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except AnnotatorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `annotator annotate … | head`: the reader has gone, stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    except OSError as exc:  # output paths: a directory, a missing parent, no permission
        print(f"error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
