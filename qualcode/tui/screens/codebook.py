"""The codebook editor: add, rename, move, merge, split, recolour and delete codes, edit their texts.

Each change is applied at once through the Project API (and so logged and undoable with u / ctrl+z).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import yaml
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Label, SelectionList, TextArea, Tree
from textual.widgets.tree import TreeNode

from qualcode.errors import InputError, QualcodeError
from qualcode.model import Code, Codebook, CodingFilter
from qualcode.tui.modals.code_picker import CodePicker
from qualcode.tui.modals.dialogs import ConfirmDialog, PromptDialog
from qualcode.tui.widgets.codebook_panel import CodeDetail, code_colours

if TYPE_CHECKING:
    from qualcode.tui.app import QualcodeApp

TOP = "(top level)"
EDITABLE = ("definition", "include", "exclude", "examples", "keywords")


def fields_as_yaml(code: Code) -> str:
    """A code's texts as a small YAML document to edit by hand."""
    data: dict[str, Any] = {"definition": code.definition}
    for key in EDITABLE[1:]:
        data[key] = list(getattr(code, key))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=88)


def yaml_as_fields(text: str) -> dict[str, Any]:
    """Parse the edited YAML back into update_code arguments.

    Raises:
        InputError: with the line, for YAML that does not parse or fields of the wrong shape.
    """
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "the text"
        raise InputError(
            f"{where}: not valid YAML", "check indentation and quote texts containing ': '"
        ) from exc
    if not isinstance(data, dict) or set(data) - set(EDITABLE):
        raise InputError(f"only these fields can be edited here: {', '.join(EDITABLE)}", "remove other keys")
    out: dict[str, Any] = {}
    if "definition" in data:
        out["definition"] = str(data["definition"] or "").strip()
    for key in EDITABLE[1:]:
        if key in data:
            items = data[key] or []
            if not isinstance(items, list) or not all(isinstance(i, str | int | float) for i in items):
                raise InputError(
                    f"{key} must be a list of texts", "write one '- text' per line; quote texts with ': '"
                )
            out[key] = tuple(str(i).strip() for i in items)
    return out


