"""Exports in every format against golden files (tests/golden), XLSX and DOCX read back.

Set QUALCODE_UPDATE_GOLDEN=1 to rewrite the golden files after a deliberate change, then review the diff.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_analysis_study import study_copy

from qualcode.errors import InputError
from qualcode.formats.exports import (
    EXPORT_FORMATS,
    Document,
    Paragraph,
    Table,
    export_format,
    write_atomically,
)
from qualcode.project import Project
from qualcode.report import AnalysisOptions, build_export, build_report

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
NOW = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:\+00:00|Z)?")
_VERSION = re.compile(r"qualcode \d+\.\d+\.\d+(?:(?:a|b|rc|\.dev|\.post|\+)[0-9a-z.]*)?")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    with Project.open(study_copy(tmp_path_factory.mktemp("exports"))) as opened:
        yield opened


def normalised(text: str) -> str:
    """Times and the version made stable for comparison."""
    return _VERSION.sub("qualcode <VERSION>", _TIME.sub("<TIME>", text))


def xlsx_text(data: bytes) -> str:
    """A workbook as text: per sheet its frozen pane, filter, header and rows, with number formats."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    lines = [f"title: {book.properties.title}"]
    for sheet in book.worksheets:
        lines.append(f"## {sheet.title} (freeze {sheet.freeze_panes}, filter {sheet.auto_filter.ref})")
        for row in sheet.iter_rows():
            cells = []
            for cell in row:
                shown = repr(cell.value)
                if cell.font is not None and cell.font.b:
                    shown = f"**{shown}**"
                if cell.number_format not in ("General",):
                    shown += f" [{cell.number_format}]"
                cells.append(shown)
            lines.append(" | ".join(cells))
    return "\n".join(lines) + "\n"


def docx_text(data: bytes) -> str:
    """A Word document as text: paragraphs with their style, tables row by row, pictures counted."""
    from docx import Document as WordDocument

    doc = WordDocument(io.BytesIO(data))
    lines = [f"title: {doc.core_properties.title}", f"pictures: {len(doc.inline_shapes)}"]
    body = doc.element.body
    tables = iter(doc.tables)
    paragraphs = iter(doc.paragraphs)
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = next(paragraphs)
            if paragraph.text.strip():
                lines.append(f"[{paragraph.style.name}] {paragraph.text}")
        elif tag == "tbl":
            for row in next(tables).rows:
                lines.append(" | ".join(cell.text for cell in row.cells))
    return "\n".join(lines) + "\n"


def as_text(fmt: str, content: str | bytes) -> str:
    if fmt == "xlsx":
        assert isinstance(content, bytes)
        return xlsx_text(content)
    if fmt == "docx":
        assert isinstance(content, bytes)
        return docx_text(content)
    assert isinstance(content, str)
    return content


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    text = normalised(text)
    if os.environ.get("QUALCODE_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with QUALCODE_UPDATE_GOLDEN=1 to write it"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


CASES = [
    ("frequencies-by-role", "frequencies", {"by": "role"}, ["csv", "json", "md", "html", "xlsx", "docx"]),
    ("frequencies", "frequencies", {}, ["csv"]),
    ("cooccurrence-turn", "cooccurrence", {"unit": "turn"}, ["csv", "md"]),
    ("matrix-by-case", "matrix", {}, ["csv", "xlsx"]),
    ("matrix-share-by-site", "matrix", {"by": "site", "measure": "cases_share"}, ["md", "xlsx"]),
    ("quotes-context", "quotes", {"context": "segment"}, ["csv", "json", "md", "html", "docx"]),
    ("codings", "codings", {}, ["csv", "json"]),
    ("codebook", "codebook", {}, ["csv", "json", "xlsx"]),
    ("memos", "memos", {}, ["csv"]),
    ("codings-pseudonymised", "codings", {"pseudonymise": True}, ["csv"]),
]


@pytest.mark.parametrize(("name", "what", "options", "formats"), CASES, ids=[c[0] for c in CASES])
def test_exports_match_their_golden_files(
    project: Project, name: str, what: str, options: dict[str, object], formats: list[str]
) -> None:
    for fmt in formats:
        chosen = EXPORT_FORMATS[fmt]
        document, _notes = build_export(
            project,
            what,
            AnalysisOptions(**options),
            tabular=chosen.tabular,
            now=NOW,  # type: ignore[arg-type]
        )
        suffix = f"{fmt}.txt" if fmt in ("xlsx", "docx") else fmt
        check_golden(f"{name}.{suffix}", as_text(fmt, chosen.render(document)))


def test_report_in_markdown_matches_its_golden_file(project: Project) -> None:
    document, notes = build_report(project, AnalysisOptions(pseudonymise=True, context="turn"), now=NOW)
    check_golden("report-pseudonymised.md", EXPORT_FORMATS["md"].render(document))
    assert any("no trained spaCy pipeline" in n for n in notes)


def test_csv_columns_are_the_documented_ones(project: Project) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "analysis.md").read_text(encoding="utf-8")
    for what, options in [
        ("frequencies", {}),
        ("cooccurrence", {}),
        ("quotes", {}),
        ("codings", {}),
        ("codebook", {}),
        ("memos", {}),
    ]:
        document, _ = build_export(project, what, AnalysisOptions(**options), now=NOW)  # type: ignore[arg-type]
        header = EXPORT_FORMATS["csv"].render(document).splitlines()[0]
        assert f"`{header}`" in docs, f"docs/analysis.md does not list the {what} columns: {header}"


