"""Reading users' CSV files as they are written in the wild: RFC 4180 quoting, the separator detected."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from qualcode.errors import InputError
from qualcode.formats.tables import read_csv


def _write_rows(path: Path, rows: list[list[str]], **fmt: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, **fmt).writerows(rows)  # type: ignore[arg-type]


def test_python_csv_writer_file_with_doubled_quotes_deep_in_the_file(tmp_path: Path) -> None:
    # The case users hit: 200 codings written by csv.writer, one quote with "" in it at row 193.
    # Guessing the dialect from the first 4 KB took doublequote=False, and the row split into 6 fields.
    rows = [["transcript", "code", "quote", "coder"]]
    for n in range(1, 201):
        quote = f"I went to the centre, every week, for {n} months"
        if n == 193:
            quote = 'She said "you belong here", and I believed her'
        rows.append([f"interview-{n % 7}", "Belonging", quote, "ana"])
    path = tmp_path / "codings.csv"
    _write_rows(path, rows)
    header, read = read_csv(path, required=(("transcript",), ("code",), ("start", "quote")))
    assert header == ["transcript", "code", "quote", "coder"]
    assert len(read) == 200
    assert read[192].get("quote") == 'She said "you belong here", and I believed her'
    assert read[192].line == 194
    assert [r.get("quote") for r in read] == [r[2] for r in rows[1:]]


def test_commas_doubled_quotes_and_line_breaks_inside_quoted_fields(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "participant,role,notes\n"
        'P1,"Peer worker, part time","Said ""it changed me""\nthen laughed"\n'
        'P2,Manager,"plain"\n',
        encoding="utf-8",
    )
    header, rows = read_csv(path)
    assert header == ["participant", "role", "notes"]
    assert [r.values for r in rows] == [
        {
            "participant": "P1",
            "role": "Peer worker, part time",
            "notes": 'Said "it changed me"\nthen laughed',
        },
        {"participant": "P2", "role": "Manager", "notes": "plain"},
    ]
    assert [r.line for r in rows] == [3, 4]  # the line each row ends on


def test_semicolon_separated_as_european_excel_writes_it(tmp_path: Path) -> None:
    path = tmp_path / "attributes.csv"
    path.write_bytes(
        '\ufeffparticipant;age;notes\r\nP1;34;"late, but ""keen"""\r\nP2;51;"ça va; merci"\r\n'.encode()
    )
    header, rows = read_csv(path)
    assert header == ["participant", "age", "notes"]  # the BOM is not part of the first column's name
    assert [r.values for r in rows] == [
        {"participant": "P1", "age": "34", "notes": 'late, but "keen"'},
        {"participant": "P2", "age": "51", "notes": "ça va; merci"},
    ]


def test_tab_separated_with_commas_in_the_fields(tmp_path: Path) -> None:
    path = tmp_path / "attributes.tsv"
    _write_rows(
        path,
        [["participant", "role"], ["P1", "Peer worker, nights"], ["P2", 'The "new" one']],
        delimiter="\t",
    )
    header, rows = read_csv(path)
    assert header == ["participant", "role"]
    assert [r.values for r in rows] == [
        {"participant": "P1", "role": "Peer worker, nights"},
        {"participant": "P2", "role": 'The "new" one'},
    ]


def test_a_separator_inside_a_quoted_header_name_does_not_count(tmp_path: Path) -> None:
    path = tmp_path / "attributes.csv"
    path.write_text('"participant";"role; main";"notes, free"\nP1;Peer;"a, b"\n', encoding="utf-8")
    header, rows = read_csv(path)
    assert header == ["participant", "role; main", "notes, free"]
    assert rows[0].values == {"participant": "P1", "role; main": "Peer", "notes, free": "a, b"}


def test_too_many_fields_is_still_a_one_line_error_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "codings.csv"
    path.write_text("transcript,code,quote\nalpha,Hope,fine\nalpha,Hope,not, quoted\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_csv(path)
    assert caught.value.message == f"{path}:3: 4 fields but the header has 3"
    assert caught.value.hint == "quote fields that contain the separator"


def test_an_unclosed_quote_is_an_error_naming_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "codings.csv"
    # Unclosed, the quote used to swallow every line below it into one field, silently.
    path.write_text('transcript,code,quote\nalpha,Hope,"never closed\nbeta,Hope,fine\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_csv(path)
    assert caught.value.one_line() == (
        f"{path}:2: a quoted field that starts on this line is never closed; close the quote; a quote "
        'inside a quoted field is written twice ("")'
    )


def test_text_after_a_closing_quote_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "codings.csv"
    path.write_text('transcript,code,quote\nalpha,Hope,fine\nalpha,Hope,"quoted" and not\n', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_csv(path)
    assert caught.value.message == f"{path}:3: ',' expected after '\"'"
