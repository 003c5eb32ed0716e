"""Who speaks: list each transcript's speakers as participant or research team, and set them."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli.common import cli, coder_option, emit, opened, project_argument
from qualcode.model.speakers import speaker_doubts


@cli.command()
@project_argument
@click.option("--transcript", help="Only this transcript (with --set: the rule holds in it alone).")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="NAME=ROLE",
    help="Say who a speaker is: interviewer, facilitator, note-taker, participant, or case:NAME "
    "(a participant of another case). Repeat for several; without --transcript it holds in every transcript.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
@coder_option
def speakers(
    project: Path, transcript: str | None, assignments: tuple[str, ...], fmt: str, coder: str
) -> None:
    """List who speaks in each transcript: a participant (and their case) or the research team.

    Quotes, exports, frequencies by attribute and the report credit every span to its speaker: the research
    team's words are never a participant's. Roles are detected (generic labels such as Interviewer; a name that
    speaks in most transcripts is the interviewer); --set corrects them, undoably.
    """
    with opened(project, reading=not assignments) as proj:
        if assignments:
            for s in proj.set_speakers(list(assignments), transcript=transcript, coder=coder):
                who = f"participant, case {s.case}" if s.case else s.role.value
                click.echo(f"{s.transcript}: {s.label} is now {who}")
            return
        found = proj.speakers([transcript] if transcript else None)
        rows = [
            [
                s.transcript,
                s.label,
                s.role.value,
                s.case or "",
                s.turns,
                ("you: " if s.by_user else "") + s.reason,
            ]
            for s in found
        ]
        emit(["transcript", "speaker", "role", "case", "turns", "why"], rows, fmt)
        for doubt in speaker_doubts(found):
            click.echo(f"qualcode: note: {doubt}", err=True)
