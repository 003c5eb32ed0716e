"""Memos, the change log and the project's figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from qualcode.cli.common import cli, coder_option, emit, opened, project_argument, write_out


@cli.command()
@project_argument
@click.argument("text")
@click.option("--transcript", help="Attach to this transcript.")
@click.option("--code", "code_name", help="Attach to this code.")
@click.option("--coding", type=int, help="Attach to this coding id.")
@coder_option
def memo(
    project: Path, text: str, transcript: str | None, code_name: str | None, coding: int | None, coder: str
) -> None:
    """Write a memo on the project, a transcript, a code or a coding."""
    from qualcode.model import MemoTarget

    targets = [
        (MemoTarget.TRANSCRIPT, transcript),
        (MemoTarget.CODE, code_name),
        (MemoTarget.CODING, None if coding is None else str(coding)),
    ]
    chosen = [(k, v) for k, v in targets if v is not None]
    if len(chosen) > 1:
        raise click.UsageError("attach a memo to one thing at a time")
    target, name = chosen[0] if chosen else (MemoTarget.PROJECT, None)
    with opened(project) as proj:
        saved = proj.add_memo(text, coder=coder, target=target, target_name=name)
        click.echo(f"memo {saved.id} saved on {target.value}{' ' + name if name else ''}")


@cli.command()
@project_argument
@click.option(
    "--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True
)
def memos(project: Path, fmt: str) -> None:
    """List memos."""
    with opened(project, reading=True) as proj:
        rows = [
            [
                m.id,
                m.target.value,
                m.about,
                m.author,
                m.updated_at.isoformat(timespec="seconds"),
                m.text,
            ]
            for m in proj.memos()
        ]
        emit(["id", "target", "on", "author", "updated", "text"], rows, fmt)


@cli.command()
@project_argument
@click.option("--limit", default=30, show_default=True, help="How many of the latest changes.")
def log(project: Path, limit: int) -> None:
    """Show the latest changes: who did what, when."""
    with opened(project, reading=True) as proj:
        write_out(
            "".join(
                f"{ev.id:6} {ev.at.isoformat(timespec='seconds')} {ev.coder or '-':12} {ev.action:18} "
                + " ".join(log_fields(ev.payload))
                + "\n"
                for ev in proj.events(limit)
            )
        )


LISTED = 5  # items of a list shown in a log line before "+N more"


def log_fields(payload: dict[str, Any]) -> list[str]:
    """What a log line says about a change: its fields, the codings it made or removed named by place and
    code (never by their text), lists shortened. The stored rows (kept for undo) are left out."""
    fields: list[str] = []
    for key, value in payload.items():
        if isinstance(value, dict):
            continue
        if not isinstance(value, list):
            fields.append(f"{key}={value}")
        elif value and all(isinstance(v, dict) and {"transcript", "code"} <= v.keys() for v in value):
            fields.extend(_codings(key, value))
        elif value:
            fields.append(f"{key}={_listed(value)}")
    return fields


def _listed(values: list[Any]) -> str:
    """The first LISTED values and how many more; "; " between them, as code names hold commas."""
    more = f" (+{len(values) - LISTED} more)" if len(values) > LISTED else ""
    return "; ".join(str(v) for v in values[:LISTED]) + more


def _codings(key: str, codings: list[dict[str, Any]]) -> list[str]:
    if len(codings) == 1:
        [c] = codings
        return [
            f"transcript={c['transcript']}",
            f"start={c.get('start')}",
            f"end={c.get('end')}",
            f"code={c['code']}",
        ]
    transcripts = list(dict.fromkeys(c["transcript"] for c in codings))
    codes = list(dict.fromkeys(c["code"] for c in codings))
    return [f"{key}={len(codings)}", f"transcripts={_listed(transcripts)}", f"codes={_listed(codes)}"]


@cli.command()
@project_argument
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def stats(project: Path, fmt: str) -> None:
    """Show what the project holds: transcripts, words, segments, cases, codes, codings."""
    with opened(project, reading=True) as proj:
        figures = proj.stats()
        write_out(json.dumps(figures, indent=2) + "\n" if fmt == "json" else stats_text(figures))


def stats_text(figures: dict[str, Any]) -> str:
    """The project's figures as ``qualcode stats`` prints them."""
    lines: list[str] = []
    for key in (
        "transcripts",
        "words",
        "turns",
        "segments",
        "cases",
        "codes",
        "codings",
        "coders",
        "memos",
        "events",
    ):
        lines.append(f"{key:12} {figures[key]:>9,}")
    if figures["codings_by_coder"]:
        lines.append(
            "codings by coder: " + ", ".join(f"{k} {v}" for k, v in figures["codings_by_coder"].items())
        )
    lines.extend(f"  {count:6}  {name}" for name, count in list(figures["codings_by_code"].items())[:15])
    return "".join(line + "\n" for line in lines)
