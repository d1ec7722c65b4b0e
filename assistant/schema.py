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
    """An exact passage a reader can open, with who published it and when.

    For `kind="text"`, `quote == article_text[start:end]`; for `kind="metadata"` (who wrote the
    article, where and when it appeared, its licence), `quote == metadata_card(meta)[start:end]`.
    """

    number: int
    article_id: str
    title: str
    author: str
    publisher: str = ""
    date: str
    quote: str
    start: int
    end: int
    kind: Literal["text", "metadata"] = "text"


Verdict = Literal["supported", "unsupported", "uncited", "bad_citation", "quoted", "note"]


class AnswerSentence(BaseModel):
    """One sentence of an answer, the citation numbers it carries and how it was checked.

    `answer_span` marks, in `text`, the words that answer the question (the amount for "how
    much", the date for "when"...), for the UI to highlight; None when no span stands out."""

    text: str
    citations: list[int] = Field(default_factory=list)
    verdict: Verdict = "quoted"
    answer_span: tuple[int, int] | None = None


class Evidence(BaseModel):
    """The verbatim sentences an answer rests on, streamed before the answer is written so the
    reader sees them at once; their numbers are the answer's citation numbers."""

    citations: list[Citation] = Field(default_factory=list)


class Thoughts(BaseModel):
    """How the answer came about, for the UI's 'why' panel, the evals and the tests."""

    standalone_question: str
    passages: list[Passage] = Field(default_factory=list)
    best_relevance: float | None = None
    answer_kind: str = ""
    answerable_score: float | None = Field(default=None, description="The refusal model's P(answerable).")
    premise: str = Field(default="", description="What the question takes for granted, when the evidence does not.")
    features: dict[str, float] = Field(default_factory=dict, description="What the refusal model read.")


class Answer(BaseModel):
    """`text` is the short answer (quoted or written, every sentence cited); `evidence` the verbatim
    sentences it rests on, shown first; `citations` every numbered passage either refers to."""

    text: str
    refused: bool
    citations: list[Citation] = Field(default_factory=list)
    evidence: list[Citation] = Field(default_factory=list)
    sentences: list[AnswerSentence] = Field(default_factory=list)
    notices: list[str] = Field(default_factory=list, description="Things the reader should know.")
    model: str
    thoughts: Thoughts


class Message(BaseModel):
    role: Literal["user", "assistant"]
    content: str
