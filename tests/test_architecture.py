"""The layering and start-up rules of HOUSE_STYLE.md, checked on the real package."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ["textual", "rich", "spacy", "pandas", "sklearn", "docx", "pypdf", "webvtt", "srt", "alembic"]


def _modules_after(statement: str) -> set[str]:
    code = f"import sys, json\n{statement}\nprint(json.dumps(sorted(m.split('.')[0] for m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    return set(json.loads(out))


def test_project_api_imports_no_heavy_library() -> None:
    loaded = _modules_after("import qualcode.project")
    assert loaded.isdisjoint(HEAVY), sorted(loaded.intersection(HEAVY))


def test_cli_help_imports_no_heavy_library() -> None:
    loaded = _modules_after(
        "import qualcode.cli as c; import contextlib, io\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()): "
        "c.cli(['--help'], prog_name='qualcode')"
    )
    assert loaded.isdisjoint([*HEAVY, "sqlalchemy"]), sorted(loaded.intersection([*HEAVY, "sqlalchemy"]))


def test_import_linter_contracts_hold() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"],
        capture_output=True,
        text=True,
    )
    assert "3 kept, 0 broken" in result.stdout, result.stdout[-2000:]
