"""HTML export: one self-contained page (inline CSS, no scripts, no external requests).

The one place that renders HTML. Every fragment of article text goes through
``html.escape``; sentences are tinted by label, source/cue/reason spans marked,
and a CSS tooltip (with a ``title`` fallback) shows label, probability, score
and source.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import TYPE_CHECKING

from annotator.types import LABEL_NAMES, AnnotatedArticle, AnnotatedSentence, Kind

if TYPE_CHECKING:
    from annotator.report import CorpusReport, Share

LABEL_TITLES = {"anonymous": "Anonymous source", "on_record": "On the record", "reporter": "Reporter's voice"}

CSS = """
:root { --anon:#fde7c2; --anon-b:#f59e0b; --rec:#dbe8fe; --rec-b:#2563eb; --rep:#f3f4f6; --rep-b:#9ca3af; }
* { box-sizing: border-box; }
body { margin: 0; background: #fafaf9; color: #1c1917; font: 17px/1.65 Georgia, 'Times New Roman', serif; }
.wrap { display: grid; grid-template-columns: minmax(0, 46rem) 19rem; gap: 2.5rem; max-width: 70rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
@media (max-width: 900px) { .wrap { grid-template-columns: 1fr; } aside { order: -1; } }
header.top { grid-column: 1 / -1; border-bottom: 1px solid #e7e5e4; padding-bottom: .75rem; font: 14px/1.4 system-ui, sans-serif; color: #57534e; }
header.top h1 { font: 600 20px/1.3 system-ui, sans-serif; color: #1c1917; margin: 0 0 .25rem; }
.legend { display: flex; flex-wrap: wrap; gap: .5rem 1rem; margin-top: .5rem; }
.legend span { display: inline-flex; align-items: center; gap: .35rem; }
.sw { width: 1.1rem; height: .9rem; border-radius: 3px; display: inline-block; border-bottom: 3px solid; }
.sw.anonymous { background: var(--anon); border-color: var(--anon-b); }
.sw.on_record { background: var(--rec); border-color: var(--rec-b); }
.sw.reporter { background: var(--rep); border-color: var(--rep-b); }
.sw.meta { background: transparent; border: 1px dashed #a8a29e; }
article p { margin: 0 0 1.1rem; }
.meta { font: 13px/1.45 system-ui, sans-serif; color: #78716c; margin: 0 0 .6rem; padding-left: .6rem; border-left: 2px dashed #d6d3d1; }
.meta .kind { text-transform: uppercase; letter-spacing: .05em; font-size: 10px; color: #a8a29e; margin-right: .4rem; }
.s { position: relative; border-radius: 3px; padding: 1px 1px; border-bottom: 2px solid transparent; }
.s.anonymous { background: var(--anon); border-bottom-color: var(--anon-b); }
.s.on_record { background: var(--rec); border-bottom-color: var(--rec-b); }
.s.reporter { background: transparent; border-bottom-color: var(--rep); }
.s .score { font: 600 10px/1 system-ui, sans-serif; color: #44403c; background: #fff; border: 1px solid #d6d3d1; border-radius: 8px; padding: 1px 4px; margin-left: 2px; vertical-align: super; }
mark { background: none; color: inherit; }
mark.source { font-weight: 700; text-decoration: underline 2px; text-underline-offset: 3px; }
mark.cue { font-style: italic; text-decoration: underline dotted 2px; text-underline-offset: 3px; }
mark.reason { background: rgba(245, 158, 11, .25); outline: 1px dotted #b45309; }
.s .tip { display: none; position: absolute; left: 0; top: 100%; z-index: 5; width: 19rem; margin-top: 4px; padding: .5rem .65rem; background: #1c1917; color: #fafaf9; border-radius: 6px; font: 12px/1.45 system-ui, sans-serif; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
.s:hover .tip, .s:focus .tip { display: block; }
.tip b { color: #fde68a; }
aside { font: 14px/1.5 system-ui, sans-serif; }
aside .panel { position: sticky; top: 1rem; background: #fff; border: 1px solid #e7e5e4; border-radius: 10px; padding: 1rem 1.1rem; }
aside h2 { font-size: 15px; margin: 0 0 .6rem; }
aside h3 { font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: #78716c; margin: 1rem 0 .3rem; }
.bar { display: flex; height: 14px; border-radius: 7px; overflow: hidden; background: #e7e5e4; }
.bar div { height: 100%; }
.bar .anonymous { background: var(--anon-b); } .bar .on_record { background: var(--rec-b); } .bar .reporter { background: var(--rep-b); }
table.counts { width: 100%; border-collapse: collapse; margin-top: .5rem; }
table.counts td { padding: 2px 0; } table.counts td.n { text-align: right; font-variant-numeric: tabular-nums; }
aside ul { margin: 0; padding-left: 1.1rem; } aside li { margin: 1px 0; }
.warn { background: #fef3c7; border: 1px solid #f59e0b; border-radius: 6px; padding: .4rem .6rem; margin-bottom: .8rem; }
.muted { color: #78716c; }
footer { grid-column: 1 / -1; font: 12px system-ui, sans-serif; color: #a8a29e; border-top: 1px solid #e7e5e4; padding-top: .6rem; }
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _sentence_html(s: AnnotatedSentence) -> str:
    """A body sentence with its spans marked and a tooltip."""
    marks = []
    for cls, span in (("source", s.source), ("cue", s.cue), ("reason", s.anonymity_reason)):
        if span is not None and s.start <= span.start < span.end <= s.end:
            marks.append((span.start - s.start, span.end - s.start, cls))
    marks.sort()
    pieces, pos = [], 0
    for a, b, cls in marks:
        if a < pos:  # overlapping spans: keep the first
            continue
        pieces.append(_e(s.text[pos:a]))
        pieces.append(f'<mark class="{cls}">{_e(s.text[a:b])}</mark>')
        pos = b
    pieces.append(_e(s.text[pos:]))
    label = s.label.value if s.label else "reporter"
    prob = (s.probabilities or {}).get(label, 0.0)
    tip_lines = [f"<b>{_e(LABEL_TITLES[label])}</b> · p={prob:.2f}"]
    if s.score is not None:
        tip_lines.append(f"Sourcing score: {s.score:.2f} (chance it is well sourced)")
    if s.source is not None:
        tip_lines.append(f"Source: {_e(s.source.text)}")
    if s.source_resolved and (s.source is None or s.source_resolved != s.source.text):
        tip_lines.append(f"Refers to: {_e(s.source_resolved)}")
    if s.cue is not None:
        tip_lines.append(f"Cue: {_e(s.cue.text)}")
    if s.anonymity_reason is not None:
        tip_lines.append(f"Reason for anonymity: {_e(s.anonymity_reason.text)}")
    title = " | ".join(
        x for x in (
            f"{LABEL_TITLES[label]} p={prob:.2f}",
            f"score {s.score:.2f}" if s.score is not None else "",
            f"source: {s.source_resolved or (s.source.text if s.source else '')}" if (s.source or s.source_resolved) else "",
        ) if x
    )  # fmt: skip
    score = f'<span class="score">{s.score:.2f}</span>' if s.score is not None else ""
    return (
        f'<span class="s {label}" tabindex="0" title="{_e(title)}">{"".join(pieces)}{score}'
        f'<span class="tip" role="tooltip">{"<br>".join(tip_lines)}</span></span>'
    )


def _summary_html(article: AnnotatedArticle) -> str:
    p = article.profile
    bar = "".join(
        f'<div class="{k}" style="width:{100 * p.shares[k]:.1f}%" title="{_e(LABEL_TITLES[k])}: {100 * p.shares[k]:.0f}%"></div>'
        for k in LABEL_NAMES
        if p.shares.get(k)
    )
    rows = "".join(
        f'<tr><td><span class="sw {k}"></span> {_e(LABEL_TITLES[k])}</td>'
        f'<td class="n">{p.counts[k]}</td><td class="n">{100 * p.shares[k]:.0f}%</td></tr>'
        for k in LABEL_NAMES
    )

    def items(values: Sequence[str]) -> str:
        if not values:
            return '<p class="muted">none</p>'
        return "<ul>" + "".join(f"<li>{_e(v)}</li>" for v in values) + "</ul>"

    mean = f"{p.mean_score:.2f}" if p.mean_score is not None else "–"
    lead = f"{100 * p.lead_anonymous_share:.0f}%" if p.lead_anonymous_share is not None else "–"
    warnings = "".join(f'<div class="warn">{_e(w)}</div>' for w in article.warnings)
    return (
        f'<aside><div class="panel">{warnings}<h2>Sourcing profile</h2>'
        f'<div class="bar" role="img" aria-label="label shares">{bar}</div>'
        f'<table class="counts">{rows}</table>'
        f"<h3>Mean sourcing score</h3><p>{mean} <span class='muted'>over {p.n_body} sentences</span></p>"
        f"<h3>Lead on anonymous sources</h3><p>{lead} <span class='muted'>of the first three sentences</span></p>"
        f"<h3>On-record sources ({len(p.on_record_sources)})</h3>{items(p.on_record_sources)}"
        f"<h3>Unnamed sources ({len(p.anonymous_sources)})</h3>{items(p.anonymous_sources)}"
        f"<h3>Reasons given for anonymity</h3>{items(p.anonymity_reasons)}"
        f"</div></aside>"
    )


def render_html(article: AnnotatedArticle, title: str | None = None) -> str:
    """The article as one self-contained HTML page."""
    headline = next((s.text for s in article.sentences if s.meta_kind == "headline"), None)
    title = title or headline or "Annotated article"
    blocks: list[str] = []
    para: list[str] = []
    current = None
    for s in article.sentences:
        if s.kind is Kind.META:
            if para:
                blocks.append(f"<p>{' '.join(para)}</p>")
                para = []
            blocks.append(
                f'<div class="meta"><span class="kind">{_e(s.meta_kind or "meta")}</span>{_e(s.text)}</div>'
            )
            current = None
            continue
        if current is not None and s.paragraph != current and para:
            blocks.append(f"<p>{' '.join(para)}</p>")
            para = []
        current = s.paragraph
        para.append(_sentence_html(s))
    if para:
        blocks.append(f"<p>{' '.join(para)}</p>")
    if not blocks:
        blocks.append('<p class="muted">This article has no text to annotate.</p>')
    legend = (
        "".join(f'<span><span class="sw {k}"></span>{_e(LABEL_TITLES[k])}</span>' for k in LABEL_NAMES)
        + '<span><span class="sw meta"></span>Page furniture (not labelled)</span>'
    )
    legend += '<span><mark class="source">source</mark></span><span><mark class="cue">cue</mark></span>'
    legend += '<span><mark class="reason">reason for anonymity</mark></span>'
    model = article.model.get("name") or article.model.get("path") or "annotator"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)} · annotator</title><style>{CSS}</style></head><body>"
        f'<div class="wrap"><header class="top"><h1>{_e(title)}</h1>'
        "Who is making each claim: hover or focus a sentence for its label, probability, score and source."
        f'<div class="legend">{legend}</div></header>'
        f"<article>{''.join(blocks)}</article>{_summary_html(article)}"
        f"<footer>annotator · model {_e(model)} · schema {_e(article.schema_version)} · "
        "score = calibrated probability that the sentence is well sourced (strength ≥ 2)</footer>"
        "</div></body></html>\n"
    )


REPORT_CSS = """
body { margin: 0; background: #fafaf9; color: #1c1917; font: 15px/1.5 system-ui, sans-serif; }
main { max-width: 64rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.5rem; margin: 0 0 .3rem; } h2 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 3px 8px 3px 0; border-bottom: 1px solid #e7e5e4; vertical-align: top; }
td.n { text-align: right; } .muted { color: #78716c; } svg { max-width: 100%; height: auto; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; } .card { background: #fff; border: 1px solid #e7e5e4; border-radius: 8px; padding: .6rem .9rem; }
.card b { display: block; font-size: 1.3rem; }
"""


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}%"


def _share_rows(shares: Sequence[Share]) -> str:
    rows = []
    for s in shares:
        cells = "".join(
            f'<td class="n">{_pct(s.shares[k])} <span class="muted">[{_pct(s.intervals[k][0])}, '
            f"{_pct(s.intervals[k][1])}]</span></td>"
            for k in LABEL_NAMES
        )
        rows.append(
            f'<tr><td>{_e(s.group)}</td><td class="n">{s.articles}</td><td class="n">{s.sentences}</td>{cells}</tr>'
        )
    head = "".join(f'<th class="n">{_e(LABEL_TITLES[k])}</th>' for k in LABEL_NAMES)
    return f'<table><tr><th></th><th class="n">articles</th><th class="n">sentences</th>{head}</tr>{"".join(rows)}</table>'


def _counts(title: str, items: Sequence[tuple[str, int]]) -> str:
    if not items:
        return f"<h2>{_e(title)}</h2><p class='muted'>none</p>"
    rows = "".join(f'<tr><td>{_e(k)}</td><td class="n">{n}</td></tr>' for k, n in items)
    return f"<h2>{_e(title)}</h2><table>{rows}</table>"


def render_report(report: CorpusReport, html_dir: str | None = None) -> str:
    """A corpus report (``annotator.report.CorpusReport``) as one self-contained page:
    tables, inline SVG charts (matplotlib, text drawn as shapes), every data string escaped."""
    o = report.overall
    cards = "".join(
        f'<div class="card">{_e(LABEL_TITLES[k])}<b>{_pct(o.shares[k])}</b>'
        f'<span class="muted">95% [{_pct(o.intervals[k][0])}, {_pct(o.intervals[k][1])}]</span></div>'
        for k in LABEL_NAMES
    )
    cards += f'<div class="card">Lead anonymous share<b>{_pct(report.lead_anonymous_share)}</b><span class="muted">first three body sentences</span></div>'
    parts = [
        f"<h1>Sourcing across {report.articles} articles</h1>",
        f'<p class="muted">{o.sentences} body sentences; {report.errors} records with errors left out. '
        "Intervals: 95%, bootstrap over articles.</p>",
        f'<div class="cards">{cards}</div>',
    ]
    for name, shares in report.by.items():
        parts.append(f"<h2>By {_e(name)}</h2>{report.charts.get(f'by_{name}', '')}{_share_rows(shares)}")
    if "scores" in report.charts:
        parts.append(f"<h2>Sourcing scores</h2>{report.charts['scores']}")
    parts.append(_counts("Most frequent named sources", report.named_sources))
    parts.append(_counts("Most frequent unnamed sources", report.unnamed_sources))
    parts.append(_counts("Reasons given for anonymity", report.reasons))
    rows = []
    for a in report.most_anonymous:
        label = _e(a["title"] or a["id"])
        link = (
            f'<a href="{_e(html_dir.rstrip("/") + "/" + a["id"] + ".html")}">{label}</a>'
            if html_dir
            else label
        )
        rows.append(
            f'<tr><td>{link}</td><td class="n">{_pct(a["share"])}</td><td class="n">{a["n_body"]}</td></tr>'
        )
    parts.append(
        "<h2>Articles with the most anonymous sourcing</h2><table><tr><th>article</th>"
        f'<th class="n">anonymous</th><th class="n">sentences</th></tr>{"".join(rows)}</table>'
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>annotator report</title><style>{REPORT_CSS}</style></head><body><main>{''.join(parts)}</main></body></html>\n"
    )
