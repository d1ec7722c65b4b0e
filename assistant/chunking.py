"""Split articles into token-counted, sentence-aligned, overlapping chunks that keep offsets and skip boilerplate."""

from __future__ import annotations

import hashlib
import re
import threading
from functools import cache, lru_cache
from typing import Any

import pysbd
from langchain_text_splitters import RecursiveCharacterTextSplitter, TextSplitter
from pysbd.utils import TextSpan

from assistant.boilerplate import content_spans
from assistant.schema import Article, Chunk
from assistant.tokens import count_tokens


class _Segmenter(pysbd.Segmenter):
    r"""pysbd with its sentence-to-offset mapping done by `str.find` instead of one regex per sentence.

    pysbd compiles `re.escape(sentence) + r"\s*"` for every sentence and scans the text from the
    start each time; those one-off patterns also flush `re`'s cache of pysbd's own patterns. This
    gives the same spans (same first match ending after the previous sentence; `str.isspace` is
    what `\s` matches) at about 60 % of the cost per article.
    """

    def sentences_with_char_spans(self, sentences: list[str]) -> list[TextSpan]:
        text = self.original_text
        spans = []
        prior_end = 0
        for sentence in sentences:
            position = 0
            while (start := text.find(sentence, position)) >= 0:
                end = start + len(sentence)
                while end < len(text) and text[end].isspace():
                    end += 1
                if end > prior_end:
                    spans.append(TextSpan(text[start:end], start, end))
                    prior_end = end
                    break
                position = end if end > start else start + 1
        return spans


_local = threading.local()
# What a reader of the article never sees as text: HTML comments, script and style elements with
# their contents, and tags. pysbd ends a sentence at the "!" of "<!--"; a sentence boundary inside
# markup is never a real one.
MARKUP = re.compile(
    r"<!--.*?-->|<(script|style)\b[^<>]*>.*?</\1\s*>|</?[A-Za-z][^<>]{0,2000}>", re.DOTALL | re.IGNORECASE
)


def _segmenter() -> pysbd.Segmenter:
    """One segmenter per thread: `segment()` keeps the text on the instance, so threads must not share one."""
    segmenter: pysbd.Segmenter | None = getattr(_local, "segmenter", None)
    if segmenter is None:
        segmenter = _local.segmenter = _Segmenter(language="en", clean=False, char_span=True)
    return segmenter


def _segment(text: str) -> list[TextSpan]:
    """pysbd's sentences, re-joined where it cut inside markup or before a closing tag."""
    spans: list[TextSpan] = _segmenter().segment(text)
    inside_markup = [(m.start(), m.end()) for m in MARKUP.finditer(text)]
    if not inside_markup or not spans:
        return spans
    joined = [spans[0]]
    for span in spans[1:]:
        if span.sent.startswith("</") or any(start < span.start < end for start, end in inside_markup):
            previous = joined.pop()
            span = TextSpan(text[previous.start : span.end], previous.start, span.end)
        joined.append(span)
    return joined


def without_markup(text: str) -> str:
    """The text as a reader of the article sees it: comments and tags dropped, spaces collapsed."""
    return " ".join(MARKUP.sub(" ", text).split()) if "<" in text else text


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, trailing whitespace excluded; together they cover the text."""
    return list(_sentence_spans(text))


def forget_sentence_spans() -> None:
    """Empty the cache of sentence spans, so the next calls segment again (the thread-safety test needs it)."""
    _sentence_spans.cache_clear()


@lru_cache(maxsize=4096)
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Cached: answerers split the same retrieved passages again for every question (~3 ms each)."""
    spans = []
    for span in _segment(text):
        sentence = text[span.start : span.end]
        stripped = sentence.rstrip()
        lead = len(sentence) - len(sentence.lstrip())
        if stripped.strip():
            spans.append((span.start + lead, span.start + len(stripped)))
    return tuple(spans)


class SentenceSplitter(TextSplitter):
    """LangChain splitter whose atoms are sentences (pysbd), merged up to a tiktoken budget.

    LangChain's regex separators cut at every '. ', which splits 'U.S. military base'; pysbd knows
    abbreviations. Sentences longer than the budget are cut at word boundaries instead.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(keep_separator=True, strip_whitespace=True, **kwargs)
        self._long_sentence_splitter = RecursiveCharacterTextSplitter(
            chunk_size=self._chunk_size,
            chunk_overlap=0,
            length_function=self._length_function,
            keep_separator="end",
            strip_whitespace=False,
        )

    def split_text(self, text: str) -> list[str]:
        pieces: list[str] = []
        for span in _segment(text):
            if self._length_function(span.sent) > self._chunk_size:
                pieces.extend(self._long_sentence_splitter.split_text(span.sent))
            else:
                pieces.append(span.sent)
        return self._merge_splits(pieces, "")


@cache
def make_splitter(chunk_tokens: int, overlap_tokens: int, encoding_name: str) -> SentenceSplitter:
    return SentenceSplitter(
        chunk_size=chunk_tokens,
        chunk_overlap=overlap_tokens,
        length_function=lambda text: count_tokens(text, encoding_name),
    )


# How a chunk is indexed (`indexed_text`). It is part of every chunk id, so a store built another
# way is re-indexed by the next ingest instead of mixing two kinds of vectors.
INDEXED_AS = "headline+chunk"


def indexed_text(title: str, chunk_text: str) -> str:
    """What search reads of a chunk: its article's headline, then the chunk (stored and cited alone).

    A passage often names its subject only in the headline. Searched alone, "The government has
    pledged to plant a billion trees by 2031." matches every story with a sentence like it, whichever
    country the question names."""
    return f"{title}\n\n{chunk_text}" if title else chunk_text


def chunk_article(
    article: Article, chunk_tokens: int = 160, overlap_tokens: int = 48, encoding_name: str = "cl100k_base"
) -> list[Chunk]:
    """Chunks in reading order; ids derive from the article's content hash, the chunk's span and `INDEXED_AS`.

    Site boilerplate (share bars, "Read more" links, ads, credits: see `assistant.boilerplate`) is left
    out: each stretch between boilerplate is chunked on its own, so no chunk spans one, while offsets
    stay in the stored text that citations quote. An article without boilerplate is one stretch.
    """
    splitter = make_splitter(chunk_tokens, overlap_tokens, encoding_name)
    chunks: list[Chunk] = []
    for content_start, content_end in content_spans(article.text):
        cursor = content_start
        for piece in splitter.split_text(article.text[content_start:content_end]):
            # Chunks are verbatim substrings in order; overlap means the next one starts after the
            # previous start, so searching from there finds it.
            start = article.text.find(piece, cursor, content_end)
            if start < 0:
                raise RuntimeError(f"chunk not found verbatim in {article.article_id}")
            end = start + len(piece)
            key = f"{article.article_id}\x00{article.content_hash}\x00{start}:{end}\x00{INDEXED_AS}"
            chunk_id = hashlib.sha256(key.encode()).hexdigest()[:32]
            chunks.append(Chunk(chunk_id=chunk_id, article_id=article.article_id, text=piece, start=start, end=end))
            cursor = start + 1
    return chunks
