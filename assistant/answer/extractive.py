"""The default answerer: no language model, only sentences quoted verbatim from the articles.

Steps: rank the evidence sentences (`evidence.py`); correct a question whose premise the articles
talk about but do not support, quoting what they say about it; else refuse when the evidence does
not hold what the question asks for (`refusal.py`); otherwise quote the best sentence (and the
best for each part of a two-fact question), marking the words that answer; when two strong
sentences give different values for the point asked, say so and cite both.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from copy import copy
from dataclasses import dataclass, replace

from assistant.answer.base import REFUSAL, Answerer
from assistant.cite import CitationBook
from assistant.evidence import Candidate, EvidenceRanker
from assistant.judge import OfflineJudge
from assistant.question import AnswerKind, QuestionAnalysis, analyse, question_keywords
from assistant.refusal import FEATURES, load_params
from assistant.retrieve import HybridRetriever
from assistant.schema import Answer, AnswerSentence, Citation, Evidence, Message, Thoughts
from assistant.settings import Settings
from assistant.statement import answer_span
from assistant.text import numbers

EVIDENCE_CONSIDERED = 3  # the sentences the refusal model reads as "the evidence"
COVERAGE_GAP = 0.25  # two sentences about the same point cover about as much of the question
MIN_CONFLICT_COVERAGE = 0.5  # ...and at least half of its words: values of other things are no disagreement


@dataclass
class Assessment:
    """The evidence for a question and the decision taken on it."""

    analysis: QuestionAnalysis
    ranked: list[Candidate]
    chosen: list[Candidate]  # the evidence shown
    quoted: list[Candidate]  # what the short answer quotes
    answerable: bool
    p_answerable: float
    unsupported_premise: str
    conflict: tuple[Candidate, Candidate] | None
    features: dict[str, float]


class ExtractiveAnswerer(Answerer):
    name = "extractive"

    def __init__(self, settings: Settings, retriever: HybridRetriever) -> None:
        super().__init__(settings, retriever)
        self.params = load_params()
        self.ranker = EvidenceRanker(retriever.text_vectors, self.params)
        self.judge = OfflineJudge(retriever.embeddings, retriever.text_vectors)

    def assess(self, question: str, history: list[Message], thoughts: Thoughts) -> Assessment:
        """Rank the evidence, measure it against the question, and decide: answer, correct or refuse.

        What is asked (an amount, a date...) comes from the question itself; a follow-up with no
        words of its own ("And when?") is about what its standalone form names."""
        analysis = analyse(question)
        if not analysis.focus:
            analysis = replace(analysis, focus=frozenset(question_keywords(thoughts.standalone_question)))
        candidates = self.ranker.candidates(thoughts.passages)
        ranked = self.ranker.rank(analysis, history, [copy(c) for c in candidates])
        features = self._features(analysis, ranked)
        p_answerable = self.params.p_answerable(features) if ranked else 0.0
        answerable = p_answerable >= self.params.threshold
        chosen = self.ranker.choose(analysis, ranked, self.settings.evidence_sentences) if answerable else []
        premise_ranked, support = self._premise_evidence(analysis, history, candidates)
        features["premise_support"] = support
        features["premise_relevance"] = premise_ranked[0].score if premise_ranked else 0.0
        unsupported = bool(premise_ranked) and is_correction(
            support, features["premise_relevance"], self.params.premise_threshold, self.params.premise_relevance
        )
        most, quotes = self.settings.evidence_sentences, self.settings.max_answer_sentences
        if unsupported:
            # The articles talk about what the question takes for granted and say otherwise: the
            # answer leads with what they say about the premise, then what answers the question.
            answerable = True
            own = self.ranker.answering(analysis, chosen, quotes) if chosen else []
            quoted = _distinct([premise_ranked[0], *own])[:quotes]
            chosen = _distinct([premise_ranked[0], *chosen, *premise_ranked[1:]])[:most]
            conflict = None
        else:
            # What the question is about, with what a follow-up's predecessor named ("And when will it open?").
            subject = analysis.focus | question_keywords(thoughts.standalone_question)
            conflict = (
                _find_conflict(analysis, subject, chosen[0], ranked, self.params.evidence_margin) if chosen else None
            )
            quoted = list(conflict or self.ranker.answering(analysis, chosen, quotes))
        return Assessment(
            analysis,
            ranked,
            chosen,
            quoted,
            answerable,
            p_answerable,
            analysis.premise if unsupported else "",
            conflict,
            features,
        )

    def _premise_evidence(
        self, analysis: QuestionAnalysis, history: list[Message], candidates: list[Candidate]
    ) -> tuple[list[Candidate], float]:
        """What the evidence says about the question's premise ("Why did X win?" -> "X win"), ranked
        as a plain statement, and how well it supports it: the offline judge's score, 0 when the
        premise names a number or name the evidence lacks, 1 when there is no premise to check."""
        if not analysis.premise or not candidates:
            return [], 1.0
        premise = QuestionAnalysis(
            text=analysis.premise, kind=AnswerKind.OTHER, focus=frozenset(question_keywords(analysis.premise))
        )
        ranked = self.ranker.rank(premise, history, [copy(c) for c in candidates])
        top = ranked[:EVIDENCE_CONSIDERED]
        # The headlines of their articles too: "The deal was signed in May." supports "the country's deal
        # was signed" when the story's headline names the country.
        passages = [c.visible for c in top] + list(dict.fromkeys(c.meta.title for c in top if c.meta.title))
        evidence = self.judge.evidence(analysis.premise, passages)
        if evidence.missing_numbers or evidence.missing_names:
            return ranked, 0.0
        return ranked, self.judge.verdict(evidence).score

    def answer_stream(
        self, question: str, history: list[Message], thoughts: Thoughts
    ) -> Iterator[str | Evidence | Answer]:
        assessment = self.assess(question, history, thoughts)
        thoughts = with_assessment(thoughts, assessment)
        if not assessment.answerable:
            yield Evidence()
            yield REFUSAL
            yield Answer(text=REFUSAL, refused=True, model=self.name, thoughts=thoughts)
            return
        book = CitationBook()
        evidence = cite_all(book, assessment.chosen)
        yield Evidence(citations=evidence)
        sentences = self.answer_sentences(assessment, book)
        parts: list[str] = []
        for sentence in sentences:
            increment = sentence.text if not parts else " " + sentence.text
            parts.append(increment)
            yield increment
        yield Answer(
            text="".join(parts),
            refused=False,
            citations=book.citations,
            evidence=evidence,
            sentences=sentences,
            model=self.name,
            thoughts=thoughts,
        )

    def answer_sentences(self, assessment: Assessment, book: CitationBook) -> list[AnswerSentence]:
        """A correction or a disagreement first when there is one, then the answering quotes."""
        return [*lead_sentences(assessment, book), *self.quote_sentences(assessment, book)]

    def quote_sentences(self, assessment: Assessment, book: CitationBook) -> list[AnswerSentence]:
        """What `assess` chose to quote (the rest stays in the evidence), with the words that answer
        marked; a correction's quotes answer its premise, not the question, so nothing is marked."""
        analysis = assessment.analysis
        sentences = []
        for candidate in assessment.quoted:
            number = cite(book, candidate)
            span = None if assessment.unsupported_premise else answer_span(analysis.kind, candidate.text, analysis.text)
            sentences.append(AnswerSentence(text=f"{candidate.text} [{number}]", citations=[number], answer_span=span))
        return sentences

    def _features(self, analysis: QuestionAnalysis, ranked: list[Candidate]) -> dict[str, float]:
        """What the refusal model reads (`refusal.FEATURES`)."""
        if not ranked:
            return dict.fromkeys(FEATURES, 0.0)
        top = ranked[:EVIDENCE_CONSIDERED]
        # The best sentence that could answer on its own: it states the kind of thing asked for.
        answering = [c for c in ranked[: 2 * EVIDENCE_CONSIDERED] if c.states_kind]
        return {
            "relevance": ranked[0].score,
            "coverage_top": ranked[0].coverage,
            "kind_evidence": float(any(c.states_kind for c in top)),
            "answer_relevance": max((c.score for c in answering), default=0.0),
        }


