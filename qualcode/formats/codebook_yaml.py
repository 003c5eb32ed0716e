"""The YAML codebook format (see docs/codebook-format.md): reading with line numbers, checking, writing."""

from __future__ import annotations

import re
from typing import Any

import yaml

from qualcode.errors import CodebookError
from qualcode.model import Code, Codebook, Problem

_LINE = "__line__"
_KEY_LINES = "__key_lines__"  # {key: the line it is on}, for problems about one key of a mapping
_META = {_LINE, _KEY_LINES}
# A colour written unquoted: YAML reads ``colour: #0072B2`` as an empty value and a comment.
_COMMENTED_COLOUR = re.compile(
    r"^\s*(?:-\s+)?(?P<key>colou?r)\s*:\s+(?P<value>#[0-9A-Fa-f]{3,8})(?![0-9A-Za-z])"
)  # not "# TODO"
_TOP_KEYS = {"name", "version", "description", "codes"}
_CODE_KEYS = {
    "name",
    "parent",
    "group",
    "definition",
    "include",
    "exclude",
    "examples",
    "keywords",
    "patterns",
    "colour",
    "color",
    "hotkey",
    "children",
}
_TEXT_LISTS = ("include", "exclude", "examples", "keywords")


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line each mapping starts on."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[_LINE] = node.start_mark.line + 1
    mapping[_KEY_LINES] = {
        key.value: key.start_mark.line + 1 for key, _value in node.value if isinstance(key, yaml.ScalarNode)
    }
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_codebook(text: str, filename: str) -> tuple[Codebook, list[Problem]]:
    """Read a YAML codebook; returns the codes it could read and every problem found, with lines.

    Raises:
        CodebookError: when the file is not YAML at all (the problem names the line and column).
    """
    try:
        data = yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{filename}:{mark.line + 1}:{mark.column + 1}" if mark else filename
        problem = getattr(exc, "problem", None) or str(exc)
        raise CodebookError(
            f"{where}: not valid YAML: {problem}",
            "fix the YAML syntax (indentation, quotes, colons) at that line",
            [f"{where}: {problem}"],
        ) from exc
    problems: list[Problem] = []
    if not isinstance(data, dict) or not isinstance(data.get("codes"), list):
        problems.append(Problem(1, "a codebook is a mapping with a 'codes' list"))
        return Codebook(()), problems
    for key in sorted(set(data) - _TOP_KEYS - _META, key=str):
        problems.append(
            Problem(data[_LINE], f"unknown key {key!r} (allowed: {', '.join(sorted(_TOP_KEYS))})")
        )
    codes: list[Code] = []
    _read_codes(data["codes"], None, codes, problems, data[_LINE])
    problems.extend(_commented_colours(data["codes"], text.split("\n")))
    codebook = Codebook(
        codes=tuple(codes),
        name=str(data.get("name") or ""),
        version=str(data.get("version") or ""),
        description=str(data.get("description") or "").strip(),
    )
    problems.extend(codebook.problems())
    return codebook, sorted(problems, key=lambda p: (p.line or 0, p.message))


def _read_codes(items: Any, parent: str | None, out: list[Code], problems: list[Problem], line: int) -> None:
    if not isinstance(items, list):
        problems.append(Problem(line, "'codes' and 'children' must be lists of codes"))
        return
    for item in items:
        if not isinstance(item, dict):
            problems.append(Problem(line, f"a code must be a mapping with at least a name, not {item!r}"))
            continue
        code = _read_code(item, parent, problems)
        if code is None:
            continue
        out.append(code)
        if "children" in item and item["children"] is not None:
            _read_codes(item["children"], code.name, out, problems, item[_LINE])


