"""The one-command report: its sections in each format, a self-contained HTML page, and a real browser."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_analysis_study import study_copy

from qualcode import report
from qualcode.errors import InputError
from qualcode.formats.exports import EXPORT_FORMATS, Figure, Heading, Quote
from qualcode.model import CodingFilter
from qualcode.project import Project
from qualcode.report import AnalysisOptions, build_report, write_report

NOW = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
SECTIONS = [
    "Overview",
    "Codebook",
    "Code frequencies",
    "Co-occurrence",
    "Codes by case",
    "Quotes",
    "Coders",
    "Memos",
]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return study_copy(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def html_report(project_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("html") / "report.html"
    with Project.open(project_path) as project:
        write_report(project, path)
    return path


def test_the_report_has_every_section_figure_and_quote(project_path: Path) -> None:
    with Project.open(project_path) as project:
        document, notes = build_report(project, now=NOW)
    assert [b.text for b in document.blocks if isinstance(b, Heading) and b.level == 1] == SECTIONS
    figures = [b.title for b in document.blocks if isinstance(b, Figure)]
    assert figures == [
        "Cases with each code",
        "Share of cases with each code, by role",
        "Share of cases with each code, by site",
        "Co-occurrence (same segment)",
        "Codings by case",
    ]
    quotes = [b for b in document.blocks if isinstance(b, Quote)]
    assert len(quotes) == 9  # up to three per code: Othered 3, Role clarity 2, Hope 2, Trust 2
    assert quotes[0].attribution == "Peer worker, Site A"
    assert notes == ()
    assert document.title == "Analysis report: Study codebook"
    assert [t.key for t in document.tables] == [
        "participants", "codebook", "frequencies", "by role", "by site", "cooccurrence", "by case",
        "by coder", "memos",
    ]  # fmt: skip


def test_the_html_report_is_one_self_contained_page(html_report: Path) -> None:
    html = html_report.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert html.count("<svg") == 5 and "<?xml" not in html
    # Nothing to fetch: no scripts, style sheets or images from elsewhere; links and url() stay in the page.
    for outside in ("<script", "<link", "<img", "<iframe", "@import"):
        assert outside not in html, outside
    targets = re.findall(r'(?:src|href)="([^"]{0,5})', html)
    assert targets and all(t.startswith("#") or t == "data:" for t in targets), set(targets)
    assert set(re.findall(r"url\((.)", html)) <= {"#"}
    for section in SECTIONS:
        assert f">{section}</h2>" in html
    assert '<nav><strong>Contents</strong><ol><li><a href="#overview">Overview</a></li>' in html


def test_the_word_report_has_its_charts_as_pictures(project_path: Path, tmp_path: Path) -> None:
    from docx import Document

    with Project.open(project_path) as project:
        written = write_report(project, tmp_path / "report.docx")
    doc = Document(io.BytesIO(written.path.read_bytes()))
    assert len(doc.inline_shapes) == 5
    assert [p.text for p in doc.paragraphs if p.style.name == "Heading 1"] == SECTIONS
    assert written.tables == 9


def test_filters_and_a_loaded_corpus(project_path: Path) -> None:
    with Project.open(project_path) as project:
        corpus = project.analysis_corpus()
        options = AnalysisOptions(filter=CodingFilter(attributes=(("role", "Peer worker"),)))
        document, _ = build_report(project, options, corpus=corpus, now=NOW)
    text = EXPORT_FORMATS["md"].render(document)
    assert isinstance(text, str)
    assert "Only role = Peer worker." in text
    assert "2 transcripts" in text and "Clinician" not in text


def test_too_many_cases_for_a_page(project_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "MAX_MATRIX_CASES", 2)
    with Project.open(project_path) as project:
        document, _ = build_report(project, now=NOW)
    text = str(EXPORT_FORMATS["md"].render(document))
    assert "3 cases are too many for a table on a page" in text
    assert "qualcode export study.qualcode --what matrix --by case -o matrix.xlsx" in text


def test_a_report_is_not_a_csv(project_path: Path, tmp_path: Path) -> None:
    with Project.open(project_path) as project, pytest.raises(InputError) as caught:
        write_report(project, tmp_path / "report.csv")
    assert "html, md, docx" in caught.value.hint
    assert not (tmp_path / "report.csv").exists()


def _chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    profile = tempfile.mkdtemp(prefix="qualcode-chromium-")
    try:
        return subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                *args,
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)")
def test_the_html_report_renders_in_headless_chromium(html_report: Path, tmp_path: Path) -> None:
    dom = _chromium("--dump-dom", html_report.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    # The browser parsed the inline charts as SVG, with their labels as text, and every section.
    assert len(re.findall(r"<svg\b", dom.stdout)) == 5
    assert "Role clarity</text>" in dom.stdout or ">Role clarity<" in dom.stdout
    for section in SECTIONS:
        assert f">{section}</h2>" in dom.stdout
    shot = tmp_path / "report.png"
    result = _chromium(f"--screenshot={shot}", "--window-size=1280,2000", html_report.as_uri())
    assert result.returncode == 0 and shot.exists(), result.stderr[-2000:]
    from PIL import Image

    with Image.open(shot) as image:
        assert image.size == (1280, 2000)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 50, "the screenshot is (nearly) blank"
