"""The `openai` backend against a real OpenAI-compatible server (llama.cpp through xllamacpp) serving
SmolLM2-135M-Instruct: a fast model that invents facts and skips citations, so whatever survives
verification is what verification let through."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler

from assistant import Answer, Assistant, Evidence, Settings, metadata_card
from assistant.answer.llm import LLMAnswerer
from assistant.judge import names, names_in
from assistant.text import numbers
from tests.conftest import CORPUS
from tests.llm_servers import ModelServer, smollm2_path

pytestmark = [pytest.mark.slow, pytest.mark.llm]


@pytest.fixture(scope="module")
def smollm2() -> Iterator[ModelServer]:
    server = ModelServer(smollm2_path()).start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture(scope="module")
def smol_bot(smollm2: ModelServer, tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("smol-data"),
        corpus_dir=CORPUS,
        model="openai",
        openai_base_url=smollm2.base_url,
        openai_model="smollm2",
        retrieval_k=3,
    )
    return Assistant(settings)


def collect(items: Iterator[str | Evidence | Answer]) -> tuple[list[str], Answer]:
    """The text increments and the answer; the evidence must come first, once."""
    evidence, *increments, answer = list(items)
    assert isinstance(evidence, Evidence) and isinstance(answer, Answer)
    assert all(isinstance(i, str) for i in increments)
    return increments, answer  # type: ignore[return-value]


def assert_exact_citations(bot: Assistant, answer: Answer) -> None:
    for citation in answer.citations:
        article = bot.article(citation.article_id)
        assert article is not None
        source = article.text if citation.kind == "text" else metadata_card(article)
        assert source[citation.start : citation.end] == citation.quote
    for sentence in answer.sentences:
        assert sentence.verdict in {"supported", "quoted", "note"}, sentence
        assert sentence.citations or sentence.verdict == "note", sentence


def test_streams_only_verified_sentences(smol_bot: Assistant) -> None:
    increments, answer = collect(smol_bot.stream("What share of Mongolia's exports go to China?"))
    assert "".join(increments) == answer.text and answer.text
    assert_exact_citations(smol_bot, answer)
    if answer.model == "openai":
        assert all(s.verdict == "supported" for s in answer.sentences)
    else:  # nothing SmolLM2 wrote held up: the extractive answer, and the reader is told
        assert answer.model == "extractive" and answer.notices


@pytest.mark.parametrize(
    "question",
    [
        "What is Mongolia's GDP?",
        "Who won Mongolia's most recent parliamentary election?",
        "How many tonnes of copper does Mongolia export each year?",
    ],
)
def test_no_invented_number_or_name_survives(smol_bot: Assistant, question: str) -> None:
    _, answer = collect(smol_bot.stream(question))
    articles = " ".join(smol_bot.article(a.article_id).text for a in smol_bot.articles())  # type: ignore[union-attr]
    said = re.sub(r"\[\d+\]", "", answer.text)
    assert numbers(said) <= numbers(articles), answer.text
    assert names(said) <= names_in(articles), answer.text
    assert_exact_citations(smol_bot, answer)


class KillOnFirstToken(BaseCallbackHandler):
    def __init__(self, server: ModelServer) -> None:
        self.server = server
        self.tokens = 0

    def on_llm_new_token(self, token: Any, **kwargs: Any) -> None:
        self.tokens += 1
        if self.tokens == 3:
            self.server.kill()


def answer_with(bot: Assistant, question: str, **overrides: Any) -> tuple[list[str], Answer, LLMAnswerer]:
    """The openai answerer with other settings, on the module's index."""
    answerer = LLMAnswerer(bot.settings.model_copy(update=overrides), bot.retriever, backend="openai")
    thoughts = answerer.prepare(question, [])
    increments, answer = collect(answerer.answer_stream(question, [], thoughts))
    return increments, answer, answerer


def test_server_killed_mid_stream_gives_a_message_and_the_extractive_answer(
    smol_bot: Assistant, tmp_path: Path
) -> None:
    server = ModelServer(smollm2_path()).start()
    question = "What share of Mongolia's exports go to China?"
    answerer = LLMAnswerer(
        smol_bot.settings.model_copy(update={"openai_base_url": server.base_url}), smol_bot.retriever, backend="openai"
    )
    killer = KillOnFirstToken(server)
    answerer.model.callbacks = [killer]
    try:
        increments, answer = collect(answerer.answer_stream(question, [], answerer.prepare(question, [])))
    finally:
        server.kill()
    assert killer.tokens >= 3  # it really was streaming when the server died
    assert any("failed" in n for n in answer.notices), answer.notices
    assert "".join(increments) == answer.text and answer.text
    assert_exact_citations(smol_bot, answer)


def test_server_error_gives_a_message_and_the_extractive_answer(smol_bot: Assistant) -> None:
    """A server whose window is smaller than the prompt answers HTTP 400; that is not retried."""
    server = ModelServer(smollm2_path(), context=256).start()
    try:
        _, answer, _ = answer_with(
            smol_bot, "What share of Mongolia's exports go to China?", openai_base_url=server.base_url
        )
    finally:
        server.kill()
    assert answer.model == "extractive" and not answer.refused
    assert any("HTTP 400" in n for n in answer.notices), answer.notices
    assert "90 %" in answer.text


def test_slow_server_times_out(smol_bot: Assistant) -> None:
    server = ModelServer(smollm2_path()).start()
    try:
        _, answer, _ = answer_with(
            smol_bot,
            "What share of Mongolia's exports go to China?",
            openai_base_url=server.base_url,
            llm_timeout=0.05,
            llm_retries=1,
        )
    finally:
        server.kill()
    assert answer.model == "extractive"
    assert any("did not answer in time" in n for n in answer.notices), answer.notices
