"""The importers on real transcripts from ../shared/data (AnnoMI, PDPilot); skipped when that folder is absent."""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from itertools import pairwise
from pathlib import Path

import pytest
from pypdf import PdfReader

from qualcode.formats import parse_transcript
from qualcode.model import ParsedTranscript

pytestmark = pytest.mark.shared_data


def _turns(parsed: ParsedTranscript) -> list[tuple[str, str]]:
    """(speaker, words with whitespace normalised) per turn, after checking the spans lie inside the text."""
    for turn in parsed.turns:
        assert 0 <= turn.span.start < turn.span.end <= len(parsed.text), turn
    return [(t.speaker, " ".join(t.span.of(parsed.text).split())) for t in parsed.turns]


def _parse(path: Path) -> ParsedTranscript:
    return parse_transcript(path, path.read_bytes())


@pytest.fixture(scope="module")
def pdpilot_pdfs(shared_data: Path) -> dict[str, tuple[ParsedTranscript, int]]:
    """Each PDPilot interview PDF's name, parsed transcript and page count."""
    paths = sorted((shared_data / "pdpilot-user-study" / "transcripts-pdf").glob("P*.pdf"))
    assert [p.stem for p in paths] == [f"P{n}" for n in range(1, 8)]
    # pypdf takes over a second to extract each of these; side by side, they cost what the slowest does.
    with ProcessPoolExecutor(max_workers=min(len(paths), os.cpu_count() or 1)) as pool:
        parsed = list(pool.map(parse_transcript, paths, [p.read_bytes() for p in paths]))
    return {p.stem: (t, len(PdfReader(p).pages)) for p, t in zip(paths, parsed, strict=True)}


def test_annomi_007_gives_the_same_turns_in_every_format(shared_data: Path) -> None:
    derived = shared_data / "annomi" / "derived"
    by_format = {
        path.suffix: _parse(path)
        for path in (
            derived / "txt" / "annomi_007.txt",
            derived / "vtt" / "annomi_007.vtt",
            derived / "srt" / "annomi_007.srt",
            derived / "docx" / "annomi_007.docx",
        )
    }
    assert {suffix: p.source_format for suffix, p in by_format.items()} == {
        ".txt": "text",
        ".vtt": "vtt",
        ".srt": "srt",
        ".docx": "docx",
    }
    reference = _turns(by_format[".txt"])
    assert len(reference) == 66
    assert {speaker for speaker, _ in reference} == {"Therapist", "Client"}
    assert reference[0][0] == "Therapist"
    for suffix in (".vtt", ".srt", ".docx"):
        assert _turns(by_format[suffix]) == reference, suffix
    # The captions carry the same start time for every turn, in seconds from the start.
    vtt_times = [t.time for t in by_format[".vtt"].turns]
    assert vtt_times == [t.time for t in by_format[".srt"].turns]
    assert vtt_times[0] == 49.0
    assert all(a is not None and b is not None and a <= b for a, b in pairwise(vtt_times))
    assert all(t.time is None for t in by_format[".txt"].turns)


def test_every_annomi_text_transcript_has_therapist_and_client_turns_only(shared_data: Path) -> None:
    paths = sorted((shared_data / "annomi" / "derived" / "txt").glob("annomi_*.txt"))
    assert len(paths) == 133
    for path in paths:
        parsed = _parse(path)
        assert parsed.warnings == (), path.name
        assert {t.speaker for t in parsed.turns} <= {"Therapist", "Client"}, path.name
        assert parsed.text.startswith(f"# AnnoMI transcript {int(path.stem[-3:])}:"), path.name
        assert parsed.turns[0].span.start > parsed.text.index("\n"), path.name  # the header is in no turn


def test_pdpilot_p1_docx_and_txt_agree_turn_by_turn(shared_data: Path) -> None:
    study = shared_data / "pdpilot-user-study"
    from_txt = _turns(_parse(study / "transcripts-txt" / "P1.txt"))
    from_docx = _turns(_parse(study / "derived-docx" / "P1.docx"))
    assert len(from_txt) == 93
    assert from_docx == from_txt
    assert {speaker for speaker, _ in from_txt} == {"Dan", "Participant"}


@pytest.mark.parametrize("name", [f"P{n}" for n in range(1, 8)])
def test_pdpilot_pdfs_have_only_interviewer_and_participant_turns_and_no_page_numbers(
    name: str, pdpilot_pdfs: dict[str, tuple[ParsedTranscript, int]]
) -> None:
    parsed, pages = pdpilot_pdfs[name]
    assert parsed.source_format == "pdf"
    turns = _turns(parsed)
    assert len(turns) > 90
    speakers = {speaker for speaker, _ in turns}
    # P5 spells the label "Particpant" once; that turn is the participant's, not the end of Dan's.
    assert speakers == ({"Dan", "Participant", "Particpant"} if name == "P5" else {"Dan", "Participant"})
    page_number = re.compile(
        rf"(?<![\d/])(?:{'|'.join(str(n) for n in range(1, pages + 1))})/{pages}(?![\d/])"
    )
    for speaker, words in turns:
        assert words, speaker
        assert page_number.search(words) is None, words
        assert not re.search(r"(?:^|\s)(?:Dan|Participant):(?:\s|$)", words), words  # no label left inside


def test_pdpilot_p5_typo_label_is_its_own_turn(pdpilot_pdfs: dict[str, tuple[ParsedTranscript, int]]) -> None:
    turns = _turns(pdpilot_pdfs["P5"][0])
    typo = [i for i, (speaker, _) in enumerate(turns) if speaker == "Particpant"]
    assert len(typo) == 1
    assert turns[typo[0]] == ("Particpant", "Right.")
    assert turns[typo[0] - 1][0] == "Dan"
    assert turns[typo[0] + 1][0] == "Dan"


def test_annomi_multicoder_csv_reads_whole_with_its_doubled_quotes(shared_data: Path) -> None:
    # A quoted "" first appears at line 1812: guessing the dialect refused it ("24 fields but the header
    # has 18"). Read as RFC 4180, it gives what the csv module gives.
    import csv

    from qualcode.formats.tables import read_csv

    path = shared_data / "annomi" / "annomi_multicoder_subset.csv"
    header, rows = read_csv(path)
    with path.open(encoding="utf-8", newline="") as handle:
        expected = list(csv.reader(handle))
    assert header == [h.strip().lower() for h in expected[0]]
    assert [list(r.values.values()) for r in rows] == [r for r in expected[1:] if any(v.strip() for v in r)]
