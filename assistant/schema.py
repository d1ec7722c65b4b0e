"""The typed values that travel through the pipeline and out of the public API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ArticleMeta(BaseModel):
    """What a reader needs to judge a source: who wrote it, where, when."""

    model_config = ConfigDict(frozen=True)

    article_id: str
    title: str
    author: str = "Unknown author"
    publisher: str = "Unknown publisher"
    date: str = "Undated"
    source: str = ""
    content_hash: str = Field(default="", description="sha256 of text and metadata; a change re-indexes.")


class Article(ArticleMeta):
    text: str


class Chunk(BaseModel):
    """A token-bounded, sentence-aligned slice of an article: `article.text[start:end] == text`."""

    model_config = ConfigDict(frozen=True)

    chunk_id: str
    article_id: str
    text: str
    start: int
    end: int


class Passage(BaseModel):
    """A retrieved chunk with its article's metadata and the scores that ranked it."""

    model_config = ConfigDict(frozen=True)

    chunk: Chunk
    meta: ArticleMeta
    score: float = Field(description="Reciprocal-rank-fusion score.")
    vector_rank: int | None = None
    keyword_rank: int | None = None
    vector_similarity: float | None = None


class Citation(BaseModel):
    """`quote == article_text[start:end]`, so a reader can open the exact passage."""

    number: int
    article_id: str
    title: str
    author: str
    date: str
    quote: str
    start: int
    end: int


Verdict = Literal["supported", "unsupported", "uncited", "bad_citation", "quoted"]


class AnswerSentence(BaseModel):
    """One sentence of an answer, the citation numbers it carries and how it was checked."""

    text: str
    citations: list[int] = Field(default_factory=list)
    verdict: Verdict = "quoted"


class Thoughts(BaseModel):
    """How the answer came about, for the UI's 'why' panel, the evals and the tests."""

    standalone_question: str
    passages: list[Passage] = Field(default_factory=list)
    best_relevance: float | None = None


class Answer(BaseModel):
    text: str
    refused: bool
    citations: list[Citation] = Field(default_factory=list)
    sentences: list[AnswerSentence] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list, description="Things the reader should know.")
    model: str
    thoughts: Thoughts


class Message(BaseModel):
    role: Literal["user", "assistant"]
    content: str
