"""The `local` model end to end: Qwen2.5-Coder-1.5B joined from its packages, served in-process by
xllamacpp, its answer verified. Each answer costs 10-30 s on 2 cores, so these few are `slow`."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant import Answer, Assistant, Evidence, Settings
from assistant.models import ModelUnavailableError, gguf
from assistant.schema import Message
from assistant_cli import app
from evals.suites import NEWS_DEV_CORPUS
from tests.conftest import CORPUS

pytestmark = [pytest.mark.slow, pytest.mark.llm]


@pytest.fixture(scope="module")
def local_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("local-data"), corpus_dir=CORPUS, model="local", retrieval_k=3)


@pytest.fixture(scope="module")
def local_bot(local_settings: Settings) -> Assistant:
    return Assistant(local_settings)


def test_local_answer_streams_cited_verified_sentences(local_bot: Assistant) -> None:
    evidence, *increments, answer = list(local_bot.stream("What share of Mongolia's exports go to China?"))
    assert isinstance(evidence, Evidence) and isinstance(answer, Answer)
    assert evidence.citations == answer.evidence
    assert answer.model == "local", answer.notices
    assert "".join(increments) == answer.text  # type: ignore[arg-type]
    assert "90" in answer.text and answer.citations
    assert all(s.verdict == "supported" and s.citations for s in answer.sentences)
    for citation in answer.citations:
        article = local_bot.article(citation.article_id)
        assert article is not None and article.text[citation.start : citation.end] == citation.quote
    model_file = local_bot.settings.data_dir / "models" / gguf.MODEL_FILE
    assert model_file.stat().st_size > 1_000_000_000


def test_follow_up_is_rewritten_by_the_model(local_bot: Assistant) -> None:
    history = [
        Message(role="user", content="What share of Mongolia's exports go to China?"),
        Message(role="assistant", content="China is the destination for 90 % of Mongolia's exports [1]."),
    ]
    standalone = local_bot.answerer("local").rewrite("And what does China buy from it?", history)
    assert "Mongolia" in standalone and standalone != "And what does China buy from it?"


@pytest.fixture(scope="module")
def news_dev_bot(local_settings: Settings) -> Assistant:
    if not NEWS_DEV_CORPUS.is_dir():
        pytest.skip(f"{NEWS_DEV_CORPUS} is not beside the checkout")
    return Assistant(local_settings.with_overrides(collection="news-dev", corpus_dir=NEWS_DEV_CORPUS, retrieval_k=5))


def test_the_model_answers_in_words_with_the_name_asked_about(news_dev_bot: Assistant) -> None:
    """The evidence says "She will be sentenced on 4 March."; asked with "Answer:" alone after numbered
    evidence, the model replied "[1]" (17 % of its replies over the three question sets). It now answers in
    words, and its "Davina Ayrton will be sentenced on 4 March [1]." is verified: the name was the question's."""
    answer = news_dev_bot.ask("When will Davina Ayrton be sentenced?")
    assert answer.model == "local", answer.notices
    assert "4 March" in answer.text and "Ayrton" in answer.text, answer.text
    assert answer.sentences and all(s.verdict == "supported" for s in answer.sentences)


def test_a_follow_up_finds_what_the_last_answer_pointed_at(news_dev_bot: Assistant) -> None:
    """The model rewrites "How old was he turning that day?" without the day the last answer named;
    searching the turns as they were said as well finds the passage that answers."""
    history = [
        Message(role="user", content="How did Roberto Duran restore his reputation after quitting against Leonard?"),
        Message(
            role="assistant",
            content="He knocked out Davey Moore in Las Vegas on June 16, 1983 to win the world "
            "light-middleweight title.",
        ),
    ]
    answer = news_dev_bot.ask("How old was he turning that day?", history)
    assert not answer.refused and "32nd birthday" in answer.text, answer.text


def test_cli_ask_model_local(local_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same data dir, so the process's running model server is reused."""
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(local_settings.data_dir))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS))
    monkeypatch.setenv("ASSISTANT_RETRIEVAL_K", "3")
    result = CliRunner().invoke(app, ["ask", "--model", "local", "How many people live in Mongolia?"])
    assert result.exit_code == 0, result.output
    assert "3.3 million" in result.output and "[1]" in result.output and "Sources" in result.output


def test_a_file_with_the_wrong_digest_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gguf, "SHA256", "0" * 64)
    with pytest.raises(ModelUnavailableError, match="Refusing to load"):
        gguf.ensure_local_model(tmp_path)
    assert list(tmp_path.iterdir()) == []  # nothing half-joined is left to be loaded later
