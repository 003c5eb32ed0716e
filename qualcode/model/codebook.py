"""The codebook: codes with definitions, criteria, examples and suggestion rules."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

# Keys the workbench binds itself (moving, selecting, picker, memo, undo, quit, search, help);
# a code cannot take them. Other letters, lower and upper case, are free.
RESERVED_HOTKEYS = frozenset("jkvcmnuqhlsyJKNV?/")
COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
# Okabe-Ito first (safe for colour-blind readers), then further distinct hues, for codes with no colour.
DEFAULT_PALETTE = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
    "#999999", "#882255", "#44AA99", "#117733", "#DDCC77", "#AA4499", "#332288",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Code:
    """One entry of the codebook. ``group`` codes only hold children and cannot be applied."""

    name: str
    parent: str | None = None
    group: bool = False
    definition: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    patterns: tuple[Any, ...] = ()  # spaCy Matcher token patterns (lists of dicts)
    colour: str | None = None
    hotkey: str | None = None
    line: int | None = field(default=None, compare=False)  # where the code stands in its source file
    # The code's identity in the project it is stored in ("" for a code read from a file): a codebook
    # compares equal whoever stored it.
    uuid: str = field(default="", compare=False, repr=False)

    def renamed(self, name: str) -> Code:
        return replace(self, name=name)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a codebook, at a line of its file where known."""

    line: int | None
    message: str

    def render(self, filename: str) -> str:
        return f"{filename}:{self.line}: {self.message}" if self.line else f"{filename}: {self.message}"


@dataclass(frozen=True, slots=True)
class Codebook:
    """A named, ordered collection of codes (parents before children)."""

    codes: tuple[Code, ...]
    name: str = ""
    version: str = ""
    description: str = ""

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes)

    def __len__(self) -> int:
        return len(self.codes)

    def get(self, name: str) -> Code | None:
        """The code with this name, ignoring case."""
        folded = name.casefold()
        return next((c for c in self.codes if c.name.casefold() == folded), None)

    def children(self, name: str | None) -> list[Code]:
        return [c for c in self.codes if c.parent == name]

    def path(self, name: str) -> list[str]:
        """Names from the root down to ``name``."""
        out: list[str] = []
        current = self.get(name)
        seen: set[str] = set()
        while current is not None and current.name not in seen:
            seen.add(current.name)
            out.append(current.name)
            current = self.get(current.parent) if current.parent else None
        return list(reversed(out))

    def problems(self) -> list[Problem]:
        """Every structural problem: duplicates, unknown parents, cycles, bad colours and hotkeys."""
        return list(_structural_problems(self.codes))


def _structural_problems(codes: Iterable[Code]) -> Iterator[Problem]:
    codes = list(codes)
    names: dict[str, Code] = {}
    hotkeys: dict[str, Code] = {}
    colours: dict[str, Code] = {}
    for code in codes:
        if not code.name.strip():
            yield Problem(code.line, "a code has an empty name")
            continue
        key = code.name.casefold()
        if key in names:
            where = (
                f"also at line {names[key].line}"
                if names[key].line is not None
                else "already in the codebook"
            )
            yield Problem(code.line, f"duplicate code name {code.name!r} ({where})")
        else:
            names[key] = code
        if code.colour is not None:
            if not COLOUR_RE.match(code.colour):
                yield Problem(code.line, f"code {code.name!r}: colour {code.colour!r} is not #RRGGBB")
            elif code.colour.upper() in colours:
                other = colours[code.colour.upper()]
                yield Problem(
                    code.line, f"code {code.name!r}: colour {code.colour} already used by {other.name!r}"
                )
            else:
                colours[code.colour.upper()] = code
        if code.hotkey is not None:
            yield from _hotkey_problems(code, hotkeys)
        if code.group and (code.hotkey or code.keywords or code.patterns or code.examples):
            yield Problem(
                code.line,
                f"group {code.name!r} cannot be applied, so it takes no hotkey, "
                "examples, keywords or patterns",
            )
    for code in codes:
        if code.parent is not None and code.parent.casefold() not in names:
            yield Problem(code.line, f"code {code.name!r}: unknown parent {code.parent!r}")
    yield from _cycle_problems(codes, names)


def _hotkey_problems(code: Code, hotkeys: dict[str, Code]) -> Iterator[Problem]:
    key = code.hotkey or ""
    if len(key) != 1 or not key.isprintable() or key.isspace() or key.isdigit():
        yield Problem(code.line, f"code {code.name!r}: hotkey {key!r} must be one character, not a digit")
    elif key in RESERVED_HOTKEYS:
        yield Problem(
            code.line,
            f"code {code.name!r}: hotkey {key!r} is reserved by the workbench "
            f"(reserved: {' '.join(sorted(RESERVED_HOTKEYS))})",
        )
    elif key in hotkeys:
        yield Problem(code.line, f"code {code.name!r}: hotkey {key!r} already used by {hotkeys[key].name!r}")
    else:
        hotkeys[key] = code


def _cycle_problems(codes: list[Code], names: dict[str, Code]) -> Iterator[Problem]:
    reported: set[str] = set()
    for code in codes:
        seen: list[str] = []
        current: Code | None = code
        while current is not None and current.parent is not None:
            key = current.name.casefold()
            if key in seen:
                cycle = seen[seen.index(key) :]
                if not reported.intersection(cycle):
                    reported.update(cycle)
                    chain = " -> ".join(names[k].name for k in [*cycle, key])
                    yield Problem(code.line, f"parent cycle: {chain}")
                break
            seen.append(key)
            current = names.get(current.parent.casefold())


def ordered(codes: Iterable[Code]) -> list[Code]:
    """Codes in tree order (each parent before its children), keeping sibling order."""
    codes = list(codes)
    by_parent: dict[str | None, list[Code]] = {}
    known = {c.name for c in codes}
    for code in codes:
        parent = code.parent if code.parent in known else None
        by_parent.setdefault(parent, []).append(code)
    out: list[Code] = []

    def walk(parent: str | None) -> None:
        for child in by_parent.get(parent, []):
            if child not in out:
                out.append(child)
                walk(child.name)

    walk(None)
    out.extend(c for c in codes if c not in out)  # codes caught in a cycle, so nothing is lost
    return out
