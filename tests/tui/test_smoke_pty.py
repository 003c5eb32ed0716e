"""The real `qualcode open` command in a pseudo-terminal: code a segment by keys, quit, check the file."""

from __future__ import annotations

import sys
from pathlib import Path

import pexpect

from qualcode.project import Project


def _workbench(project_path: Path, width: int) -> pexpect.spawn:
    """`qualcode open` on the tiny project's "alpha", as ana, in a pseudo-terminal 30 lines high."""
    return pexpect.spawn(
        sys.executable,
        ["-m", "qualcode", "open", str(project_path), "--coder", "ana", "--transcript", "alpha"],
        dimensions=(30, width),
        env={"TERM": "xterm-256color", "PATH": "/usr/bin:/bin", "HOME": str(project_path.parent)},
        encoding="utf-8",
        timeout=60,
    )


def test_code_a_segment_in_a_real_terminal(project_path: Path) -> None:
    child = _workbench(project_path, 100)
    try:
        child.expect("segment 1/6")  # the coding screen has painted
        child.send("jj")
        child.expect("segment 3/6")
        child.send("o")
        child.expect("Coded")  # the notice comes only after the coding is stored
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    with Project.open(project_path) as project:
        assert [(c.transcript, c.span.start, c.span.end, c.code, c.coder) for c in project.codings()] == [
            ("alpha", 63, 87, "Othered", "ana")
        ]


def test_accept_a_suggestion_in_a_real_terminal(project_path: Path) -> None:
    child = _workbench(project_path, 110)
    try:
        child.expect("From the codebook")  # spaCy loaded in the worker; the first suggestions are in
        child.send("jj")
        child.expect("example 'I felt like an outsider.'")  # the reason, in the panel
        child.send("y")
        child.expect("Accepted Othered")
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    with Project.open(project_path) as project:
        assert [(c.span.start, c.span.end, c.code, c.origin.value) for c in project.codings()] == [
            (63, 87, "Othered", "suggestion")
        ]
