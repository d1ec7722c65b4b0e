"""Bad input gets a clear, specific error, and nothing is lost."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assistant import Assistant, Settings
from assistant.errors import (
    EmptyCorpusError,
    InvalidQuestionError,
    NothingIndexedError,
    StoreUnavailableError,
    UnknownModelError,
)
from assistant.tokens import count_tokens
from testsupport.procs import free_port


@pytest.mark.parametrize("question", ["", "   ", "\n\t "])
def test_empty_question(bot: Assistant, question: str) -> None:
    with pytest.raises(InvalidQuestionError, match="empty"):
        bot.ask(question)


def test_huge_question_is_cut_to_the_token_budget_with_a_notice(bot: Assistant) -> None:
    question = "What share of Mongolia's exports go to China? " + "blah " * 10_000
    assert len(question) > 50_000
    answer = bot.ask(question)
    assert any(f"only its first {bot.settings.max_question_tokens} tokens" in n for n in answer.notices)
    assert "90 %" in answer.text


@pytest.mark.parametrize(
    "history",
    [[{"role": "system", "content": "x"}], [{"role": "user"}], [{"content": "hi"}], ["just a string"]],
)
def test_malformed_history(bot: Assistant, history: list) -> None:
    with pytest.raises(InvalidQuestionError, match="history is malformed"):
        bot.ask("What share of Mongolia's exports go to China?", history=history)


def test_unknown_model_names_the_choices(bot: Assistant) -> None:
    with pytest.raises(UnknownModelError, match="extractive"):
        bot.ask("What share of Mongolia's exports go to China?", model="gpt-17")


def test_empty_corpus_folder(tmp_path: Path) -> None:
    bot = Assistant(Settings(data_dir=tmp_path / "data", auto_ingest=False))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(EmptyCorpusError, match="No readable articles"):
        bot.ingest(empty)
    with pytest.raises(NothingIndexedError, match="assistant ingest"):
        bot.ask("Anything?")


def test_unreachable_chroma_server_names_host_and_port(tmp_path: Path) -> None:
    port = free_port()
    with pytest.raises(StoreUnavailableError, match=f"127.0.0.1:{port}"):
        Assistant(Settings(data_dir=tmp_path / "data", chroma_host="127.0.0.1", chroma_port=port))


def test_a_megabyte_of_history_is_cut_to_its_budget_with_notices(bot: Assistant) -> None:
    """Issue 13: 1 MB of history never returned; now retrieval reads at most one turn's budget of it."""
    turn = "Russia supplies fuel and power to its neighbour, and more. " * 17_000  # about 1 MB
    history = [{"role": "user", "content": turn}, {"role": "assistant", "content": "ok"}] * 3
    started = time.monotonic()
    answer = bot.ask("And what about it?", history=history)
    assert time.monotonic() - started < 60
    settings = bot.settings
    assert any(f"only its first {settings.max_history_turn_tokens}" in n for n in answer.notices)
    limit = settings.max_question_tokens + settings.max_history_turn_tokens + 1
    assert count_tokens(answer.thoughts.standalone_question, settings.tokenizer) <= limit


def test_the_conversation_is_cut_to_its_total_budget_latest_turns_kept(bot: Assistant) -> None:
    turn = "What share of Mongolia's exports go to China, and which goods are they? " * 9  # about 150 tokens
    history = [{"role": "user", "content": f"{turn} ({n})"} for n in range(20)]  # about 3,000 tokens in all
    assert sum(count_tokens(t["content"], bot.settings.tokenizer) for t in history) > bot.settings.max_history_tokens
    answer = bot.ask("And what about it?", history=history)
    assert any("only its latest turns were used" in n for n in answer.notices)
    assert "(19)" in answer.thoughts.standalone_question  # the follow-up still reads the latest question
