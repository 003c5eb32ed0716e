"""With pseudonymisation on, no listed name and no speaker's name reaches any export, in any format.

Each file is written to disk and read back as its reader would: CSV and JSON parsed, Markdown and HTML as
text (the HTML's inline SVG charts included), XLSX through openpyxl, DOCX through python-docx.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from test_analysis_study import REAL_NAMES, study_copy

from qualcode.project import Project
from qualcode.report import WHATS, AnalysisOptions, export, write_report

FORMATS = ["csv", "json", "md", "html", "xlsx", "docx"]
_NAMES = re.compile(r"\b(" + "|".join(REAL_NAMES) + r")\b", re.IGNORECASE)


def read_back(path: Path) -> str:
    """Every piece of text a reader of the file would see."""
    data = path.read_bytes()
    if path.suffix == ".csv":
        return "\n".join(" ".join(row) for row in csv.reader(io.StringIO(data.decode("utf-8"))))
    if path.suffix == ".json":
        return json.dumps(json.loads(data), ensure_ascii=False)
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data))
        cells = [book.properties.title or ""] + [ws.title for ws in book.worksheets]
        cells += [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
        return "\n".join(cells)
    if path.suffix == ".docx":
        from docx import Document

        doc = Document(io.BytesIO(data))
        parts = [doc.core_properties.title or ""] + [p.text for p in doc.paragraphs]
        parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
        return "\n".join(parts)
    return data.decode("utf-8")


def names_in(text: str) -> list[str]:
    return sorted({m.group(0) for m in _NAMES.finditer(text)})


@pytest.fixture(scope="module")
def project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return study_copy(tmp_path_factory.mktemp("pseudonyms"))


def test_the_study_does_name_people_without_pseudonymisation(project_path: Path, tmp_path: Path) -> None:
    # The check below would pass vacuously if the names were not there to begin with.
    with Project.open(project_path) as project:
        export(project, "quotes", tmp_path / "q.csv", options=AnalysisOptions(context="turn"))
        export(project, "memos", tmp_path / "m.csv")
    found = names_in(read_back(tmp_path / "q.csv") + read_back(tmp_path / "m.csv"))
    assert found == sorted(REAL_NAMES), found


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_name_in_any_export(project_path: Path, tmp_path: Path, fmt: str) -> None:
    options = AnalysisOptions(pseudonymise=True, context="turn", template="{speaker}, {role}")
    with Project.open(project_path) as project:
        for what in WHATS:
            for by in (None, "case") if what in ("frequencies", "matrix") else (None,):
                path = tmp_path / f"{what}-{by}.{fmt}"
                export(project, what, path, fmt, AnalysisOptions(**{**_fields(options), "by": by}))
                assert names_in(read_back(path)) == [], (what, by, fmt)


@pytest.mark.parametrize("fmt", ["html", "md", "docx", "xlsx", "json"])
def test_no_name_in_the_report(project_path: Path, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"report.{fmt}"
    with Project.open(project_path) as project:
        written = write_report(
            project, path, options=AnalysisOptions(pseudonymise=True, context="turn", template="{speaker}")
        )
    text = read_back(path)
    assert names_in(text) == [], fmt
    if fmt in ("html", "md"):
        assert "[team lead] never asks my view" in text
    assert written.notes


def _fields(options: AnalysisOptions) -> dict[str, object]:
    from dataclasses import fields

    return {f.name: getattr(options, f.name) for f in fields(options)}