def _read_code(item: dict[str, Any], parent: str | None, problems: list[Problem]) -> Code | None:
    line = item[_LINE]
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem(line, "a code needs a 'name'"))
        return None
    for key in sorted(set(item) - _CODE_KEYS - _META, key=str):
        problems.append(Problem(line, f"code {name!r}: unknown key {key!r}"))
    if "parent" in item:
        if parent is not None and item["parent"] != parent:
            problems.append(
                Problem(
                    line,
                    f"code {name!r}: 'parent' {item['parent']!r} contradicts its nesting under {parent!r}",
                )
            )
        parent = item["parent"] if isinstance(item["parent"], str) else parent
    lists: dict[str, tuple[str, ...]] = {}
    for key in _TEXT_LISTS:
        value = item.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str | int | float) for v in value):
            odd = next((v for v in value if isinstance(v, dict)), None) if isinstance(value, list) else None
            hint = (
                (
                    f"; an item reads as a mapping (line {odd.get(_LINE)}): put quotes around a text "
                    "that contains ': '"
                )
                if isinstance(odd, dict)
                else ""
            )
            problems.append(Problem(line, f"code {name!r}: {key!r} must be a list of texts{hint}"))
            value = []
        lists[key] = tuple(str(v).strip() for v in value)
    patterns = item.get("patterns", [])
    if not isinstance(patterns, list) or not all(
        isinstance(p, list) and p and all(isinstance(tok, dict) for tok in p) for p in patterns
    ):
        problems.append(
            Problem(
                line,
                f"code {name!r}: 'patterns' must be a list of token patterns, "
                'each a list of mappings like {LOWER: "othered"}',
            )
        )
        patterns = []
    colour = item.get("colour", item.get("color"))
    hotkey = item.get("hotkey")
    group = item.get("group", False)
    if not isinstance(group, bool):
        problems.append(Problem(line, f"code {name!r}: 'group' must be true or false"))
        group = False
    return Code(
        name=name.strip(),
        parent=parent,
        group=group,
        definition=str(item.get("definition") or "").strip(),
        include=lists["include"],
        exclude=lists["exclude"],
        examples=lists["examples"],
        keywords=lists["keywords"],
        patterns=tuple(_strip_lines(p) for p in patterns),
        colour=None if colour is None else str(colour),
        hotkey=None if hotkey is None else str(hotkey),
        line=line,
    )


def _commented_colours(items: Any, lines: list[str]) -> list[Problem]:
    """Colours that YAML read as comments (``colour: #0072B2`` unquoted), which left the code uncoloured."""
    problems: list[Problem] = []
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        for key in ("colour", "color"):
            line = item.get(_KEY_LINES, {}).get(key)
            if key in item and item[key] is None and line is not None:
                raw = _COMMENTED_COLOUR.match(lines[line - 1])
                if raw is not None:
                    name = item.get("name")
                    fix = f"{raw.group('key')}: '{raw.group('value')}'"
                    problems.append(
                        Problem(
                            line,
                            f"code {name!r}: {key} is empty because YAML reads an unquoted # as the start "
                            f"of a comment; quote it: {fix}",
                        )
                    )
        problems.extend(_commented_colours(item.get("children"), lines))
    return problems


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k not in _META}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def dump_codebook(codebook: Codebook) -> str:
    """The codebook as YAML in the documented format, children nested under their parents."""

    def entry(code: Code) -> dict[str, Any]:
        out: dict[str, Any] = {"name": code.name}
        if code.group:
            out["group"] = True
        for key in ("hotkey", "colour"):
            if getattr(code, key):
                out[key] = getattr(code, key)
        if code.definition:
            out["definition"] = code.definition
        for key in (*_TEXT_LISTS, "patterns"):
            if getattr(code, key):
                out[key] = list(getattr(code, key))
        children = [entry(c) for c in codebook.children(code.name)]
        if children:
            out["children"] = children
        return out

    document: dict[str, Any] = {}
    for key in ("name", "version", "description"):
        if getattr(codebook, key):
            document[key] = getattr(codebook, key)
    document["codes"] = [entry(c) for c in codebook.children(None)]
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)
