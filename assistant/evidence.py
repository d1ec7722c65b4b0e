"""Evidence first: the verbatim sentences of the retrieved passages that best answer a question.

Every answerer starts here. The retrieved passages (and the metadata cards of their articles:
who wrote them, where and when) are split into sentences; each is scored against the question
(MiniLM similarity of the sentence or its best clause, plus keyword overlap), with a penalty when
it lacks the kind of thing asked for (no amount for "how much", no date for "when"). The best few
are the evidence the reader sees first and the only text a language model is given.

The weights are fitted numbers, read from `assistant/data/answering.json` (`refusal.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from assistant.chunking import sentence_spans, without_markup
from assistant.cite import metadata_card
from assistant.embeddings import TextVectors
from assistant.followup import is_follow_up, previous_answer, previous_question, standalone_question
from assistant.question import AnswerKind, QuestionAnalysis, answer_kind, question_keywords, refers_back
from assistant.refusal import AnsweringParams
from assistant.schema import ArticleMeta, Message, Passage
from assistant.statement import states_kind
from assistant.text import keywords, strip_markers, words

CLAUSE_BREAK = re.compile(r"\s*[,;:]\s+|\s+[–—-]\s+")
MIN_CLAUSE_WORDS = 5
MIN_STATEMENT_WORDS = 5
TERMINAL = re.compile(r"[.!?][\"'”’)]*$")


@dataclass
class Candidate:
    """One sentence that might answer: where it is, what a reader sees of it, how it scored."""

    meta: ArticleMeta
    start: int
    end: int
    text: str  # verbatim, as quoted
    visible: str  # without markup, as scored: a hidden HTML comment must not make a sentence relevant
    vector: np.ndarray
    views: np.ndarray  # the vectors of the sentence, its longer clauses and it under its headline (`_views`)
    kind: Literal["text", "metadata"] = "text"
    score: float = 0.0
    similarity: float = 0.0
    coverage: float = 0.0  # share of the question's own words the sentence contains
    states_kind: bool = True
    stems: set[str] = field(default_factory=set)
    # The words a reader takes the sentence with: its article's headline and the sentence before it
    # ("He was born there." is about whoever the previous sentence or the headline names).
    context_stems: set[str] = field(default_factory=set)
    part_scores: list[float] = field(default_factory=list)  # for each sub-question of a two-fact question


class EvidenceRanker:
    def __init__(self, vectors: TextVectors, params: AnsweringParams) -> None:
        self._vectors = vectors
        self.params = params

    def candidates(self, passages: list[Passage]) -> list[Candidate]:
        """Whole statements of the passages, then the metadata card lines of their articles."""
        seen: set[tuple[str, int]] = set()
        found: list[tuple[ArticleMeta, int, int, str, Literal["text", "metadata"]]] = []
        contexts: list[set[str]] = []
        for passage in passages:
            chunk = passage.chunk
            headline = keywords(passage.meta.title)
            before = ""
            for start, end in sentence_spans(chunk.text):
                text = chunk.text[start:end]
                key = (chunk.article_id, chunk.start + start)
                previous, before = before, text
                if key in seen or not is_statement(text):
                    continue
                seen.add(key)
                found.append((passage.meta, chunk.start + start, chunk.start + end, text, "text"))
                contexts.append(headline | keywords(without_markup(previous)))
        for meta in {p.meta.article_id: p.meta for p in passages}.values():
            card = metadata_card(meta)
            for line in re.finditer(r"[^\n]+", card):
                found.append((meta, line.start(), line.end(), line.group(), "metadata"))
                contexts.append(set())  # a card line names its article itself
        visible = [without_markup(text) for *_, text, _kind in found]
        views = [
            _views(plain, meta.title if kind == "text" else "")
            for (meta, *_, kind), plain in zip(found, visible, strict=True)
        ]
        vectors = iter(self._vectors([view for texts in views for view in texts]))
        candidates = []
        for (meta, start, end, text, kind), plain, texts, context in zip(found, visible, views, contexts, strict=True):
            matrix = np.stack([next(vectors) for _ in texts])
            stems = keywords(plain)
            candidates.append(
                Candidate(meta, start, end, text, plain, matrix[0], matrix, kind, stems=stems, context_stems=context)
            )
        return candidates

    def rank(self, analysis: QuestionAnalysis, history: list[Message], candidates: list[Candidate]) -> list[Candidate]:
        """Candidates best first. A question of several sentences ("How many live there? Also, ignore
        your rules.") is as relevant to a sentence as its most relevant part, and a long sentence as
        its most relevant clause."""
        if not candidates:
            return []
        p = self.params
        question = analysis.text
        parts = list(dict.fromkeys([question, *(question[s:e] for s, e in sentence_spans(question)), *analysis.parts]))
        asked = np.stack(self._vectors(parts))
        semantic = np.array([float((c.views @ asked.T).max()) for c in candidates])
        if analysis.parts:
            self._score_parts(analysis.parts, candidates)
        keyword_sets = [question_keywords(part) for part in parts]
        follow_up = is_follow_up(question, history)
        said = previous_answer(history) or ""
        if follow_up:
            matrix = np.stack([c.vector for c in candidates])
            in_context = matrix @ self._vectors([standalone_question(question, history)])[0]
            semantic = (1 - p.follow_up_weight) * in_context + p.follow_up_weight * semantic
            earlier = question_keywords(previous_question(history) or "")
            # A follow-up points back at the last question or at what its answer said ("How old was
            # she then?" after "She reopened the bridge on May 3."): its words count with either.
            answered = question_keywords(strip_markers(said))
            keyword_sets = [k | earlier for k in keyword_sets] + [k | answered for k in keyword_sets]
        for candidate, similarity in zip(candidates, semantic, strict=True):
            overlap = max((len(k & candidate.stems) / len(k) for k in keyword_sets if k), default=0.0)
            context_only = candidate.context_stems - candidate.stems
            in_context = max((len(k & context_only) / len(k) for k in keyword_sets if k), default=0.0)
            candidate.similarity = float(similarity)
            candidate.coverage = overlap
            candidate.states_kind = states_kind(analysis.kind, candidate.visible, question)
            candidate.score = p.semantic_weight * candidate.similarity + (1 - p.semantic_weight) * (
                overlap + p.context_weight * in_context
            )
            if not candidate.states_kind:
                candidate.score -= p.missing_kind_penalty
            # A sentence the last answer quoted says nothing new, unless it holds the kind of thing now
            # asked for ("How much will the plant cost?", then "And when will it open?").
            holds_new_kind = analysis.kind is not AnswerKind.OTHER and candidate.states_kind
            if follow_up and candidate.text in said and not holds_new_kind:
                candidate.score -= p.already_said_penalty
        return sorted(candidates, key=lambda c: c.score, reverse=True)

    def _score_parts(self, parts: tuple[str, ...], candidates: list[Candidate]) -> None:
        """Each sub-question scored like a question of its own, with the kind of answer it asks for
        ("..., and which country is he from?" wants a place whatever the first part asked)."""
        p = self.params
        by_part = np.stack(self._vectors(list(parts)))
        kinds = [answer_kind(part) for part in parts]
        words_asked = [question_keywords(part) for part in parts]
        for candidate in candidates:
            similarity = (candidate.views @ by_part.T).max(axis=0)
            context_only = candidate.context_stems - candidate.stems
            candidate.part_scores = [
                p.semantic_weight * float(sim)
                + (1 - p.semantic_weight)
                * (
                    (len(asked & candidate.stems) + p.context_weight * len(asked & context_only)) / len(asked)
                    if asked
                    else 0.0
                )
                - (0.0 if states_kind(kind, candidate.visible, part) else p.missing_kind_penalty)
                for sim, kind, asked, part in zip(similarity, kinds, words_asked, parts, strict=True)
            ]

    def choose(self, analysis: QuestionAnalysis, ranked: list[Candidate], most: int) -> list[Candidate]:
        """The evidence to show: the best sentence, the best for each sub-question of a two-fact
        question, then the next best, never two saying the same thing."""
        if not ranked:
            return []
        chosen = [ranked[0]]
        for index, part in enumerate(analysis.parts):
            # "..., and which country is he from?": "he" is someone of the first part, so its answer
            # comes from the article that answers the first part.
            pool = (
                [c for c in ranked if c.meta.article_id == chosen[-1].meta.article_id] if refers_back(part) else ranked
            )
            best = max(pool or ranked, key=lambda c: c.part_scores[index])
            if best not in chosen and len(chosen) < most:
                chosen.append(best)
        for candidate in ranked[1:]:
            if len(chosen) >= most:
                break
            if not any(self._says_the_same(candidate, c) for c in chosen):
                chosen.append(candidate)
        return chosen

    def _says_the_same(self, one: Candidate, other: Candidate) -> bool:
        """Near-identical meaning. Two lines of an article's metadata card never do: each states another
        field (author, outlet, licence), however alike their wording, which opens with the same title."""
        if one.kind == "metadata" and other.kind == "metadata":
            return False
        return float(one.vector @ other.vector) >= self.params.duplicate_similarity

    def answering(self, analysis: QuestionAnalysis, chosen: list[Candidate], most: int) -> list[Candidate]:
        """Of the evidence, what the short answer quotes: the best sentence, the best for each
        sub-question, and others within `evidence_margin` of the best."""
        wanted = 1 + len(analysis.parts)
        close = [c for c in chosen[wanted:] if c.score >= chosen[0].score - self.params.evidence_margin]
        return [*chosen[:wanted], *close][:most]


def is_statement(text: str) -> bool:
    """Full sentences only: headings, bylines and captions make poor evidence."""
    return bool(TERMINAL.search(text.rstrip())) and len(words(text)) >= MIN_STATEMENT_WORDS


def _views(sentence: str, headline: str) -> list[str]:
    """What a sentence is matched to a question as: itself, its longer clauses, and itself under its
    article's headline. Stories built alike ("The government has pledged to plant a billion trees by
    2031.") differ only in the headline that names their country; the sentence's own vector comes first."""
    return [sentence, *_clauses(sentence), *([f"{headline}: {sentence}"] if headline else [])]


def _clauses(sentence: str) -> list[str]:
    """The comma-, dash- or semicolon-separated parts of a long sentence that have some substance."""
    parts = [part for part in CLAUSE_BREAK.split(sentence) if len(words(part)) >= MIN_CLAUSE_WORDS]
    return parts if len(parts) > 1 else []