def _distinct(candidates: list[Candidate]) -> list[Candidate]:
    """Each sentence once, in order (the same sentence ranked for the question and for its premise)."""
    seen: set[tuple[str, str, int]] = set()
    kept = []
    for candidate in candidates:
        key = (candidate.kind, candidate.meta.article_id, candidate.start)
        if key not in seen:
            seen.add(key)
            kept.append(candidate)
    return kept


def is_correction(support: float, relevance: float, threshold: float, relevance_needed: float) -> bool:
    """The premise is corrected, not refused, when the articles are about it (its best sentence is
    relevant enough) and do not support it; a premise they never mention is refused like any
    question they do not answer."""
    return support < threshold and relevance >= relevance_needed


def with_assessment(thoughts: Thoughts, assessment: Assessment) -> Thoughts:
    return thoughts.model_copy(
        update={
            "best_relevance": assessment.ranked[0].score if assessment.ranked else 0.0,
            "answer_kind": assessment.analysis.kind.value,
            "answerable_score": round(assessment.p_answerable, 4),
            "premise": assessment.unsupported_premise,
            "features": {k: round(v, 4) for k, v in assessment.features.items()},
        }
    )


def cite(book: CitationBook, candidate: Candidate) -> int:
    return book.cite(candidate.meta, candidate.text, candidate.start, candidate.end, candidate.kind)


