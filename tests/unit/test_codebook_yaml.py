"""The YAML codebook format: every problem reported at its line, the shipped codebook, round trips."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from qualcode.errors import CodebookError
from qualcode.formats.codebook_yaml import dump_codebook, load_codebook
from qualcode.model import Code, Codebook
from qualcode.project import Project

PEER_ROLES = Path(__file__).resolve().parents[2] / "codebooks" / "peer-roles.yaml"


def _problems(text: str) -> list[tuple[int | None, str]]:
    _codebook, problems = load_codebook(dedent(text), "book.yaml")
    return [(p.line, p.message) for p in problems]


def test_a_small_codebook_reads_with_lines_and_nesting() -> None:
    codebook, problems = load_codebook(
        dedent("""\
            name: Small
            version: 3
            codes:
              - name: Team
                group: true
                children:
                  - name: Othered
                    hotkey: o
                    colour: "#0072B2"
                    definition: "  Not one of the team.  "
                    keywords: outsider
                    patterns:
                      - [{LOWER: "outsider"}]
              - name: Hope
            """),
        "book.yaml",
    )
    assert problems == []
    assert (codebook.name, codebook.version, codebook.description) == ("Small", "3", "")
    assert codebook.codes == (
        Code("Team", group=True),
        Code(
            "Othered",
            parent="Team",
            definition="Not one of the team.",
            keywords=("outsider",),
            patterns=([{"LOWER": "outsider"}],),
            colour="#0072B2",
            hotkey="o",
        ),
        Code("Hope"),
    )
    assert [c.line for c in codebook] == [4, 7, 14]


def test_duplicate_names_ignore_case() -> None:
    assert _problems("""\
        codes:
          - name: Hope
          - name: Stigma
          - name: hope
        """) == [(4, "duplicate code name 'hope' (also at line 2)")]


def test_duplicate_hotkeys() -> None:
    assert _problems("""\
        codes:
          - name: Hope
            hotkey: p
          - name: Stigma
            hotkey: p
        """) == [(4, "code 'Stigma': hotkey 'p' already used by 'Hope'")]


def test_a_reserved_hotkey() -> None:
    [(line, message)] = _problems("""\
        codes:
          - name: Hope
            hotkey: j
        """)
    assert line == 2
    assert message.startswith("code 'Hope': hotkey 'j' is reserved by the workbench (reserved: ")


def test_a_digit_or_long_hotkey() -> None:
    assert _problems("""\
        codes:
          - name: Hope
            hotkey: 1
          - name: Stigma
            hotkey: st
        """) == [
        (2, "code 'Hope': hotkey '1' must be one character, not a digit"),
        (4, "code 'Stigma': hotkey 'st' must be one character, not a digit"),
    ]


def test_an_unknown_parent() -> None:
    assert _problems("""\
        codes:
          - name: Hope
          - name: Recovery
            parent: Hopes
        """) == [(3, "code 'Recovery': unknown parent 'Hopes'")]


def test_a_parent_cycle_is_reported_once() -> None:
    assert _problems("""\
        codes:
          - name: Hope
          - name: Alpha
            parent: Gamma
          - name: Beta
            parent: Alpha
          - name: Gamma
            parent: Beta
        """) == [(3, "parent cycle: Alpha -> Gamma -> Beta -> Alpha")]


def test_a_parent_key_that_contradicts_the_nesting() -> None:
    assert _problems("""\
        codes:
          - name: Team
            group: true
            children:
              - name: Othered
                parent: Hope
          - name: Hope
        """) == [(5, "code 'Othered': 'parent' 'Hope' contradicts its nesting under 'Team'")]


def test_a_bad_colour_and_a_colour_used_twice() -> None:
    assert _problems("""\
        codes:
          - name: Hope
            colour: red
          - name: Stigma
            colour: "#009e73"
          - name: Boundaries
            colour: "#009E73"
        """) == [
        (2, "code 'Hope': colour 'red' is not #RRGGBB"),
        (6, "code 'Boundaries': colour #009E73 already used by 'Stigma'"),
    ]


def test_an_unquoted_colour_read_as_a_comment_is_reported_at_its_line_with_the_fix() -> None:
    # YAML takes "#" after ": " for a comment: the colour was silently empty and validation passed.
    assert _problems("""\
        codes:
          - name: Team
            group: true
            children:
              - name: Hope
                hotkey: o
                color: #0072B2   # blue
          - name: Stigma
            colour: #D55E00
          - name: Boundaries
            colour:
          - name: Othered
            colour: "#009E73"
        """) == [
        (
            7,
            "code 'Hope': color is empty because YAML reads an unquoted # as the start of a comment; "
            "quote it: color: '#0072B2'",
        ),
        (
            9,
            "code 'Stigma': colour is empty because YAML reads an unquoted # as the start of a comment; "
            "quote it: colour: '#D55E00'",
        ),
    ]  # an empty colour with no "#" after it is only no colour


def test_the_line_bookkeeping_stays_out_of_the_codes() -> None:
    codebook, problems = load_codebook(
        "codes:\n  - name: Hope\n    patterns:\n      - [{LOWER: hope}]\n", "book.yaml"
    )
    assert problems == []
    assert codebook.codes[0].patterns == ([{"LOWER": "hope"}],)


def test_unknown_keys_at_the_top_and_in_a_code() -> None:
    assert _problems("""\
        name: Book
        author: me
        codes:
          - name: Hope
            defintion: a typo
        """) == [
        (1, "unknown key 'author' (allowed: codes, description, name, version)"),
        (4, "code 'Hope': unknown key 'defintion'"),
    ]


def test_a_list_item_that_yaml_reads_as_a_mapping() -> None:
    assert _problems("""\
        codes:
          - name: Othered
            examples:
              - I was never asked.
              - Nurse: you're not staff, are you?
        """) == [
        (
            2,
            "code 'Othered': 'examples' must be a list of texts; an item reads as a mapping (line 5): "
            "put quotes around a text that contains ': '",
        )
    ]


def test_a_group_cannot_take_a_hotkey_or_keywords() -> None:
    assert _problems("""\
        codes:
          - name: Team
            group: true
            hotkey: t
        """) == [(2, "group 'Team' cannot be applied, so it takes no hotkey, examples, keywords or patterns")]


def test_every_problem_is_listed_in_line_order() -> None:
    lines = [
        line
        for line, _ in _problems("""\
            codes:
              - name: Hope
                hotkey: j
              - name: hope
                colour: blue
              - name: Stigma
                parent: Nowhere
            """)
    ]
    assert lines == [2, 4, 4, 6]


def test_invalid_yaml_raises_with_line_and_column() -> None:
    text = dedent("""\
        codes:
          - name: Hope
           hotkey: p
        """)
    with pytest.raises(CodebookError) as caught:
        load_codebook(text, "book.yaml")
    assert caught.value.message == (
        "book.yaml:3:4: not valid YAML: expected <block end>, but found '<block mapping start>'"
    )
    assert caught.value.problems == ["book.yaml:3:4: expected <block end>, but found '<block mapping start>'"]


def test_a_document_that_is_not_a_codebook() -> None:
    assert _problems("- just\n- a list\n") == [(1, "a codebook is a mapping with a 'codes' list")]


def test_an_invalid_spacy_pattern_is_reported_by_read_codebook(tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text(
        dedent("""\
            codes:
              - name: Hope
                patterns:
                  - [{LOWER: "hope"}]
              - name: Stigma
                patterns:
                  - [{LOWER: "label"}]
                  - [{NOT_AN_ATTRIBUTE: "x"}]
            """),
        encoding="utf-8",
    )
    assert load_codebook(path.read_text(), str(path))[1] == []  # the YAML itself is fine
    with pytest.raises(CodebookError) as caught:
        Project.read_codebook(path)
    [problem] = caught.value.problems
    assert problem.startswith(f"{path}:5: code 'Stigma': pattern 2 is invalid: ")
    assert "NOT_AN_ATTRIBUTE" in problem
    assert caught.value.message == f"{path}: 1 problem(s) in the codebook; first: {problem}"
    assert Project.read_codebook(path, check_patterns=False).get("stigma") is not None


def test_read_codebook_lists_every_problem_rendered_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text("codes:\n  - name: A\n    hotkey: j\n  - name: a\n", encoding="utf-8")
    with pytest.raises(CodebookError) as caught:
        Project.read_codebook(path)
    assert [p.split(": ")[0] for p in caught.value.problems] == [f"{path}:2", f"{path}:4"]


# -- the shipped codebook -------------------------------------------------------------------------

CORE_CODES = [
    "Distinctiveness of the role",
    "Being othered",
    "Autonomy to use lived experience",
    "Stigma and discriminatory language",
    "Shared expectations",
    "Strategic alignment",
    "Organisational support",
    "Lived experience and disclosure",
    "Boundaries",
    "Role dilution",
    "Recovery and hope",
    "Training and supervision",
]


def test_the_peer_roles_codebook_validates_with_no_problems() -> None:
    codebook, problems = load_codebook(PEER_ROLES.read_text(encoding="utf-8"), str(PEER_ROLES))
    assert problems == []
    assert Project.read_codebook(PEER_ROLES).codes == codebook.codes  # spaCy accepts every pattern
    names = [c.name for c in codebook]
    assert set(CORE_CODES) <= set(names)
    assert len(codebook) >= 12


@pytest.mark.parametrize("name", CORE_CODES)
def test_each_core_code_is_fully_described(name: str) -> None:
    codebook, _ = load_codebook(PEER_ROLES.read_text(encoding="utf-8"), str(PEER_ROLES))
    code = codebook.get(name)
    assert code is not None
    assert not code.group
    assert len(code.definition) > 40
    assert code.include and code.exclude
    assert len(code.examples) >= 2
    assert code.keywords


def test_every_codable_peer_roles_code_is_fully_described() -> None:
    codebook, _ = load_codebook(PEER_ROLES.read_text(encoding="utf-8"), str(PEER_ROLES))
    for code in codebook:
        if code.group:
            assert code.definition, code.name
            continue
        assert code.definition and code.include and code.exclude and code.keywords, code.name
        assert len(code.examples) >= 2, code.name


# -- round trips ----------------------------------------------------------------------------------


def test_dump_then_load_round_trips_the_peer_roles_codebook() -> None:
    original, _ = load_codebook(PEER_ROLES.read_text(encoding="utf-8"), str(PEER_ROLES))
    again, problems = load_codebook(dump_codebook(original), "dumped.yaml")
    assert problems == []
    assert again == original  # same codes in the same order, every field equal (lines aside)


def test_export_then_import_round_trips_through_a_project(tmp_path: Path) -> None:
    original = Project.read_codebook(PEER_ROLES)
    with Project.init(tmp_path / "a.qualcode") as first:
        added, updated = first.import_codebook(PEER_ROLES, coder="ana")
        assert (added, updated) == ([c.name for c in original], [])
        first.export_codebook(tmp_path / "exported.yaml")
    exported = Project.read_codebook(tmp_path / "exported.yaml")
    assert exported == original
    with Project.init(tmp_path / "b.qualcode") as second:
        second.import_codebook(tmp_path / "exported.yaml")
    with Project.open(tmp_path / "b.qualcode") as reopened:
        assert reopened.codebook() == original


def test_dump_nests_children_and_leaves_out_empty_fields() -> None:
    text = dump_codebook(
        Codebook(
            (Code("Team", group=True), Code("Othered", parent="Team", hotkey="o"), Code("Hope")),
            name="Small",
        )
    )
    assert text == dedent("""\
        name: Small
        codes:
        - name: Team
          group: true
          children:
          - name: Othered
            hotkey: o
        - name: Hope
        """)


def test_an_empty_colour_with_a_comment_is_no_colour_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "todo.yaml"
    path.write_text(
        "name: t\nversion: 1\ncodes:\n  - name: A\n    colour:   # TODO pick one\n", encoding="utf-8"
    )
    assert Project.read_codebook(path).get("A").colour is None  # type: ignore[union-attr]
