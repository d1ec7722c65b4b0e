"""Token counting with tiktoken, the one measure of length for chunks, questions and prompts."""

from __future__ import annotations

from functools import cache

import tiktoken

from assistant.offline import seed_tiktoken_cache


@cache
def encoding(name: str = "cl100k_base") -> tiktoken.Encoding:
    seed_tiktoken_cache()
    return tiktoken.get_encoding(name)


def count_tokens(text: str, name: str = "cl100k_base") -> int:
    return len(encoding(name).encode(text, disallowed_special=()))


def truncate_to_tokens(text: str, limit: int, name: str = "cl100k_base") -> str:
    """The longest prefix of `text` that fits in `limit` tokens."""
    enc = encoding(name)
    ids = enc.encode(text, disallowed_special=())
    return text if len(ids) <= limit else enc.decode(ids[:limit])
