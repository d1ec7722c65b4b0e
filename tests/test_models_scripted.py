"""The answerer's logic around a model, with a scripted chat model standing in for the model (its
text is fixed, so each outcome is certain), registered by name through the door the real backends use;
retrieval, verification and citation are the real ones. Real models: test_models_smollm2.py and
test_models_local.py."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult

from assistant import Answer, Assistant, Evidence, Settings, load_band, offline_judge
from assistant.answer.registry import create_answerer, register_chat_model, unregister

QUESTION = "What share of Mongolia's exports go to China?"
TRUE = "China is the destination for 90 % of Mongolia's exports, mostly coal and copper. [1]"
INVENTED = "Mongolia's GDP grew by 7 % in 2023 thanks to Japan [1]."
SCRIPTED = "scripted"


class Script:
    """The scripted model's replies, in order (`enqueue`), and the prompts it was sent (`history`)."""

    def __init__(self) -> None:
        self.replies: deque[str] = deque()
        self.history: list[list[BaseMessage]] = []

    def enqueue(self, *replies: str) -> None:
        self.replies.extend(replies)

    def __iter__(self) -> Iterator[AIMessage]:
        return self

    def __next__(self) -> AIMessage:
        if not self.replies:
            raise StopIteration
        return AIMessage(content=self.replies.popleft())


class ScriptedChatModel(GenericFakeChatModel):
    """LangChain's fake chat model (streams its replies word by word), keeping what it was asked."""

    script: Any

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.script.history.append(messages)
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)


@pytest.fixture
def script() -> Iterator[Script]:
    replies = Script()
    register_chat_model(SCRIPTED, lambda settings: ScriptedChatModel(messages=replies, script=replies))
    yield replies
    unregister(SCRIPTED)


def scripted(bot: Assistant, script: Script, reply: str, **overrides: Any) -> tuple[list[str], Answer]:
    script.enqueue(reply)
    answerer = create_answerer(SCRIPTED, bot.settings.with_overrides(**overrides), bot.retriever)
    evidence, *increments, answer = list(answerer.answer_stream(QUESTION, [], answerer.prepare(QUESTION, [])))
    assert any(QUESTION in str(message.content) for message in script.history[0])  # the model was asked
    assert isinstance(evidence, Evidence) and isinstance(answer, Answer)
    assert evidence.citations == answer.evidence
    assert "".join(increments) == answer.text  # type: ignore[arg-type]
    return increments, answer  # type: ignore[return-value]


def test_invented_sentence_is_removed_and_the_reader_told(bot: Assistant, script: Script) -> None:
    increments, answer = scripted(bot, script, f"{TRUE} {INVENTED}")
    assert answer.model == SCRIPTED and not answer.refused
    assert answer.text == increments[0]  # only the verified sentence was ever shown
    assert "90 %" in answer.text and "GDP" not in answer.text and answer.text.endswith("[1].")
    assert [s.verdict for s in answer.sentences] == ["supported"]
    assert any("1 sentence(s)" in n and "removed" in n for n in answer.notices)
    [citation] = [c for c in answer.citations if c.number in answer.sentences[0].citations]
    article = bot.article(citation.article_id)
    assert article is not None and article.text[citation.start : citation.end] == citation.quote
    assert "90 %" in citation.quote


def test_show_mode_marks_unverified_sentences(bot: Assistant, script: Script) -> None:
    _, answer = scripted(bot, script, f"{TRUE} {INVENTED}", unverified_sentences="show")
    assert [s.verdict for s in answer.sentences] == ["supported", "unsupported"]
    assert answer.text.endswith("thanks to Japan. (unverified)")


def test_nothing_verified_falls_back_to_the_extractive_answer(bot: Assistant, script: Script) -> None:
    _, answer = scripted(bot, script, f"{INVENTED} Mongolia sells horses.")
    assert answer.model == "extractive" and "90 %" in answer.text
    assert any("Showing quotes from the articles instead" in n for n in answer.notices)


def test_a_model_refusal_of_answering_evidence_shows_the_quotes(bot: Assistant, script: Script) -> None:
    _, answer = scripted(bot, script, "The articles don't cover this.")
    assert not answer.refused and answer.model == "extractive" and "90 %" in answer.text
    assert any("found no answer in the evidence" in n for n in answer.notices), answer.notices


def test_a_reply_that_restates_the_question_is_not_shown(bot: Assistant, script: Script) -> None:
    _, answer = scripted(bot, script, "A share of Mongolia's exports go to China [1].")
    assert answer.model == "extractive" and "90 %" in answer.text and "A share" not in answer.text
    assert any("found no answer in the evidence" in n for n in answer.notices), answer.notices


def test_a_reply_of_markers_alone_shows_the_quotes_and_says_why(bot: Assistant, script: Script) -> None:
    """A small model sometimes answers "[1]": it points at the evidence; there was nothing to verify."""
    _, answer = scripted(bot, script, "[1]")
    assert not answer.refused and answer.model == "extractive" and "90 %" in answer.text
    assert any("pointed at the evidence without answering in words" in n for n in answer.notices), answer.notices
    assert not any("could be verified" in n for n in answer.notices), answer.notices


