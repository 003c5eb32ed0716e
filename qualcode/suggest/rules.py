"""Codebook rules: each code's keywords and phrases (spaCy PhraseMatcher) and its Matcher patterns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qualcode.model import Codebook


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A keyword, phrase or pattern of ``code`` found at ``[start, end)`` of the transcript's text."""

    code: str
    start: int
    end: int
    words: str
    kind: str  # "keyword", "lemma" or "pattern"

    def reason(self) -> str:
        return f"matched {self.words!r}" if self.kind != "pattern" else f"matched pattern {self.words!r}"


class CodebookRules:
    """Matchers built from a codebook's codable codes.

    Keywords match on lower-case text, and on lemmas too when the pipeline has a lemmatizer (so
    "othered" in the codebook also finds "othering"). Patterns are spaCy Matcher token patterns.
    """

    def __init__(self, codebook: Codebook, nlp: Any, *, lemmas: bool = False) -> None:
        from spacy.matcher import Matcher, PhraseMatcher
        from spacy.tokens import Doc

        self.vocab = nlp.vocab
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.lemma_phrases = PhraseMatcher(nlp.vocab, attr="LEMMA") if lemmas else None
        self.lemma_pos: dict[tuple[int, ...], list[tuple[str, ...]]] = {}
        self.patterns = Matcher(nlp.vocab)
        # Token patterns that only list words are matched as phrases: the same matches, many times faster.
        self.pattern_phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        # Other patterns that open with given words run only around those words (the Matcher is the slowest
        # step of reading a transcript otherwise); the rest run over the whole text.
        self.anchored = Matcher(nlp.vocab)
        self.anchors: set[int] = set()
        # Per anchored pattern, the word sets one of whose words must occur for it to match (a window
        # lacking a word of one set of every pattern is not searched: same matches, fewer Matcher calls).
        self.required: list[list[set[int]]] = []
        self.size = 0
        for code in codebook:
            if code.group:
                continue
            keywords = [k for k in code.keywords if k.strip()]
            if keywords:
                self.phrases.add(code.name, [nlp.make_doc(k) for k in keywords])
                if self.lemma_phrases is not None:
                    # Only keywords of content words, and only the same parts of speech: "been there" would
                    # otherwise find "is there", and "othered" the adjective "other".
                    docs = [d for d in nlp.pipe(keywords) if not any(t.is_stop or t.is_punct for t in d)]
                    for d in docs:
                        classes = tuple(_word_class(t.pos_) for t in d)
                        self.lemma_pos.setdefault(tuple(t.lemma for t in d), []).append(classes)
                    if docs:
                        self.lemma_phrases.add(code.name, docs)
                self.size += len(keywords)
            for pattern in code.patterns:
                phrases = as_phrases(pattern)
                if phrases is not None:
                    self.pattern_phrases.add(code.name, [Doc(nlp.vocab, words=words) for words in phrases])
                    self.size += 1
                    continue
                opening = _opening_words(pattern)
                try:
                    (self.anchored if opening else self.patterns).add(code.name, [pattern])
                except (ValueError, TypeError):  # refused when the codebook was checked; never fatal here
                    continue
                self.anchors.update(nlp.vocab.strings.add(word) for word in opening)
                if opening:
                    self.required.append(
                        [{nlp.vocab.strings.add(w) for w in words} for words in _required_words(pattern)]
                    )
                self.size += 1

    def match(self, doc: Any, offset: int = 0, text: str | None = None) -> tuple[RuleHit, ...]:
        """Every rule hit in ``doc``, one per code and place, with offsets shifted by ``offset``.

        ``text`` is the doc's text when the caller has it (``doc.text`` is rebuilt from the tokens).
        """
        if not self.size or len(doc) == 0:
            return ()
        from spacy.attrs import IDX, LENGTH, LOWER

        array = doc.to_array([LOWER, IDX, LENGTH])
        found: dict[tuple[str, int, int], RuleHit] = {}
        sources: list[tuple[str, Any]] = [
            ("keyword", self.phrases),
            ("pattern", self.pattern_phrases),
            ("pattern", self.patterns),
        ]
        if self.lemma_phrases is not None:
            sources.insert(1, ("lemma", self.lemma_phrases))
        matches = [(kind, m) for kind, matcher in sources if len(matcher) for m in matcher(doc)]
        matches += [("pattern", m) for m in self._anchored_matches(doc, array[:, 0])]
        if not matches:
            return ()
        if text is None:
            text = doc.text
        starts = array[:, 1].tolist()
        ends = (array[:, 1] + array[:, 2]).tolist()
        strings = self.vocab.strings
        for kind, (match_id, start, end) in matches:
            if kind == "lemma" and not self._same_kind_of_word(doc[start:end]):
                continue
            code = strings[match_id]
            key = (code, starts[start], ends[end - 1])
            if key not in found:
                found[key] = RuleHit(code, offset + key[1], offset + key[2], text[key[1] : key[2]], kind)
        return tuple(found.values())

    def _same_kind_of_word(self, span: Any) -> bool:
        """Whether a lemma match has the keyword's kinds of word (a verb's -ing noun counts as the verb)."""
        found = tuple(_word_class(t.pos_) for t in span)
        for wanted in self.lemma_pos.get(tuple(t.lemma for t in span), []):
            if all(a == b or {a, b} == {"V", "N"} for a, b in zip(wanted, found, strict=True)):
                return True
        return False

    def _anchored_matches(self, doc: Any, lower: Any) -> list[tuple[int, int, int]]:
        """Matches of the anchored patterns, each searched in a window from one of its opening words.

        ``lower`` is the doc's LOWER ids.
        """
        if not len(self.anchored):
            return []
        import numpy as np

        starts = np.flatnonzero(np.isin(lower, np.fromiter(self.anchors, dtype=np.uint64)))
        windows: list[tuple[int, int]] = []
        lo = hi = -1
        for start in [*starts.tolist(), None]:
            if start is not None and start <= hi:
                hi = min(len(doc), start + ANCHOR_WINDOW)
                continue
            if hi > lo >= 0:
                windows.append((lo, hi))
            if start is not None:
                lo, hi = start, min(len(doc), start + ANCHOR_WINDOW)
        if not windows:
            return []
        bounds = np.array(windows, dtype=np.int64)
        wanted = np.zeros(len(windows), dtype=bool)
        for sets in self.required:
            possible = np.ones(len(windows), dtype=bool)
            for words in sets:
                at = np.flatnonzero(np.isin(lower, np.fromiter(words, dtype=np.uint64)))
                possible &= np.searchsorted(at, bounds[:, 1]) > np.searchsorted(at, bounds[:, 0])
            wanted |= possible
        out: list[tuple[int, int, int]] = []
        for n in np.flatnonzero(wanted).tolist():
            lo, hi = windows[n]
            out.extend((m, lo + s, lo + e) for m, s, e in self.anchored(doc[lo:hi]))
        return out


