"""The answerer's logic around a model, with LangChain's scripted chat model standing in for the
model (its text is fixed, so each outcome is certain); retrieval, verification and citation are
the real ones. Real models: test_models_smollm2.py and test_models_local.py."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

from assistant import Answer, Assistant, Evidence
from assistant.answer.llm import LLMAnswerer

QUESTION = "What share of Mongolia's exports go to China?"
TRUE = "China is the destination for 90 % of Mongolia's exports, mostly coal and copper. [1]"
INVENTED = "Mongolia's GDP grew by 7 % in 2023 thanks to Japan [1]."


def scripted(bot: Assistant, reply: str, **overrides: Any) -> tuple[list[str], Answer]:
    answerer = LLMAnswerer(bot.settings.model_copy(update=overrides), bot.retriever, backend="openai")
    answerer._model = GenericFakeChatModel(messages=iter([AIMessage(content=reply)]))
    evidence, *increments, answer = list(answerer.answer_stream(QUESTION, [], answerer.prepare(QUESTION, [])))
    assert isinstance(evidence, Evidence) and isinstance(answer, Answer)
    assert evidence.citations == answer.evidence
    assert "".join(increments) == answer.text  # type: ignore[arg-type]
    return increments, answer  # type: ignore[return-value]


def test_invented_sentence_is_removed_and_the_reader_told(bot: Assistant) -> None:
    increments, answer = scripted(bot, f"{TRUE} {INVENTED}")
    assert answer.model == "openai" and not answer.refused
    assert answer.text == increments[0]  # only the verified sentence was ever shown
    assert "90 %" in answer.text and "GDP" not in answer.text and answer.text.endswith("[1].")
    assert [s.verdict for s in answer.sentences] == ["supported"]
    assert any("1 sentence(s)" in n and "removed" in n for n in answer.notices)
    [citation] = [c for c in answer.citations if c.number in answer.sentences[0].citations]
    article = bot.article(citation.article_id)
    assert article is not None and article.text[citation.start : citation.end] == citation.quote
    assert "90 %" in citation.quote


def test_show_mode_marks_unverified_sentences(bot: Assistant) -> None:
    _, answer = scripted(bot, f"{TRUE} {INVENTED}", unverified_sentences="show")
    assert [s.verdict for s in answer.sentences] == ["supported", "unsupported"]
    assert answer.text.endswith("thanks to Japan. (unverified)")


def test_nothing_verified_falls_back_to_the_extractive_answer(bot: Assistant) -> None:
    _, answer = scripted(bot, f"{INVENTED} Mongolia sells horses.")
    assert answer.model == "extractive" and "90 %" in answer.text
    assert any("Showing quotes from the articles instead" in n for n in answer.notices)


def test_a_model_refusal_of_answering_evidence_shows_the_quotes(bot: Assistant) -> None:
    _, answer = scripted(bot, "The articles don't cover this.")
    assert not answer.refused and answer.model == "extractive" and "90 %" in answer.text
    assert any("found no answer in the evidence" in n for n in answer.notices), answer.notices


def test_stray_markers_and_bullets(bot: Assistant) -> None:
    _, answer = scripted(bot, f"- **{TRUE}**\n[2]\n\n[1]")
    assert answer.model == "openai" and [s.verdict for s in answer.sentences] == ["supported"]
