"""Features for the learned model, computed with numpy from spaCy's token ids (no second tokenizer).

Blocks, each fitted on the coder's labelled units:

- words: unigrams and bigrams of the unit's tokens, hashed, TF-IDF (sublinear), L2-normalised;
- previous turn: the content words of the turn before (what the speaker is answering), TF-IDF, half weight;
- next turn: its words and bigrams (how the other speaker takes it: "yeah, exactly" after a reflection),
  TF-IDF, full weight;
- passage: for a segment of a longer turn, the content words of the passage around it (its turn, or up to
  five segments either side; thematic codes mark passages, not sentences), TF-IDF, half weight;
- context: speaker, previous speaker, the participant's role (one-hot);
- shape: ends with "?", has a "?", length, how much of the unit echoes the previous turn; for exclusive
  schemes (one code per unit, such as utterance types) also the length in bands;
- codebook: per code, whether a keyword or pattern matched, and the similarity to its example quotes;
- meaning (once the model learns): pretrained word vectors averaged over the unit and over the previous
  turn, half weight each, and their cosine (a reflection says again what the client said, in other
  words); see ``meaning``.

Hashing into a fixed space lets a transcript's raw counts be cached and reused across retrains; fitting
then keeps only the columns seen in training, so the model stays as small as the coder's data.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from qualcode.suggest import meaning
from qualcode.suggest.units import Unit, distinct_arrays

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

N_BUCKETS = 1 << 20
_MIX = 0x9E3779B97F4A7C15  # odd 64-bit constant (golden ratio) mixing two token ids into a bigram id
PREVIOUS_WEIGHT = 0.5
PASSAGE_WEIGHT = 0.5  # as the previous turn's: context, not the unit's own words
FOLLOWING_WEIGHT = 1.0
MEANING_WEIGHT = 0.5  # as the passage's and the previous turn's: another view of words already counted
LENGTH_SCALE = 1.0
OPENING = 2  # the first tokens of a unit also count as "opening" features (0: off)
_OPENING_SALT = 0x5BD1E9955BD1E995
SHAPE_NAMES = (
    "ends with '?'",
    "has a '?'",
    "its length",
    "echoes the previous turn",
    "shares words with the previous turn",
)
# Length in bands (tokens): whether a unit is a back-channel, a short question or a long explanation is
# not a straight line in its length. Used for exclusive schemes only (see docs/benchmarks.md).
LENGTH_BANDS = ((1, 2), (3, 5), (6, 12), (13, 25), (26, 1 << 30))
BAND_NAMES = tuple(
    f"is {lo}-{hi} words" if hi < 1 << 30 else f"is over {lo - 1} words" for lo, hi in LENGTH_BANDS
)


@dataclass(slots=True)
class RawFeatures:
    """Training-independent counts for a list of units (cacheable per transcript)."""

    units: list[Unit]
    words: csr_matrix  # n x N_BUCKETS counts
    previous: csr_matrix  # n x N_BUCKETS binary
    following: csr_matrix  # n x N_BUCKETS counts (unigrams and bigrams of the next turn)
    passage: csr_matrix  # n x N_BUCKETS binary (content words of the passage around the segment)
    shape: np.ndarray  # n x (len(SHAPE_NAMES) + len(BAND_NAMES))

    def __len__(self) -> int:
        return len(self.units)

    def take(self, rows: list[int]) -> RawFeatures:
        """These rows, in this order (itself when that is every row in order)."""
        if rows == list(range(len(self))):
            return self
        return RawFeatures(
            [self.units[i] for i in rows],
            self.words[rows],
            self.previous[rows],
            self.following[rows],
            self.passage[rows],
            self.shape[rows],
        )


def _counts(tokens: np.ndarray, rows: np.ndarray, n: int, binary: bool) -> csr_matrix:
    """A CSR matrix (n x N_BUCKETS) counting each row's hashed tokens (1 per distinct one if ``binary``)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    data = np.ones(len(tokens), dtype=np.float32)
    cols = (tokens % np.uint64(N_BUCKETS)).astype(np.int64)
    matrix = csr_matrix((data, (rows, cols)), shape=(n, N_BUCKETS))
    matrix.sum_duplicates()
    if binary:
        matrix.data[:] = 1.0
    return matrix


