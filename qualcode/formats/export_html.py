"""HTML export: one self-contained page (inline CSS, charts as inline SVG), ready to read or paste."""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qualcode.formats.exports import Document, Table

NAME = "html"

CSS = """
:root { --ink: #1d2433; --muted: #5b6475; --rule: #d8dde6; --band: #f4f6f9; --accent: #0072B2; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 68rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.8rem; line-height: 1.25; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; margin: 2.5rem 0 .75rem; padding-bottom: .3rem; border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.1rem; margin: 1.75rem 0 .5rem; }
p.generated { color: var(--muted); margin: 0 0 1.5rem; font-size: .9rem; }
nav { background: var(--band); border-radius: 6px; padding: .75rem 1.25rem; margin: 1rem 0 2rem; }
nav ol { margin: .25rem 0; padding-left: 1.25rem; columns: 2; }
nav a, a { color: var(--accent); text-decoration: none; }
.table-wrap { overflow-x: auto; margin: .5rem 0 1.25rem; }
table { border-collapse: collapse; font-size: .86rem; min-width: 50%; }
caption { text-align: left; font-weight: 600; padding: 0 0 .4rem; }
th, td { padding: .3rem .6rem; border-bottom: 1px solid var(--rule); vertical-align: top; text-align: left; }
td:first-child { min-width: 11rem; }
th { background: var(--band); border-bottom: 2px solid var(--rule); white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafbfc; }
p.note { color: var(--muted); font-size: .85rem; margin-top: -.75rem; }
figure { margin: 1rem 0 1.75rem; }
figure svg { max-width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: .85rem; }
figcaption strong { color: var(--ink); }
blockquote { margin: .75rem 0 1.1rem; padding: .4rem 1rem; border-left: 4px solid var(--accent);
  background: var(--band); border-radius: 0 6px 6px 0; }
blockquote p { margin: .2rem 0; }
blockquote .context { color: var(--muted); font-size: .88rem; }
blockquote footer { color: var(--muted); font-size: .9rem; }
@media print { nav { display: none; } main { max-width: none; } h2 { break-after: avoid; } figure, tr { break-inside: avoid; } }
"""


def _slug(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def table_html(table: Table) -> str:
    """A table with a caption, numeric columns right-aligned, every value escaped."""
    from qualcode.formats.exports import cell_text, is_numeric

    frame = table.frame
    columns = list(frame.columns)
    classes = [' class="num"' if is_numeric(frame, c) else "" for c in columns]
    head = "".join(f"<th{k}>{escape(str(c))}</th>" for c, k in zip(columns, classes, strict=True))
    body = []
    for row in frame.itertuples(index=False):
        cells = "".join(
            f"<td{k}>{escape(cell_text(v, str(c) in table.percent))}</td>"
            for c, v, k in zip(columns, row, classes, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    caption = f"<caption>{escape(table.title)}</caption>" if table.title else ""
    note = f'\n<p class="note">{escape(table.note)}</p>' if table.note else ""
    return (
        f'<div class="table-wrap"><table>{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>\n{chr(10).join(body)}\n</tbody></table></div>{note}"
    )


def inline_svg(svg: str, title: str) -> str:
    """An SVG document made fit to sit inside HTML: no XML prolog or doctype, labelled for screen readers."""
    start = svg.find("<svg")
    body = svg[start:] if start >= 0 else svg
    return body.replace("<svg", f'<svg role="img" aria-label="{escape(title)}"', 1)


def render(document: Document) -> str:
    """The whole document as one HTML page that needs no other file."""
    from qualcode.formats.exports import Figure, Heading, Paragraph, Quote, Table

    taken: set[str] = set()
    parts: list[str] = []
    contents: list[str] = []
    for block in document.blocks:
        if isinstance(block, Heading):
            slug = _slug(block.text, taken)
            level = min(block.level + 1, 6)
            parts.append(f'<h{level} id="{slug}">{escape(block.text)}</h{level}>')
            if block.level == 1:
                contents.append(f'<li><a href="#{slug}">{escape(block.text)}</a></li>')
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{escape(block.text)}</p>")
        elif isinstance(block, Table):
            parts.append(table_html(block))
        elif isinstance(block, Figure):
            caption = f"<strong>{escape(block.title)}</strong>"
            if block.caption:
                caption += f" {escape(block.caption)}"
            parts.append(
                f"<figure>{inline_svg(block.chart.svg(), block.title)}<figcaption>{caption}</figcaption></figure>"
            )
        elif isinstance(block, Quote):
            context = f'<p class="context">… {escape(block.context)} …</p>' if block.context else ""
            parts.append(
                f"<blockquote>{context}<p>“{escape(block.text)}”</p>"
                f"<footer>— {escape(block.attribution)}</footer></blockquote>"
            )
    nav = f"<nav><strong>Contents</strong><ol>{''.join(contents)}</ol></nav>" if len(contents) > 2 else ""
    generated = f'<p class="generated">{escape(document.generated)}</p>' if document.generated else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(document.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{escape(document.title)}</h1>\n{generated}\n{nav}\n"
        + "\n".join(parts)
        + "\n</main>\n</body>\n</html>\n"
    )
