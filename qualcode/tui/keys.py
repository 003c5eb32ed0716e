"""Key bindings with ids, so users can remap them, and loading the user's key map.

A key map is a TOML file of ``binding-id = "keys"`` lines, e.g.::

    # ~/.config/qualcode/keys.toml
    "segment.next" = "j,down"
    "code.picker" = "c,ctrl+p"

It is read from ``$QUALCODE_KEYS``, else ``$XDG_CONFIG_HOME/qualcode/keys.toml`` (``~/.config/...``).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from textual.binding import Binding, BindingType

from qualcode.errors import InputError

CODING_BINDINGS: list[BindingType] = [
    Binding("j,down", "move(1)", "Next", id="segment.next"),
    Binding("k,up", "move(-1)", "Previous", id="segment.previous"),
    Binding("J", "move_turn(1)", "Next turn", id="turn.next", show=False),
    Binding("K", "move_turn(-1)", "Previous turn", id="turn.previous", show=False),
    Binding("shift+down", "extend(1)", "Extend down", id="selection.extend_down", show=False),
    Binding("shift+up", "extend(-1)", "Extend up", id="selection.extend_up", show=False),
    Binding("v", "visual", "Select text", id="selection.visual"),
    Binding("escape", "collapse", "Clear selection", id="selection.clear", show=False),
    Binding("c", "pick_code", "Code…", id="code.picker"),
    Binding("m", "memo", "Memo", id="memo.write"),
    Binding("slash", "search", "Search", id="search"),
    Binding("n", "next_uncoded", "Next uncoded", id="segment.next_uncoded"),
    Binding("u,ctrl+z", "undo", "Undo", id="history.undo"),
    Binding("ctrl+y", "redo", "Redo", id="history.redo", show=False),
    # Suggestions: y/N as in a "[y/N]" prompt; the workbench keeps s, y, N and V from the codebook.
    Binding("y", "accept_suggestion", "Accept suggestion", id="suggestion.accept"),
    Binding("N", "reject_suggestion", "Reject suggestion", id="suggestion.reject"),
    Binding("tab", "cycle_suggestion(1)", "Next suggestion here", id="suggestion.next", show=False),
    Binding(
        "shift+tab", "cycle_suggestion(-1)", "Previous suggestion here", id="suggestion.previous", show=False
    ),
    Binding("s", "toggle_inline", "Suggestions inline", id="suggestion.inline", show=False),
    Binding("ctrl+a", "accept_all", "Accept all of a code…", id="suggestion.accept_all", show=False),
    Binding("ctrl+n", "next_uncertain", "Next uncertain", id="suggestion.next_uncertain", show=False),
]

# In the character selection (after `v`): refine the selection the way vi users expect.
VISUAL_KEYS = {
    "l": ("end", 1),
    "right": ("end", 1),
    "h": ("end", -1),
    "left": ("end", -1),
    "w": ("end_word", 1),
    "b": ("end_word", -1),
    "L": ("start", 1),
    "shift+right": ("start", 1),
    "H": ("start", -1),
    "shift+left": ("start", -1),
    "W": ("start_word", 1),
    "B": ("start_word", -1),
}

APP_BINDINGS: list[BindingType] = [
    # Screens sit on control keys, everywhere: plain letters are the codebook's hotkeys.
    Binding("ctrl+o", "open_project_screen", "Transcripts", id="screen.project"),
    Binding("ctrl+r", "open_retrieval", "Quotes", id="screen.retrieval"),
    Binding("ctrl+e", "open_codebook_editor", "Codebook", id="screen.codebook"),
    Binding("ctrl+t", "open_memos", "Memos", id="screen.memos"),
    Binding("ctrl+g", "open_analysis", "Analysis", id="screen.analysis"),
    Binding("question_mark", "help", "Help", id="app.help"),
    Binding("q", "quit", "Quit", id="app.quit"),
]


def keymap_path() -> Path:
    if os.environ.get("QUALCODE_KEYS"):
        return Path(os.environ["QUALCODE_KEYS"])
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "qualcode" / "keys.toml"


def load_keymap(path: Path | None = None) -> dict[str, str]:
    """The user's key map, or an empty one when there is no file.

    Raises:
        InputError: for a file that is not TOML or whose values are not key strings.
    """
    path = path or keymap_path()
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(
            f"{path}: not a valid key map ({exc})", 'write lines like "segment.next" = "j,down"'
        ) from exc
    known = {b.id for b in [*CODING_BINDINGS, *APP_BINDINGS] if isinstance(b, Binding) and b.id}
    for key, value in data.items():
        if key not in known:
            raise InputError(
                f"{path}: unknown binding {key!r}", f"known bindings: {', '.join(sorted(known))}"
            )
        if not isinstance(value, str) or not value.strip():
            raise InputError(f'{path}: {key!r} needs keys as a string, like "j,down"', "fix that line")
    return {str(k): str(v) for k, v in data.items()}
