"""Analysis, export, report and pseudonym commands through the real entry point."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from qualcode.project import Project


@pytest.fixture
def coded(project_path: Path, tiny_dir: Path) -> Path:
    """The tiny project with attributes and three codings (alpha: P1, peer worker; beta: P2, clinician)."""
    with Project.open(project_path) as project:
        project.load_attributes(tiny_dir / "participants.csv")
        project.code("alpha", "Othered", coder="ana", quote="I felt like an outsider.", occurrence=1)
        project.code("alpha", "Role clarity", coder="ben", quote="The team did not know what I was for.")
        project.code("beta", "Hope", coder="ana", quote="It is lonely, honestly.")
    return project_path


def test_frequencies_as_a_table_csv_and_chart(qualcode: Any, coded: Path) -> None:
    table = qualcode("frequencies", coded)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == [
        "code", "codings", "segments", "words", "transcripts", "cases", "cases_total", "cases_share",
    ]  # fmt: skip
    assert lines[2].split() == ["Team", "2", "2", "14", "1", "1", "2", "0.5"]
    assert lines[3].split() == ["·", "Othered", "1", "1", "5", "1", "1", "2", "0.5"]
    by_role = qualcode("frequencies", coded, "--by", "role", "--measure", "cases", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(by_role.stdout)))
    assert {(r["code"], r["role"]): r["cases_share"] for r in rows if r["code"] == "Hope"} == {
        ("Hope", "Clinician"): "1.0",
        ("Hope", "Peer worker"): "0.0",
    }
    chart = qualcode("frequencies", coded, "--chart", "--measure", "codings")
    assert chart.returncode == 0, chart.stderr
    assert "Othered" in chart.stdout and "█" in chart.stdout and "Team" not in chart.stdout
    wrong = qualcode("frequencies", coded, "--by", "rank")
    assert wrong.returncode == 1
    [line] = wrong.stderr.splitlines()  # one line: what went wrong, then what to do
    assert line.startswith("qualcode: error: cannot break down by 'rank': no such attribute; use one of: ")


def test_export_to_stdout_and_to_files(qualcode: Any, coded: Path, tmp_path: Path) -> None:
    out = qualcode("export", coded, "--what", "cooccurrence", "--unit", "turn")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "code_a,code_b,unit,count,n_a,n_b,jaccard",
        "Othered,Role clarity,turn,1,1,1,1.0",
    ]
    written = qualcode(
        "export", coded, "--what", "quotes", "--where", "role=Peer worker", "-o", "quotes.xlsx"
    )
    assert written.returncode == 0, written.stderr
    assert written.stderr == "wrote 2 rows to quotes.xlsx (xlsx)\n"
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "quotes.xlsx").worksheets[0]
    assert [c.value for c in sheet[2]][-3:] == ["Peer worker, Site A", "I felt like an outsider.", None]
    binary = qualcode("export", coded, "--what", "memos", "--format", "docx")
    assert binary.returncode == 2 and "give one with -o FILE" in binary.stderr
    unknown = qualcode("export", coded, "--what", "codings", "-o", "codings.pdf")
    assert unknown.returncode == 1 and "cannot tell the export format" in unknown.stderr


def test_report_and_pseudonyms(qualcode: Any, coded: Path, tmp_path: Path) -> None:
    added = qualcode("pseudonyms", "add", coded, "Martin", "Priya", "--as", "[colleague]")
    assert added.returncode == 0, added.stderr
    assert added.stdout == "2 name(s) added; the list has 2\n"
    removed = qualcode("pseudonyms", "remove", coded, "priya")
    assert removed.stdout == "1 name(s) removed; the list has 1\n"
    listed = qualcode("pseudonyms", "list", coded, "--format", "csv")
    assert listed.stdout == "name,replacement\nMartin,[colleague]\n"
    missing = qualcode("pseudonyms", "remove", coded, "Nobody")
    assert missing.returncode == 1 and "not in the name list: Nobody" in missing.stderr
    result = qualcode("report", coded, "-o", "report.html", "--pseudonymise")
    assert result.returncode == 0, result.stderr
    assert "note: no trained spaCy pipeline" in result.stderr
    assert result.stderr.endswith("wrote the report to report.html (html, 7 tables)\n")
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert '<h2 id="quotes">Quotes</h2>' in html and "Peer worker, Site A" in html


def test_chart_files(qualcode: Any, coded: Path, tmp_path: Path) -> None:
    svg = qualcode("chart", coded, "--what", "matrix", "--measure", "codings", "-o", "matrix.svg")
    assert svg.returncode == 0, svg.stderr
    text = (tmp_path / "matrix.svg").read_text(encoding="utf-8")
    assert "Codes by case (codings)" in text and "P1" in text and "Role clarity" in text
    bad = qualcode("chart", coded, "-o", "chart.pdf")
    assert bad.returncode == 1 and ".svg or .png" in bad.stderr
