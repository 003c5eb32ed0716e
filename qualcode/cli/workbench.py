"""Opening the workbench: in this terminal, or served to a browser on localhost."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from qualcode.cli.common import CODER_ENV, cli, coder_name, project_argument
from qualcode.cli.common import _default_coder as default_coder


def run_workbench(project: Path, coder: str, transcript: str | None = None) -> None:
    """Start the Textual workbench on a project (the project is opened, and checked, first)."""
    from qualcode.tui.first_suggestions import FirstSuggestions

    # Forked before the workbench's own imports, so that spaCy loads there while they run.
    first = FirstSuggestions.start(project, coder)
    try:
        from qualcode.tui.app import QualcodeApp

        app = QualcodeApp(project, coder, transcript=transcript, first_suggestions=first)
    except BaseException:
        if first is not None:
            first.close()
        raise
    app.run()
    if app.return_code:  # Textual printed what went wrong; a script must not read it as a clean exit
        sys.exit(app.return_code)


@cli.command("open")
@project_argument
@click.option(
    "--coder",
    callback=coder_name,
    default=default_coder,
    envvar=CODER_ENV,
    show_default=f"${CODER_ENV} or your user name",
    help="Who is coding: codings, undo and the cursor position are per coder.",
)
@click.option("--transcript", help="Open this transcript straight away.")
def open_(project: Path, coder: str, transcript: str | None) -> None:
    """Open the coding workbench on PROJECT."""
    run_workbench(project, coder, transcript)


@cli.command()
@project_argument
@click.option(
    "--coder",
    callback=coder_name,
    default=default_coder,
    envvar=CODER_ENV,
    show_default=f"${CODER_ENV} or your user name",
)
@click.option("--port", default=8000, show_default=True)
@click.option(
    "--host", default="localhost", show_default=True, help="Keep it on localhost unless you mean otherwise."
)
def serve(project: Path, coder: str, port: int, host: str) -> None:
    """Serve the workbench to a browser on this machine (textual-serve)."""
    from textual_serve.server import Server

    from qualcode.project import Project

    Project.open(project).close()  # refuse a bad project here, not inside the browser
    command = " ".join(
        shlex.quote(p) for p in [sys.executable, "-m", "qualcode", "open", str(project), "--coder", coder]
    )
    click.echo(f"serving {project} on http://{host}:{port} (ctrl+c stops)")
    from importlib.resources import files

    # textual-serve's own page fetches a web font from the internet; ours does not.
    templates = str(files("qualcode.tui") / "serve_templates")
    Server(
        command, host=host, port=port, title=f"qualcode · {project.name}", templates_path=templates
    ).serve()
