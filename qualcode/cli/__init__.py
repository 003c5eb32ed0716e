"""The command line: parses, calls the Project API, and turns errors into one line (what went wrong; what to do) and an exit status.

Commands live in one module per area; importing them registers them on the ``cli`` group.
"""

from __future__ import annotations

import sys

import click

from qualcode.cli import analysis, codebook, coding, notes, setup, speakers, suggest, workbench  # noqa: F401 - registers the commands
from qualcode.cli.common import cli, fail
from qualcode.errors import QualcodeError

__all__ = ["cli", "main"]


def main() -> None:
    """Entry point of the ``qualcode`` command."""
    try:
        cli(prog_name="qualcode")
    except QualcodeError as exc:  # raised outside a command's invoke (rare)
        fail(exc)
    except KeyboardInterrupt:
        click.echo("qualcode: interrupted; nothing half-written was kept", err=True)
        sys.exit(130)
