"""The project screen lists who speaks in the highlighted transcript, and `r` says who a speaker is."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable

from qualcode.model.speakers import SpeakerRole
from qualcode.project import Project
from qualcode.tui.app import QualcodeApp

SIZE = (100, 30)


def cells(table: DataTable) -> list[list[str]]:  # type: ignore[type-arg]
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_speakers_of_the_highlighted_transcript_and_setting_one(project_path: Path) -> None:
    app = QualcodeApp(project_path, "ana", transcript=None)
    async with app.run_test(size=SIZE) as pilot:
        speakers = app.screen.query_one("#speakers", DataTable)
        assert [row[:3] for row in cells(speakers)] == [
            ["Interviewer", "team: interviewer", ""],
            ["Participant", "participant", "alpha"],
        ]
        await pilot.press("down")  # beta
        await pilot.pause()
        assert cells(speakers)[1][:3] == ["Participant", "participant", "beta"]
        speakers.move_cursor(row=1)
        await pilot.press("r", *"note-taker here", "enter")
        await pilot.pause()
        assert cells(speakers)[1][:3] == ["Participant", "team: note-taker", ""]
        assert cells(speakers)[1][4] == "you: your rule for this transcript"
    with Project.open(project_path) as project:
        roles = {(s.transcript, s.label): s.role for s in project.speakers()}
    assert roles[("beta", "Participant")] is SpeakerRole.NOTE_TAKER
    assert roles[("alpha", "Participant")] is SpeakerRole.PARTICIPANT  # "here": beta alone


async def test_an_unknown_role_is_refused_with_what_to_type(project_path: Path) -> None:
    app = QualcodeApp(project_path, "ana", transcript=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r", *"boss", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "ErrorDialog"
        assert "is not a speaker role" in app.screen.message  # type: ignore[attr-defined]
    with Project.open(project_path) as project:
        assert {s.role for s in project.speakers()} == {SpeakerRole.INTERVIEWER, SpeakerRole.PARTICIPANT}


async def test_importing_from_the_project_screen_lists_the_lines_the_importer_was_unsure_of(
    project_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "call.txt").write_text(
        "Jane Doe  00:13\nHow did you come to the job?\n\n"
        "John Smith  00:21\nI saw the advert at the day centre.\n\n"
        "Dr Smith 3:02\nThat was the week it opened.\n\n"
        "Jane Doe  03:10\nAnd then?\n",
        encoding="utf-8",
    )
    app = QualcodeApp(project_path, "ana", transcript=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", *f"{tmp_path}/call.txt", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(
            "Lines the importer was unsure of:" in m and "'Dr Smith' is not a speaker" in m for m in messages
        )
