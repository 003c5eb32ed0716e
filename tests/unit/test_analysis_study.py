"""A small coded study for the analysis and export tests, with every figure worked out by hand.

Three interviews (two peer workers at sites A and B, a clinician at site B), a codebook with a group
(Team: Othered, Role clarity) and two codes (Hope, Trust), ten codings by two coders (one span coded by
both), a memo and a name list. The project is built once per test session and copied for each test.
Other test modules import ``study_copy`` and the constants from here.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from unittest.mock import patch

from qualcode.model import MemoTarget
from qualcode.project import Project

P1 = (
    "Interviewer: Thanks for coming, Dana. How is the team?\n"
    "Dana: The team treats me like an outsider. Martin never asks my view. I still have hope.\n"
    "Interviewer: And supervision?\n"
    "Dana: Priya helps me a lot. She gives me hope.\n"
)
P2 = (
    "Interviewer: What does the peer worker do?\n"
    "Gareth Jones: Honestly, nobody knows what the role is for. Dana is great with patients.\n"
    "Interviewer: Anything else?\n"
    "Gareth Jones: No.\n"
)
P3 = (
    "Interviewer: How are you finding it?\n"
    "Kerry: I feel like an outsider most days. But the patients trust me.\n"
    "Interviewer: Thank you.\n"
    "Kerry: Thanks.\n"
)
CODEBOOK = """\
name: Study codebook
description: Codes for the analysis tests.
codes:
  - name: Team
    group: true
    definition: How the team treats the peer worker.
    children:
      - name: Othered
        definition: Treated as not one of the team.
      - name: Role clarity
        definition: Whether the role is clear.
  - name: Hope
    definition: Hope for the future.
  - name: Trust
    definition: Trust between the peer worker and patients.
"""
PARTICIPANTS = "participant,transcript,role,site\nP1,P1,Peer worker,Site A\nP2,P2,Clinician,Site B\nP3,P3,Peer worker,Site B\n"
# (transcript, code, coder, quote)
CODINGS = [
    ("P1", "Othered", "ana", "The team treats me like an outsider."),
    ("P1", "Othered", "ben", "The team treats me like an outsider."),
    ("P1", "Othered", "ana", "Martin never asks my view."),
    ("P1", "Hope", "ana", "I still have hope."),
    ("P1", "Role clarity", "ben", "like an outsider. Martin never asks"),
    ("P1", "Hope", "ana", "She gives me hope."),
    ("P2", "Role clarity", "ana", "nobody knows what the role is for."),
    ("P2", "Trust", "ana", "Dana is great with patients."),
    ("P3", "Othered", "ana", "I feel like an outsider most days."),
    ("P3", "Trust", "ana", "the patients trust me"),
]
MEMO = "Dana seemed tired; Martin was in the room."
NAME_LIST = {"Martin": "[team lead]", "Priya": ""}
# Every real name in the study: speakers (and their parts) and people named in the text.
REAL_NAMES = ("Dana", "Gareth", "Jones", "Kerry", "Martin", "Priya")

_template: Path | None = None


BUILT = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


def build_study(folder: Path) -> Path:
    """Build the study project in ``folder`` through the Project API; returns its path."""
    for name, text in (("P1", P1), ("P2", P2), ("P3", P3)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / "codebook.yaml").write_text(CODEBOOK, encoding="utf-8")
    (folder / "participants.csv").write_text(PARTICIPANTS, encoding="utf-8")
    path = folder / "study.qualcode"
    # One fixed day for every change, so the memo's date in the report's golden file holds on any day
    # (it held only on the day the file was written).
    with patch("qualcode.store.repository.now", lambda: BUILT), Project.init(path) as project:
        project.import_codebook(folder / "codebook.yaml", "setup")
        results = project.import_transcripts([folder / f"P{i}.txt" for i in (1, 2, 3)], coder="setup")
        assert [r.status for r in results] == ["imported"] * 3, results
        project.load_attributes(folder / "participants.csv", "setup")
        for transcript, code, coder, quote in CODINGS:
            project.code(transcript, code, coder=coder, quote=quote)
        project.add_memo(MEMO, coder="ana", target=MemoTarget.TRANSCRIPT, target_name="P1")
        project.set_pseudonyms(NAME_LIST, "ana")
    return path


def study_copy(folder: Path) -> Path:
    """A fresh copy of the study project in ``folder`` (the study is built once per process)."""
    global _template
    if _template is None:
        home = Path(tempfile.mkdtemp(prefix="qualcode-study-"))
        atexit.register(shutil.rmtree, home, True)
        _template = build_study(home)
    target = folder / "study.qualcode"
    shutil.copyfile(_template, target)
    return target


def test_the_study_has_the_turns_and_segments_the_hand_counts_assume(tmp_path: Path) -> None:
    with Project.open(study_copy(tmp_path)) as project:
        assert [(t.speaker) for t in project.transcript("P2").turns] == ["Interviewer", "Gareth Jones"] * 2
        text = project.transcript("P1").text
        assert [s.span.of(text) for s in project.segments("P1")] == [
            "Thanks for coming, Dana.",
            "How is the team?",
            "The team treats me like an outsider.",
            "Martin never asks my view.",
            "I still have hope.",
            "And supervision?",
            "Priya helps me a lot.",
            "She gives me hope.",
        ]
        assert len(project.codings()) == 10
        assert [c.name for c in project.cases()] == ["P1", "P2", "P3"]