class FieldsEditor(ModalScreen[str | None]):
    """Edit a code's definition, criteria, examples and keywords as YAML; ctrl+s saves."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "dismiss(None)", "Cancel"),
    ]

    def __init__(self, code: Code) -> None:
        super().__init__()
        self.code = code

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog memo-editor"):
            yield Label(
                f"{self.code.name}: edit (ctrl+s saves, escape cancels)", classes="dialog-title", markup=False
            )
            yield TextArea(fields_as_yaml(self.code), language=None, id="fields")

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)


class CodingsChooser(ModalScreen[list[int] | None]):
    """Choose which codings move to the new code of a split."""

    BINDINGS = [Binding("ctrl+s,enter", "done", "Split with these", priority=True),
                Binding("escape", "dismiss(None)", "Cancel")]  # fmt: skip

    def __init__(self, choices: list[tuple[Text, int]]) -> None:
        super().__init__()
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog picker"):
            yield Label(
                "Space marks the codings that move to the new code; Enter splits", classes="dialog-title"
            )
            yield SelectionList[int](*self.choices, id="codings-to-move")

    def action_done(self) -> None:
        self.dismiss(list(self.query_one(SelectionList).selected))


class CodebookScreen(Screen[None]):
    """The code tree and the selected code's details."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="codebook.back"),
        Binding("a", "add", "Add", id="codebook.add"),
        Binding("r", "rename", "Rename", id="codebook.rename"),
        Binding("p", "move", "Move", id="codebook.move"),
        Binding("g", "merge", "Merge into", id="codebook.merge"),
        Binding("s", "split", "Split", id="codebook.split"),
        Binding("d,delete", "delete", "Delete", id="codebook.delete"),
        Binding("e", "edit", "Edit texts", id="codebook.edit"),
        Binding("o", "colour", "Colour", id="codebook.colour"),
        Binding("h", "hotkey", "Hotkey", id="codebook.hotkey"),
        Binding("u,ctrl+z", "undo", "Undo", id="codebook.undo"),
        Binding("ctrl+y", "redo", "Redo", id="codebook.redo", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.codebook = Codebook(())

    @property
    def qapp(self) -> QualcodeApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Label(" Codebook editor ", classes="panel-title")
        with Horizontal():
            yield Tree("Codebook", id="codebook-tree")
            yield CodeDetail(id="codebook-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(Tree).focus()

    def reload(self, select: str | None = None) -> None:
        project = self.qapp.project
        tree: Tree[str] = self.query_one("#codebook-tree", Tree)
        current = select or self.selected_name()
        self.codebook = project.codebook()
        colours = code_colours(self.codebook)
        counts = project.repo.coding_counts()
        tree.clear()
        tree.root.expand()
        nodes: dict[str | None, TreeNode[str]] = {None: tree.root}
        for code in self.codebook:
            label = Text(code.name, style="bold" if code.group else "")
            if not code.group:
                key = f"[{code.hotkey}] " if code.hotkey else ""
                label = Text.assemble(
                    ("■ ", colours[code.name]), key, label, (f"  {counts.get(code.name, 0)}", "dim")
                )
            parent = nodes.get(code.parent, tree.root)
            nodes[code.name] = parent.add(label, data=code.name, expand=True)
        target = next((n for n in nodes.values() if n is not tree.root and n.data == current), None)
        if target is not None:
            # Lines are laid out on the next refresh; move the cursor once they are.
            self.call_after_refresh(tree.move_cursor, target)
        self._show()

    def selected_name(self) -> str | None:
        node = self.query_one("#codebook-tree", Tree).cursor_node
        return node.data if node is not None and node.data else None

    def on_tree_node_highlighted(self, _event: Tree.NodeHighlighted[str]) -> None:
        self._show()

    def _show(self) -> None:
        name = self.selected_name()
        self.query_one(CodeDetail).show(self.codebook.get(name) if name else None)

    def _do(self, change: Callable[[], object], done: str, select: str | None = None) -> None:
        try:
            change()
        except QualcodeError as exc:
            self.qapp.show_error(exc)
            return
        self.qapp.note_own_change()
        self.qapp.codebook_changed_here()
        self.notify(done, timeout=2)
        self.reload(select)

    def _need_code(self) -> str | None:
        name = self.selected_name()
        if name is None:
            self.notify("Select a code first", severity="warning")
        return name

    def action_add(self) -> None:
        selected = self.codebook.get(self.selected_name() or "")
        parent = selected.name if selected and selected.group else (selected.parent if selected else None)

        def add(name: str | None) -> None:
            if name:
                self._do(
                    lambda: self.qapp.project.add_code(name, parent=parent, coder=self.qapp.coder),
                    f"Added {name}",
                    name,
                )

        self.app.push_screen(PromptDialog(f"New code under {parent or TOP}:"), add)

    def action_rename(self) -> None:
        if (name := self._need_code()) is None:
            return

        def rename(new: str | None) -> None:
            if new and new != name:
                self._do(
                    lambda: self.qapp.project.rename_code(name, new, coder=self.qapp.coder),
                    f"Renamed to {new}",
                    new,
                )

        self.app.push_screen(PromptDialog(f"Rename {name} to:", name), rename)

    def action_move(self) -> None:
        if (name := self._need_code()) is None:
            return
        options = [Code(TOP, group=True), *[c for c in self.codebook if c.name != name]]

        def move(parent: str | None) -> None:
            if parent:
                target = None if parent == TOP else parent
                self._do(
                    lambda: self.qapp.project.move_code(name, target, coder=self.qapp.coder),
                    f"Moved {name} under {parent}",
                    name,
                )

        self.app.push_screen(CodePicker(options, f"Move {name} under:", allow_groups=True), move)

    def action_merge(self) -> None:
        if (name := self._need_code()) is None:
            return
        options = [c for c in self.codebook if c.name != name]

        def merge(target: str | None) -> None:
            if target:
                self._do(
                    lambda: self.qapp.project.merge_codes(name, target, coder=self.qapp.coder),
                    f"Merged {name} into {target}",
                    target,
                )

        self.app.push_screen(CodePicker(options, f"Merge {name} into (its codings move there):"), merge)

    def action_split(self) -> None:
        if (name := self._need_code()) is None:
            return
        codings = self.qapp.project.codings(CodingFilter(codes=(name,)))

        def named(new: str | None) -> None:
            if not new:
                return
            choices = [
                (Text(f"{c.transcript} · {c.coder} · {' '.join(c.text.split())[:70]}"), c.id) for c in codings
            ]

            def split(ids: list[int] | None) -> None:
                if ids is not None:
                    self._do(
                        lambda: self.qapp.project.split_code(name, new, ids, coder=self.qapp.coder),
                        f"Split {new} from {name}: {len(ids)} codings moved",
                        new,
                    )

            self.app.push_screen(CodingsChooser(choices), split)

        self.app.push_screen(PromptDialog(f"Split {name}: name of the new code"), named)

    def action_delete(self) -> None:
        if (name := self._need_code()) is None:
            return
        count = self.qapp.project.repo.coding_counts().get(name, 0)
        question = f"Delete {name}?" + (f"\nIts {count} codings will be deleted too." if count else "")

        def delete(yes: bool | None) -> None:
            if yes:
                self._do(
                    lambda: self.qapp.project.delete_code(name, coder=self.qapp.coder, with_codings=True),
                    f"Deleted {name}" + (f" and {count} codings (u undoes)" if count else ""),
                )

        self.app.push_screen(ConfirmDialog(question, "Delete"), delete)

    def action_edit(self) -> None:
        if (name := self._need_code()) is None or (code := self.codebook.get(name)) is None:
            return

        def save(text: str | None) -> None:
            if text is not None:
                self._do(
                    lambda: self.qapp.project.update_code(
                        name, coder=self.qapp.coder, **yaml_as_fields(text)
                    ),
                    f"Saved {name}",
                    name,
                )

        self.app.push_screen(FieldsEditor(code), save)

    def action_colour(self) -> None:
        if (name := self._need_code()) is None:
            return
        code = self.codebook.get(name)

        def recolour(colour: str | None) -> None:
            if colour:
                self._do(lambda: self._set_checked(name, colour=colour), f"Recoloured {name}", name)

        self.app.push_screen(
            PromptDialog(f"Colour of {name} (#RRGGBB):", (code.colour if code else "") or ""), recolour
        )

    def action_hotkey(self) -> None:
        if (name := self._need_code()) is None:
            return
        code = self.codebook.get(name)

        def rekey(key: str | None) -> None:
            self._do(lambda: self._set_checked(name, hotkey=key), f"Hotkey of {name}: {key or 'none'}", name)

        self.app.push_screen(
            PromptDialog(f"Hotkey of {name} (one key; empty for none):", (code.hotkey if code else "") or ""),
            rekey,
        )

    def _set_checked(self, name: str, **changes: Any) -> None:
        """Change colour or hotkey after checking the result the way `codebook validate` would."""
        from dataclasses import replace

        codes = [replace(c, **changes) if c.name == name else c for c in self.codebook]
        problems = [p for p in Codebook(tuple(codes)).problems() if name in p.message]
        if problems:
            raise InputError(problems[0].message, "choose another")
        self.qapp.project.update_code(name, coder=self.qapp.coder, **changes)

    def action_undo(self) -> None:
        if self.qapp.travel(undo=True) is not None:
            self.reload()

    def action_redo(self) -> None:
        if self.qapp.travel(undo=False) is not None:
            self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
