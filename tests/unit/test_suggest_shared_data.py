"""Suggestions on real data (../shared/data): AnnoMI utterance labels, learned turn by turn.

Skipped when the shared data folder is absent. The full evaluation is `benchmarks/make_eval_projects.py`
plus `qualcode evaluate` (docs/benchmarks.md); this checks the same path on a few transcripts.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from qualcode.project import Project

TRANSCRIPTS = (0, 1, 2, 3, 4, 5, 6, 8)  # 8 transcripts, a few hundred therapist utterances


@pytest.mark.shared_data
def test_annomi_therapist_behaviour_is_learned_per_turn(shared_data: Path, tmp_path: Path) -> None:
    folder = shared_data / "annomi"
    labels: dict[int, list[str]] = {}
    with (folder / "AnnoMI-simple.csv").open(encoding="utf-8", newline="") as handle:
        for row in sorted(csv.DictReader(handle), key=lambda r: int(r["utterance_id"])):
            if int(row["transcript_id"]) in TRANSCRIPTS:
                labels.setdefault(int(row["transcript_id"]), []).append(row["main_therapist_behaviour"])
    rows = []
    with Project.init(tmp_path / "annomi.qualcode") as project:
        files = [folder / "derived" / "txt" / f"annomi_{n:03d}.txt" for n in TRANSCRIPTS]
        project.import_transcripts(files)
        for n in TRANSCRIPTS:
            turns = project.transcript(f"annomi_{n:03d}").turns
            assert len(turns) == len(labels[n])  # one turn per utterance, in order
            for turn, label in zip(turns, labels[n], strict=True):
                if turn.speaker == "Therapist" and label != "n/a":
                    rows.append([f"annomi_{n:03d}", turn.span.start, turn.span.end, label, "expert"])
        codings = tmp_path / "codings.csv"
        with codings.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([["transcript", "start", "end", "code", "coder"], *rows])
        project.import_codings(codings)
        report = project.evaluate_suggestions("expert", steps=(50,), holdout=2, speakers=("Therapist",))
    assert report.granularity == "turn"
    last = report.points[-1]
    assert last.coded > 100
    assert last.model.kappa > 0.3  # a small training set; 0.67 with the full one (docs/benchmarks.md)
    assert last.model.kappa > last.baseline.kappa