def cite_all(book: CitationBook, candidates: list[Candidate]) -> list[Citation]:
    numbers_ = {cite(book, c) for c in candidates}
    return [c for c in book.citations if c.number in numbers_]


def lead_sentences(assessment: Assessment, book: CitationBook) -> list[AnswerSentence]:
    """What the reader must know before the quotes: a premise the articles do not support, or a
    disagreement between them. These speak about the articles, so they are notes, not claims."""
    leads = []
    if assessment.unsupported_premise:
        leads.append(
            AnswerSentence(
                text="The articles do not support what the question takes for granted; here is what they say.",
                verdict="note",
            )
        )
    if assessment.conflict:
        numbers_ = [cite(book, c) for c in assessment.conflict]
        text = "The articles are not consistent on this point. " + "".join(f"[{n}]" for n in numbers_)
        leads.append(AnswerSentence(text=text, citations=numbers_, verdict="note"))
    return leads


def _find_conflict(
    analysis: QuestionAnalysis,
    subject: set[str] | frozenset[str],
    top: Candidate,
    ranked: list[Candidate],
    margin: float,
) -> tuple[Candidate, Candidate] | None:
    """A strong sentence that disagrees with the best one on the very point asked.

    Read narrowly, to avoid crying wolf: either both give values for an amount or date asked about,
    cover the question's words about as well as each other and share no value, or one calls
    something a first ever while the other dates an earlier one ("first time" / "first since 2019"), when
    the question asks about that: a date, a count, or a first, last or earlier time in its own words.
    Both must be about the same thing: read with their headlines and the sentence before them, they
    hold the same words of what the question (or the one a follow-up continues) is about."""
    firsts = analysis.kind in (AnswerKind.AMOUNT, AnswerKind.DATE) or bool(ASKS_ABOUT_FIRSTS.search(analysis.text))
    for other in ranked[1 : EVIDENCE_CONSIDERED + 1]:
        if other.score < top.score - margin or other.kind != "text" or top.kind != "text":
            continue
        if not _same_subject(subject, top, other):
            continue
        if _values_differ(analysis, top, other) or (firsts and _first_ever_disputed(top.visible, other.visible)):
            same_article = top.meta.article_id == other.meta.article_id
            return (other, top) if same_article and other.start < top.start else (top, other)
    return None


def _values_differ(analysis: QuestionAnalysis, one: Candidate, other: Candidate) -> bool:
    if analysis.kind not in (AnswerKind.AMOUNT, AnswerKind.DATE) or not (one.states_kind and other.states_kind):
        return False
    if min(one.coverage, other.coverage) < MIN_CONFLICT_COVERAGE or abs(one.coverage - other.coverage) > COVERAGE_GAP:
        return False  # one of them is about something else
    if analysis.focus & one.stems != analysis.focus & other.stems:
        return False  # each speaks of another part of the question (a total spent, and a cost per item)
    values, other_values = numbers(one.visible), numbers(other.visible)
    return bool(values and other_values and not values & other_values)


def _same_subject(subject: set[str] | frozenset[str], one: Candidate, other: Candidate) -> bool:
    """The same sentence in two stories about different things differs only in its context: the
    headline or the sentence before names another country, another plant, another person."""
    return subject & (one.stems | one.context_stems) == subject & (other.stems | other.context_stems)


ASKS_ABOUT_FIRSTS = re.compile(r"\b(?:first|ever|before|previous(?:ly)?|last|earlier)\b", re.IGNORECASE)
FIRST_EVER = re.compile(r"\b(?:first time|never before|for the first time|first ever)\b", re.IGNORECASE)
FIRST_SINCE = re.compile(r"\bfirst\b[^.]*\bsince\s+(?:1[5-9]|20)\d\d\b", re.IGNORECASE)


def _first_ever_disputed(one: str, other: str) -> bool:
    return bool(
        (FIRST_EVER.search(one) and FIRST_SINCE.search(other)) or (FIRST_EVER.search(other) and FIRST_SINCE.search(one))
    )
