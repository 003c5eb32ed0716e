"""Shared fixtures: a tiny study (two short interviews, a small codebook, participant attributes).

The tiny project is built once per session through the Project API and copied for each test that needs
it, so only one spaCy load and one import are paid for; tests then change and re-open their own copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from qualcode.project import Project

# Offsets used by the tests are written out next to the text they point into.
ALPHA_TEXT = (
    "Interviewer: How did you start? Tell me about it.\n"  # words 13..49
    "Participant: I felt like an outsider. The team did not know what I was for. "  # words from 63
    "I felt like an outsider again.\n"
    "Interviewer: Thank you.\n"
)
BETA_TEXT = (
    "Interviewer: What is hard about the role?\n"
    "Participant: Being the only one with lived experience. It is lonely, honestly.\n"
)
TINY_CODEBOOK = """\
name: Tiny codebook
version: 2
description: A codebook for tests.
codes:
  - name: Team
    group: true
    definition: How the team treats the peer worker.
    children:
      - name: Othered
        hotkey: o
        colour: "#0072B2"
        definition: Treated as not one of the team.
        include: [Feeling an outsider in the team]
        exclude: [Stigma about a diagnosis]
        examples: ["I felt like an outsider."]
        keywords: [outsider]
        patterns:
          - [{LOWER: "outsider"}]
      - name: Role clarity
        hotkey: r
        definition: Whether the role is clear.
  - name: Hope
    hotkey: p
    colour: "#009E73"
"""
PARTICIPANTS_CSV = (
    "participant,transcript,role,site\nP1,alpha.txt,Peer worker,Site A\nP2,beta,Clinician,Site B\n"
)


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with alpha.txt, beta.txt, tiny.yaml and participants.csv (read-only by convention)."""
    folder = tmp_path_factory.mktemp("tiny")
    (folder / "alpha.txt").write_text(ALPHA_TEXT, encoding="utf-8")
    (folder / "beta.txt").write_text(BETA_TEXT, encoding="utf-8")
    (folder / "tiny.yaml").write_text(TINY_CODEBOOK, encoding="utf-8")
    (folder / "participants.csv").write_text(PARTICIPANTS_CSV, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def tiny_template(tiny_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed project file holding the tiny codebook and both transcripts, no attributes, no codings."""
    path = tmp_path_factory.mktemp("template") / "tiny.qualcode"
    with Project.init(path) as project:
        project.import_codebook(tiny_dir / "tiny.yaml", "setup")
        results = project.import_transcripts([tiny_dir / "alpha.txt", tiny_dir / "beta.txt"], coder="setup")
        assert [r.status for r in results] == ["imported", "imported"], results
    return path


@pytest.fixture
def project_path(tiny_template: Path, tmp_path: Path) -> Path:
    """This test's own copy of the tiny project file."""
    path = tmp_path / "study.qualcode"
    shutil.copyfile(tiny_template, path)
    return path


@pytest.fixture
def project(project_path: Path) -> Iterator[Project]:
    """The tiny project, open; closed after the test."""
    with Project.open(project_path) as opened:
        yield opened


class QualcodeRunner:
    """Runs the real entry point (``python -m qualcode``) in a fresh process, in a test's folder."""

    def __init__(self, cwd: Path, coder: str = "ana") -> None:
        self.cwd = cwd
        self.env = {**os.environ, "QUALCODE_CODER": coder, "PYTHONIOENCODING": "utf-8", "COLUMNS": "200"}

    def command(self, *args: str | Path) -> list[str]:
        return [sys.executable, "-m", "qualcode", *map(str, args)]

    def __call__(self, *args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args), cwd=self.cwd, env=self.env, capture_output=True, text=True, timeout=timeout
        )


@pytest.fixture
def qualcode(tmp_path: Path) -> QualcodeRunner:
    """``qualcode(*args)`` runs the CLI in a subprocess with ``tmp_path`` as its working folder."""
    return QualcodeRunner(tmp_path)


# ../shared/data beside the repository (README: "Real data"); CI puts a copy of shared/ beside its clone.
SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The shared real-data folder; a test that asks for it is skipped when the folder is absent.

    Mark such tests ``@pytest.mark.shared_data`` as well, so ``-m "not shared_data"`` leaves them out.
    """
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not found at {SHARED_DATA.resolve()} (a checkout without ../shared/data)")
    return SHARED_DATA.resolve()
