"""Files the importers cannot read: each is refused with an InputError naming the file (and line) and a hint."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

from qualcode.errors import InputError
from qualcode.formats import parse_transcript

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"


def _refused(path: Path, data: bytes, format_name: str = "auto") -> InputError:
    with pytest.raises(InputError) as info:
        parse_transcript(path, data, format_name)
    error = info.value
    assert error.message.startswith(f"{path}:"), error.message
    assert error.hint, "every refusal says what to do"
    return error


@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.vtt", "empty.srt"])
@pytest.mark.parametrize("data", [b"", b"  \n\r\n\t\n"], ids=["no bytes", "whitespace"])
def test_an_empty_file(name: str, data: bytes) -> None:
    error = _refused(Path(name), data)
    assert error.message == f"{name}: the file is empty"


def test_random_bytes_with_nuls() -> None:
    data = bytes(random.Random(7).randrange(256) for _ in range(4000)) + b"\x00\x00\x00"
    error = _refused(Path("recording.txt"), data)
    assert "binary file" in error.message


@pytest.mark.parametrize("name", ["photo.png", "photo.txt"])
def test_a_png_image(name: str) -> None:
    error = _refused(Path(name), PNG_HEADER + bytes(range(256)))
    assert error.message == f"{name}: this is a binary file, not a text transcript"


def test_a_control_character_in_text_names_its_position() -> None:
    error = _refused(Path("odd.txt"), b"Ann: hello\x07 there\nBob: hi\n")
    assert error.message.startswith("odd.txt: character 10: control character 0x07")


def test_a_file_with_only_a_header_has_no_transcript_text() -> None:
    error = _refused(Path("title.md"), b"# Interview 9\n")
    assert error.message == "title.md: no transcript text found"


def test_malformed_timestamp_in_a_text_label_names_the_line() -> None:
    data = b"# Interview\n\nAnn (00:01:02): hello\nAnn (00:61:99): hi\nBob (00:01:09): yes\n"
    error = _refused(Path("times.txt"), data)
    assert error.message == "times.txt:4: malformed timestamp '00:61:99'"


def test_malformed_vtt_cue_timing_names_the_line() -> None:
    data = (
        b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann>Hello.</v>\n\n"
        b"00:00:02.000 --> 00:00:61.000\n<v Bob>Hi.</v>\n"
    )
    error = _refused(Path("call.vtt"), data)
    assert error.message == "call.vtt:6: malformed cue timing '00:00:02.000 --> 00:00:61.000'"


def test_a_vtt_cue_timing_with_a_single_arrow_is_refused_not_dropped() -> None:
    data = (
        b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ann>One.</v>\n\n"
        b"00:00:02.000 -> 00:00:03.000\n<v Bob>Two.</v>\n\n00:00:03.000 --> 00:00:04.000\n<v Ann>Three.</v>\n"
    )
    error = _refused(Path("call.vtt"), data)
    assert error.message == "call.vtt:6: malformed cue timing '00:00:02.000 -> 00:00:03.000'"


def test_a_vtt_without_its_webvtt_line() -> None:
    error = _refused(Path("call.vtt"), b"00:00:01.000 --> 00:00:02.000\nHello.\n")
    assert error.message.startswith("call.vtt:1: not a WebVTT file")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            b"1\n00:00:01,000 --> 00:00:02,000\nAnn: Hello.\n\n2\n00:00:02,000 --> 00:00:03\nBob: Hi.\n",
            "subs.srt:6: malformed cue timing '00:00:02,000 --> 00:00:03'",
            id="timing without milliseconds",
        ),
        pytest.param(
            b"1\n00:00:01;000 --> 00:00:02,000\nAnn: Hello.\n",
            "subs.srt:2: malformed cue timing '00:00:01;000 --> 00:00:02,000'",
            id="semicolon",
        ),
        pytest.param(
            b"1\n00:00:01,000 -> 00:00:02,000\nAnn: Hello.\n",
            "subs.srt:2: malformed cue timing '00:00:01,000 -> 00:00:02,000'",
            id="single arrow",
        ),
        pytest.param(b"Hello.\nNo cues here.\n", "subs.srt:1: not a valid SRT cue", id="no cues"),
    ],
)
def test_malformed_srt(data: bytes, message: str) -> None:
    assert _refused(Path("subs.srt"), data).message == message


def test_a_docx_that_is_not_a_zip() -> None:
    error = _refused(Path("notes.docx"), b"Ann: this is plain text saved as .docx\n")
    assert error.message.startswith("notes.docx: not a .docx file")


def test_a_zip_that_is_not_a_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    for name in ("archive.docx", "archive.zip"):  # .zip: recognised as a docx by its PK header
        error = _refused(Path(name), buffer.getvalue())
        assert error.message.startswith(f"{name}: not a Word document")


def test_a_pdf_that_is_not_a_pdf() -> None:
    error = _refused(Path("scan.pdf"), b"Ann: hello\n")
    assert error.message == "scan.pdf: not a PDF file (no %PDF- header)"


def test_a_damaged_pdf() -> None:
    error = _refused(Path("broken.pdf"), b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    assert error.message.startswith("broken.pdf: the PDF cannot be read")


def test_a_pdf_without_a_text_layer(tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    path = tmp_path / "scan.pdf"
    with path.open("wb") as out:
        writer.write(out)
    error = _refused(path, path.read_bytes())
    assert error.message == f"{path}: the PDF has no text layer (a scan?)"
    assert "OCR" in error.hint


def test_an_unknown_format_name() -> None:
    error = _refused(Path("interview.txt"), b"Ann: hello\n", "rtf")
    assert error.message == "interview.txt: unknown format 'rtf'"
    assert error.hint == "use one of: auto, text, otter, vtt, srt, docx, pdf"


@pytest.mark.parametrize("format_name", ["vtt", "srt", "docx", "pdf"])
def test_forcing_the_wrong_format_is_refused_not_misread(format_name: str) -> None:
    _refused(Path("interview.txt"), b"Ann: hello\nBob: hi\n", format_name)
