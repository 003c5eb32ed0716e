"""The real entry point: help for every command, the demo project, and how errors are reported."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

from qualcode.cli import cli
from qualcode.model import Span, Suggestion, SuggestionSource
from qualcode.project import Project

REPO_ROOT = Path(__file__).resolve().parents[2]
PEER_ROLES = REPO_ROOT / "codebooks" / "peer-roles.yaml"


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []
    for name, command in sorted(group.commands.items()):
        paths.append((*prefix, name))
        if isinstance(command, click.Group):
            paths.extend(_command_paths(command, (*prefix, name)))
    return paths


def assert_user_error(result: subprocess.CompletedProcess[str], message: str) -> None:
    """Exit 1, the message and what to do on one line of stderr, then only indented detail lines; no
    traceback."""
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    first, *rest = result.stderr.splitlines()
    assert first.startswith(f"qualcode: error: {message}; "), first
    assert len(first) > len(f"qualcode: error: {message}; "), first
    assert all(line.startswith("  ") for line in rest), rest


def test_help_for_the_program_and_every_command_exits_0(tmp_path: Path) -> None:
    paths = [(), *_command_paths(cli)]
    assert ("codebook", "validate") in paths and ("import-codings",) in paths
    # Started together: each is a fresh interpreter, and --help must not need the project or spaCy.
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "qualcode", *path, "--help"],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in paths
    ]
    for path, process in zip(paths, processes, strict=True):
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0, (path, err)
        assert out.startswith(f"Usage: qualcode {' '.join(path)}".rstrip()), (path, out)
        assert err == ""
    assert list(tmp_path.iterdir()) == []  # help writes nothing


def test_version(qualcode: Any) -> None:
    from qualcode import __version__

    result = qualcode("--version")
    assert (result.returncode, result.stdout) == (0, f"qualcode, version {__version__}\n")


def test_demo_builds_the_project_then_reopens_it(qualcode: Any, tmp_path: Path) -> None:
    first = qualcode("demo", "--path", "demo.qualcode")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("demo project: demo.qualcode\n")
    assert "building demo.qualcode" in first.stderr
    assert "  P01  employment_model: NHS-employed, role: Peer worker" in first.stdout
    with Project.open(tmp_path / "demo.qualcode") as project:
        assert [t.name for t in project.transcripts()] == ["P01", "P02", "P03", "P04", "P05", "P06"]
        assert all(t.case == t.name and t.segments > 50 for t in project.transcripts())
        cases = project.cases()
        assert [c.name for c in cases] == ["P01", "P02", "P03", "P04", "P05", "P06"]
        assert all({"role", "site"} <= set(c.attributes) for c in cases)
        assert cases[0].attributes["role"] == "Peer worker"
        assert {c.attributes["site"] for c in cases} == {"Site A", "Site B"}
        assert project.codebook() == Project.read_codebook(PEER_ROLES)
        events = len(project.events())
    second = qualcode("demo", "--path", "demo.qualcode")
    assert second.returncode == 0, second.stderr
    assert "building" not in second.stderr
    assert second.stdout == first.stdout  # the same project, shown again
    with Project.open(tmp_path / "demo.qualcode") as project:
        assert len(project.events()) == events


def _not_a_project(folder: Path) -> str:
    (folder / "notes.txt").write_text("Interviewer: hello\n", encoding="utf-8")
    return "notes.txt"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("stats", "missing.qualcode"), "missing.qualcode: no such project file"),
        (("stats", "notes.txt"), "notes.txt: not a qualcode project (not an SQLite file)"),
        (("init", "notes.txt"), "notes.txt: already exists"),
        (("codebook", "validate", "nope.yaml"), "nope.yaml: cannot be read (No such file or directory)"),
    ],
    ids=["missing-project", "not-a-project", "init-existing", "missing-codebook"],
)
def test_user_errors_exit_1_with_one_line(
    qualcode: Any, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    _not_a_project(tmp_path)
    assert_user_error(qualcode(*args), message)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]  # nothing created or changed
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "Interviewer: hello\n"


def test_a_csv_or_json_output_file_gets_that_format_unless_one_is_given(
    qualcode: Any, project_path: Path, tmp_path: Path
) -> None:
    # `codings -o codings.csv` wrote the screen's aligned table into a file named .csv.
    import csv
    import json

    with Project.open(project_path) as project:
        project.code("alpha", "Hope", coder="ana", start=63, end=87)
    assert qualcode("codings", project_path, "-o", tmp_path / "c.csv").returncode == 0
    with (tmp_path / "c.csv").open(encoding="utf-8", newline="") as f:
        [row] = list(csv.DictReader(f))
    assert (row["transcript"], row["start"], row["end"], row["code"]) == ("alpha", "63", "87", "Hope")
    assert qualcode("codings", project_path, "-o", tmp_path / "c.json").returncode == 0
    [record] = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    assert (record["start"], record["code"], record["coder"]) == (63, "Hope", "ana")
    assert qualcode("codings", project_path, "-o", tmp_path / "t.csv", "--format", "table").returncode == 0
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").startswith("id  transcript  start")


def test_errors_inside_a_project_exit_1(qualcode: Any, project_path: Path, tmp_path: Path) -> None:
    assert_user_error(
        qualcode(
            "code", project_path, "--transcript", "alpha", "--code", "Team", "--start", "13", "--end", "31"
        ),
        "'Team' is a group of codes and cannot be applied",
    )
    assert_user_error(
        qualcode("codings", project_path, "-o", "no-such-folder/codings.csv"),
        "no-such-folder/codings.csv: cannot be written (No such file or directory)",
    )
    with Project.open(project_path) as project:
        assert [t.name for t in project.transcripts()] == ["alpha", "beta"]
        assert project.codings() == []


@pytest.mark.parametrize(
    "args",
    [
        ("no-such-command",),
        ("code", "study.qualcode", "--transcript", "alpha", "--code", "Hope"),  # neither quote nor offsets
        ("codings", "study.qualcode", "--where", "role"),
        ("import",),
    ],
    ids=["unknown-command", "code-without-span", "where-without-equals", "missing-argument"],
)
def test_usage_errors_exit_2(qualcode: Any, project_path: Path, args: tuple[str, ...]) -> None:
    result = qualcode(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Usage: qualcode")
    assert "Error: " in result.stderr


def test_an_empty_or_folder_output_is_refused_before_any_work(qualcode: Any, project_path: Path) -> None:
    # `-o "$OUT"` with OUT unset gave ValueError: PosixPath('.') has an empty name, as a traceback.
    commands = [
        ("codings", "study.qualcode"),
        ("codebook", "export", "study.qualcode"),
        ("suggest", "study.qualcode"),
        ("evaluate", "study.qualcode", "--gold-coder", "ana"),
        ("report", "study.qualcode"),
    ]
    before = project_path.read_bytes()
    for command in commands:
        for value, said in (
            ("", "is empty; give a file name"),
            (".", "'.' is a folder; give a file name"),
            ("new/", "'new/' is a folder; give a file name"),  # was written as a file named "new"
        ):
            result = qualcode(*command, "-o", value)
            assert result.returncode == 2 and "Traceback" not in result.stderr, (command, result.stderr)
            assert f"Invalid value for '-o' / '--output': {said}" in result.stderr, (command, result.stderr)
    assert project_path.read_bytes() == before


def test_output_through_a_link_writes_the_file_it_names(qualcode: Any, project_path: Path) -> None:
    folder = project_path.parent
    (folder / "target.csv").write_text("old\n", encoding="utf-8")
    (folder / "link.csv").symlink_to("target.csv")
    result = qualcode("codings", project_path, "-o", "link.csv")
    assert result.returncode == 0, result.stderr
    assert (folder / "link.csv").is_symlink()  # was replaced by a regular file, the target left as it was
    assert (folder / "target.csv").read_text(encoding="utf-8").startswith("id,transcript,start")


def test_output_into_a_pipe_is_written_to_it_not_replaced(qualcode: Any, project_path: Path) -> None:
    import threading

    pipe = project_path.parent / "pipe"
    os.mkfifo(pipe)
    read: list[str] = []
    # A daemon: were the pipe replaced again, its reader would wait for ever and must not hold the run.
    reader = threading.Thread(target=lambda: read.append(pipe.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    result = qualcode("codings", project_path, "-o", pipe, "--format", "csv")
    reader.join(timeout=30)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(pipe.stat().st_mode)  # renaming a file over it made it a regular file
    assert read == ["id,transcript,start,end,code,coder,origin,created_at,text\n"]


def test_output_to_dev_stdout_into_a_pipe_and_a_link_loop(qualcode: Any, project_path: Path) -> None:
    # /dev/stdout links to the pipe; resolving it gave "/proc/PID/fd/pipe:[...]: No such file".
    shell = subprocess.run(
        ["/bin/sh", "-c", f"{' '.join(map(str, qualcode.command('codings', project_path, '-o', '/dev/stdout', '--format', 'csv')))} | cat"],
        cwd=qualcode.cwd, env=qualcode.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout == "id,transcript,start,end,code,coder,origin,created_at,text\n"
    folder = project_path.parent
    (folder / "a.csv").symlink_to("b.csv")
    (folder / "b.csv").symlink_to("a.csv")
    assert_user_error(
        qualcode("codings", project_path, "-o", "a.csv"),
        "a.csv: cannot be written (Too many levels of symbolic links)",
    )


def test_output_onto_the_projects_wal_file_is_refused(qualcode: Any, project_path: Path) -> None:
    with Project.open(project_path) as project:
        project.code("alpha", "Hope", coder="ana", start=63, end=87)
        wal = project_path.with_name(project_path.name + "-wal")
        assert_user_error(
            qualcode("codings", project_path, "-o", wal.name),
            f"{wal.name}: is SQLite's wal file of the database {project_path.name} (a qualcode project?)",
        )
    with Project.open(project_path) as project:
        assert [(c.transcript, c.code) for c in project.codings()] == [("alpha", "Hope")]


def test_a_full_or_closed_standard_output_is_an_error_not_a_traceback_or_silence(
    qualcode: Any, project_path: Path
) -> None:
    with Path("/dev/full").open("w") as full:
        result = subprocess.run(
            qualcode.command("codings", project_path),
            cwd=qualcode.cwd,
            env=qualcode.env,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert (result.returncode, result.stderr) == (
        1,
        "qualcode: error: cannot write to standard output (No space left on device); "
        "free some space, or write to a file with -o FILE\n",
    )
    closed = subprocess.run(
        [*qualcode.command("codings", project_path)],
        cwd=qualcode.cwd,
        env=qualcode.env,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.close(1),  # the shell's ">&-"
    )
    assert (closed.returncode, closed.stderr) == (
        1,
        "qualcode: error: standard output is closed; write to a file with -o FILE\n",
    )


@pytest.mark.parametrize(
    "command",
    [
        ("code", "study.qualcode", "--transcript", "alpha", "--code", "Hope", "--start", "13", "--end", "31"),
        ("suggest", "study.qualcode"),
        ("memo", "study.qualcode", "a note"),
    ],
    ids=["code", "suggest", "memo"],
)
def test_a_blank_coder_is_refused_by_name(
    qualcode: Any, project_path: Path, command: tuple[str, ...]
) -> None:
    before = project_path.read_bytes()
    result = qualcode(*command, "--coder", " ")
    assert result.returncode == 2, result.stderr
    assert (
        "Invalid value for '--coder': is empty; say who is coding, e.g. --coder ana (or set $QUALCODE_CODER)"
        in result.stderr
    )
    assert project_path.read_bytes() == before


def test_the_log_names_what_each_change_coded_by_place_and_code(qualcode: Any, project_path: Path) -> None:
    # Codings sit in a list in the event's payload, which the log left out: "coding.add" said nothing.
    with Project.open(project_path) as project:
        project.code("alpha", "Hope", coder="ana", start=63, end=87)
        project.accept_suggestions(
            [
                Suggestion(
                    "alpha", Span(126, 156), "Othered", 0.6, SuggestionSource.RULE, "matched 'outsider'"
                ),
                Suggestion("beta", Span(55, 96), "Othered", 0.5, SuggestionSource.EXAMPLE, "like ..."),
            ],
            "ana",
        )
    result = qualcode("log", project_path)
    assert result.returncode == 0, result.stderr
    lines = [line.split(None, 4)[3:] for line in result.stdout.splitlines()]
    assert lines[0] == ["codebook.import", "source=tiny.yaml added=Team; Othered; Role clarity; Hope"]
    assert lines[-2:] == [
        ["coding.add", "transcript=alpha start=63 end=87 code=Hope"],
        [
            "suggestion.accept",
            "codings=2 transcripts=alpha; beta codes=Othered scores=0.6; 0.5 sources=rule; example "
            "reason=2 suggestions",
        ],
    ]
    assert "I felt like an outsider" not in result.stdout  # the log names places, never the words


def test_codebook_validate_lists_every_problem_with_file_and_line(qualcode: Any, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "codes:\n"
        "  - name: Hope\n"
        "    hotkey: p\n"
        "  - name: Stigma\n"
        "    hotkey: p\n"
        "    colour: crimson\n"
        "  - name: Boundaries\n"
        "    parent: Limits\n",
        encoding="utf-8",
    )
    result = qualcode("codebook", "validate", "bad.yaml")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "qualcode: error: bad.yaml: 3 problem(s) in the codebook; first: "
        "bad.yaml:4: code 'Stigma': colour 'crimson' is not #RRGGBB; fix each listed line and validate again",
        "  bad.yaml:4: code 'Stigma': colour 'crimson' is not #RRGGBB",
        "  bad.yaml:4: code 'Stigma': hotkey 'p' already used by 'Hope'",
        "  bad.yaml:7: code 'Boundaries': unknown parent 'Limits'",
    ]


def test_codebook_validate_reports_yaml_syntax_with_line_and_column(qualcode: Any, tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text('codes:\n  - name: "Hope\n', encoding="utf-8")
    result = qualcode("codebook", "validate", "broken.yaml")
    assert_user_error(result, "broken.yaml:3:1: not valid YAML: found unexpected end of stream")


def test_codebook_validate_accepts_the_peer_roles_codebook(qualcode: Any) -> None:
    result = qualcode("codebook", "validate", PEER_ROLES)
    assert result.returncode == 0, result.stderr
    book = Project.read_codebook(PEER_ROLES)
    codable = sum(not c.group for c in book)
    assert result.stdout == (
        f"{PEER_ROLES}: OK, {len(book)} codes ({codable} codable, {len(book) - codable} groups)\n"
    )
