"""Model backends that cannot answer: a clear message and the extractive answer, never a traceback.

No Ollama server installs from the registries here (PyPI has only clients, Debian and npm none),
so the `ollama` backend is tested on its unreachable-server path only.
"""

from __future__ import annotations

import pytest

from assistant import Answer, Assistant, Evidence, Settings
from assistant.answer.llm import LLMAnswerer
from assistant.models import ModelUnavailableError, local_model_installed
from testsupport.procs import free_port

QUESTION = "What share of Mongolia's exports go to China?"


def answer_with(bot: Assistant, backend: str, **overrides: object) -> tuple[list[str], Answer]:
    answerer = LLMAnswerer(bot.settings.with_overrides(**overrides), bot.retriever, backend=backend)
    evidence, *increments, answer = list(answerer.answer_stream(QUESTION, [], answerer.prepare(QUESTION, [])))
    assert isinstance(evidence, Evidence) and isinstance(answer, Answer)
    assert evidence.citations == answer.evidence and evidence.citations  # the evidence stays
    return increments, answer  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("backend", "setting"),
    [("openai", "openai_base_url"), ("ollama", "ollama_base_url")],
)
def test_unreachable_server_gives_a_message_and_the_extractive_answer(
    bot: Assistant, backend: str, setting: str
) -> None:
    url = f"http://127.0.0.1:{free_port()}" + ("/v1" if backend == "openai" else "")
    increments, answer = answer_with(bot, backend, **{setting: url, "llm_retries": 1})
    assert answer.model == "extractive" and "90 %" in answer.text
    assert "".join(increments) == answer.text
    assert any(f"The {backend} model failed" in n and "cannot be reached" in n for n in answer.notices), answer.notices


def test_openai_without_a_server_says_what_to_set(bot: Assistant) -> None:
    with pytest.raises(ModelUnavailableError, match="ASSISTANT_OPENAI_BASE_URL"):
        answer_with(bot, "openai", openai_base_url=None, openai_api_key=None)


def test_auto_is_local_when_installed_else_extractive(bundled_settings: Settings) -> None:
    """What an assistant set to `auto` (or to a backend) says it answers with."""
    assert Settings().model == "extractive"  # the tests pin it; the shipped default is auto
    assert Settings.model_fields["model"].default == "auto"
    assert Assistant(bundled_settings, model="auto").model == ("local" if local_model_installed() else "extractive")
    assert Assistant(bundled_settings, model="openai").model == "openai"
    assert {"extractive", "local", "openai", "ollama"} <= set(Assistant.models())
