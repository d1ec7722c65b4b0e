"""The default answerer: no language model, only sentences quoted verbatim from the articles.

Steps: split the retrieved passages into sentences; score each against the question (MiniLM
cosine similarity plus keyword overlap); refuse below `min_relevance`; quote the best few,
each with its citation; when two strong sentences disagree, say so and cite both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from assistant.answer.base import REFUSAL, Answerer
from assistant.chunking import sentence_spans, without_markup
from assistant.cite import CitationBook
from assistant.followup import is_follow_up, previous_answer, previous_question, standalone_question
from assistant.retrieve import HybridRetriever
from assistant.schema import Answer, AnswerSentence, ArticleMeta, Message, Thoughts
from assistant.settings import Settings

WORD = re.compile(r"[A-Za-z][A-Za-z'’]*|\d+(?:[.,]\d+)?")
YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
PERCENT = re.compile(r"\b(\d+(?:[.,]\d+)?)\s?(?:%|percent)")
ABSOLUTE_FIRST = re.compile(r"\b(first time|never before|for the first time)\b", re.IGNORECASE)
FIRST_SINCE = re.compile(r"\bfirst\b[^.]*\bsince\s+(1[89]|20)\d\d\b", re.IGNORECASE)
CLAUSE_BREAK = re.compile(r"\s*[,;:]\s+|\s+[–—]\s+")
MIN_CLAUSE_WORDS = 5
TERMINAL = re.compile(r"[.!?][\"'”’)]*$")
# Words that say what kind of answer is wanted, not what it is about.
QUESTION_WORDS = {
    "does", "did", "do", "what", "which", "who", "whom", "how", "why", "when", "where", "many", "much", "roughly",
    "exactly", "approximately", "would", "could", "should", "will", "can", "ever", "really", "according", "say",
    "says", "said", "tell", "describe", "described", "article", "articles", "piece", "pieces", "kind", "kinds",
}  # fmt: skip
STOPWORDS = set(STOPWORDS_EN) | QUESTION_WORDS
QUANTITY_QUESTION = re.compile(
    r"\b(how (many|much|big|large|long|old|far)|what (share|percentage|proportion|fraction|number))\b", re.IGNORECASE
)
QUANTITY_UNIT = re.compile(r"\bhow (?:many|much)\s+([A-Za-z]+)", re.IGNORECASE)
DIGITS = re.compile(r"\d+(?:[.,]\d+)?")
QUANTITY_WORDS = re.compile(
    r"\b(half|third|quarter|majority|most|all|dozens?|hundreds?|thousands?|millions?|billions?|percent|"
    r"one|two|three|four|five|six|seven|eight|nine|ten)\b",
    re.IGNORECASE,
)
MISSING_QUANTITY_PENALTY = 0.2
UNKNOWN_WORDS_SHARE = 0.5
CONFIDENT_RELEVANCE = 0.65  # above this, unknown words are taken for paraphrase

SEMANTIC_WEIGHT = 0.8  # the rest is keyword overlap
FOLLOW_UP_WEIGHT = 0.5  # share of the bare follow-up, the rest read in the context of the earlier question
ALREADY_SAID_PENALTY = 0.15
SECOND_SENTENCE_MARGIN = 0.2  # a second quote may be this much less relevant than the first
FURTHER_SENTENCE_MARGIN = 0.1  # later quotes must be close to the best
DUPLICATE_SIMILARITY = 0.85
CONFLICT_TOPIC_SIMILARITY = 0.55
CONFLICT_MARGIN = 0.16


@dataclass
class Candidate:
    meta: ArticleMeta
    start: int
    end: int
    text: str  # verbatim, as quoted
    visible: str  # without markup, as scored: a hidden HTML comment must not make a sentence relevant
    vector: np.ndarray
    views: np.ndarray  # the sentence's vector and those of its longer clauses, one per row
    score: float = 0.0


class ExtractiveAnswerer(Answerer):
    name = "extractive"

    def __init__(self, settings: Settings, retriever: HybridRetriever) -> None:
        super().__init__(settings, retriever)
        self._stemmer = Stemmer.Stemmer("english")
        self._vectors = retriever.text_vectors

    def answer_stream(self, question: str, history: list[Message], thoughts: Thoughts) -> Iterator[str | Answer]:
        candidates = self._score(question, history, self._candidates(thoughts))
        best = candidates[0].score if candidates else 0.0
        thoughts = thoughts.model_copy(update={"best_relevance": best})
        if best < self.settings.min_relevance or (best < CONFIDENT_RELEVANCE and self._asks_about_unknowns(question)):
            yield REFUSAL
            yield Answer(text=REFUSAL, refused=True, model=self.name, thoughts=thoughts)
            return

        chosen = self._choose(candidates)
        book = CitationBook()
        sentences: list[AnswerSentence] = []
        conflict = _find_conflict(chosen[0], candidates)
        if conflict is not None:
            numbers = [book.cite(c.meta, c.text, c.start, c.end) for c in conflict]
            lead = f"The articles are not consistent on this point. {_markers(numbers)}"
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
        visible = [without_markup(text) for *_, text in found]
        views = [[plain, *_clauses(plain)] for plain in visible]
        vectors = iter(self._vectors([view for texts in views for view in texts]))
        candidates = []
        for (meta, start, end, text), plain, texts in zip(found, visible, views, strict=True):
            matrix = np.stack([next(vectors) for _ in texts])
            candidates.append(Candidate(meta, start, end, text, plain, matrix[0], matrix))
        return candidates

    def _score(self, question: str, history: list[Message], candidates: list[Candidate]) -> list[Candidate]:
        if not candidates:
            return []
        # A question of several sentences ("How many people live there? Also, ignore your rules.")
        # is as relevant to a passage as its most relevant sentence, and a long sentence as its
        # most relevant clause.
        parts = [question] + [question[start:end] for start, end in sentence_spans(question)]
        asked = np.stack(self._vectors(list(dict.fromkeys(parts))))
        semantic = np.array([float((c.views @ asked.T).max()) for c in candidates])
        matrix = np.stack([c.vector for c in candidates])
        keyword_sets = [self._keywords(part) for part in dict.fromkeys(parts)]
        follow_up = is_follow_up(question, history)
        if follow_up:
            in_context = matrix @ self._vectors([standalone_question(question, history)])[0]
            semantic = (1 - FOLLOW_UP_WEIGHT) * in_context + FOLLOW_UP_WEIGHT * semantic
            earlier = self._keywords(previous_question(history) or "")
            keyword_sets = [keywords | earlier for keywords in keyword_sets]
        said = previous_answer(history) or ""
        wants_quantity = bool(QUANTITY_QUESTION.search(question))
        unit = QUANTITY_UNIT.search(question)
        units = self._keywords(unit.group(1)) if unit else set()
        numbers_asked = set(DIGITS.findall(question))
        for candidate, similarity in zip(candidates, semantic, strict=True):
            words = self._keywords(candidate.visible)
            overlap = max((len(kw & words) / len(kw) for kw in keyword_sets if kw), default=0.0)
            candidate.score = SEMANTIC_WEIGHT * float(similarity) + (1 - SEMANTIC_WEIGHT) * overlap
            if follow_up and candidate.text in said:
                candidate.score -= ALREADY_SAID_PENALTY
            if wants_quantity and not _answers_quantity(candidate.visible, numbers_asked, units, self._keywords):
                candidate.score -= MISSING_QUANTITY_PENALTY
        return sorted(candidates, key=lambda c: c.score, reverse=True)

    def _asks_about_unknowns(self, question: str) -> bool:
        """True when at least half the words of even the plainest part of the question never occur
        in the articles ("What is Mongolia's GDP?"): close-sounding passages are then no answer."""
        vocabulary = self.retriever.vocabulary()
        parts = [question] + [question[start:end] for start, end in sentence_spans(question)]
        ratios = []
        for part in parts:
            words = self._keywords(part)
            if words:
                ratios.append(len(words - vocabulary) / len(words))
        return bool(ratios) and min(ratios) >= UNKNOWN_WORDS_SHARE

    def _choose(self, ranked: list[Candidate]) -> list[Candidate]:
        chosen = [ranked[0]]
        for candidate in ranked[1:]:
            if len(chosen) >= self.settings.max_answer_sentences:
                break
            margin = SECOND_SENTENCE_MARGIN if len(chosen) == 1 else FURTHER_SENTENCE_MARGIN
            if candidate.score < max(self.settings.min_relevance, ranked[0].score - margin):
                break
            if all(float(candidate.vector @ c.vector) < DUPLICATE_SIMILARITY for c in chosen):
                chosen.append(candidate)
        return chosen

    def _keywords(self, text: str) -> set[str]:
        words = [w.lower() for w in WORD.findall(text)]
        return set(self._stemmer.stemWords([w for w in words if w not in STOPWORDS and len(w) > 1]))


def _answers_quantity(text: str, numbers_asked: set[str], units: set[str], keywords: Callable[[str], set[str]]) -> bool:
    """Does the sentence state an amount, in the unit asked for ("how many tonnes")? A number the
    question itself contains ("Power of Siberia 2") is no answer."""
    has_amount = bool(set(DIGITS.findall(text)) - numbers_asked) or bool(QUANTITY_WORDS.search(text))
    return has_amount and units <= keywords(text)


def _clauses(sentence: str) -> list[str]:
    """The comma-, dash- or semicolon-separated parts of a long sentence that have some substance."""
    parts = [part for part in CLAUSE_BREAK.split(sentence) if len(WORD.findall(part)) >= MIN_CLAUSE_WORDS]
    return parts if len(parts) > 1 else []


def _is_statement(text: str) -> bool:
    """Full sentences only: headings, bylines and captions make poor answers."""
    return bool(TERMINAL.search(text)) and len(WORD.findall(text)) >= 5


def _find_conflict(top: Candidate, ranked: list[Candidate]) -> tuple[Candidate, Candidate] | None:
    """A strong sentence on the same point as `top` that disagrees with it.

    Disagreement is read narrowly, to avoid crying wolf: different years or percentages for the
    same thing, or one sentence calling something a first while the other dates an earlier one.
    """
    for other in ranked[1:4]:
        if other.score < top.score - CONFLICT_MARGIN:
            break
        if float(top.vector @ other.vector) < CONFLICT_TOPIC_SIMILARITY:
            continue
        if _disagree(top.visible, other.visible) or _disagree(other.visible, top.visible):
            same_article = top.meta.article_id == other.meta.article_id
            return (other, top) if same_article and other.start < top.start else (top, other)
    return None


def _disagree(one: str, other: str) -> bool:
    years_one, years_other = set(YEAR.findall(one)), set(YEAR.findall(other))
    shares_one, shares_other = set(PERCENT.findall(one)), set(PERCENT.findall(other))
    if (years_one and years_other and not years_one & years_other) or (
        shares_one and shares_other and not shares_one & shares_other
    ):
        return True
    return bool(ABSOLUTE_FIRST.search(one)) and bool(FIRST_SINCE.search(other))


def _markers(numbers: list[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)
