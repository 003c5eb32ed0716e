"""One snapshot per screen and dialog: the workbench as a person sees it (SVG, compared with the stored one).

Update the stored snapshots after an intended change with: pytest tests/tui --snapshot-update
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from qualcode.model import MemoTarget
from qualcode.project import Project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import CodingScreen

SIZE = (100, 30)
FIXED = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Times shown on screen (codings, memos) must not change between runs."""
    monkeypatch.setattr("qualcode.store.repository.now", lambda: FIXED)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    time.tzset()


@pytest.fixture
def coded(project_path: Path, tiny_dir: Path) -> Path:
    """The tiny project with attributes, two codings by ana, one by bo, and a memo."""
    with Project.open(project_path) as project:
        project.load_attributes(tiny_dir / "participants.csv")
        project.code("alpha", "Othered", coder="ana", start=63, end=87)
        project.code("alpha", "Hope", coder="ana", start=88, end=125)
        project.code("beta", "Othered", coder="bo", start=97, end=120)
        project.add_memo(
            "Check with the team whether this is othering.", coder="ana", target=MemoTarget.PROJECT
        )
    return project_path


Snap = Callable[..., bool]


def app_on(path: Path, transcript: str | None = "alpha") -> QualcodeApp:
    return QualcodeApp(path, "ana", transcript=transcript)


async def settled(pilot: object) -> None:
    """Let the suggestion worker finish first, so the suggestions panel is the same on every run."""
    screen = pilot.app.screen  # type: ignore[attr-defined]
    if isinstance(screen, CodingScreen):
        for _ in range(400):
            await pilot.pause(0.05)  # type: ignore[attr-defined]
            if screen.suggestions_idle:
                break


def test_project_screen(snap_compare: Snap, coded: Path) -> None:
    assert snap_compare(app_on(coded, None), terminal_size=SIZE)


def test_coding_screen(snap_compare: Snap, coded: Path) -> None:
    assert snap_compare(app_on(coded), run_before=settled, press=["j", "j"], terminal_size=SIZE)


def test_coding_screen_demo_codebook_100x30(snap_compare: Snap, tiny_dir: Path, tmp_path: Path) -> None:
    # The demo codebook's long names ("Professional jurisdiction and resistance") wrap under themselves.
    path = tmp_path / "demo-codebook.qualcode"
    with Project.init(path) as project:
        project.import_codebook(Path(__file__).parents[2] / "codebooks" / "peer-roles.yaml", "setup")
        project.import_transcripts([tiny_dir / "alpha.txt"], coder="setup")
    assert snap_compare(app_on(path), run_before=settled, terminal_size=(100, 30))


def test_coding_screen_narrow_80x24(snap_compare: Snap, coded: Path) -> None:
    assert snap_compare(app_on(coded), run_before=settled, press=["j", "j"], terminal_size=(80, 24))


def test_coding_screen_text_selection(snap_compare: Snap, coded: Path) -> None:
    assert snap_compare(
        app_on(coded), run_before=settled, press=["j", "j", "j", "v", "w", "w"], terminal_size=SIZE
    )


def test_code_picker(snap_compare: Snap, coded: Path) -> None:
    assert snap_compare(app_on(coded), run_before=settled, press=["c", "o", "t"], terminal_size=SIZE)


def test_memo_editor(snap_compare: Snap, coded: Path) -> None:
    assert snap_compare(
        app_on(coded), run_before=settled, press=["j", "j", "m", *"Why here?"], terminal_size=SIZE
    )


def test_search_dialog(snap_compare: Snap, coded: Path) -> None:
    assert snap_compare(
        app_on(coded), run_before=settled, press=["slash", *"outsider", "enter"], terminal_size=SIZE
    )


def test_coding_screen_suggestions_inline(snap_compare: Snap, coded: Path) -> None:
    # s underlines the suggestions; on segment 4, "I felt like an outsider again.", the panel lists one.
    async def inline(pilot: object) -> None:
        await settled(pilot)
        await pilot.press("s")  # type: ignore[attr-defined]
        await pilot.pause(2.5)  # type: ignore[attr-defined]  # the notice fades

    keys = ["j", "j", "j", "j"]
    assert snap_compare(app_on(coded), run_before=inline, press=keys, terminal_size=SIZE)


def test_accept_all_dialog(snap_compare: Snap, coded: Path) -> None:
    keys = ["j", "j", "j", "j", "ctrl+a", "backspace", "backspace", "backspace", *"0.3"]
    assert snap_compare(app_on(coded), run_before=settled, press=keys, terminal_size=SIZE)


def test_help_screen(snap_compare: Snap, coded: Path) -> None:
    assert snap_compare(app_on(coded), run_before=settled, press=["question_mark"], terminal_size=SIZE)


def test_codebook_editor(snap_compare: Snap, coded: Path) -> None:
    assert snap_compare(app_on(coded, None), press=["ctrl+e", "down", "down"], terminal_size=SIZE)


def test_codebook_field_editor(snap_compare: Snap, coded: Path) -> None:
    assert snap_compare(app_on(coded, None), press=["ctrl+e", "down", "down", "e"], terminal_size=SIZE)


def test_codebook_rename_prompt(snap_compare: Snap, coded: Path) -> None:
    assert snap_compare(app_on(coded, None), press=["ctrl+e", "down", "down", "r"], terminal_size=SIZE)


def test_codebook_delete_confirmation(snap_compare: Snap, coded: Path) -> None:
    assert snap_compare(app_on(coded, None), press=["ctrl+e", "down", "down", "d"], terminal_size=SIZE)


def test_codebook_split_chooser(snap_compare: Snap, coded: Path) -> None:
    keys = ["ctrl+e", "down", "down", "s", *"Outsider", "enter"]
    assert snap_compare(app_on(coded, None), press=keys, terminal_size=SIZE)


def test_error_dialog(snap_compare: Snap, coded: Path) -> None:
    keys = ["ctrl+e", "down", "down", "r", *"Hope", "enter"]
    assert snap_compare(app_on(coded, None), press=keys, terminal_size=SIZE)


def test_retrieval_screen(snap_compare: Snap, coded: Path) -> None:
    assert snap_compare(app_on(coded), run_before=settled, press=["ctrl+r"], terminal_size=SIZE)


def test_memos_screen(snap_compare: Snap, coded: Path) -> None:
    assert snap_compare(app_on(coded), run_before=settled, press=["ctrl+t"], terminal_size=SIZE)


def test_analysis_screen(snap_compare: Snap, coded: Path) -> None:
    async def loaded(pilot: object) -> None:
        app = pilot.app  # type: ignore[attr-defined]
        await pilot.press("ctrl+g")  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()
        await pilot.pause()  # type: ignore[attr-defined]

    assert snap_compare(app_on(coded, None), run_before=loaded, terminal_size=SIZE)
