"""The pieces of one selection across turns are judged, for the unit size of suggestions, as one passage."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from qualcode.model import Coding, Span, Turn
from qualcode.suggest.units import selections

TURNS = (
    Turn(0, "Interviewer", Span(13, 49)),
    Turn(1, "Dana", Span(63, 156)),
    Turn(2, "Interviewer", Span(170, 180)),
)
READ: Any = SimpleNamespace(source=SimpleNamespace(name="alpha", turns=TURNS))
AT = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 12, 8, 9, 5, tzinfo=UTC)


def coding(start: int, end: int, at: datetime = AT, code: str = "Othered") -> Coding:
    return Coding(0, "alpha", Span(start, end), code, "ana", at)


def test_pieces_stored_together_in_adjacent_turns_are_one_passage() -> None:
    assert selections([READ], [coding(32, 49), coding(63, 87)]) == [("alpha", Span(32, 87))]


def test_whole_turns_coded_one_by_one_stay_apart() -> None:
    # The same turns coded by two key presses: a coder who codes turns, not one passage.
    assert selections([READ], [coding(13, 49), coding(63, 156, LATER)]) == [
        ("alpha", Span(13, 49)),
        ("alpha", Span(63, 156)),
    ]


def test_pieces_that_do_not_meet_at_a_turn_boundary_or_differ_in_code_stay_apart() -> None:
    assert selections([READ], [coding(13, 40), coding(63, 87)]) == [
        ("alpha", Span(13, 40)),
        ("alpha", Span(63, 87)),
    ]
    assert selections([READ], [coding(32, 49), coding(63, 87, code="Hope")]) == [
        ("alpha", Span(32, 49)),
        ("alpha", Span(63, 87)),
    ]
