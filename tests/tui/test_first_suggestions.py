"""The first list of suggestions from a forked process: the same list, and nothing left behind.

The fork only happens in a process without other threads, which a test session is not always, so each
case runs in a fresh interpreter and prints what it found as JSON.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

from qualcode.project import Project

SCRIPT = """
import json, sys, time
from pathlib import Path
from qualcode.tui.first_suggestions import FirstSuggestions
from qualcode.tui.suggestion_service import SuggestionService

path, coder, transcript = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
first = FirstSuggestions.start(path, coder)
process = first._process
found = first.batch(transcript)
ours = SuggestionService(path, coder)
try:
    mine = ours.batch(transcript)
except Exception as exc:
    mine = None
ours.close()
listed = lambda b: None if b is None else [
    [s.code, s.span.start, s.span.end, round(s.score, 9), s.source.value, s.reason] for s in b.suggestions
]
print(json.dumps({"forked": listed(found), "here": listed(mine), "alive": process.is_alive(),
                  "learned": None if found is None else found.learned}))
"""


def _run(*args: str | Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stderr == ""
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_the_forked_list_is_the_list_the_workbench_would_work_out(project_path: Path) -> None:
    with Project.open(project_path) as project:
        project.code("alpha", "Othered", coder="ana", start=63, end=87)
    result = _run(project_path, "ana", "alpha")
    assert result["forked"] is not None and result["forked"] == result["here"]
    assert ["Othered", 126, 156] in [s[:3] for s in result["forked"]]
    assert ["Othered", 63, 87] not in [s[:3] for s in result["forked"]]  # already coded by ana
    assert result["learned"] is False  # nothing is trained before the first list
    assert result["alive"] is False  # it answers once and is gone


def test_an_unknown_transcript_is_left_to_the_workbench(project_path: Path) -> None:
    result = _run(project_path, "ana", "no-such-transcript")
    assert result == {"forked": None, "here": None, "alive": False, "learned": None}


def test_the_project_is_not_changed_by_the_forked_process(project_path: Path) -> None:
    before = project_path.read_bytes()
    _run(project_path, "ana", "alpha")
    assert project_path.read_bytes() == before


def test_no_fork_while_a_thread_the_interpreter_does_not_track_runs(project_path: Path) -> None:
    """Threads started outside `threading` (as a maths library's are) also make forking unsafe."""
    script = textwrap.dedent(
        """
        import _thread, sys, threading, time
        from pathlib import Path
        from qualcode.tui.first_suggestions import FirstSuggestions

        _thread.start_new_thread(time.sleep, (30,))
        time.sleep(0.2)
        print(threading.active_count(), FirstSuggestions.start(Path(sys.argv[1]), "ana"))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(project_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.split() == ["1", "None"]
