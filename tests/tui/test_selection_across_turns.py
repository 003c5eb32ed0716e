"""A selection across speaker turns is stored as one coding per turn's words, never with the labels between.

alpha: "Interviewer: How did you start? Tell me about it.\nParticipant: I felt like an outsider. ..."
segment 1 "Tell me about it." is [32, 49) in the interviewer's turn; segment 2 "I felt like an outsider."
is [63, 87) in the participant's.
"""

from __future__ import annotations

from pathlib import Path

from qualcode.project import Project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.coding import CodingScreen


async def test_shift_down_across_a_turn_codes_each_speakers_words(project_path: Path) -> None:
    app = QualcodeApp(project_path, "ana", transcript="alpha")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("j", "shift+down", "1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CodingScreen)
        assert screen.stored_note == "Coded Othered in 2 turns (one coding per speaker's turn)"
        with Project.open(project_path) as project:
            text = project.transcript("alpha").text
            stored = [(c.span.start, c.span.end) for c in project.codings()]
        assert stored == [(32, 49), (63, 87)]
        assert [text[s:e] for s, e in stored] == ["Tell me about it.", "I felt like an outsider."]
        await pilot.press("k", "shift+down", "1")  # the same selection again: both pieces come off together
        await pilot.pause()
    with Project.open(project_path) as project:
        assert project.codings() == []
