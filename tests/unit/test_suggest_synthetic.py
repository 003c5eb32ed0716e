"""A small synthetic study for the suggestion tests (imported by them): codes that follow clear cues.

Interviewer questions are coded "Question"; participants' sentences about the team "Othered", about
hope "Hope"; the rest stay uncoded. The gold coder is "gold".
"""

from __future__ import annotations

import random
from pathlib import Path

from qualcode.project import Project

CODEBOOK = """\
name: Synthetic
codes:
  - name: Question
    definition: The interviewer asks something.
  - name: Othered
    definition: Treated as not one of the team.
    keywords: [outsider]
    examples: ["I felt like an outsider in the team."]
  - name: Hope
    definition: Hope for recovery.
    patterns:
      - [{LOWER: "hope"}]
"""
QUESTIONS = [
    "How did you start in the role?",
    "What was the team like?",
    "Can you tell me more about that?",
    "Why do you think that happened?",
    "What helped you most?",
]
OTHERED = [
    "The team never invited me to the meetings.",
    "They treated me like an outsider on the ward.",
    "Nobody on the team told me what was going on.",
    "The nurses left me out of the handover.",
]
HOPE = [
    "I hope people see that recovery is possible.",
    "Seeing someone get better gives me real hope.",
    "There is always hope, I tell them that.",
]
PLAIN = [
    "I had lunch at twelve.",
    "The office is on the second floor.",
    "We use a shared calendar.",
    "It was a Tuesday.",
]


def write_interviews(folder: Path, count: int, seed: int = 0) -> list[Path]:
    """``count`` interviews of six exchanges each."""
    rng = random.Random(seed)
    files = []
    for n in range(count):
        lines = []
        for _ in range(6):
            lines.append(f"Interviewer: {rng.choice(QUESTIONS)}")
            said = [rng.choice(rng.choice([OTHERED, HOPE, PLAIN])) for _ in range(2)]
            lines.append("Participant: " + " ".join(said))
        path = folder / f"int{n:02d}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
    return files


def code_like_gold(project: Project, coder: str = "gold") -> int:
    """Code every segment by its cue, as the gold coder; returns the number of codings."""
    count = 0
    for summary in project.transcripts():
        text = project.transcript(summary.name).text
        for seg in project.segments(summary.name):
            said = seg.span.of(text)
            code = (
                "Question"
                if said in QUESTIONS
                else "Othered"
                if said in OTHERED
                else "Hope"
                if said in HOPE
                else None
            )
            if code:
                project.code(summary.name, code, coder=coder, start=seg.span.start, end=seg.span.end)
                count += 1
    return count


def build(folder: Path, count: int = 8) -> Path:
    """A project file with the synthetic codebook and ``count`` interviews, coded by "gold"."""
    path = folder / "synthetic.qualcode"
    (folder / "synthetic.yaml").write_text(CODEBOOK, encoding="utf-8")
    with Project.init(path) as project:
        project.import_codebook(folder / "synthetic.yaml", "setup")
        project.import_transcripts(write_interviews(folder, count), coder="setup")
        code_like_gold(project)
    return path


def test_the_synthetic_study_is_coded_by_its_cues(tmp_path: Path) -> None:
    with Project.open(build(tmp_path, count=2)) as project:
        codes = {c.code for c in project.codings(coders=("gold",))}
        assert codes == {"Question", "Othered", "Hope"}
        assert len(project.transcripts()) == 2
