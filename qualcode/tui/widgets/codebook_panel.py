"""The codebook beside the transcript: codes with keys, colours and counts; the focused code's definition."""

from __future__ import annotations

from dataclasses import replace

from rich.cells import cell_len
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from qualcode.model import Code, Codebook, Coding


def number_keys(codebook: Codebook, kept: dict[str, str] | None = None) -> dict[str, str]:
    """Keys 1-9 to code names: those in ``kept`` stay with their code, the free ones go to the codable
    codes without a number, in codebook order.

    A key whose code is gone (deleted, merged into another) keeps its name, so the workbench can say so
    rather than apply whichever code moved up into that place in the list.
    """
    numbers = {k: v for k, v in (kept or {}).items() if k in _DIGITS}
    numbered = set(numbers.values())
    spare = [c.name for c in codebook if not c.group and c.name not in numbered]
    for key in _DIGITS:
        if not spare:
            break
        if key not in numbers:
            numbers[key] = spare.pop(0)
    return dict(sorted(numbers.items()))


_DIGITS = tuple(str(i) for i in range(1, 10))


def follow_renames(numbers: dict[str, str], before: Codebook, after: Codebook) -> dict[str, str]:
    """The number keys with the names of codes renamed between ``before`` and ``after``.

    The project keeps no identity for a code but its name: a code that has gone and one that has come
    with every other field the same (definition, criteria, colour, hotkey, ...) is taken as renamed.
    """
    names = {c.name for c in after}
    old_names = {c.name for c in before}
    came = [c for c in after if c.name not in old_names]
    out = dict(numbers)
    for key, name in numbers.items():
        gone = before.get(name)
        if name in names or gone is None:
            continue
        same = [c for c in came if replace(c, name=gone.name, parent=gone.parent) == gone]
        if len(same) == 1:
            out[key] = same[0].name
    return out


def code_colours(codebook: Codebook) -> dict[str, str]:
    """Each code's colour; codes without one get the next colour-blind-safe palette colour."""
    from qualcode.model.codebook import DEFAULT_PALETTE

    used = {c.colour.upper() for c in codebook if c.colour}
    spare = [c for c in DEFAULT_PALETTE if c.upper() not in used] or list(DEFAULT_PALETTE)
    out: dict[str, str] = {}
    for i, code in enumerate(c for c in codebook if not c.group):
        out[code.name] = code.colour or spare[i % len(spare)]
    return out


class CodeList(OptionList):
    """Codes in tree order; groups are headings; each line shows key, colour, count and name.

    A long name wraps under itself (not under the key), so at 100 columns "Professional jurisdiction and
    resistance" reads whole instead of as "Professional jurisdict…".
    """

    _shown: tuple[Codebook, dict[str, int], dict[str, str], dict[str, str]] | None = None
    _shown_width = -1

    def on_resize(self) -> None:
        # The names wrap to the width: shown before the layout, again once it is known.
        if self._shown is not None and self.scrollable_content_region.width != self._shown_width:
            self.show(*self._shown)

    def show(
        self, codebook: Codebook, counts: dict[str, int], colours: dict[str, str], keys: dict[str, str]
    ) -> None:
        """Show ``codebook``; ``keys`` are the number keys (key to code name)."""
        self._shown = (codebook, counts, colours, keys)
        width = self._shown_width = self.scrollable_content_region.width
        numbers = {v: k for k, v in keys.items()}
        highlighted = self.highlighted_option.id if self.highlighted_option else None
        self.clear_options()
        options = []
        for code in codebook:
            depth = len(codebook.path(code.name)) - 1
            indent = "  " * depth
            if code.group:
                head = Text(indent)
                options.append(
                    Option(
                        self._hanging(head, Text(code.name, style="bold dim"), width),
                        id=code.name,
                        disabled=True,
                    )
                )
                continue
            shown = "/".join(k for k in (numbers.get(code.name), code.hotkey) if k)
            head = Text.assemble(
                (f"{shown:>3} ", "bold"),
                ("■", colours.get(code.name, "#888888")),
                (f"{counts.get(code.name, 0):>4} ", "dim"),
                indent,
            )
            options.append(Option(self._hanging(head, Text(code.name), width), id=code.name))
        self.add_options(options)
        ids = [o.id for o in options]
        if highlighted in ids:
            self.highlighted = ids.index(highlighted)

    def _hanging(self, head: Text, name: Text, width: int) -> Text:
        """``head`` then ``name``, the name wrapped at ``width`` with its later lines under its first."""
        room = width - head.cell_len
        if width <= 0 or room < 8:  # before the layout, or too narrow to wrap into: cut at the end
            return Text.assemble(head, name, no_wrap=True, overflow="ellipsis")
        out = Text(no_wrap=True, overflow="ellipsis")
        for i, piece in enumerate(name.wrap(self.app.console, room, overflow="fold")):
            out.append_text(head if i == 0 else Text("\n" + " " * head.cell_len))
            piece.rstrip()
            out.append_text(piece)
        return out


