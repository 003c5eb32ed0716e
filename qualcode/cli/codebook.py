"""The codebook commands: validate, import, export, show, and the edits that keep codings."""

from __future__ import annotations

from pathlib import Path

import click

from qualcode.cli.common import Group, OutputFile, cli, coder_option, opened, project_argument, write_out

# -- codebook -------------------------------------------------------------------------------------


@cli.group(cls=Group)
def codebook() -> None:
    """Check, import, export, show and edit the codebook."""


@codebook.command("validate")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def codebook_validate(file: Path) -> None:
    """Check a YAML codebook file and report every problem with its line."""
    from qualcode.project import Project

    book = Project.read_codebook(file)
    codable = sum(not c.group for c in book)
    click.echo(f"{file}: OK, {len(book)} codes ({codable} codable, {len(book) - codable} groups)")


@codebook.command("import")
@project_argument
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@coder_option
def codebook_import(project: Path, file: Path, coder: str) -> None:
    """Load a YAML codebook: new codes are added, codes of the same name updated (codings kept)."""
    with opened(project) as proj:
        added, updated = proj.import_codebook(file, coder)
        click.echo(f"{len(added)} codes added, {len(updated)} updated")


@codebook.command("export")
@project_argument
@click.option("-o", "--output", type=OutputFile(), help="File (default: stdout).")
def codebook_export(project: Path, output: Path | None) -> None:
    """Write the project's codebook as YAML."""
    with opened(project, reading=True) as proj:
        text = proj.export_codebook(output)
        if output is None:
            write_out(text)
        else:
            click.echo(f"wrote {output}")


@codebook.command("show")
@project_argument
def codebook_show(project: Path) -> None:
    """Show the code tree with hotkeys and coding counts."""
    with opened(project, reading=True) as proj:
        book = proj.codebook()
        counts = proj.repo.coding_counts()
        lines = []
        for code in book:
            depth = len(book.path(code.name)) - 1
            key = f"[{code.hotkey}]" if code.hotkey else "   "
            tail = "(group)" if code.group else f"{counts.get(code.name, 0)} codings"
            lines.append(f"{'  ' * depth}{key} {code.name}  {tail}\n")
        write_out("".join(lines))


@codebook.command("add")
@project_argument
@click.argument("name")
@click.option("--parent", help="Parent code or group.")
@click.option("--group", is_flag=True, help="A group that only holds codes.")
@click.option("--definition", default="")
@click.option("--hotkey")
@click.option("--colour")
@coder_option
def codebook_add(
    project: Path,
    name: str,
    parent: str | None,
    group: bool,
    definition: str,
    hotkey: str | None,
    colour: str | None,
    coder: str,
) -> None:
    """Add a code."""
    with opened(project) as proj:
        proj.add_code(
            name, parent=parent, group=group, definition=definition, hotkey=hotkey, colour=colour, coder=coder
        )
        click.echo(f"added {name}")


@codebook.command("rename")
@project_argument
@click.argument("old")
@click.argument("new")
@coder_option
def codebook_rename(project: Path, old: str, new: str, coder: str) -> None:
    """Rename a code; its codings keep it."""
    with opened(project) as proj:
        proj.rename_code(old, new, coder)
        click.echo(f"renamed {old} to {new}")


@codebook.command("move")
@project_argument
@click.argument("name")
@click.option("--parent", help="New parent; leave out to move to the top level.")
@coder_option
def codebook_move(project: Path, name: str, parent: str | None, coder: str) -> None:
    """Move a code under another parent."""
    with opened(project) as proj:
        proj.move_code(name, parent, coder)
        click.echo(f"moved {name} under {parent or 'the top level'}")


@codebook.command("merge")
@project_argument
@click.argument("source")
@click.argument("target")
@coder_option
def codebook_merge(project: Path, source: str, target: str, coder: str) -> None:
    """Merge SOURCE into TARGET: its codings move to TARGET and SOURCE is deleted."""
    with opened(project) as proj:
        moved, dropped = proj.merge_codes(source, target, coder)
        twins = f", {dropped} dropped as {target} already had them" if dropped else ""
        click.echo(f"merged {source} into {target}: {moved} codings moved{twins}")


@codebook.command("split")
@project_argument
@click.argument("name")
@click.argument("new")
@click.option(
    "--coding",
    "coding_ids",
    multiple=True,
    type=int,
    help="Id of a coding to move to the new code (repeat; ids from `qualcode codings`).",
)
@coder_option
def codebook_split(project: Path, name: str, new: str, coding_ids: tuple[int, ...], coder: str) -> None:
    """Split NAME: make NEW beside it and move the chosen codings to NEW."""
    with opened(project) as proj:
        moved = proj.split_code(name, new, coding_ids, coder)
        click.echo(f"split {new} from {name}: {moved} codings moved")


@codebook.command("delete")
@project_argument
@click.argument("name")
@click.option("--with-codings", is_flag=True, help="Confirm that the code's codings are deleted too.")
@coder_option
def codebook_delete(project: Path, name: str, with_codings: bool, coder: str) -> None:
    """Delete a code (refused while it has codings, unless --with-codings)."""
    with opened(project) as proj:
        removed = proj.delete_code(name, coder, with_codings=with_codings)
        click.echo(f"deleted {name} and {removed} codings")