def test_stray_markers_and_bullets(bot: Assistant, script: Script) -> None:
    _, answer = scripted(bot, script, f"- **{TRUE}**\n[2]\n\n[1]")
    assert answer.model == SCRIPTED and [s.verdict for s in answer.sentences] == ["supported"]


def test_a_registered_model_is_picked_by_name(bundled_settings: Settings, script: Script) -> None:
    """Registered like the built-in backends, the name works wherever a model is named."""
    script.enqueue(TRUE)
    bot = Assistant(bundled_settings)
    assert SCRIPTED in Assistant.models()
    answer = bot.ask(QUESTION, model=SCRIPTED)
    assert answer.model == SCRIPTED and "90 %" in answer.text and len(script.history) >= 1


def test_a_two_part_answer_missing_a_part_gets_that_part_quoted(bot: Assistant, script: Script) -> None:
    question = "What share of Mongolia's exports go to China, and who supplies most of Mongolia's electricity?"
    script.enqueue(f"{TRUE} Japan supplies most of Mongolia's electricity [2].")
    answerer = create_answerer(SCRIPTED, bot.settings, bot.retriever)
    *_, answer = list(answerer.answer_stream(question, [], answerer.prepare(question, [])))
    assert isinstance(answer, Answer) and answer.model == SCRIPTED
    assert answer.sentences[0].verdict == "supported" and "Japan" not in answer.text
    assert "Russia supplies the majority of Mongolia’s electricity" in answer.text, answer.text
    assert all(s.verdict == "quoted" for s in answer.sentences[1:])


def test_a_false_premise_is_corrected_by_quotes_without_asking_the_model(bot: Assistant, script: Script) -> None:
    question = "Why did Mongolia arrest Putin when he arrived?"
    script.enqueue("Mongolia arrested Putin when he arrived because of the ICC warrant [1].")
    answerer = create_answerer(SCRIPTED, bot.settings, bot.retriever)
    *_, answer = list(answerer.answer_stream(question, [], answerer.prepare(question, [])))
    assert isinstance(answer, Answer) and answer.model == "extractive" and not answer.refused
    assert answer.text.startswith("The articles do not support what the question takes for granted")
    assert "arrested Putin" not in answer.text and "urged Mongolia to detain Putin" in answer.text
    assert not script.history  # the model was never asked


def test_a_disagreement_gets_the_side_the_model_left_out_quoted(bot: Assistant, script: Script) -> None:
    """One passage calls the visit Putin's first to Mongolia, another his first since 2019. A model that
    states one side is followed by the quote of the other: the notice names both, so both are shown."""
    question = "Was this Putin's first ever visit to Mongolia?"
    script.enqueue("Yes, this is the first time the Russian president has been to Mongolia [1].")
    answerer = create_answerer(SCRIPTED, bot.settings, bot.retriever)
    evidence, *_, answer = list(answerer.answer_stream(question, [], answerer.prepare(question, [])))
    assert isinstance(evidence, Evidence) and isinstance(answer, Answer) and answer.model == SCRIPTED
    assert "first time the Russian president" in evidence.citations[0].quote  # what the script cites as [1]
    assert answer.text.startswith("The articles are not consistent on this point.")
    assert [s.verdict for s in answer.sentences] == ["note", "supported", "quoted"], answer.text
    assert "since 2019" in answer.sentences[2].text


@pytest.mark.parametrize(("reply", "shown"), [("Yes", True), ("No", False)])
def test_the_models_check_decides_a_sentence_the_offline_judge_is_unsure_of(
    bot: Assistant, script: Script, reply: str, shown: bool
) -> None:
    """A paraphrase the offline judge scores in its unsure band (`assistant/data/model_check.json`) is put
    to the model as a one-word check; its yes or no, not the offline verdict, decides."""
    sentence = "China buys 90 % of what Mongolia exports [1]."
    evidence = "And China is the destination for 90 % of Mongolia’s exports, primarily coal and copper."
    score = offline_judge().judge(sentence, [evidence]).score
    assert load_band("verifier").unsure(score)  # else the model is not asked
    script.enqueue(sentence, reply)
    answerer = create_answerer(SCRIPTED, bot.settings, bot.retriever)
    *_, answer = list(answerer.answer_stream(QUESTION, [], answerer.prepare(QUESTION, [])))
    assert isinstance(answer, Answer)
    asked = str(script.history[-1][-1].content)  # the last prompt: the check
    assert "Statement: China buys 90 % of what Mongolia exports." in asked and evidence in asked
    if shown:
        assert answer.model == SCRIPTED and answer.text == sentence
        assert [s.verdict for s in answer.sentences] == ["supported"]
    else:
        assert answer.model == "extractive" and "China buys" not in answer.text
