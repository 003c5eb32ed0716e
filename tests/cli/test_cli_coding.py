"""Coding from the command line: each command's output, exit status, and what the project file then holds."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from qualcode.project import Project


def _stored(project_path: Path) -> list[tuple[str, int, int, str, str, str]]:
    with Project.open(project_path) as project:
        return [
            (c.transcript, c.span.start, c.span.end, c.code, c.coder, c.origin.value)
            for c in project.codings()
        ]


def test_code_is_durable_once_it_returns_0(qualcode: Any, project_path: Path) -> None:
    result = qualcode(
        "code",
        project_path,
        "--transcript",
        "alpha",
        "--code",
        "othered",
        "--quote",
        "The team did  not know",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "coding 1: Othered [88, 109) by ana\n"
    # A fresh process (not this one, not the writer) sees it.
    listing = qualcode("codings", project_path, "--format", "json")
    assert listing.returncode == 0, listing.stderr
    [record] = json.loads(listing.stdout)
    assert {
        k: record[k] for k in ("id", "transcript", "start", "end", "code", "coder", "origin", "text")
    } == {
        "id": 1,
        "transcript": "alpha",
        "start": 88,
        "end": 109,
        "code": "Othered",
        "coder": "ana",
        "origin": "manual",
        "text": "The team did not know",
    }
    assert _stored(project_path) == [("alpha", 88, 109, "Othered", "ana", "manual")]
    with Project.open(project_path) as project:
        event = project.events()[-1]
        assert (event.action, event.coder) == ("coding.add", "ana")


def test_code_by_offsets_then_remove(qualcode: Any, project_path: Path) -> None:
    with Project.open(project_path) as project:
        project.code("beta", "Hope", coder="ana", start=97, end=109)
    added = qualcode(
        "code", project_path, "--transcript", "beta", "--code", "Hope", "--start", "97", "--end", "109",
        "--coder", "bo",
    )  # fmt: skip
    assert (added.returncode, added.stdout) == (0, "coding 2: Hope [97, 109) by bo\n")
    assert _stored(project_path) == [
        ("beta", 97, 109, "Hope", "ana", "manual"),
        ("beta", 97, 109, "Hope", "bo", "manual"),
    ]
    removed = qualcode(
        "code", project_path, "--transcript", "beta", "--code", "Hope", "--quote", "It is lonely", "--remove"
    )
    assert (removed.returncode, removed.stdout) == (0, "removed coding 1: Hope [97, 109)\n")
    assert _stored(project_path) == [("beta", 97, 109, "Hope", "bo", "manual")]


def test_code_errors_exit_1_and_store_nothing(qualcode: Any, project_path: Path) -> None:
    ambiguous = qualcode(
        "code", project_path, "--transcript", "alpha", "--code", "Othered", "--quote", "felt like an outsider"
    )
    assert ambiguous.returncode == 1
    assert "Traceback" not in ambiguous.stderr
    assert ambiguous.stderr.splitlines() == [
        "qualcode: error: transcript 'alpha': the quote appears 2 times: 'felt like an outsider'; "
        "say which one with an occurrence number (1 for the first)",
    ]
    unknown = qualcode(
        "code", project_path, "--transcript", "alpha", "--code", "Stigma", "--start", "13", "--end", "31"
    )
    assert unknown.returncode == 1
    assert unknown.stderr.splitlines() == [
        "qualcode: error: no code named 'Stigma'; add it to the codebook, or list codes: qualcode codebook show"
    ]
    assert _stored(project_path) == []


def test_codings_as_csv_and_json_read_back(qualcode: Any, project_path: Path, tiny_dir: Path) -> None:
    with Project.open(project_path) as project:
        project.load_attributes(tiny_dir / "participants.csv")
        project.code("alpha", "Hope", coder="ana", start=13, end=31)
        project.code("beta", "Othered", coder="bo", quote="It is lonely, honestly.")
        project.code("beta", "Hope", coder="bo", quote="lived experience")
    as_csv = qualcode("codings", project_path, "--format", "csv")
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert list(rows[0]) == [
        "id",
        "transcript",
        "start",
        "end",
        "code",
        "coder",
        "origin",
        "created_at",
        "text",
    ]
    assert [(r["transcript"], r["start"], r["end"], r["code"], r["coder"], r["text"]) for r in rows] == [
        ("alpha", "13", "31", "Hope", "ana", "How did you start?"),
        ("beta", "79", "95", "Hope", "bo", "lived experience"),
        ("beta", "97", "120", "Othered", "bo", "It is lonely, honestly."),
    ]
    filtered = qualcode(
        "codings", project_path, "--format", "json", "--where", "Role = Clinician", "--code", "Hope"
    )
    assert filtered.returncode == 0, filtered.stderr
    assert [(r["transcript"], r["code"], r["text"]) for r in json.loads(filtered.stdout)] == [
        ("beta", "Hope", "lived experience")
    ]
    to_file = qualcode("codings", project_path, "--format", "csv", "--coder", "bo", "-o", "bo.csv")
    assert (to_file.returncode, to_file.stdout) == (0, "")
    assert to_file.stderr == "wrote 2 rows to bo.csv\n"
    with open(project_path.parent / "bo.csv", newline="", encoding="utf-8") as handle:
        assert [r["coder"] for r in csv.DictReader(handle)] == ["bo", "bo"]


def test_import_codings_from_csv(qualcode: Any, project_path: Path, tmp_path: Path) -> None:
    (tmp_path / "codings.csv").write_text(
        "transcript,start,end,quote,occurrence,code,coder\n"
        "alpha,13,31,,,Hope,bo\n"
        "alpha,,,felt like an outsider,2,Loneliness,bo\n"
        "beta,,,It is lonely,,Othered,cy\n",
        encoding="utf-8",
    )
    result = qualcode("import-codings", project_path, "codings.csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "3 codings added, 0 already present\ncreated 1 codes not in the codebook: Loneliness\n"
    )
    assert _stored(project_path) == [
        ("alpha", 13, 31, "Hope", "bo", "imported"),
        ("alpha", 128, 149, "Loneliness", "bo", "imported"),
        ("beta", 97, 109, "Othered", "cy", "imported"),
    ]


def test_import_codings_with_bad_rows_exits_1_listing_them_and_stores_nothing(
    qualcode: Any, project_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "codings.csv").write_text(
        "transcript,start,end,quote,code,coder\n"
        "alpha,13,31,,Hope,bo\n"
        "alpha,,,like a stranger,Hope,bo\n"
        "nobody,1,5,,Hope,bo\n"
        "alpha,one,5,,Hope,bo\n",
        encoding="utf-8",
    )
    result = qualcode("import-codings", project_path, "codings.csv")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "qualcode: error: codings.csv: 3 of 4 rows cannot be placed; nothing was imported; "
        "fix the listed rows and import again",
        "  codings.csv:3: quote not found in the transcript: 'like a stranger'",
        "  codings.csv:4: no transcript named 'nobody'",
        "  codings.csv:5: start 'one' is not a whole number",
    ]
    assert _stored(project_path) == []


def test_codebook_edits_from_the_command_line(qualcode: Any, project_path: Path) -> None:
    with Project.open(project_path) as project:
        project.code("alpha", "Othered", coder="ana", start=13, end=31)
        project.code("beta", "Role clarity", coder="ana", quote="lonely")
    steps = [
        (("rename", project_path, "Othered", "Being othered"), "renamed Othered to Being othered\n"),
        (("merge", project_path, "Role clarity", "Being othered"), "merged Role clarity into Being othered: 1 codings moved\n"),
    ]  # fmt: skip
    for args, out in steps:
        result = qualcode("codebook", *args)
        assert (result.returncode, result.stdout, result.stderr) == (0, out, "")
    refused = qualcode("codebook", "delete", project_path, "Being othered")
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [
        "qualcode: error: code 'Being othered' has 2 codings; "
        "confirm that they go too (--with-codings), or merge the code into another",
    ]
    with Project.open(project_path) as project:
        assert [(c.name, c.parent) for c in project.codebook()] == [
            ("Team", None),
            ("Being othered", "Team"),
            ("Hope", None),
        ]
        assert [(c.transcript, c.code) for c in project.codings()] == [
            ("alpha", "Being othered"),
            ("beta", "Being othered"),
        ]
        assert [e.action for e in project.events()][-2:] == ["code.rename", "code.merge"]
    deleted = qualcode("codebook", "delete", project_path, "Being othered", "--with-codings")
    assert (deleted.returncode, deleted.stdout) == (0, "deleted Being othered and 2 codings\n")
    with Project.open(project_path) as project:
        assert project.codings() == []
        assert [c.name for c in project.codebook()] == ["Team", "Hope"]
        assert project.events()[-1].action == "code.delete"


def test_code_across_turns_prints_one_coding_per_speaker(qualcode: Any, project_path: Path) -> None:
    result = qualcode(
        "code",
        project_path,
        "--transcript",
        "alpha",
        "--code",
        "Hope",
        "--quote",
        "about it. Participant: I felt",
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "coding 1: Hope [40, 49) by ana\ncoding 2: Hope [63, 69) by ana\n"
    assert _stored(project_path) == [
        ("alpha", 40, 49, "Hope", "ana", "manual"),
        ("alpha", 63, 69, "Hope", "ana", "manual"),
    ]
    removed = qualcode(
        "code", project_path, "--transcript", "alpha", "--code", "Hope", "--remove", "--quote",
        "about it. Participant: I felt",
    )  # fmt: skip
    assert (removed.returncode, removed.stdout) == (
        0,
        "removed coding 1: Hope [40, 49)\nremoved coding 2: Hope [63, 69)\n",
    )
    assert _stored(project_path) == []


def test_code_refuses_a_speaker_label(qualcode: Any, project_path: Path) -> None:
    result = qualcode(
        "code", project_path, "--transcript", "alpha", "--code", "Hope", "--quote", "Participant:"
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "qualcode: error: transcript 'alpha': that text is a speaker label or timestamp, not speech: "
        "select the words; a coding holds the words of one speaker"
    ]
    assert _stored(project_path) == []


def test_stats_counts_as_coders_only_those_who_coded(qualcode: Any, project_path: Path) -> None:
    coded = qualcode("code", project_path, "--transcript", "beta", "--code", "Hope", "--quote", "lonely")
    assert coded.returncode == 0, coded.stderr
    figures = qualcode("stats", project_path, "--format", "json")
    assert figures.returncode == 0, figures.stderr
    # 'setup' imported the transcripts (and is in the log for it) but has not coded anything.
    assert {k: json.loads(figures.stdout)[k] for k in ("coders", "people_who_changed")} == {
        "coders": 1,
        "people_who_changed": 2,
    }
    table = qualcode("stats", project_path)
    assert "coders               1\n" in table.stdout
    assert "codings by coder: ana 1\n" in table.stdout
