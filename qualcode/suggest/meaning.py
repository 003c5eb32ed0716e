"""What a unit means, as a dense vector: pretrained word embeddings averaged over its words.

The learned model's other features are the coder's own words, so with a few hundred codings it cannot
know that "so you're worried" and "it sounds like you're concerned" do the same thing. Pretrained
embeddings carry that. They come from WordLlama (published under MIT): a 32,000-token table for Llama 2's
tokenizer, trained for sentence similarity from the token embeddings of models that share it, shipped
inside its wheel, so nothing is downloaded (on its licence see docs/suggestions.md). The first 128
of its 256 dimensions are used: it was trained so that they stand alone (Matryoshka), and on AnnoMI they
did as well as all 256 (docs/benchmarks.md).

The files are read with ``tokenizers`` and ``safetensors``, which WordLlama itself uses, not through
``import wordllama``: its import configures the root logger (log lines on the workbench's screen), and
its loader looks for the bundled tokenizer in a folder that is not there and then goes to the network.

A word's vector is the sum of its pieces' rows (so a unit weighs each piece once, as WordLlama pools
them); a unit's is the mean of its words' vectors, L2-normalised.
The vectors are cached per word for the process (a lock guards the cache: the workbench trains in a
worker thread while the command line may score in another).
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.suggest.units import distinct_arrays

if TYPE_CHECKING:
    import numpy as np
    from scipy.sparse import csr_matrix

log = logging.getLogger(__name__)

DIMENSIONS = 128
_PACKAGE = "wordllama"
_WEIGHTS = ("weights", "l2_supercat_256.safetensors")
_TOKENIZER = ("tokenizers", "l2_supercat_tokenizer_config.json")


def _files() -> tuple[Path, Path] | None:
    """The bundled table and tokenizer, found without importing the package (None if not installed)."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    weights, tokenizer = root.joinpath(*_WEIGHTS), root.joinpath(*_TOKENIZER)
    return (weights, tokenizer) if weights.is_file() and tokenizer.is_file() else None


class WordVectors:
    """Per spaCy word hash, its pretrained vector (computed once per process)."""

    def __init__(self, weights: Path, tokenizer: Path) -> None:
        import os

        import numpy as np
        from safetensors.numpy import load_file

        # The batches are a few hundred new words: no threads, and no warning on stderr (the workbench's
        # screen) when a process forks after a tokenizer has run.
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from tokenizers import Tokenizer

        table = load_file(str(weights))["embedding.weight"]
        self._table = np.ascontiguousarray(table[:, :DIMENSIONS], dtype=np.float32)
        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self._rows: dict[int, int] = {}
        self._vectors = np.zeros((1024, DIMENSIONS), dtype=np.float32)
        self._lock = threading.Lock()

    def rows(self, hashes: np.ndarray, vocab: Any) -> tuple[np.ndarray, np.ndarray]:
        """Each hash's row in the table returned with them (words met for the first time are embedded now;
        the table may be replaced by a larger one later, but the rows returned stay valid in this one)."""
        import numpy as np

        with self._lock:
            distinct = np.unique(hashes)
            new = [int(h) for h in distinct.tolist() if int(h) not in self._rows]
            if new:
                self._add(new, vocab)
            found = np.fromiter((self._rows[int(h)] for h in distinct.tolist()), np.int64, len(distinct))
            return found[np.searchsorted(distinct, hashes)], self._vectors

    def _add(self, hashes: list[int], vocab: Any) -> None:
        import numpy as np

        words = []
        for key in hashes:
            try:
                words.append(str(vocab.strings[key]))
            except KeyError:  # a hash spaCy never stored: cannot happen for tokens it made; no vector then
                words.append("")
        encoded = self._tokenizer.encode_batch(words, add_special_tokens=False)
        start = len(self._rows)
        needed = start + len(hashes)
        if needed > len(self._vectors):
            grown = np.zeros((max(needed, 2 * len(self._vectors)), DIMENSIONS), dtype=np.float32)
            grown[:start] = self._vectors[:start]
            self._vectors = grown
        for k, (key, pieces) in enumerate(zip(hashes, encoded, strict=True)):
            if pieces.ids:
                self._vectors[start + k] = self._table[pieces.ids].sum(axis=0)
            self._rows[key] = start + k


_loaded: WordVectors | None = None
_loading = threading.Lock()
_missing_said = False


def word_vectors() -> WordVectors | None:
    """The process's word vectors, loaded on first use (None, said once in the log, if not installed)."""
    global _loaded, _missing_said
    with _loading:
        if _loaded is None:
            files = _files()
            if files is None:
                if not _missing_said:
                    log.warning("wordllama is not installed: suggestions learn without word meanings")
                    _missing_said = True
                return None
            _loaded = WordVectors(*files)
        return _loaded


def available() -> bool:
    return _files() is not None


def mean_vectors(arrays: Sequence[np.ndarray], vocab: Any, vectors: WordVectors) -> np.ndarray:
    """Per array of word hashes, the L2-normalised mean of its words' vectors (zeros for no words).

    Arrays that are the same object (the sentences of a turn share their previous turn) are computed once.
    """
    import numpy as np
    from scipy.sparse import csr_matrix

    distinct, rows = distinct_arrays(arrays)
    lengths = np.fromiter(map(len, distinct), dtype=np.int64, count=len(distinct))
    # Each cast on its own: one float array (an empty np.zeros(0)) would turn all the hashes into floats.
    hashes = np.concatenate([a.astype(np.uint64, copy=False) for a in distinct] or [np.zeros(0, np.uint64)])
    word_rows, table = vectors.rows(hashes, vocab)
    owner = np.repeat(np.arange(len(distinct), dtype=np.int64), lengths)
    counts: csr_matrix = csr_matrix(
        (np.ones(len(hashes), dtype=np.float32), (owner, word_rows)), shape=(len(distinct), len(table))
    )
    summed = np.asarray(counts @ table, dtype=np.float32)
    norms = np.linalg.norm(summed, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: np.ndarray = (summed / norms)[rows]
    return result