def test_json_values_are_plain(project: Project) -> None:
    document, _ = build_export(project, "codebook", now=NOW)
    [first, *_] = json.loads(EXPORT_FORMATS["json"].render(document))
    assert first["code"] == "Team" and first["include"] == [] and first["level"] == 0
    report, _ = build_report(project, now=NOW)
    data = json.loads(EXPORT_FORMATS["json"].render(report))
    assert data["generated"] == "Generated 2026-05-01 09:30 UTC by " + _VERSION.search(
        data["generated"]
    ).group(0)  # type: ignore[union-attr]
    assert list(data["tables"])[:3] == ["participants", "codebook", "frequencies"]


def test_format_from_name_or_extension() -> None:
    assert export_format(None, Path("x.XLSX")).name == "xlsx"
    assert export_format(None, Path("notes.markdown")).name == "md"
    assert export_format("HTML", Path("x.csv")).name == "html"
    with pytest.raises(InputError) as caught:
        export_format(None, Path("x.pdf"))
    assert "csv, json, xlsx, md, html, docx" in caught.value.hint
    with pytest.raises(InputError):
        export_format("pdf", None)


def test_single_table_formats_refuse_several_tables() -> None:
    import pandas as pd

    frame = pd.DataFrame({"a": [1]})
    document = Document("Two", (Table("one", "One", frame), Paragraph("x"), Table("two", "Two", frame)))
    with pytest.raises(InputError) as caught:
        EXPORT_FORMATS["csv"].render(document)
    assert "xlsx" in caught.value.hint
    assert json.loads(str(EXPORT_FORMATS["json"].render(document)))["tables"] == {
        "one": [{"a": 1}],
        "two": [{"a": 1}],
    }


def test_xlsx_sheet_names_and_text_that_looks_like_a_formula() -> None:
    import pandas as pd
    from openpyxl import load_workbook

    frame = pd.DataFrame({"quote": ["=SUM(A1)", "plain\x07bell"]})
    tables = tuple(Table(k, k, frame) for k in ("by role/site", "by role/site", "x" * 40))
    data = EXPORT_FORMATS["xlsx"].render(Document("T", tables))
    assert isinstance(data, bytes)
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["by role-site", "by role-site (2)", "x" * 31]
    cell = book.worksheets[0]["A2"]
    assert (cell.value, cell.data_type) == ("=SUM(A1)", "s")
    assert book.worksheets[0]["A3"].value == "plainbell"


def test_docx_refuses_a_table_too_wide_for_a_page() -> None:
    import pandas as pd

    frame = pd.DataFrame({f"c{i}": [i] for i in range(40)})
    with pytest.raises(InputError) as caught:
        EXPORT_FORMATS["docx"].render(Document("W", (Table("wide", "Wide", frame),)))
    assert "xlsx" in caught.value.hint


def test_files_are_written_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["out.bin"]
    with pytest.raises(InputError) as caught:
        write_atomically(tmp_path / "missing" / "out.bin", b"x")
    assert "cannot be written" in caught.value.message
