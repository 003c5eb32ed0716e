"""Every key of the screen the user came from, the text-selection keys and the codebook's code keys."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from qualcode.tui.keys import APP_BINDINGS, VISUAL_KEYS, keymap_path


class HelpScreen(ModalScreen[None]):
    """A key reference; escape or ? closes it."""

    BINDINGS = [Binding("escape,question_mark,q", "dismiss(None)", "Close")]

    def __init__(self, origin: Screen[object]) -> None:
        super().__init__()
        self.origin = origin

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(self._keys(), id="help-text")

    def _keys(self) -> Table:
        table = Table(title="Keys", show_header=False, box=None, expand=True)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        seen = set()
        for binding in [*self.origin.BINDINGS, *APP_BINDINGS]:
            if isinstance(binding, Binding) and binding.description and binding.id not in seen:
                seen.add(binding.id)
                keys = (
                    self.app.get_key_display(binding) if hasattr(self.app, "get_key_display") else binding.key
                )
                table.add_row(keys, binding.description)
        keys_of = getattr(self.origin, "keys", None)
        if isinstance(keys_of, dict) and keys_of:
            table.add_row("", "")
            table.add_row(Text("Codes", style="bold"), "toggle the code on the selection")
            for key, code in keys_of.items():
                table.add_row(key, code)
            table.add_row("", "")
            table.add_row(Text("Selecting text (v)", style="bold"), "")
            for key, (edge, step) in VISUAL_KEYS.items():
                where = "end" if edge.startswith("end") else "start"
                unit = "a word" if edge.endswith("word") else "a character"
                table.add_row(key, f"move the {where} {'forward' if step > 0 else 'back'} by {unit}")
        table.add_row("", "")
        table.add_row("ctrl+p", "command palette: every action by name")
        table.add_row("", f"remap keys in {keymap_path()} (binding ids are shown in the command palette)")
        return table
