"""Loading the spaCy pipeline and cutting turns into segments (sentences) with exact offsets."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.model import ParsedTranscript, Segment, Span

BLANK = "blank:en"
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@lru_cache(maxsize=4)
def load_pipeline(name: str = BLANK) -> Any:
    """The spaCy pipeline for segmenting: blank English with a sentencizer, or an installed package.

    Nothing is downloaded: a pipeline that is not installed is an error with a hint.
    """
    import spacy

    if name == BLANK:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        return nlp
    try:
        nlp = spacy.load(name, exclude=["ner", "lemmatizer", "textcat", "textcat_multilabel"])
    except OSError as exc:
        raise QualcodeError(
            f"spaCy pipeline {name!r} is not installed",
            f"install it with pip, or segment with the default ({BLANK})",
        ) from exc
    if not (nlp.has_pipe("parser") or nlp.has_pipe("senter") or nlp.has_pipe("sentencizer")):
        nlp.add_pipe("sentencizer")
    return nlp


def _chunks(parsed: ParsedTranscript) -> Iterable[tuple[int, int, str]]:
    """(turn index, offset, text) for each paragraph of each turn: sentences never cross a paragraph."""
    text = parsed.text
    for turn in parsed.turns:
        start = turn.span.start
        body = text[turn.span.start : turn.span.end]
        last = 0
        for brk in _PARAGRAPH_BREAK.finditer(body):
            yield turn.index, start + last, body[last : brk.start()]
            last = brk.end()
        yield turn.index, start + last, body[last:]


def segment_many(
    parsed_list: Sequence[ParsedTranscript], nlp: Any, batch_size: int = 256
) -> list[list[Segment]]:
    """Segments (sentences within turns) for several transcripts, running spaCy over them in one stream."""
    chunks = [
        (i, turn, offset, body)
        for i, parsed in enumerate(parsed_list)
        for turn, offset, body in _chunks(parsed)
    ]
    result: list[list[Segment]] = [[] for _ in parsed_list]
    docs = nlp.pipe((body for *_, body in chunks), batch_size=batch_size)
    for (i, turn, offset, body), doc in zip(chunks, docs, strict=True):
        for sent in doc.sents:
            piece = body[sent.start_char : sent.end_char]
            stripped = piece.strip()
            if not stripped:
                continue
            begin = offset + sent.start_char + (len(piece) - len(piece.lstrip()))
            result[i].append(Segment(len(result[i]), turn, Span(begin, begin + len(stripped))))
    return result
