"""Text transcripts in the encodings and line ends that Windows, Word and Notepad produce."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from qualcode.formats import parse_transcript
from qualcode.formats.decoding import decode_text, normalise_newlines

TEXT = "Ann: It’s “fine”, the café said — naïvely.\nBob: Thanks…\nAnn: Bye.\nBob: Bye!\n"
TURNS = [
    ("Ann", "It’s “fine”, the café said — naïvely."),
    ("Bob", "Thanks…"),
    ("Ann", "Bye."),
    ("Bob", "Bye!"),
]


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(TEXT.encode("utf-8"), id="UTF-8"),
        pytest.param(codecs.BOM_UTF8 + TEXT.encode("utf-8"), id="UTF-8 with BOM"),
        pytest.param(codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), id="UTF-16 LE with BOM"),
        pytest.param(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), id="UTF-16 BE with BOM"),
        pytest.param(TEXT.encode("utf-16-le"), id="UTF-16 LE without BOM"),
        pytest.param(TEXT.encode("utf-16-be"), id="UTF-16 BE without BOM"),
        pytest.param(TEXT.encode("cp1252"), id="Windows-1252"),
    ],
)
def test_encodings_decode_to_the_same_text_and_turns(data: bytes) -> None:
    parsed = parse_transcript(Path("interview.txt"), data)
    assert parsed.text == TEXT
    assert [(t.speaker, t.span.of(parsed.text)) for t in parsed.turns] == TURNS


def test_windows_1252_curly_quotes() -> None:
    data = b"Ann: It\x92s \x93fine\x94.\n"
    assert data.decode("cp1252") == "Ann: It’s “fine”.\n"
    assert decode_text(data, "quotes.txt") == "Ann: It’s “fine”.\n"
    assert decode_text(b"Ann: \x93Yes\x94\n", "short.txt") == "Ann: “Yes”\n"


def test_a_legacy_encoding_other_than_windows_1252_is_still_found() -> None:
    text = "Анна: Привет, как дела? Всё хорошо.\nБорис: Да, спасибо.\n"
    assert decode_text(text.encode("cp1251"), "russian.txt") == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ann: one\r\nBob: two\r\n", "Ann: one\nBob: two\n"),
        ("Ann: one\rBob: two\r", "Ann: one\nBob: two\n"),
        ("Ann: one\r\n\r\nBob: two\rAnn: three\n", "Ann: one\n\nBob: two\nAnn: three\n"),
        ("\ufeffAnn: one\n", "Ann: one\n"),
    ],
)
def test_line_ends_become_lf(raw: str, expected: str) -> None:
    assert normalise_newlines(raw) == expected
    assert decode_text(raw.encode("utf-8"), "x.txt") == expected


def test_crlf_file_turn_spans_point_into_the_lf_text() -> None:
    data = "Ann: one\r\nline two\r\n\r\nBob: three\r\nAnn: four\rBob: five\r".encode("utf-16")
    parsed = parse_transcript(Path("windows.txt"), data)
    assert "\r" not in parsed.text
    assert [(t.speaker, t.span.of(parsed.text)) for t in parsed.turns] == [
        ("Ann", "one\nline two"),
        ("Bob", "three"),
        ("Ann", "four"),
        ("Bob", "five"),
    ]