class CodeDetail(VerticalScroll):
    """Definition, criteria and examples of one code: what a coder checks before applying it."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="code-detail-text", markup=False)

    def show(self, code: Code | None) -> None:
        body = self.query_one("#code-detail-text", Static)
        if code is None:
            body.update("")
            return
        text = Text()
        text.append(code.name + "\n", style="bold")
        if code.definition:
            text.append(code.definition + "\n")
        for title, items in (
            ("Include", code.include),
            ("Exclude", code.exclude),
            ("Examples", code.examples),
        ):
            if items:
                text.append(f"\n{title}\n", style="bold")
                for item in items:
                    text.append(f" • {item}\n", style="italic" if title == "Examples" else "")
        body.update(text)


class SegmentCodings(Static):
    """The codings on the current selection: code, coder and when; the coder's own first."""

    ROWS = 6  # the panel's height in app.tcss (#segment-codings max-height): one row a coding

    _shown: tuple[list[Coding], dict[str, str], str] | None = None

    def on_resize(self) -> None:
        if self._shown is not None:  # the names are cut to the width: shown before the layout, again now
            self.show(*self._shown)

    def show(self, codings: list[Coding], colours: dict[str, str], coder: str = "") -> None:
        self._shown = (codings, colours, coder)
        if not codings:
            self.update(Text("No codings here yet", style="dim"))
            return
        # Where other coders have coded much, the coder's own codings must not be the ones cut off.
        ordered = sorted(codings, key=lambda c: c.coder != coder)
        shown = ordered if len(ordered) <= self.ROWS else ordered[: self.ROWS - 1]
        lines: list[Text] = []
        # Who coded it comes before the code and when after it; a long code name is cut in the middle of
        # the line, so neither the coder nor the time falls off the panel's edge.
        width = max(cell_len(c.coder) for c in shown)  # terminal cells: a CJK character takes two
        for coding in shown:
            when = coding.created_at.astimezone().strftime("%d %b %H:%M")
            name = Text(coding.code)
            room = self.content_size.width - (2 + width + 2) - (2 + len(when))
            if self.content_size.width:
                name.truncate(max(room, 2), overflow="ellipsis")
            padding = " " * (width - cell_len(coding.coder) + 2)
            line = Text(no_wrap=True, overflow="ellipsis")
            line.append("■ ", style=colours.get(coding.code, "#888888"))
            line.append(coding.coder + padding, style="bold" if coding.coder == coder else "")
            line.append_text(name)
            line.append(f"  {when}", style="dim")
            lines.append(line)
        if len(shown) < len(ordered):
            lines.append(Text(f"… and {len(ordered) - len(shown)} more here", style="dim"))
        self.update(Text("\n", no_wrap=True, overflow="ellipsis").join(lines))
