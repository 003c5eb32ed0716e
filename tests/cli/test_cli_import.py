"""``qualcode import`` through the real entry point: per-file outcome, exit status, and crash safety."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

from qualcode.model import Case
from qualcode.project import Project

GAMMA = "Interviewer: Who supports you?\nParticipant: My supervisor does. She listens.\n"


def test_import_reports_each_file_and_exits_1_when_one_is_refused(
    qualcode: Any, project_path: Path, tmp_path: Path, tiny_dir: Path
) -> None:
    (tmp_path / "gamma.txt").write_text(GAMMA, encoding="utf-8")
    (tmp_path / "broken.txt").write_bytes(b"Interviewer: hi\x00\x01\nParticipant: hello\n")
    (tmp_path / "alpha-copy.txt").write_bytes((tiny_dir / "alpha.txt").read_bytes())
    (tmp_path / "people.csv").write_text(
        "participant,transcript,role\nP1,alpha,Peer worker\nP3,gamma.txt,Team manager\n", encoding="utf-8"
    )
    result = qualcode(
        "import", project_path, "gamma.txt", "broken.txt", "alpha-copy.txt", "--attributes", "people.csv"
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    by_status = {line.split()[0]: line for line in lines[:3]}
    assert by_status["imported"] == "imported  gamma.txt as gamma: 2 turns, 3 segments"
    assert (
        by_status["skipped"]
        == "skipped   alpha-copy.txt: same content as transcript 'alpha', already imported"
    )
    # The importer's own words may change; the file is named and called binary.
    assert by_status["refused"].startswith("refused   broken.txt: broken.txt: ")
    assert "binary file" in by_status["refused"] and "; " in by_status["refused"]  # then what to do
    assert result.stderr.splitlines() == [
        "qualcode: error: 1 of 3 files refused (see above); fix them and import them again "
        "(the others are in the project)"
    ]
    assert lines[3:] == [
        "1 imported, 1 skipped, 1 refused",
        "attributes for 2 cases; 2 transcripts linked",
        "speakers (correct with: qualcode speakers PROJECT --set 'NAME=ROLE'):",
        # The attributes linked alpha to case P1: its participant is now P1's.
        "  alpha: Participant -> participant, case P1, was participant, case alpha (a participant label)",
        "  gamma: Interviewer -> research team (interviewer) (a research-team label)",
        "  gamma: Participant -> participant, case P3 (a participant label)",
    ]
    with Project.open(project_path) as project:
        assert [(t.name, t.case, t.turns, t.segments) for t in project.transcripts()] == [
            ("alpha", "P1", 3, 6),
            ("beta", None, 2, 3),
            ("gamma", "P3", 2, 3),
        ]
        assert project.transcript("gamma").text == GAMMA
        assert [s.span.of(GAMMA) for s in project.segments("gamma")] == [
            "Who supports you?",
            "My supervisor does.",
            "She listens.",
        ]
        assert project.cases() == [
            Case("P1", {"role": "Peer worker"}, ("alpha",)),
            Case("P3", {"role": "Team manager"}, ("gamma",)),
        ]
        imports = [e for e in project.events() if e.action == "transcript.import"]
        assert (imports[-1].coder, imports[-1].payload["name"]) == ("ana", "gamma")


TURNS = 120


def _interview(number: int) -> str:
    lines = []
    for turn in range(TURNS):
        speaker = "Interviewer" if turn % 2 == 0 else "Participant"
        lines.append(f"{speaker}: This is turn {turn} of interview {number}. It has two sentences.")
    return "\n".join(lines) + "\n"


def test_a_killed_import_keeps_every_file_it_reported(
    qualcode: Any, project_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    names = [f"int{n:02}" for n in range(48)]
    for number, name in enumerate(names):
        (folder / f"{name}.txt").write_text(_interview(number), encoding="utf-8")
    process = subprocess.Popen(
        qualcode.command("import", project_path, *(folder / f"{n}.txt" for n in names)),
        cwd=tmp_path,
        env=qualcode.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    reported: list[str] = []
    try:
        for line in process.stdout:
            if line.startswith("imported"):
                reported.append(line)
                os.kill(process.pid, signal.SIGKILL)
                break
        reported.extend(line for line in process.stdout if line.startswith("imported"))
    finally:
        process.kill()
        process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL  # killed half-way, not finished
    reported_names = {line.split(" as ")[1].split(":")[0] for line in reported}
    assert reported_names

    with Project.open(project_path) as project:
        stored = {t.name: t for t in project.transcripts()}
        imported = set(stored) - {"alpha", "beta"}
        assert reported_names <= imported < set(names)
        for name in imported:
            number = names.index(name)
            assert project.transcript(name).text == _interview(number)
            assert (stored[name].turns, stored[name].segments) == (TURNS, 2 * TURNS)
            segments = project.segments(name)
            assert [s.index for s in segments] == list(range(2 * TURNS))
            assert {s.turn_index for s in segments} == set(range(TURNS))
        events = [e.payload["name"] for e in project.events() if e.action == "transcript.import"]
        assert set(events) - {"alpha", "beta"} == imported


OTTER_MIXED = (
    "SUMMARY KEYWORDS\nday centre, advert\nSPEAKERS\nJane Doe, John Smith\n\n"
    "Jane Doe  00:13\nHow did you come to the job?\n\n"
    "John Smith  00:21\nI saw the advert at the day centre.\n\n"
    "Jane Doe 01:02\nAnd the first weeks?\n\n"
    "John Smith 1:02:03\nThey went well.\n"
    "Dr Smith 3:02\nThen the manager came in.\n\n"
    "Jane Doe  1:03:10\nWho was that?\n"
)


def test_import_lists_the_lines_the_otter_importer_was_unsure_of(
    qualcode: Any, project_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "call.txt").write_text(OTTER_MIXED, encoding="utf-8")
    result = qualcode("import", project_path, "call.txt")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("imported  call.txt as call: 5 turns, ")
    warning = (
        "call.txt:17: 'Dr Smith 3:02' looks like a speaker line but 'Dr Smith' is not a speaker in this file; "
        "kept as words"
    )
    assert f"  unsure: {warning}" in lines, result.stdout
    with Project.open(project_path) as project:
        assert [t.speaker for t in project.transcript("call").turns] == ["Jane Doe", "John Smith"] * 2 + [
            "Jane Doe"
        ]


def test_import_codings_reads_a_csv_written_by_pythons_csv_module(
    qualcode: Any, project_path: Path, tmp_path: Path
) -> None:
    # 200 codings written by csv.writer; the note on row 193 quotes someone, so the field holds "". The
    # guessed dialect took that for doublequote=False and refused the file: "7 fields but the header has 6".
    rows = [["transcript", "start", "end", "code", "coder", "note"]]
    for n in range(200):
        note = 'She said "an outsider", twice' if n == 192 else f"coded in pass {n % 3}, as agreed"
        rows.append(["alpha", str(63 + n % 20), str(100 + n % 10), "Othered", f"coder{n % 5}", note])
    with (tmp_path / "codings.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    distinct = len({tuple(row[:5]) for row in rows[1:]})
    result = qualcode("import-codings", project_path, "codings.csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"{distinct} codings added, {200 - distinct} already present"


UNQUOTED_COLOUR = "codes:\n  - name: Courage\n    colour: #0072B2\n  - name: Shame\n    colour: '#D55E00'\n"


def test_codebook_validate_and_import_name_an_unquoted_colour_and_its_fix(
    qualcode: Any, project_path: Path, tmp_path: Path
) -> None:
    # Unquoted, YAML reads '#0072B2' as a comment: validation passed and the code came in uncoloured.
    (tmp_path / "book.yaml").write_text(UNQUOTED_COLOUR, encoding="utf-8")
    problem = (
        "book.yaml:3: code 'Courage': colour is empty because YAML reads an unquoted # as the start of a "
        "comment; quote it: colour: '#0072B2'"
    )
    for args in (("codebook", "validate", "book.yaml"), ("codebook", "import", project_path, "book.yaml")):
        result = qualcode(*args)
        assert result.returncode == 1, result.stdout
        assert "Traceback" not in result.stderr
        assert result.stderr.splitlines()[1:] == [f"  {problem}"]
        assert problem in result.stderr.splitlines()[0]
    with Project.open(project_path) as project:
        assert "Courage" not in {c.name for c in project.codebook()}  # refused whole, as any problem is
