"""Short answers written by a language model from the evidence, shown only once verified.

Steps (`LLMAnswerer`):
1. rewrite a follow-up into a standalone question with the model (`prompts/rewrite.txt`);
2. find the evidence and decide whether it answers the question, exactly as the extractive
   answerer does (`ExtractiveAnswerer.assess`): a refusal costs no model time, and the evidence
   reaches the reader before the model starts;
3. the model reads the best evidence sentences only (at most `llm_evidence_tokens`, 150 tokens, about
   two sentences: prompt length is latency on a CPU) and writes one to three cited sentences
   (`prompts/answer_*.txt`).
   The prompt offers it no "the articles don't say": step 2 has judged that the evidence answers,
   and offered that way out, the local model took it on 9 of 24 answerable tuning questions.
   A question whose premise the evidence does not support gets the extractive correction instead;
4. each sentence is checked against the evidence it cites (`assistant/verify.py`); where the
   offline judge is unsure, the model settles it with a one-word check (`prompts/check.txt`);
   a supported sentence is shown at once, others are removed or marked;
5. if nothing verified remains, or the model server fails, the extractive answer's quotes are
   shown, and `Answer.notices` says why.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate, PromptTemplate

from assistant.answer.base import REFUSAL, Answerer
from assistant.answer.extractive import Assessment, ExtractiveAnswerer, cite_all, lead_sentences, with_assessment
from assistant.answer.llm_sources import evidence_sources, render
from assistant.answer.llm_stream import ModelFault, stream_text
from assistant.answer.markers import SentenceStream
from assistant.cite import CitationBook
from assistant.errors import AssistantError
from assistant.followup import is_follow_up, standalone_question
from assistant.judge import OfflineJudge
from assistant.model_check import ModelCheck, load_band
from assistant.models import chat_model
from assistant.prompts import prompt_text
from assistant.question import answers_nothing
from assistant.retrieve import HybridRetriever
from assistant.schema import Answer, AnswerSentence, Citation, Evidence, Message, Thoughts, Verdict
from assistant.settings import Settings
from assistant.text import citation_numbers, strip_markers
from assistant.verify import CheckedSentence, Source, Verifier

log = logging.getLogger(__name__)

REFUSAL_CUE = re.compile(
    r"\b(?:don[’']t|do not|doesn[’']t|does not|cannot|can[’']t)\s+(?:cover|mention|say|answer|address|discuss)\b"
    r"|\bno information\b|\bnot (?:covered|mentioned)\b",
    re.IGNORECASE,
)


@dataclass
class Draft:
    """What the stream produced so far, for the final `Answer`."""

    question: str = ""  # the standalone question the model answers
    book: CitationBook = field(default_factory=CitationBook)
    evidence: list[Citation] = field(default_factory=list)
    sentences: list[AnswerSentence] = field(default_factory=list)
    shown: list[str] = field(default_factory=list)
    supported: int = 0
    removed: int = 0
    refusals: int = 0
    markers_only: int = 0  # "[1]" and nothing else: the model pointed at the evidence instead of answering

    def add(self, sentence: AnswerSentence) -> str:
        """Keep a sentence of the answer; the increment that shows it to the reader."""
        self.sentences.append(sentence)
        increment = sentence.text if not self.shown else " " + sentence.text
        self.shown.append(increment)
        return increment


class LLMAnswerer(Answerer):
    """Any LangChain chat model (`assistant.models`), its sentences verified before they are shown."""

    def __init__(self, settings: Settings, retriever: HybridRetriever, backend: str) -> None:
        super().__init__(settings, retriever)
        self.name = backend
        self._model: BaseChatModel | None = None
        self._fallback = ExtractiveAnswerer(settings, retriever)
        self._verifier = Verifier(OfflineJudge(retriever.embeddings, retriever.text_vectors))
        self._answer_prompt = ChatPromptTemplate.from_messages(
            [("system", prompt_text("answer_system")), ("human", prompt_text("answer_user"))]
        )
        self._rewrite_prompt = PromptTemplate.from_template(prompt_text("rewrite"))
        self._band = load_band("verifier")

    @property
    def model(self) -> BaseChatModel:
        """Created on first use: the local backend joins and loads its model file then."""
        if self._model is None:
            self._model = chat_model(self.name, self.settings)
        return self._model

    @cached_property
    def _check(self) -> ModelCheck:
        """The one-word check on the same model, its prompt read once (`assistant/model_check.py`)."""
        return ModelCheck(self.model)

    def rewrite(self, question: str, history: list[Message]) -> str:
        if not is_follow_up(question, history):
            return question
        kept = self.settings.rewrite_history_turns
        turns = history[-kept:] if kept else []
        conversation = "\n".join(f"{m.role.capitalize()}: {strip_markers(m.content)}" for m in turns)
        chain = self._rewrite_prompt | self.model.bind(stop=["\n"]) | StrOutputParser()
        try:
            rewritten = chain.invoke({"conversation": conversation, "question": question}).strip().strip('"')
        except AssistantError:
            raise
        except Exception as error:  # any server fault: the rule-based rewrite still works
            log.warning("rewriting the follow-up with %s failed: %s", self.name, error)
            rewritten = ""
        if not rewritten or len(rewritten) > 3 * len(question) + 200:
            return standalone_question(question, history)
        return rewritten

    def answer_stream(
        self, question: str, history: list[Message], thoughts: Thoughts
    ) -> Iterator[str | Evidence | Answer]:
        assessment = self._fallback.assess(question, history, thoughts)
        thoughts = with_assessment(thoughts, assessment)
        if not assessment.answerable:
            yield Evidence()
            yield REFUSAL
            yield Answer(text=REFUSAL, refused=True, model=self.name, thoughts=thoughts)
            return
        draft = Draft(question=thoughts.standalone_question)
        draft.evidence = cite_all(draft.book, assessment.chosen)
        yield Evidence(citations=draft.evidence)
        for lead in lead_sentences(assessment, draft.book):
            yield draft.add(lead)
        if assessment.unsupported_premise:
            yield from self._correction(assessment, draft, thoughts)
            return
        metas = {c.meta.article_id: c.meta for c in assessment.chosen}
        sources = evidence_sources(draft.evidence, metas, self.settings.llm_evidence_tokens, self.settings.tokenizer)
        messages = self._answer_prompt.format_messages(
            sources=render(sources, draft.evidence), question=thoughts.standalone_question
        )
        failed = yield from self._verified_sentences(messages, sources, draft)
        notices = [failed] if failed else []
        if draft.removed:
            notices.append(
                f"{draft.removed} sentence(s) of the {self.name} model's answer were "
                + ("removed" if self.settings.unverified_sentences == "remove" else "marked unverified")
                + ": the evidence they cite does not support them."
            )
        if draft.supported:
            if failed:
                notices[0] += " The answer may be incomplete."
            if (draft.removed and assessment.analysis.parts) or assessment.conflict:
                yield from self._quotes_for_the_rest(assessment, draft)
            yield self._answer(draft, thoughts, refused=False, notices=notices)
        else:
            yield from self._quotes_instead(assessment, draft, thoughts, notices, failed)

    def _verified_sentences(
        self, messages: list[BaseMessage], sources: dict[int, Source], draft: Draft
    ) -> Generator[str, None, str]:
        """Stream the model's answer, yielding each sentence the evidence supports; return why the model
        failed ("" when it did not)."""
        sentences = SentenceStream()
        try:
            for increment in self._stream(messages):
                for sentence in sentences.feed(increment):
                    yield from self._take(sentence, sources, draft)
            for sentence in sentences.finish():
                yield from self._take(sentence, sources, draft)
        except ModelFault as fault:
            return f"The {self.name} model failed: {fault}."
        return ""

    def _correction(self, assessment: Assessment, draft: Draft, thoughts: Thoughts) -> Iterator[str | Answer]:
        """A question whose premise the evidence does not support is corrected, not answered: the quotes
        say what the articles do say, and the model is not asked. Asked "Why did A ally with B against
        C?", a small model explains why A did, in the evidence's own words, and the word checks pass it."""
        for quote in self._fallback.quote_sentences(assessment, draft.book):
            yield draft.add(quote)
        yield self._answer(draft, thoughts, refused=False, notices=[], model=self._fallback.name)

    def _quotes_for_the_rest(self, assessment: Assessment, draft: Draft) -> Iterator[str]:
        """The quotes that no shown sentence of the model's cites follow its answer: for a two-part question
        whose answer lost a sentence to verification, so the part it got wrong is still answered; and for a
        disagreement, where the model tends to state one side and the reader must see both."""
        cited = {n for sentence in draft.sentences if sentence.verdict != "note" for n in sentence.citations}
        for quote in self._fallback.quote_sentences(assessment, draft.book):
            if not cited.intersection(quote.citations):
                yield draft.add(quote)

    def _quotes_instead(
        self, assessment: Assessment, draft: Draft, thoughts: Thoughts, notices: list[str], failed: str
    ) -> Iterator[str | Answer]:
        """No sentence of the model's stood: the evidence was judged to answer (else no model would have been
        asked), and on held-out questions the model's own "the articles don't say" was no better than chance,
        so the quotes are shown rather than a refusal."""
        if draft.refusals and not failed:
            notices.append(f"The {self.name} model found no answer in the evidence.")
        elif draft.markers_only and not draft.removed and not failed:
            notices.append(f"The {self.name} model pointed at the evidence without answering in words.")
        elif not failed:
            notices.append("No sentence of the model's answer could be verified against the evidence.")
        notices.append("Showing quotes from the articles instead.")
        for quote in self._fallback.quote_sentences(assessment, draft.book):
            yield draft.add(quote)
        yield self._answer(draft, thoughts, refused=False, notices=notices, model=self._fallback.name)

    def _take(self, sentence: str, sources: dict[int, Source], draft: Draft) -> Iterator[str]:
        """Check one sentence; yield it if it is shown."""
        if not re.search(r"\w", strip_markers(sentence)):
            draft.markers_only += bool(citation_numbers(sentence))
            return  # a stray marker or punctuation with nothing to check
        if REFUSAL_CUE.search(sentence) and not citation_numbers(sentence):
            log.info("%s sentence refusal: %r", self.name, sentence)
            draft.refusals += 1
            return
        if answers_nothing(strip_markers(sentence), draft.question):  # true, and no answer: not shown
            log.info("%s sentence restates the question: %r", self.name, sentence)
            draft.refusals += 1
            return
        checked = self._settled(self._verifier.check(sentence, sources, draft.question), sources)
        log.info("%s sentence %s: %r (%s)", self.name, checked.verdict, sentence, "; ".join(checked.reasons[:2]))
        if checked.supported:
            draft.supported += 1
            numbers = [n for n in checked.cited if n in sources]
            text = _with_markers(checked.claim, numbers)
            yield draft.add(AnswerSentence(text=text, citations=numbers, verdict="supported"))
            return
        draft.removed += 1
        if self.settings.unverified_sentences == "show":
            text = f"{checked.claim} (unverified)"
            yield draft.add(AnswerSentence(text=text, verdict=checked.verdict))

    def _settled(self, checked: CheckedSentence, sources: dict[int, Source]) -> CheckedSentence:
        """Where the offline judge is unsure (and no number or name was invented), the model's own
        yes/no reading of the evidence decides (`assistant/model_check.py`): it catches swapped roles
        the word checks miss."""
        if not self._band.unsure(checked.score) or checked.invented or not self.settings.llm_check_unsure:
            return checked
        evidence = " ".join(sources[n].text for n in checked.cited if n in sources)
        try:
            reply = self._check.reply(checked.claim, evidence)
        except Exception as error:  # no check in time: keep the offline judge's verdict
            log.warning("the %s model's check failed: %s", self.name, error)
            return checked
        verdict: Verdict = "supported" if ModelCheck.says_yes(reply) else "unsupported"
        reason = f"the {self.name} model's check said {reply[:8]!r}"
        return CheckedSentence(checked.claim, checked.cited, verdict, [reason, *checked.reasons], checked.score)

    def _stream(self, messages: list[BaseMessage]) -> Iterator[str]:
        return stream_text(self.model, messages, self.settings.llm_retries, self.name)

    def _answer(
        self, draft: Draft, thoughts: Thoughts, *, refused: bool, notices: list[str], model: str = ""
    ) -> Answer:
        return Answer(
            text="".join(draft.shown),
            refused=refused,
            citations=draft.book.citations,
            evidence=draft.evidence,
            sentences=draft.sentences,
            notices=notices,
            model=model or self.name,
            thoughts=thoughts,
        )


def _with_markers(claim: str, numbers: list[int]) -> str:
    """The claim with its markers before the final stop: "... in 2023 [1][2]."."""
    markers = "".join(f"[{n}]" for n in numbers)
    body, stop = (claim[:-1], claim[-1]) if claim[-1:] in ".!?" else (claim, ".")
    return f"{body} {markers}{stop}"