MAX_EXPANSION = 256


def as_phrases(pattern: Any) -> list[list[str]] | None:
    """The lower-case word sequences a Matcher pattern matches, if it only lists words; else None.

    Each token must be ``{LOWER: word}`` or ``{LOWER: {IN: [words]}}`` (or ORTH for words without
    capitals), optionally with ``OP: "?"``; anything else (other attributes, ``*``, ``+``) is left to
    spaCy's Matcher.
    """
    if not isinstance(pattern, list) or not pattern:
        return None
    sequences: list[list[str]] = [[]]
    for token in pattern:
        if not isinstance(token, dict):
            return None
        keys = set(token) - {"OP"}
        op = token.get("OP")
        if len(keys) != 1 or op not in (None, "?"):
            return None
        attr = next(iter(keys))
        value = token[attr]
        if isinstance(value, str):
            choices = [value]
        elif isinstance(value, dict) and set(value) == {"IN"} and isinstance(value["IN"], list):
            choices = list(value["IN"])
        else:
            return None
        if not all(isinstance(c, str) and c and " " not in c for c in choices):
            return None
        if attr == "ORTH" and any(c != c.lower() for c in choices):
            return None
        if attr not in ("LOWER", "ORTH"):
            return None
        options = [c.lower() for c in choices] + ([None] if op == "?" else [])
        sequences = [seq + ([c] if c is not None else []) for seq in sequences for c in options]
        if len(sequences) > MAX_EXPANSION:
            return None
    return [seq for seq in sequences if seq] or None


ANCHOR_WINDOW = 24  # tokens: a pattern with * or + that opens with given words matches within this many


def _opening_words(pattern: Any) -> list[str]:
    """The lower-case words one of which a pattern must open with, or [] if it can open otherwise."""
    if not isinstance(pattern, list) or not pattern or not isinstance(pattern[0], dict):
        return []
    first = pattern[0]
    if set(first) - {"OP"} not in ({"LOWER"}, {"ORTH"}) or first.get("OP") not in (None, "+"):
        return []
    value = first.get("LOWER", first.get("ORTH"))
    choices = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) else None
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        return []
    if "ORTH" in first and any(c != c.lower() for c in choices):
        return []
    return [c.lower() for c in choices]


def _required_words(pattern: list[Any]) -> list[list[str]]:
    """Per token a pattern cannot match without, the lower-case words it may be (tokens it may skip, or
    that test something other than the word, are left out: the condition stays necessary, not sufficient)."""
    out: list[list[str]] = []
    for token in pattern:
        if (
            not isinstance(token, dict)
            or token.get("OP") not in (None, "+")
            or set(token) - {"OP"}
            not in (
                {"LOWER"},
                {"ORTH"},
            )
        ):
            continue
        value = token.get("LOWER", token.get("ORTH"))
        choices = [value] if isinstance(value, str) else value.get("IN") if isinstance(value, dict) else None
        if isinstance(value, dict) and set(value) != {"IN"}:
            continue
        if isinstance(choices, list) and all(isinstance(c, str) for c in choices):
            out.append([c.lower() for c in choices])
    return out


def _word_class(pos: str) -> str:
    """Verbs (V), nouns (N), or the part of speech itself."""
    return "V" if pos in ("VERB", "AUX") else "N" if pos in ("NOUN", "PROPN") else pos
