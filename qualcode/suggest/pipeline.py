"""Loading the spaCy pipeline and cutting turns into segments (sentences) with exact offsets."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any

from qualcode.errors import QualcodeError
from qualcode.model import ParsedTranscript

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
        if body.count("\n") > 1:  # a paragraph break needs two line ends; most turns have none
            for brk in _PARAGRAPH_BREAK.finditer(body):
                yield turn.index, start + last, body[last : brk.start()]
                last = brk.end()
        yield turn.index, start + last, body[last:]


def segment_many(
    parsed_list: Sequence[ParsedTranscript], nlp: Any, batch_size: int = 256, *, shortcut: bool = True
) -> list[list[tuple[int, int, int]]]:
    """Segments (sentences within turns) for several transcripts, running spaCy over them in one stream.

    Returns:
        Per transcript, its segments as (turn index, start, end) in text order: plain tuples, because an
        import makes hundreds of thousands and they go straight to the store.
    """
    chunks = [
        (i, turn, offset, body)
        for i, parsed in enumerate(parsed_list)
        for turn, offset, body in _chunks(parsed)
    ]
    result: list[list[tuple[int, int, int]]] = [[] for _ in parsed_list]
    # A paragraph the sentencizer can only keep whole skips spaCy: dialogue is full of "Mm-hmm." and
    # "Okay." turns.
    punct = _sentencizer_punct(nlp) if shortcut else None
    if punct is not None:
        one_sentence = _one_sentence_test(punct)
        whole = [one_sentence(body) for *_, body in chunks]
    else:
        whole = [False] * len(chunks)
    to_parse = [body for (*_, body), one in zip(chunks, whole, strict=True) if not one]
    starts = iter(_sentence_starts(nlp.pipe(to_parse, batch_size=batch_size)))
    for (i, turn, offset, body), one in zip(chunks, whole, strict=True):
        if one:
            _add_bounds(result[i], turn, offset, [0], body)
        else:
            _add_bounds(result[i], turn, offset, next(starts), body)
    return result


def _sentencizer_punct(nlp: Any) -> frozenset[str] | None:
    """The sentence-ending characters when the pipeline only splits on them (blank + sentencizer), else None."""
    if nlp.pipe_names != ["sentencizer"]:
        return None
    return frozenset(nlp.get_pipe("sentencizer").punct_chars)


@lru_cache(maxsize=4)
def _one_sentence_test(punct: frozenset[str]) -> Callable[[str], bool]:
    """A test of whether the sentencizer keeps a text whole, for texts it can tell without spaCy.

    The sentencizer starts a sentence at a token that follows a sentence-ending token and is not
    punctuation itself. So a text with no sentence-ending character before its tail (the punctuation and
    white space after its last word) is one sentence, unless its tail holds white space: a white-space
    token is not punctuation, and would split "so.  )" into "so." and ")", or, with the bracket rule of
    :func:`_add_bounds`, "so. (\t" into "so." and "(". Such tails go to spaCy.
    """
    anywhere = _char_class(punct)
    # Most paragraphs are ASCII: their tail strips in one call, and only ASCII sentence ends can occur.
    in_ascii = _char_class(c for c in punct if c.isascii())

    def one_sentence(text: str) -> bool:
        if text.isascii():
            end = len(text.rstrip(_ASCII_TAIL))
            if in_ascii is not None and in_ascii.search(text, 0, end) is not None:
                return False
        else:
            end = len(text)
            while end and _in_tail(text[end - 1]):
                end -= 1
            if anywhere is not None and anywhere.search(text, 0, end) is not None:
                return False
        return _WHITE.search(text, end) is None

    return one_sentence


_WHITE = re.compile(r"\s")


def _in_tail(char: str) -> bool:
    """Whether ``char`` can follow the last word of a sentence: white space or punctuation."""
    return char.isspace() or unicodedata.category(char).startswith("P")


_ASCII_TAIL = "".join(c for c in map(chr, range(128)) if _in_tail(c))


def _char_class(chars: Iterable[str]) -> re.Pattern[str] | None:
    escaped = "".join(re.escape(c) for c in sorted(chars))
    return re.compile(f"[{escaped}]") if escaped else None


def sentence_bounds(doc: Any, text: str) -> list[tuple[int, int]]:
    """Character bounds of each sentence of ``doc``, white space trimmed, empty ones dropped."""
    found: list[tuple[int, int, int]] = []
    _add_bounds(found, 0, 0, _sentence_starts([doc])[0], text)
    return [(start, end) for _, start, end in found]


def _sentence_starts(docs: Iterable[Any]) -> list[list[int]]:
    """Per doc, the character offset of each sentence's first token (the first token's always).

    Reads the token arrays of all the docs at once: a spaCy Token or Span per sentence, or numpy work
    per doc, costs more than the sentencizer itself.
    """
    import numpy as np
    from spacy.attrs import IDX, SENT_START

    attrs = (SENT_START, IDX)
    arrays = [doc.to_array(attrs) for doc in docs]
    if not arrays:
        return []
    sizes = np.fromiter(map(len, arrays), dtype=np.intp, count=len(arrays))
    table = np.concatenate(arrays)
    opens = table[:, 0] == 1
    firsts = (np.cumsum(sizes) - sizes)[sizes > 0]
    opens[firsts] = True
    per_doc = np.bincount(np.repeat(np.arange(len(arrays)), sizes)[opens], minlength=len(arrays))
    offsets: list[int] = table[opens, 1].tolist()
    starts: list[list[int]] = []
    last = 0
    for end in np.cumsum(per_doc).tolist():
        starts.append(offsets[last:end])
        last = end
    return starts


_OPENING = "([{“‘"  # always open what follows
_OPENING_CHECK = (*_OPENING, '"', "'")


def _add_bounds(
    out: list[tuple[int, int, int]], turn: int, offset: int, starts: list[int], text: str
) -> None:
    """Append (turn, start, end) for each sentence of ``text`` that opens at ``starts``, shifted by
    ``offset``: white space trimmed, empty ones dropped."""
    if not starts:  # a doc without tokens
        return
    if len(starts) > 1 and any(mark in text for mark in _OPENING_CHECK):
        # The sentencizer keeps an opening bracket or quote with the sentence before it ("so. [" +
        # "laughs] That's", 'things. "' + 'Frequent flyer."'): transcripts are full of [laughs] and
        # quoted speech, so it opens the next sentence instead. A straight quote opens when white space
        # comes before it and a word after it; after a word or a full stop it closes, and with white
        # space on both sides (spaced quotes: 'she said " I was fine. " Then') it is left where it is.
        for n in range(1, len(starts)):
            back = starts[n] - 1
            while back > starts[n - 1] and text[back].isspace():
                back -= 1
            if back > starts[n - 1] and (
                text[back] in _OPENING
                or (text[back] in "\"'" and text[back - 1].isspace() and not text[back + 1].isspace())
            ):
                starts[n] = back
    ends = starts[1:]
    ends.append(len(text))
    for start, end in zip(starts, ends, strict=True):
        piece = text[start:end].rstrip()
        if piece:
            lead = len(piece) - len(piece.lstrip()) if piece[0].isspace() else 0
            out.append((turn, offset + start + lead, offset + start + len(piece)))
