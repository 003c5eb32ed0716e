"""The real `qualcode open` command in a pseudo-terminal: code a segment by keys, quit, check the file."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import sys
import time
from contextlib import suppress
from pathlib import Path

import pexpect
import pytest

from qualcode.project import Project


def _terminal(project_path: Path, program: str, args: list[str], width: int) -> pexpect.spawn:
    """``program args`` in a pseudo-terminal 30 lines high, with a minimal environment."""
    return pexpect.spawn(
        program,
        args,
        dimensions=(30, width),
        env={"TERM": "xterm-256color", "PATH": "/usr/bin:/bin", "HOME": str(project_path.parent)},
        encoding="utf-8",
        timeout=60,
    )


def _workbench(project_path: Path, width: int) -> pexpect.spawn:
    """`qualcode open` on the tiny project's "alpha", as ana."""
    args = ["-m", "qualcode", "open", str(project_path), "--coder", "ana", "--transcript", "alpha"]
    return _terminal(project_path, sys.executable, args, width)


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
        child.expect("like the codebook")  # the reason, in the panel, wrapped under its code
        child.expect("example 'I felt like an")
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


def _children(pid: int) -> list[int]:
    """Process ids whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with suppress(OSError):
                # /proc/PID/stat: "pid (command) state ppid ..."; the command may hold spaces or ")"
                # (a "tmux: server" elsewhere on the machine), so read the fields after its last ")".
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def _workbench_on_project_screen(project_path: Path) -> pexpect.spawn:
    """`qualcode open` as ben, who has no place to go back to: the project screen, no transcript open."""
    return _terminal(project_path, sys.executable, _open_as_ben(project_path), 110)


def _open_as_ben(project_path: Path) -> list[str]:
    return ["-m", "qualcode", "open", str(project_path), "--coder", "ben"]


def _state(pid: int) -> str:
    """A process's state letter ("Z": exited, not yet reaped), or "" when it is gone."""
    try:
        return (Path(f"/proc/{pid}") / "stat").read_text().split()[2]
    except OSError:
        return ""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_quitting_leaves_the_project_file_whole(project_path: Path, tmp_path: Path) -> None:
    """The forked first-suggestions process never asked (project screen), a coding made meanwhile by
    another process: after quitting, the project file alone holds it (no write-ahead log left beside it)."""
    child = _workbench_on_project_screen(project_path)
    try:
        child.expect("Transcripts")  # the project screen: no transcript opened, nothing asked of the fork
        assert len(_children(child.pid)) == 1  # the forked process, waiting
        with Project.open(project_path) as project:
            project.code("alpha", "Othered", coder="ana", start=63, end=87)
        child.send("q")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    assert not Path(f"{project_path}-wal").exists() and not Path(f"{project_path}-shm").exists()
    alone = tmp_path / "copy" / "study.qualcode"
    alone.parent.mkdir()
    shutil.copyfile(project_path, alone)
    with Project.open(alone) as project:
        assert [(c.span.start, c.code, c.coder) for c in project.codings()] == [(63, "Othered", "ana")]


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_the_forked_process_ends_with_a_killed_workbench(project_path: Path) -> None:
    """Killed outright, the workbench closes nothing; the forked process must notice it has gone.

    A shell stays in front (as in a terminal session) so that the terminal does not hang up on the
    process group, which would end the forked process anyway.
    """
    command = shlex.join([sys.executable, *_open_as_ben(project_path)])
    shell = _terminal(project_path, "bash", ["-c", f"{command}; sleep 60"], 110)
    try:
        shell.expect("Transcripts")
        [workbench] = _children(shell.pid)
        [forked] = _children(workbench)
        os.kill(workbench, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while _state(forked) not in ("", "Z") and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _state(forked) in ("", "Z"), "the forked process outlived the workbench"  # Z: not reaped yet
    finally:
        shell.close(force=True)


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_quitting_does_not_wait_for_a_stopped_forked_process(project_path: Path) -> None:
    child = _workbench_on_project_screen(project_path)
    try:
        child.expect("Transcripts")
        [forked] = _children(child.pid)
        os.kill(forked, signal.SIGSTOP)  # SIGTERM does nothing to a stopped process
        child.send("q")
        child.expect(pexpect.EOF, timeout=15)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0, child.before
    assert _state(forked) in ("", "Z")
