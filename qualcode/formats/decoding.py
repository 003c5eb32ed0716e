"""Bytes to normalised text: BOMs, UTF-16, legacy encodings found by charset detection, LF line ends."""

from __future__ import annotations

import codecs
import re

from qualcode.errors import InputError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
)  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # control characters other than tab, LF, FF, CR


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF; a leading BOM goes."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def decode_text(data: bytes, filename: str) -> str:
    """Decode a text file the way its author meant it, and normalise its line ends.

    Raises:
        InputError: for an empty or binary file, or one whose encoding cannot be told.
    """
    if not data.strip():
        raise InputError(f"{filename}: the file is empty", "export the transcript again and re-import it")
    text = _decode(data, filename)
    _refuse_binary(text, filename)
    return normalise_newlines(text)


def _decode(data: bytes, filename: str) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{filename}: byte {exc.start}: not valid {encoding} despite its byte-order mark",
                    "save the file again as UTF-8",
                ) from exc
    if b"\x00" in data[:4096]:
        guess = _utf16_without_bom(data)
        if guess is None:
            raise InputError(
                f"{filename}: this is a binary file, not a text transcript",
                "import .txt, .md, .vtt, .srt, .docx or .pdf files",
            )
        return guess
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    from charset_normalizer import from_bytes

    # Windows-1252 (Word and Notepad on Western Windows) is the legacy encoding transcripts mostly come in.
    # Left to itself, the detector reads its curly quotes in a short text as Big5 or Cyrillic and a long
    # one as Central European, so 1252 is tried alone first; it is refused for text it does not fit.
    best = from_bytes(data, cp_isolation=["cp1252"]).best() or from_bytes(data).best()
    if best is None:
        raise InputError(
            f"{filename}: byte {first_bad}: unknown text encoding (not UTF-8, and no other encoding fits)",
            "open it in an editor and save it as UTF-8, then import again",
        )
    return str(best)


def _utf16_without_bom(data: bytes) -> str | None:
    # UTF-16 text written without a BOM has a zero in every other byte of its ASCII characters.
    sample = data[:4096]
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    encoding = (
        "utf-16-le"
        if odd_zeros > len(sample) // 4
        else "utf-16-be"
        if even_zeros > len(sample) // 4
        else None
    )
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _refuse_binary(text: str, filename: str) -> None:
    control = _CONTROL.search(text, 0, 65536)
    if control is not None:
        position, char = control.start(), control.group()
        raise InputError(
            f"{filename}: character {position}: control character {ord(char):#04x}; "
            "this looks like a binary file, not a text transcript",
            "import .txt, .md, .vtt, .srt, .docx or .pdf files",
        )
