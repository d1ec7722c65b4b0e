"""The default answerer: no language model, only sentences quoted verbatim from the articles.

Steps: split the retrieved passages into sentences; score each against the question (MiniLM
cosine similarity plus keyword overlap); refuse below `min_relevance`; quote the best few,
each with its citation; when two strong sentences disagree, say so and cite both.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from assistant.answer.base import REFUSAL, Answerer
from assistant.chunking import sentence_spans
from assistant.cite import CitationBook
from assistant.followup import is_follow_up, previous_answer, previous_question
from assistant.retrieve import HybridRetriever
from assistant.schema import Answer, AnswerSentence, ArticleMeta, Message, Thoughts
from assistant.settings import Settings

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)?")
NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
NEGATION = re.compile(r"\b(not|no|never|none|neither|nor|without|n[’']t)\b", re.IGNORECASE)
TERMINAL = re.compile(r"[.!?][\"'”’)]*$")
STOPWORDS = set(STOPWORDS_EN) | {"does", "did", "do", "what", "which", "who", "whom", "how", "why", "when", "where"}

SEMANTIC_WEIGHT = 0.8  # the rest is keyword overlap
FOLLOW_UP_WEIGHT = 0.25  # share of the earlier question in a follow-up's score
ALREADY_SAID_PENALTY = 0.15
SECOND_SENTENCE_MARGIN = 0.08
DUPLICATE_SIMILARITY = 0.85
CONFLICT_TOPIC_SIMILARITY = 0.55


@dataclass
class Candidate:
    meta: ArticleMeta
    start: int
    end: int
    text: str
    vector: np.ndarray
    score: float = 0.0


class ExtractiveAnswerer(Answerer):
    name = "extractive"

    def __init__(self, settings: Settings, retriever: HybridRetriever) -> None:
        super().__init__(settings, retriever)
        self._stemmer = Stemmer.Stemmer("english")
        self._vector_cache: OrderedDict[str, np.ndarray] = OrderedDict()

    def answer_stream(self, question: str, history: list[Message], thoughts: Thoughts) -> Iterator[str | Answer]:
        candidates = self._score(question, history, self._candidates(thoughts))
        best = candidates[0].score if candidates else 0.0
        thoughts = thoughts.model_copy(update={"best_relevance": best})
        if best < self.settings.min_relevance:
            yield REFUSAL
            yield Answer(text=REFUSAL, refused=True, model=self.name, thoughts=thoughts)
            return

        chosen = self._choose(candidates)
        book = CitationBook()
        sentences: list[AnswerSentence] = []
        conflict = _find_conflict(chosen[0], candidates)
        if conflict is not None:
            numbers = [book.cite(c.meta, c.text, c.start, c.end) for c in conflict]
            lead = f"The articles are not consistent on this {_markers(numbers)}."
            sentences.append(AnswerSentence(text=lead, citations=numbers))
            chosen = list(conflict)
        for candidate in chosen:
            number = book.cite(candidate.meta, candidate.text, candidate.start, candidate.end)
            sentences.append(AnswerSentence(text=f"{candidate.text} [{number}]", citations=[number]))

        parts: list[str] = []
        for sentence in sentences:
            increment = sentence.text if not parts else " " + sentence.text
            parts.append(increment)
            yield increment
        yield Answer(
            text="".join(parts),
            refused=False,
            citations=book.citations,
            sentences=sentences,
            model=self.name,
            thoughts=thoughts,
        )

    def _candidates(self, thoughts: Thoughts) -> list[Candidate]:
        seen: set[tuple[str, int]] = set()
        found: list[tuple[ArticleMeta, int, int, str]] = []
        for passage in thoughts.passages:
            chunk = passage.chunk
            for start, end in sentence_spans(chunk.text):
                text = chunk.text[start:end]
                key = (chunk.article_id, chunk.start + start)
                if key in seen or not _is_statement(text):
                    continue
                seen.add(key)
                found.append((passage.meta, chunk.start + start, chunk.start + end, text))
        vectors = self._vectors([text for *_, text in found])
        return [
            Candidate(meta, start, end, text, vector)
            for (meta, start, end, text), vector in zip(found, vectors, strict=True)
        ]

    def _score(self, question: str, history: list[Message], candidates: list[Candidate]) -> list[Candidate]:
        if not candidates:
            return []
        matrix = np.stack([c.vector for c in candidates])
        semantic = matrix @ self._vectors([question])[0]
        keywords = self._keywords(question)
        follow_up = is_follow_up(question, history)
        if follow_up:
            earlier = matrix @ self._vectors([previous_question(history) or ""])[0]
            semantic = (1 - FOLLOW_UP_WEIGHT) * semantic + FOLLOW_UP_WEIGHT * earlier
            keywords |= self._keywords(previous_question(history) or "")
        said = previous_answer(history) or ""
        for candidate, similarity in zip(candidates, semantic, strict=True):
            overlap = len(keywords & self._keywords(candidate.text)) / len(keywords) if keywords else 0.0
            candidate.score = SEMANTIC_WEIGHT * float(similarity) + (1 - SEMANTIC_WEIGHT) * overlap
            if follow_up and candidate.text in said:
                candidate.score -= ALREADY_SAID_PENALTY
        return sorted(candidates, key=lambda c: c.score, reverse=True)

    def _choose(self, ranked: list[Candidate]) -> list[Candidate]:
        chosen = [ranked[0]]
        for candidate in ranked[1:]:
            if len(chosen) >= self.settings.max_answer_sentences:
                break
            if candidate.score < max(self.settings.min_relevance, ranked[0].score - SECOND_SENTENCE_MARGIN):
                break
            if all(float(candidate.vector @ c.vector) < DUPLICATE_SIMILARITY for c in chosen):
                chosen.append(candidate)
        return chosen

    def _keywords(self, text: str) -> set[str]:
        words = [w.lower() for w in WORD.findall(text)]
        return set(self._stemmer.stemWords([w for w in words if w not in STOPWORDS and len(w) > 1]))

    def _vectors(self, texts: list[str]) -> list[np.ndarray]:
        """Sentence embeddings with a bounded cache: the same passages come back warm."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._vector_cache))
        if missing:
            for text, vector in zip(missing, self.retriever.embeddings.embed_documents(missing), strict=True):
                self._vector_cache[text] = np.asarray(vector, dtype=np.float32)
            while len(self._vector_cache) > 20_000:
                self._vector_cache.popitem(last=False)
        return [self._vector_cache[t] for t in texts]


def _is_statement(text: str) -> bool:
    """Full sentences only: headings, bylines and captions make poor answers."""
    return bool(TERMINAL.search(text)) and len(WORD.findall(text)) >= 5


def _find_conflict(top: Candidate, ranked: list[Candidate]) -> tuple[Candidate, Candidate] | None:
    """A strong sentence on the same point as `top` whose numbers or polarity disagree with it."""
    for other in ranked[1:4]:
        if other.score < top.score - 2 * SECOND_SENTENCE_MARGIN:
            break
        if float(top.vector @ other.vector) < CONFLICT_TOPIC_SIMILARITY:
            continue
        numbers_top, numbers_other = set(NUMBER.findall(top.text)), set(NUMBER.findall(other.text))
        numbers_differ = bool(numbers_top) and bool(numbers_other) and not numbers_top & numbers_other
        polarity_differs = bool(NEGATION.search(top.text)) != bool(NEGATION.search(other.text))
        if numbers_differ or polarity_differs:
            return (
                (top, other)
                if top.start <= other.start or top.meta.article_id != other.meta.article_id
                else (other, top)
            )
    return None


def _markers(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)
