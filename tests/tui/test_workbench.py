"""The workbench driven by keys with Pilot; every assertion is on what the project file holds afterwards.

The tiny project (conftest): transcript "alpha" has six segments:
  0 "How did you start?" [13, 31)          1 "Tell me about it." [32, 49)
  2 "I felt like an outsider." [63, 87)    3 "The team did not know what I was for." [88, 125)
  4 "I felt like an outsider again." [126, 156)   5 "Thank you." [170, 180)
Codes: Othered (hotkey o, key 1), Role clarity (r, key 2), Hope (p, key 3); Team is a group.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from qualcode.model import MemoTarget
from qualcode.project import Project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.modals.dialogs import ErrorDialog
from qualcode.tui.screens.coding import CodingScreen
from qualcode.tui.widgets.codebook_panel import SegmentCodings
from qualcode.tui.widgets.transcript_view import TranscriptView

SIZE = (100, 30)


def stored(path: Path) -> list[tuple[str, int, int, str, str]]:
    """The codings as a fresh process would see them: the file opened again from disk."""
    with Project.open(path) as project:
        return [(c.transcript, c.span.start, c.span.end, c.code, c.coder) for c in project.codings()]


def make_app(path: Path, transcript: str | None = "alpha", coder: str = "ana") -> QualcodeApp:
    return QualcodeApp(path, coder, transcript=transcript)


async def test_moving_and_coding_a_segment_is_stored(project_path: Path) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "o")
        assert stored(project_path) == [("alpha", 63, 87, "Othered", "ana")]
        await pilot.press("k", "k", "down", "3")  # arrows move too; 3 is the third codable code
        assert ("alpha", 32, 49, "Hope", "ana") in stored(project_path)
        await pilot.press("o")  # a second coding on segment 1
        await pilot.press("o")  # and the same key again removes it
    assert stored(project_path) == [("alpha", 32, 49, "Hope", "ana"), ("alpha", 63, 87, "Othered", "ana")]


async def test_what_was_stored_is_said_in_the_status_line_not_over_the_suggestions(
    project_path: Path,
) -> None:
    # A notification after every code key covered the top of the suggestions panel for 1.5 s.
    from textual.widgets import Label

    from qualcode.tui.screens import coding

    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        status = app.screen.query_one("#status", Label)
        await pilot.press("j", "j", "o")
        # the speaker and coder make room while it shows, so a long code name fits 80 columns
        assert str(status.content) == " alpha   segment 3/6  ✓ Coded Othered"
        assert not app._notifications
        await pilot.press("o")
        assert str(status.content).endswith("✓ Removed Othered")
        await pilot.press("u")  # an undo says so there too, not under a stale "Removed"
        assert str(status.content).endswith("✓ Undid coding remove: Othered") and not app._notifications
        assert stored(project_path) == [("alpha", 63, 87, "Othered", "ana")]
        await pilot.pause(coding.STORED_NOTE_SECONDS + 0.3)  # then the line is the position alone again
        assert str(status.content) == " alpha   Participant  segment 3/6  coder: ana"


async def test_a_code_key_while_another_program_holds_the_lock_says_so_and_the_workbench_stays(
    project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A lock held longer than the wait ended the workbench with a traceback, the coding not stored.
    import sqlite3

    from qualcode.store import engine

    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(project_path, isolation_level=None)
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")
        holder.execute("BEGIN IMMEDIATE")
        await pilot.press("o")
        await pilot.pause()
        holder.execute("ROLLBACK")
        assert isinstance(app.screen, ErrorDialog)
        assert "the project is busy" in app.screen.message and "nothing was stored" in app.screen.message
        await pilot.press("escape", "o")  # free again: the same key codes
        await pilot.pause()
        assert isinstance(app.screen, CodingScreen)
    holder.close()
    assert app.return_code in (0, None)
    assert stored(project_path) == [("alpha", 63, 87, "Othered", "ana")]


async def test_a_code_key_inside_a_wider_coding_of_that_code_says_so_and_stores_nothing(
    project_path: Path,
) -> None:
    # It stored a second, inner coding; the key then toggled only that one, and could never take the
    # code off the text, though "On this selection" showed it there.
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "shift+down", "shift+down", "o")  # segments 2-4 as one coding
        await pilot.press("k")  # segment 3, inside it
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        assert app.screen.message == "'Othered' is already on this text, as part of your coding at 63-156"
        assert app.screen.hint == "nothing was changed; to remove it, select that whole coding"
    assert stored(project_path) == [("alpha", 63, 156, "Othered", "ana")]


async def test_shift_extends_over_segments_and_turns_are_jumped(project_path: Path) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "shift+down", "shift+down", "1")
        await pilot.press("J")  # next turn: the interviewer's "Thank you."
        await pilot.press("p")
    assert stored(project_path) == [
        ("alpha", 63, 156, "Othered", "ana"),
        ("alpha", 170, 180, "Hope", "ana"),
    ]


async def test_visual_selection_refines_by_character_and_word(project_path: Path) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        # segment 2 "I felt like an outsider.": v selects "I"; w w w extends to "I felt like an";
        # L moves the start one character (drops "I"); h takes back the last character.
        await pilot.press("j", "j", "v", "w", "w", "w", "L", "h", "r")
    assert stored(project_path) == [("alpha", 64, 76, "Role clarity", "ana")]


async def test_keys_typed_right_after_v_refine_the_new_selection_and_code_nothing(project_path: Path) -> None:
    # "v" is a binding, run when the key reaches the app; "w" and "L" in the same read reach the
    # screen's key handler first, when the selection is not yet a text selection. "w" is also Hope's
    # hotkey here: typed after "v" it refines, and only "r" codes (once).
    from textual import events

    with Project.open(project_path) as project:
        project.update_code("Hope", hotkey="w")
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j")
        for key in ("v", "w", "w", "w", "L", "h", "r"):
            app.post_message(events.Key(key, key))
        await pilot.pause()
        await pilot.pause()
        for key in ("j", "w"):  # out of the text selection "w" codes again
            app.post_message(events.Key(key, key))
        await pilot.pause()
        await pilot.pause()
    assert stored(project_path) == [
        ("alpha", 64, 76, "Role clarity", "ana"),
        ("alpha", 88, 125, "Hope", "ana"),
    ]


async def test_undo_and_redo_work_in_a_session_and_after_a_restart(project_path: Path) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o", "j", "p")
        await pilot.press("u")
        assert stored(project_path) == [("alpha", 13, 31, "Othered", "ana")]
        await pilot.press("ctrl+y")
        assert len(stored(project_path)) == 2
        await pilot.press("q")
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+z", "ctrl+z")
    assert stored(project_path) == []


async def test_the_code_picker_finds_a_code_by_part_of_its_name(project_path: Path) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c", *"clar", "enter")
    assert stored(project_path) == [("alpha", 13, 31, "Role clarity", "ana")]


async def test_next_uncoded_skips_what_this_coder_has_coded(project_path: Path) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o", "j", "o", "k", "n", "p")
    assert ("alpha", 63, 87, "Hope", "ana") in stored(project_path)


async def test_a_memo_on_the_coding_under_the_cursor(project_path: Path) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("o", "m")
        await pilot.press(*"too strong?")
        await pilot.press("ctrl+s")
    with Project.open(project_path) as project:
        [memo] = project.memos()
        [coding] = project.codings()
        assert (memo.text, memo.target, memo.target_name, memo.author) == (
            "too strong?",
            MemoTarget.CODING,
            str(coding.id),
            "ana",
        )


async def test_a_memo_on_a_coding_over_several_segments(project_path: Path) -> None:
    # After coding two segments the selection is back to one, and "m" offered only the transcript, the
    # code and the project: the coding could not be memoed without selecting its exact span again.
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "shift+down", "o", "m", *"both sentences", "ctrl+s")
    with Project.open(project_path) as project:
        [coding] = project.codings()
        assert (coding.span.start, coding.span.end) == (63, 125)
        [memo] = project.memos()
        assert (memo.text, memo.target, memo.target_name) == (
            "both sentences",
            MemoTarget.CODING,
            str(coding.id),
        )


async def test_search_jumps_to_a_match_in_another_transcript(project_path: Path) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"lonely", "enter")
        await pilot.pause()
        await pilot.press("enter", "o")
    # beta: "Being the only one with lived experience. It is lonely, honestly." -> the second sentence
    assert stored(project_path) == [("beta", 97, 120, "Othered", "ana")]


async def test_a_change_by_another_process_is_picked_up(project_path: Path) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        with Project.open(project_path) as other:
            other.code("alpha", "Hope", coder="ana", start=13, end=31)
        app._poll()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert [(c.code, c.span.start) for c in screen.codings] == [("Hope", 13)]
        await pilot.press("p")  # the screen knows the coding is there, so this removes it
    assert stored(project_path) == []


async def test_a_change_by_another_process_is_picked_up_behind_an_error_dialog(
    project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A key that acted on a code just deleted elsewhere shows an error; the deletion, noticed while the
    # dialog is up, must still reach the coding screen under it (it stayed stale until a restart).
    monkeypatch.setattr(
        "qualcode.tui.app.POLL_SECONDS", 3600
    )  # it polls itself: the 1.5 s one can come first
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        with Project.open(project_path) as other:
            other.delete_code("Hope", coder="bo")
        await pilot.press("p")  # Hope's hotkey, before the workbench has looked for changes
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog) and "Hope" in app.screen.message
        # what to do in the workbench, not the command line's "qualcode codebook show PROJECT"
        assert app.screen.message == "no code named 'Hope': it was renamed or removed elsewhere"
        assert app.screen.hint == "nothing was stored; the codebook shown is now the current one"
        screen = await _poll_and_go_back_without_hope(app, pilot)
        await pilot.press("p")  # now a key no code has: nothing happens, no dialog
        await pilot.pause()
        assert app.screen is screen
    assert stored(project_path) == []


async def test_a_change_by_another_process_reaches_the_coding_screen_under_the_codebook_editor(
    project_path: Path,
) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+e")
        await pilot.pause()
        with Project.open(project_path) as other:
            other.delete_code("Hope", coder="bo")
        await _poll_and_go_back_without_hope(app, pilot)


async def _hope_deleted_elsewhere_then_othered_coded(pilot: Pilot[None], project_path: Path) -> None:
    """Another process deletes Hope; then, before the workbench has looked for changes, the coder codes."""
    with Project.open(project_path) as other:
        other.delete_code("Hope", coder="bo")
    await pilot.press("j", "j", "o")  # stored, and noted as this coder's own change


@pytest.mark.parametrize("key_first", [True, False], ids=["key-before-the-poll", "poll"])
async def test_a_code_deleted_elsewhere_just_before_the_coder_codes_is_still_picked_up(
    project_path: Path, key_first: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The coder's own coding marked every event up to it as seen, the deletion among them: the screen
    # kept Hope and its key until something else changed, and each press of the key gave the same error.
    # The test polls itself: on a loaded machine the workbench's own 1.5 s poll came before the key.
    monkeypatch.setattr("qualcode.tui.app.POLL_SECONDS", 3600)
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await _hope_deleted_elsewhere_then_othered_coded(pilot, project_path)
        if key_first:  # before the next poll: the error dialog itself re-reads the codebook
            await pilot.press("p")
            await pilot.pause()
            assert isinstance(app.screen, ErrorDialog) and "Hope" in app.screen.message
        await _poll_and_go_back_without_hope(app, pilot, poll=not key_first)
    assert stored(project_path) == [("alpha", 63, 87, "Othered", "ana")]


async def _poll_and_go_back_without_hope(
    app: QualcodeApp, pilot: Pilot[None], poll: bool = True
) -> CodingScreen:
    """Let the workbench look for changes (unless ``poll`` is off), leave the screen on top; the coding
    screen must know Hope is gone."""
    if poll:
        app._poll()
    await pilot.press("escape")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, CodingScreen)
    assert screen.codebook.get("Hope") is None and "p" not in screen.keys
    return screen


async def test_the_position_is_remembered_per_coder(project_path: Path) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "q")
    app = make_app(project_path, transcript=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert (screen.transcript_name, screen.selection.cursor) == ("alpha", 3)
        await pilot.press("o")
    assert stored(project_path) == [("alpha", 88, 125, "Othered", "ana")]
    # Asked for by name (`qualcode open --transcript alpha`), the transcript left also reopens there;
    # another one starts at its top.
    for transcript, cursor in (("alpha", 3), ("beta", 0)):
        app = make_app(project_path, transcript=transcript)
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, CodingScreen)
            assert (screen.transcript_name, screen.selection.cursor) == (transcript, cursor)


async def test_each_transcript_reopens_where_the_coder_left_it(project_path: Path) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "ctrl+o", "down", "enter")  # alpha at 3, then beta
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert (screen.transcript_name, screen.selection.cursor) == ("beta", 0)
        await pilot.press("j", "ctrl+o", "up", "enter")  # beta at 1, back to alpha: where it was left
        assert (screen.transcript_name, screen.selection.cursor) == ("alpha", 3)
        await pilot.press("ctrl+o", "down", "enter")
        assert (screen.transcript_name, screen.selection.cursor) == ("beta", 1)
    # after a restart too: the last one where it was, another asked for by name where it was left
    for transcript, cursor in ((None, ("beta", 1)), ("alpha", ("alpha", 3))):
        app = make_app(project_path, transcript=transcript)
        async with app.run_test(size=SIZE) as pilot:
            screen = app.screen
            assert isinstance(screen, CodingScreen)
            assert (screen.transcript_name, screen.selection.cursor) == cursor
    # an old saved position (one transcript, before places were kept) still opens there
    with Project.open(project_path) as project:
        project.repo.set_meta("tui.position.ana", '{"transcript": "alpha", "segment": 2}')
    app = make_app(project_path, transcript=None)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert (screen.transcript_name, screen.selection.cursor) == ("alpha", 2)
        await pilot.press("ctrl+o", "down", "enter")
        assert (screen.transcript_name, screen.selection.cursor) == ("beta", 0)


@pytest.mark.parametrize(
    "saved",
    [
        "not json",
        '{"transcript": "alpha", "segment": 1, "places": {"alpha": "x", "beta": [1]}}',
        '{"segment": "x"}',
        "[1, 2]",
        '{"transcript": null}',
        '{"transcript": "alpha", "segment": 1e999}',
    ],
)
async def test_an_unreadable_saved_position_opens_at_the_top(project_path: Path, saved: str) -> None:
    with Project.open(project_path) as project:
        project.repo.set_meta("tui.position.ana", saved)
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert (screen.transcript_name, screen.selection.cursor) == ("alpha", 0)


async def test_codebook_editor_renames_deletes_and_undoes(project_path: Path) -> None:
    with Project.open(project_path) as project:
        project.code("alpha", "Hope", coder="ana", start=13, end=31)
    app = make_app(project_path, transcript=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+e")
        # tree: Team > Othered, Role clarity; Hope. Cursor starts on the root.
        await pilot.press("down", "down")  # Othered
        await pilot.press("r", *"Outsider", "enter")  # the prompt starts with the old name selected
        with Project.open(project_path) as project:
            assert project.codebook().get("Outsider") is not None
        await pilot.press("down", "down", "d")  # Hope, which has one coding
        await pilot.press("enter")  # Cancel has the focus: a stray Enter deletes nothing
        assert stored(project_path) == [("alpha", 13, 31, "Hope", "ana")]
        await pilot.press("d", "y")
        assert stored(project_path) == []
        await pilot.press("u")
        assert stored(project_path) == [("alpha", 13, 31, "Hope", "ana")]


async def test_the_coding_screen_under_the_editor_takes_its_changes_at_once(project_path: Path) -> None:
    # The editor's changes were this workbench's own, which the poll skips: back on the coding screen,
    # Othered's key said "renamed elsewhere" and stored nothing, until an error or an undo reloaded it.
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+e", "down", "down", "r", *"Outsider", "enter", "escape")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert "Outsider" in [c.name for c in screen.codebook] and screen.keys["o"] == "Outsider"
        await pilot.press("j", "j", "o")
        await pilot.pause()
        assert not isinstance(app.screen, ErrorDialog)
    assert stored(project_path) == [("alpha", 63, 87, "Outsider", "ana")]


async def test_a_refused_change_shows_an_error_and_changes_nothing(project_path: Path) -> None:
    app = make_app(project_path, transcript=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+e", "down", "down", "r", *"Hope", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)
        assert "already exists" in app.screen.message
        await pilot.press("escape")
    with Project.open(project_path) as project:
        assert [c.name for c in project.codebook()] == ["Team", "Othered", "Role clarity", "Hope"]


async def test_retrieval_lists_quotes_with_attribution_and_jumps(project_path: Path, tiny_dir: Path) -> None:
    with Project.open(project_path) as project:
        project.load_attributes(tiny_dir / "participants.csv")
        project.code("beta", "Othered", coder="bo", start=97, end=120)
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
        table = app.screen.query_one("#quotes")
        assert table.row_count == 1  # type: ignore[attr-defined]
        row = [str(cell) for cell in table.get_row_at(0)]  # type: ignore[attr-defined]
        assert row == ["Clinician, Site B", "beta", "bo", "It is lonely, honestly."]
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert (screen.transcript_name, screen.selection.cursor) == ("beta", 2)


async def test_square_brackets_in_the_projects_words_are_shown_as_written(
    tiny_dir: Path, tmp_path: Path
) -> None:
    # Memos, quotes and search matches were read as markup: "[laughs]" vanished, and a memo with "[/i]"
    # raised MarkupError and closed the workbench each time the memos screen opened.
    said = "[laughs] I was the [/i] outsider, honestly."
    (tmp_path / "gamma.txt").write_text(f"Interviewer: And then?\nParticipant: {said}\n", encoding="utf-8")
    path = tmp_path / "b.qualcode"
    with Project.init(path) as project:
        project.import_codebook(tiny_dir / "tiny.yaml", "setup")
        project.import_transcripts([tmp_path / "gamma.txt"], coder="setup")
        start = project.transcript("gamma").text.index(said)
        project.code("gamma", "Othered", coder="ana", start=start, end=start + len(said))
        project.add_memo("Bo: [laughs] marks [/i] need review", coder="bo")
    app = make_app(path, transcript=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t")
        await pilot.pause()
        memos = app.screen.query_one("#memo-table")
        assert str(memos.get_row_at(0)[3]) == "Bo: [laughs] marks [/i] need review"  # type: ignore[attr-defined]
        await pilot.press("escape", "ctrl+r")
        await pilot.pause()
        quotes = app.screen.query_one("#quotes")
        assert str(quotes.get_row_at(0)[3]) == said  # type: ignore[attr-defined]
        await pilot.press("escape", "slash", *"outsider", "enter")
        await pilot.pause()
        hits = app.screen.query_one("#hits")
        assert "[laughs] I was the [/i] outsider" in str(hits.get_option_at_index(0).prompt)  # type: ignore[attr-defined]
        app.notify("Renamed [/i] to [b]")  # a notice quoting a name is not markup either
        await pilot.pause()


async def test_memos_screen_writes_and_edits(project_path: Path) -> None:
    app = make_app(project_path, transcript=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+t", "n", *"A first memo", "ctrl+s")
        await pilot.press("enter", "end", *" - edited", "ctrl+s")
    with Project.open(project_path) as project:
        assert [(m.text, m.target) for m in project.memos()] == [
            ("A first memo - edited", MemoTarget.PROJECT)
        ]


async def test_project_screen_opens_a_transcript_and_help_lists_keys(project_path: Path) -> None:
    app = make_app(project_path, transcript=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "enter")  # the second row: beta
        screen = app.screen
        assert isinstance(screen, CodingScreen) and screen.transcript_name == "beta"
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        assert isinstance(app.screen, CodingScreen)


@pytest.mark.parametrize("keymap", ['"segment.next" = "x"\n'])
async def test_keys_can_be_remapped_from_a_file(
    project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keymap: str
) -> None:
    (tmp_path / "keys.toml").write_text(keymap, encoding="utf-8")
    monkeypatch.setenv("QUALCODE_KEYS", str(tmp_path / "keys.toml"))
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("x", "x", "o")
    assert stored(project_path) == [("alpha", 63, 87, "Othered", "ana")]


async def test_importing_files_from_the_project_screen_runs_in_a_worker(
    project_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "gamma.txt").write_text(
        "Interviewer: Hello?\nParticipant: Hi there. Lovely day.\n", encoding="utf-8"
    )
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01\x02binary")
    app = make_app(project_path, transcript=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("i", *f"{tmp_path}/*.txt", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ErrorDialog)  # the binary file is reported, with what to do
        assert "1 imported, 0 skipped, 1 refused" in app.screen.message
        await pilot.press("escape")
        table = app.screen.query_one("#transcripts")
        assert table.row_count == 3  # type: ignore[attr-defined]
    with Project.open(project_path) as project:
        assert [t.name for t in project.transcripts()] == ["alpha", "beta", "gamma"]


async def test_the_mouse_selects_a_segment_and_applies_a_clicked_code(project_path: Path) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        view = app.screen.query_one("TranscriptView")
        # Lines: 0 "Interviewer", 1 "How did you start? ...", 2 blank, 3 "Participant", 4 "I felt like ..."
        await pilot.click(view, offset=(8, 4))
        await pilot.pause()
        codes = app.screen.query_one("#codes")
        await pilot.click(codes, offset=(12, 2))  # list lines: Team (a group), Othered, Role clarity
        await pilot.pause()
    assert stored(project_path) == [("alpha", 63, 87, "Role clarity", "ana")]


async def test_analysis_screen_counts_codings_by_role(project_path: Path, tiny_dir: Path) -> None:
    with Project.open(project_path) as project:
        project.load_attributes(tiny_dir / "participants.csv")
        project.code("alpha", "Othered", coder="ana", start=63, end=87)
        project.code("alpha", "Othered", coder="ana", start=126, end=156)
        project.code("beta", "Othered", coder="bo", start=97, end=120)
    app = make_app(project_path, transcript=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#frequencies")
        rows = {str(table.get_row_at(i)[0]).strip(): table.get_row_at(i)[1] for i in range(table.row_count)}  # type: ignore[attr-defined]
        assert rows["Othered"] == "3"
        app.screen.query_one("#by").value = "role"  # type: ignore[attr-defined]
        await pilot.pause()
        header = [str(c.label) for c in table.columns.values()]  # type: ignore[attr-defined]
        assert header == ["Code", "Clinician", "Peer worker"]
        othered = next(
            table.get_row_at(i) for i in range(table.row_count) if str(table.get_row_at(i)[0]) == "Othered"
        )  # type: ignore[attr-defined]
        assert [str(cell) for cell in othered] == ["Othered", "1", "2"]


async def test_switching_coder_reloads_the_coding_screen_for_the_new_coder(project_path: Path) -> None:
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "o")  # ana codes "I felt like an outsider."
        await pilot.press("ctrl+o", "w")
        await pilot.press(*"bo", "enter")
        await pilot.press("enter")  # open alpha again, now as bo
        screen = app.screen
        assert isinstance(screen, CodingScreen) and app.coder == "bo"
        assert screen.codings == []  # ana's coding is not bo's
        await pilot.press("j", "p")
    assert stored(project_path) == [
        ("alpha", 32, 49, "Hope", "bo"),
        ("alpha", 63, 87, "Othered", "ana"),
    ]


async def test_a_position_restored_far_down_a_transcript_is_on_screen(project_path: Path) -> None:
    # The keys act on the cursor's segment, so the coder must see it when the workbench reopens there.
    with Project.open(project_path) as project:
        project.import_transcripts([Path(__file__).parents[2] / "transcripts" / "P01.txt"], coder="ana")
    app = make_app(project_path, transcript="P01")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*["J"] * 60, "q")  # sixty turns down
    app = make_app(project_path, transcript=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen) and screen.transcript_name == "P01"
        cursor = screen.selection.current
        assert cursor is not None and screen.selection.cursor > 60
        view = screen.query_one(TranscriptView)
        top, height = view.scroll_offset.y, view.scrollable_content_region.height
        assert top <= view.line_of_offset(cursor.span.start) < top + height


async def test_the_coders_own_codings_are_listed_first_on_a_crowded_selection(project_path: Path) -> None:
    with Project.open(project_path) as other:
        for coder in ("bo", "cy"):
            for code in ("Othered", "Role clarity", "Hope"):
                other.code("alpha", code, coder=coder, start=13, end=31)
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p")  # ana's Hope on the first segment, where bo and cy have three codes each
        await pilot.pause()
        panel = app.screen.query_one(SegmentCodings)
        lines = str(panel.content).splitlines()
        # six rows: ana's own coding first, four of the others', and how many more there are; who coded
        # it before the code, so a long code name cut off at the panel's edge does not hide it
        assert len(lines) == 6 and lines[0].startswith("■ ana  Hope  ")
        assert all(line.startswith(("■ bo   ", "■ cy   ")) for line in lines[1:5])
        assert lines[5] == "… and 2 more here"
    assert ("alpha", 13, 31, "Hope", "ana") in stored(project_path)


async def test_a_code_key_typed_right_after_a_move_codes_the_segment_moved_to(project_path: Path) -> None:
    # Keys that arrive in one read (a fast typist, a lagging SSH link): the move is a binding, run when
    # the key reaches the app, so a code key handled on the way must not overtake it.
    from textual import events

    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        for key in ("j", "o", "j", "p"):
            app.post_message(events.Key(key, key))
        await pilot.pause()
        await pilot.pause()
    assert stored(project_path) == [("alpha", 32, 49, "Othered", "ana"), ("alpha", 63, 87, "Hope", "ana")]


def test_an_undo_names_the_codes_it_was_about(project_path: Path) -> None:
    # "Undid coding add" did not say which code, so the coder could not check what was undone.
    from qualcode.model import Span, Suggestion, SuggestionSource
    from qualcode.tui.app import _what_it_touched

    with Project.open(project_path) as project:
        project.code("alpha", "Hope", coder="ana", start=63, end=87)
        project.rename_code("Othered", "Outsider", coder="ana")
        project.reject_suggestion(
            Suggestion("alpha", Span(88, 125), "Role clarity", 0.4, SuggestionSource.RULE, "r"), "ana"
        )
        project.delete_code("Hope", coder="ana", with_codings=True)
        said = []
        while (event := project.undo("ana")) is not None:
            said.append(f"{event.action}: {_what_it_touched(event)}")
    assert said == [
        "code.delete: Hope",
        "suggestion.reject: Role clarity",
        "code.rename: Othered → Outsider",
        "coding.add: Hope",
    ]


async def test_a_refining_letter_remapped_to_a_binding_only_refines_in_a_text_selection(
    project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A coder who maps "next segment" to "l" (vi's "right") keeps "l" for the text selection: there it
    # moves the end by one character and must not also move on to the next segment.
    (tmp_path / "keys.toml").write_text('"segment.next" = "l"\n', encoding="utf-8")
    monkeypatch.setenv("QUALCODE_KEYS", str(tmp_path / "keys.toml"))
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l", "v", "w", "l", "r")  # "I felt" and one more character
        await pilot.pause()
        from textual import events

        for key in ("escape", "v", "l", "l", "b", "o"):  # typed fast, in one read: "I f", back a word: "I"
            app.post_message(events.Key(key, key))
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen) and screen.selection.cursor == 2
        await pilot.press("escape", "l")  # out of it, "l" moves again
        await pilot.pause()
        assert screen.selection.cursor == 3
    assert stored(project_path) == [
        ("alpha", 63, 64, "Othered", "ana"),
        ("alpha", 63, 70, "Role clarity", "ana"),
    ]


@pytest.mark.parametrize("keys", ["right", "j,down,right"])
async def test_an_arrow_the_key_map_binds_still_runs_its_binding(
    project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: str
) -> None:
    # "right" is a refining key and also the transcript view's own (horizontal) scroll, which comes first
    # and does nothing here: the key must fall through to the coder's binding, as Textual does.
    (tmp_path / "keys.toml").write_text(f'"segment.next" = "{keys}"\n', encoding="utf-8")
    monkeypatch.setenv("QUALCODE_KEYS", str(tmp_path / "keys.toml"))
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("right", "right")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen) and screen.selection.cursor == 2


async def test_a_long_code_name_is_cut_so_the_time_stays_on_the_selection_panel(project_path: Path) -> None:
    import re

    from rich.cells import cell_len

    long_name = "Organisational support for lived experience roles in community teams"
    with Project.open(project_path) as project:
        project.add_code(long_name, coder="ana")
        project.code("alpha", long_name, coder="ana", start=13, end=31)
        project.code("alpha", "Hope", coder="ana", start=13, end=31)
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.screen.query_one(SegmentCodings)
        width = panel.content_size.width
        lines = str(panel.content).splitlines()
        assert 20 < width < len(long_name) + 20
        found = [line for line in lines if line.startswith("■ ana  Organis")]
        assert len(found) == 1, lines
        cut = found[0]
        assert len(cut) <= width
        assert re.search(r"…  \d\d \w{3} \d\d:\d\d$", cut), cut
        # a short name is whole, and so is its time
        assert any(re.fullmatch(r"■ ana  Hope  \d\d \w{3} \d\d:\d\d", line) for line in lines), lines
        # wide characters take two cells each: cut by cells, the time stays too
        with Project.open(project_path) as project:
            project.rename_code(
                long_name, "地域チームにおけるピアサポートワーカーの役割と組織的支援", coder="ana"
            )
        app._poll()
        await pilot.pause()
        [wide] = [line for line in str(panel.content).splitlines() if "地域" in line]
        assert cell_len(wide) <= width and re.search(r"…  \d\d \w{3} \d\d:\d\d$", wide), wide


async def test_a_text_selection_stays_in_the_speech_of_its_turn_and_stores_what_is_shown(
    project_path: Path,
) -> None:
    # `w` past the last word of a turn ran on into the next turn's label: the screen showed
    # "...an outsider again." and the project stored "...again.\nInterviewer: Thank".
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "j", "v", *("w" * 8), "l", "l")
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        view = screen.query_one(TranscriptView)
        assert view.selection == screen.selection.span == screen.selection.visual
        await pilot.press("r")
        # and the start: B and H stop at the turn's first word, not in the label before it
        await pilot.press("k", "k", "v", "B", "B", "H", "H", "o")
    with Project.open(project_path) as project:
        text = project.transcript("alpha").text
        codings = project.codings()
    assert [(c.code, text[c.span.start : c.span.end]) for c in codings] == [
        ("Othered", "I"),
        ("Role clarity", "I felt like an outsider again."),
    ]


async def test_number_keys_stay_with_their_codes_when_codes_are_deleted_merged_or_renamed(
    project_path: Path,
) -> None:
    # The keys 1-9 were the first nine codes in list order: deleting code 2 made "3" nothing and "2" code
    # what "3" had coded, without a word.
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        # Othered is 1, Role clarity 2, Hope 3; delete Role clarity in the editor (tree: root, Team, ...)
        await pilot.press("ctrl+e", "down", "down", "down", "d", "y", "escape")
        await pilot.pause()
        await pilot.press("j", "j", "3")
        assert stored(project_path) == [("alpha", 63, 87, "Hope", "ana")]
        app.clear_notifications()
        await pilot.press("j", "2")
        await pilot.pause()
        assert stored(project_path) == [("alpha", 63, 87, "Hope", "ana")]
        notices = [n.message for n in app._notifications]
        assert "key 2 has no code: its code 'Role clarity' was deleted" in notices
        # merge Othered into Hope, then rename Hope: 3 follows Hope under its new name, 1 has no code
        await pilot.press("ctrl+e", "down", "down", "g", *"Hope", "enter")
        await pilot.pause()
        await pilot.press("down", "r", *"Hopeful", "enter", "escape")
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("1", "3")
        await pilot.pause()
        assert "key 1 has no code: its code 'Othered' was deleted" in [n.message for n in app._notifications]
    assert stored(project_path) == [("alpha", 63, 87, "Hopeful", "ana"), ("alpha", 88, 125, "Hopeful", "ana")]
    app = make_app(project_path)  # and so it stays after a restart
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await pilot.pause()
        assert "key 3 has no code" not in " ".join(n.message for n in app._notifications)
    assert ("alpha", 88, 125, "Hopeful", "ana") not in stored(project_path)


def _long_project(tiny_dir: Path, tmp_path: Path, turns: int = 40) -> Path:
    lines = []
    for i in range(turns):
        speaker = "Interviewer" if i % 2 == 0 else "Participant"
        lines.append(f"{speaker}: Sentence one of turn {i}. Sentence two of turn {i}, a little longer.")
    (tmp_path / "long.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path = tmp_path / "long.qualcode"
    with Project.init(path) as project:
        project.import_codebook(tiny_dir / "tiny.yaml", "setup")
        project.import_transcripts([tmp_path / "long.txt"], coder="setup")
    return path


async def test_moving_forward_keeps_what_follows_the_current_segment_in_view(
    tiny_dir: Path, tmp_path: Path
) -> None:
    # With j the current segment sat on the bottom row: the coder coded it without seeing what came next.
    app = make_app(_long_project(tiny_dir, tmp_path), transcript="long")
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        view = screen.query_one(TranscriptView)
        height = view.scrollable_content_region.height
        scrolled = False
        for _ in range(40):
            await pilot.press("j")
            span = screen.selection.span
            assert span is not None
            top, bottom = view.line_of_offset(span.start), view.line_of_offset(span.end - 1)
            y = round(view.scroll_offset.y)
            scrolled = scrolled or y > 0
            assert y <= top and bottom < y + height
            if y < view.max_scroll_y:  # three lines of what follows stay in view
                assert bottom <= y + height - 1 - 3, (bottom, y, height)
        assert scrolled
        # a jump far away (the search) puts the segment in the middle, not on an edge
        await pilot.press("slash", *"one of turn 6.", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        span = screen.selection.span
        assert span is not None
        line = view.line_of_offset(span.start)
        y = round(view.scroll_offset.y)
        assert y + height // 3 <= line <= y + 2 * height // 3, (line, y, height)


def screen_lines(app: QualcodeApp) -> list[str]:
    """The text on the screen, row by row, as the terminal shows it."""
    update = app.screen._compositor.render_full_update()
    return ["".join(strip.text for strip in row) for row in update.strips]


def shown_in_order(words: list[str], lines: list[str]) -> bool:
    """Whether every word is on the screen, in reading order (row by row, left to right)."""
    screen = " ".join(lines)
    at = 0
    for word in words:
        found = screen.find(word, at)
        if found < 0:
            return False
        at = found + len(word)
    return True


async def test_the_quotes_screen_shows_a_long_quote_whole(tiny_dir: Path, tmp_path: Path) -> None:
    # The quote column was cut at the screen's edge: a quote of a few sentences lost its end.
    said = " ".join(f"word{i:02d}" for i in range(60)) + "."
    (tmp_path / "gamma.txt").write_text(f"Interviewer: And then?\nParticipant: {said}\n", encoding="utf-8")
    path = tmp_path / "c.qualcode"
    with Project.init(path) as project:
        project.import_codebook(tiny_dir / "tiny.yaml", "setup")
        project.import_transcripts([tmp_path / "gamma.txt"], coder="setup")
        start = project.transcript("gamma").text.index(said)
        project.code("gamma", "Othered", coder="ana", start=start, end=start + len(said))
    app = make_app(path, transcript=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert shown_in_order(said.split(), screen_lines(app))


def _demo_codebook_project(tiny_dir: Path, tmp_path: Path) -> Path:
    path = tmp_path / "demo-codebook.qualcode"
    with Project.init(path) as project:
        project.import_codebook(Path(__file__).parents[2] / "codebooks" / "peer-roles.yaml", "setup")
        project.import_transcripts([tiny_dir / "alpha.txt"], coder="setup")
    return path


async def test_the_codebook_panel_shows_long_code_names_whole_at_100x30(
    tiny_dir: Path, tmp_path: Path
) -> None:
    # "Professional jurisdict…", "Stigma and discriminat…": at 100x30 the demo codebook's names were cut
    # to where codes could not be told apart.
    from textual.widgets import OptionList

    app = make_app(_demo_codebook_project(tiny_dir, tmp_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        codes = app.screen.query_one("#codes", OptionList)
        for index in range(codes.option_count):
            option = codes.get_option_at_index(index)
            if option.disabled:  # a group's heading, which cannot be highlighted
                continue
            name = str(option.id)
            codes.highlighted = index  # scrolls the list to it
            await pilot.pause()
            region = codes.scrollable_content_region
            lines = screen_lines(app)[region.y : region.bottom]
            shown = " ".join(" ".join(line[region.x : region.right] for line in lines).split())
            assert name in shown, (name, shown)


async def test_memos_on_codings_are_listed_by_code_transcript_and_the_words_coded(project_path: Path) -> None:
    # Memos on codings were listed as "coding 3": which of a hundred codings it was could not be seen.
    from textual.widgets import Select

    with Project.open(project_path) as project:
        [coding] = project.code("alpha", "Role clarity", coder="ana", start=88, end=125)
        project.add_memo(
            "unclear who decides", coder="ana", target=MemoTarget.CODING, target_name=str(coding.id)
        )
    about = "Role clarity · alpha · “The team did not know what I…”"
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "j", "j", "m")
        await pilot.pause()
        options = app.screen.query_one("#target", Select)._options  # type: ignore[attr-defined]
        assert f"this coding: {about}" in [str(label) for label, _value in options]
        await pilot.press("escape", "ctrl+t")
        await pilot.pause()
        table = app.screen.query_one("#memo-table")
        assert str(table.get_row_at(0)[2]) == about  # type: ignore[attr-defined]
        assert about in "\n".join(screen_lines(app))


async def test_a_drag_ending_below_a_turn_stores_only_the_words_it_shows_selected(project_path: Path) -> None:
    # Let go on the blank line after a turn, the drag took the line break after its last word as well,
    # which the screen does not show as selected.
    app = make_app(project_path)
    async with app.run_test(size=SIZE) as pilot:
        view = app.screen.query_one(TranscriptView)
        # Lines: 3 "Participant", 4 "I felt like an outsider. ...", 5 "was for. ... again.", 6 blank
        await pilot.mouse_down(view, offset=(5, 4))
        await pilot.mouse_up(view, offset=(20, 6))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert view.selection == screen.selection.span
        await pilot.press("o")
    with Project.open(project_path) as project:
        text = project.transcript("alpha").text
        assert [text[c.span.start : c.span.end] for c in project.codings()] == [
            "I felt like an outsider. The team did not know what I was for. I felt like an outsider again."
        ]
