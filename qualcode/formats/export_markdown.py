"""Markdown export: headings, pipe tables, blockquotes for quotes, charts drawn in text."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qualcode.formats.exports import Document, Table

NAME = "md"
CHART_WIDTH = 78


def _cell(text: str) -> str:
    # A pipe would end the cell and a line break the row.
    return " ".join(text.split()).replace("|", "\\|")


def table_lines(table: Table) -> list[str]:
    """A GitHub-flavoured pipe table; numeric columns right-aligned."""
    from qualcode.formats.exports import cell_text, is_numeric

    frame = table.frame
    columns = list(frame.columns)
    numeric = [is_numeric(frame, c) for c in columns]
    lines = [
        "| " + " | ".join(_cell(str(c)) for c in columns) + " |",
        "|" + "|".join("---:" if n else "---" for n in numeric) + "|",
    ]
    for row in frame.itertuples(index=False):
        cells = [_cell(cell_text(v, str(c) in table.percent)) for c, v in zip(columns, row, strict=True)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render(document: Document) -> str:
    """The whole document as Markdown."""
    from qualcode.formats.exports import Figure, Heading, Paragraph, Quote, Table

    out = [f"# {document.title}", ""]
    if document.generated:
        out += [f"_{document.generated}_", ""]
    for block in document.blocks:
        if isinstance(block, Heading):
            out += ["#" * (block.level + 1) + " " + block.text, ""]
        elif isinstance(block, Paragraph):
            out += [block.text, ""]
        elif isinstance(block, Table):
            if block.title:
                out += [f"**{block.title}**", ""]
            out += [*table_lines(block), ""]
            if block.note:
                out += [f"_{block.note}_", ""]
        elif isinstance(block, Figure):
            out += [
                f"**{block.title}**",
                "",
                "```text",
                block.chart.text(CHART_WIDTH).rstrip("\n"),
                "```",
                "",
            ]
            if block.caption:
                out += [f"_{block.caption}_", ""]
        elif isinstance(block, Quote):
            if block.context:
                out += [f"> _{block.context}_", ">"]
            out += [f"> “{block.text}”", ">", f"> — {block.attribution}", ""]
    return "\n".join(out).rstrip("\n") + "\n"