def _with_bigrams(tokens: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The tokens followed by the bigrams within each row (as mixed ids), and their rows."""
    import numpy as np

    if len(tokens) < 2:
        return tokens, rows
    same = rows[:-1] == rows[1:]
    mixed = tokens[:-1] * np.uint64(_MIX) + tokens[1:]  # wraps modulo 2**64, as intended
    return np.concatenate([tokens, mixed[same]]), np.concatenate([rows, rows[:-1][same]])


def _flat(arrays: Sequence[np.ndarray], dtype: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arrays concatenated, the row of each element, and each array's length."""
    import numpy as np

    n = len(arrays)
    lengths = np.fromiter(map(len, arrays), dtype=np.int64, count=n)
    flat = np.concatenate(arrays).astype(dtype, copy=False) if n else np.zeros(0, dtype)
    return flat, np.repeat(np.arange(n, dtype=np.int64), lengths), lengths


def _shared_rows(arrays: Sequence[np.ndarray], bigrams: bool, binary: bool) -> csr_matrix:
    """Hashed counts of each array, computing each distinct array once: the sentences of a turn share it."""
    import numpy as np

    distinct, rows = distinct_arrays(arrays)
    tokens, token_rows, _ = _flat(distinct, np.uint64)
    if bigrams:
        tokens, token_rows = _with_bigrams(tokens, token_rows)
    matrix = _counts(tokens, token_rows, len(distinct), binary)
    return matrix if len(distinct) == len(arrays) else matrix[rows]


def raw_features(units: Sequence[Unit]) -> RawFeatures:
    """Hash the units' tokens and measure their shape; independent of any training.

    Works on any list of units (of one or many transcripts) in a few numpy passes; a unit's features do
    not depend on the other units in the list.
    """
    import numpy as np

    units = list(units)
    n = len(units)
    tokens, rows, lengths = _flat([u.tokens for u in units], np.uint64)
    content, _, _ = _flat([u.content for u in units], np.bool_)
    unigrams_and_bigrams = _with_bigrams(tokens, rows)
    all_tokens, all_rows = unigrams_and_bigrams
    if OPENING:
        # How a unit opens ("so you", "what", "okay") says much about what it does; own namespace, counted
        # once per unit (binary) on top of the unit's word counts.
        position = np.arange(len(tokens), dtype=np.int64) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        first = position < OPENING
        opening, opening_rows = _with_bigrams(tokens[first] ^ np.uint64(_OPENING_SALT), rows[first])
        keys = (opening_rows.astype(np.uint64) << np.uint64(_BUCKET_BITS)) | (opening % np.uint64(N_BUCKETS))
        keys = np.unique(keys)
        all_tokens = np.concatenate([all_tokens, keys & np.uint64(N_BUCKETS - 1)])
        all_rows = np.concatenate([all_rows, (keys >> np.uint64(_BUCKET_BITS)).astype(np.int64)])
    words = _counts(all_tokens, all_rows, n, binary=False)
    content_words = _counts(tokens[content], rows[content], n, binary=True)
    previous = _shared_rows([u.previous for u in units], bigrams=False, binary=True)
    following = _shared_rows([u.following for u in units], bigrams=True, binary=False)
    shared = np.asarray(content_words.multiply(previous).sum(axis=1)).ravel()
    ends_q = np.fromiter((u.text.rstrip().endswith("?") for u in units), dtype=np.float32, count=n)
    has_q = np.fromiter(("?" in u.text for u in units), dtype=np.float32, count=n)
    unique_content = np.diff(content_words.indptr)
    shape = np.column_stack(
        [
            ends_q,
            has_q,
            np.log1p(lengths) * LENGTH_SCALE,
            shared / (unique_content + 1.0),
            (shared > 0).astype(np.float32),
            *[((lengths >= lo) & (lengths <= hi)).astype(np.float32) for lo, hi in LENGTH_BANDS],
        ]
    ).astype(np.float32)
    passage = _shared_rows([u.passage for u in units], bigrams=False, binary=True)
    return RawFeatures(units, words, previous, following, passage, shape)


_BUCKET_BITS = N_BUCKETS.bit_length() - 1


def split_raw(raw: RawFeatures, sizes: Sequence[int]) -> list[RawFeatures]:
    """Consecutive parts of ``raw`` with these numbers of rows (one per transcript, to cache them)."""
    out: list[RawFeatures] = []
    start = 0
    for size in sizes:
        end = start + size
        out.append(
            RawFeatures(
                raw.units[start:end],
                raw.words[start:end],
                raw.previous[start:end],
                raw.following[start:end],
                raw.passage[start:end],
                raw.shape[start:end],
            )
        )
        start = end
    return out


def stack_raw(parts: Sequence[RawFeatures]) -> RawFeatures:
    """Several raw feature sets as one (rows in order)."""
    import numpy as np
    from scipy.sparse import vstack

    if len(parts) == 1:
        return parts[0]
    if not parts:
        return raw_features([])
    return RawFeatures(
        [u for p in parts for u in p.units],
        vstack([p.words for p in parts], format="csr"),
        vstack([p.previous for p in parts], format="csr"),
        vstack([p.following for p in parts], format="csr"),
        vstack([p.passage for p in parts], format="csr"),
        np.vstack([p.shape for p in parts]),
    )


@dataclass(slots=True)
class _Block:
    """A fitted TF-IDF block: which hashed columns are kept, where they go, and their idf."""

    colmap: np.ndarray  # N_BUCKETS -> column or -1
    idf: np.ndarray
    sublinear: bool

    @property
    def size(self) -> int:
        return len(self.idf)

    @classmethod
    def fit(cls, matrix: csr_matrix, sublinear: bool) -> _Block:
        import numpy as np

        used, df = np.unique(matrix.indices, return_counts=True)
        colmap = np.full(N_BUCKETS, -1, dtype=np.int64)
        colmap[used] = np.arange(len(used))
        n = matrix.shape[0]
        idf = (np.log((1.0 + n) / (1.0 + df)) + 1.0).astype(np.float32)
        return cls(colmap, idf, sublinear)

    def transform(self, matrix: csr_matrix, weight: float = 1.0) -> csr_matrix:
        import numpy as np
        from scipy.sparse import csr_matrix

        n = matrix.shape[0]
        cols = self.colmap[matrix.indices]
        keep = cols >= 0
        # The kept entries stay in their rows, so the CSR structure follows directly from the input's.
        indptr = np.concatenate([[0], np.cumsum(keep, dtype=np.int64)])[matrix.indptr]
        cols = cols[keep]
        rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
        data = matrix.data[keep].astype(np.float32)
        if self.sublinear:
            data = 1.0 + np.log(data)
        data = data * self.idf[cols]
        norms = np.sqrt(np.bincount(rows, weights=data * data, minlength=n))
        norms[norms == 0] = 1.0
        data = data / norms[rows] * weight
        out = csr_matrix(
            (data.astype(np.float32), cols.astype(np.int32), indptr.astype(np.int32)), shape=(n, self.size)
        )
        out.sort_indices()  # as scipy's COO -> CSR conversion leaves it (sums then add up in the same order)
        return out


@dataclass(slots=True)
class Featurizer:
    """Features fitted on a coder's labelled units (and the codebook's example quotes).

    Attributes:
        codes: The codes, in column order of the codebook blocks.
        words: The fitted words block.
        previous: The fitted previous-turn block.
        following: The fitted next-turn block.
        passage: The fitted block of the passage around a segment.
        context: Context token -> column.
        examples: The example quotes' word vectors (L2-normalised TF-IDF), one row per quote.
        example_codes: Column (code) of each example quote.
        example_vectors: Normalised spaCy vectors of the quotes, when the pipeline has vectors.
        vocab: The reader's spaCy vocabulary when the model has the meaning block (None: it has not).
    """

    codes: tuple[str, ...]
    shape_names: tuple[str, ...]
    words: _Block
    previous: _Block
    following: _Block
    passage: _Block
    context: dict[str, int]
    examples: csr_matrix
    example_codes: np.ndarray
    example_vectors: np.ndarray | None
    vocab: Any = None

    @property
    def layout(self) -> dict[str, tuple[int, int]]:
        """Column range of each block in the model's matrix."""
        sizes = [
            ("words", self.words.size),
            ("previous", self.previous.size),
            ("following", self.following.size),
            ("passage", self.passage.size),
            ("context", len(self.context)),
            ("shape", len(self.shape_names)),
            ("rules", len(self.codes)),
            ("examples", len(self.codes)),
            ("meaning", 2 * meaning.DIMENSIONS + 1 if self.vocab is not None else 0),
        ]
        out: dict[str, tuple[int, int]] = {}
        start = 0
        for name, size in sizes:
            out[name] = (start, start + size)
            start += size
        return out

    def word_vectors(self, raw: RawFeatures) -> csr_matrix:
        """The units' L2-normalised TF-IDF word vectors (for similarity between units)."""
        return self.words.transform(raw.words)

    def transform(self, raw: RawFeatures) -> tuple[csr_matrix, csr_matrix, np.ndarray, np.ndarray]:
        """The model matrix, the word vectors, the rule-hit matrix and the example similarities.

        Returns:
            (X, word vectors, rule hits n x codes, example similarity n x codes).
        """
        import numpy as np
        from scipy.sparse import csr_matrix, hstack

        n = len(raw)
        words = self.word_vectors(raw)
        previous = self.previous.transform(raw.previous, PREVIOUS_WEIGHT)
        following = self.following.transform(raw.following, FOLLOWING_WEIGHT)
        passage = self.passage.transform(raw.passage, PASSAGE_WEIGHT)
        code_index = {code: k for k, code in enumerate(self.codes)}
        # Units share a few (speaker, previous speaker, role) combinations: their columns are looked up once.
        combinations: dict[tuple[str, str, str], list[int]] = {}
        ctx_cols: list[int] = []
        ctx_counts = np.zeros(n, dtype=np.int64)
        rule_rows: list[int] = []
        rule_cols: list[int] = []
        for i, unit in enumerate(raw.units):
            key = (unit.speaker, unit.previous_speaker, unit.role)
            cols = combinations.get(key)
            if cols is None:
                tokens = context_tokens(unit)
                cols = combinations[key] = [self.context[t] for t in tokens if t in self.context]
            ctx_cols.extend(cols)
            ctx_counts[i] = len(cols)
            for hit in unit.hits:
                k = code_index.get(hit.code)
                if k is not None:
                    rule_rows.append(i)
                    rule_cols.append(k)
        context = csr_matrix(
            (
                np.ones(len(ctx_cols), np.float32),
                np.array(ctx_cols, dtype=np.int32),
                np.concatenate([[0], np.cumsum(ctx_counts)]).astype(np.int32),
            ),
            shape=(n, len(self.context)),
        )
        context.sort_indices()
        rules = np.zeros((n, len(self.codes)), dtype=np.float32)
        rules[rule_rows, rule_cols] = 1.0
        similarity = self.example_similarity(raw, words)
        matrix = hstack(
            [
                words,
                previous,
                following,
                passage,
                context,
                csr_matrix(raw.shape[:, : len(self.shape_names)]),
                csr_matrix(rules),
                csr_matrix(similarity),
                *self._meaning(raw),
            ],
            format="csr",
        )
        return matrix, words, rules, similarity

    def _meaning(self, raw: RawFeatures) -> list[csr_matrix]:
        """The meaning block (none if the model was fitted without it)."""
        from scipy.sparse import csr_matrix

        vectors = meaning.word_vectors() if self.vocab is not None else None
        if vectors is None:
            return []
        own = meaning.mean_vectors([u.tokens for u in raw.units], self.vocab, vectors)
        before = meaning.mean_vectors([_said_before(u) for u in raw.units], self.vocab, vectors)
        echo = (own * before).sum(axis=1, keepdims=True)
        return [csr_matrix(MEANING_WEIGHT * own), csr_matrix(MEANING_WEIGHT * before), csr_matrix(echo)]

    def example_similarity(self, raw: RawFeatures, words: csr_matrix) -> np.ndarray:
        """Per unit and code, the highest similarity to one of the code's example quotes (0 if none)."""
        import numpy as np

        n, k = len(raw), len(self.codes)
        out = np.zeros((n, k), dtype=np.float32)
        if not len(self.example_codes) or not n:
            return out
        if self.example_vectors is not None and all(u.vector is not None for u in raw.units):
            unit_vectors = _normalised(np.array([u.vector for u in raw.units], dtype=np.float32))
            sims = unit_vectors @ self.example_vectors.T
        else:
            sims = (words @ self.examples.T).toarray()
        for col, code in enumerate(self.example_codes):
            np.maximum(out[:, code], sims[:, col], out=out[:, code])
        return np.clip(out, 0.0, 1.0)


def _said_before(unit: Unit) -> np.ndarray:
    import numpy as np

    return unit.said_before if unit.said_before is not None else np.zeros(0, dtype=np.uint64)


def context_tokens(unit: Unit) -> tuple[str, ...]:
    """Who speaks, after whom, in whose interview: as tokens for the context block."""
    tokens = [f"speaker={unit.speaker.casefold()}", f"previous={unit.previous_speaker.casefold()}"]
    if unit.role:
        tokens.append(f"role={unit.role.casefold()}")
    return tuple(tokens)


def _normalised(matrix: np.ndarray) -> np.ndarray:
    import numpy as np

    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: np.ndarray = matrix / norms
    return result


def fit_featurizer(
    train: RawFeatures,
    examples: RawFeatures,
    example_codes: Sequence[int],
    codes: Sequence[str],
    *,
    length_bands: bool = False,
    vocab: Any = None,
) -> Featurizer:
    """Fit the blocks on the labelled units plus the codebook's example quotes.

    ``length_bands`` adds the length in bands to the shape block (for exclusive schemes); ``vocab`` (the
    reader's, to look the words up) adds the meaning block, if the word vectors are installed.
    """
    import numpy as np
    from scipy.sparse import vstack

    both = vstack([train.words, examples.words], format="csr") if len(examples) else train.words
    words = _Block.fit(both, sublinear=True)
    previous = _Block.fit(train.previous, sublinear=False)
    following = _Block.fit(train.following, sublinear=True)
    passage = _Block.fit(train.passage, sublinear=False)
    context: dict[str, int] = {}
    for unit in train.units:
        for token in context_tokens(unit):
            context.setdefault(token, len(context))
    example_vectors = None
    if len(examples) and all(u.vector is not None for u in examples.units):
        example_vectors = _normalised(np.array([u.vector for u in examples.units], dtype=np.float32))
    return Featurizer(
        tuple(codes),
        SHAPE_NAMES + BAND_NAMES if length_bands else SHAPE_NAMES,
        words,
        previous,
        following,
        passage,
        context,
        words.transform(examples.words),
        np.asarray(example_codes, dtype=np.int64),
        example_vectors,
        vocab if vocab is not None and meaning.available() else None,
    )


def _string(vocab: Any, key: int) -> str:
    try:
        return str(vocab.strings[key])
    except KeyError:  # a hash spaCy never stored (cannot happen for tokens it made, but never fail a reason)
        return ""


def word_columns(unit: Unit, colmap: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The words block's column of each of the unit's unigrams and bigrams (-1: not in the block)."""
    import numpy as np

    tokens = unit.tokens
    unigrams = colmap[(tokens % np.uint64(N_BUCKETS)).astype(np.int64)]
    mixed = (tokens[:-1] * np.uint64(_MIX) + tokens[1:]) % np.uint64(N_BUCKETS)
    return unigrams, colmap[mixed.astype(np.int64)]


def word_label(unit: Unit, column: int, columns: tuple[np.ndarray, np.ndarray], vocab: Any) -> str:
    """The words behind one column of the words block for this unit (to explain a suggestion): the last
    unigram hashed there, else the first bigram; only the strings needed are looked up."""
    import numpy as np

    unigrams, bigrams = columns
    at = np.flatnonzero(unigrams == column)
    if len(at):
        return _string(vocab, int(unit.tokens[at[-1]]))
    at = np.flatnonzero(bigrams == column)
    if not len(at):
        return ""
    first, second = _string(vocab, int(unit.tokens[at[0]])), _string(vocab, int(unit.tokens[at[0] + 1]))
    joiner = "" if second.startswith("'") or second == "n't" else " "
    return f"{first}{joiner}{second}"
