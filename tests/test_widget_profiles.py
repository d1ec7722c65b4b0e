"""Widget profiles as the operator writes them, the starter questions each page offers, and the conversation
the page keeps: all on the real Settings, the real assistant on the bundled articles and the real wiring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant import Assistant, Settings
from assistant.feedback import RecentAnswers
from ui.chat_wiring import ChatWiring
from ui.quota import Visitor, WidgetQuota
from ui.starters import starters

PROFILE_TOML = """
[widget_profiles.geo101]
origins = ["https://school.example", "https://*.course.example"]
title = "GEO 101"
starters = ["What does Russia supply to Mongolia?"]
accent = "#0F766E"
position = "left"
messages_per_session = 5
"""


def test_profiles_load_from_assistant_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "assistant.toml"
    config.write_text(PROFILE_TOML, encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_CONFIG", str(config))
    profile = Settings().widget_profiles["geo101"]
    assert profile.origins == ["https://school.example", "https://*.course.example"]
    assert (profile.accent, profile.position, profile.messages_per_session) == ("#0f766e", "left", 5)
    assert (profile.theme, profile.messages_per_day, profile.label) == ("auto", 500, "Ask the articles")


@pytest.mark.parametrize(
    ("profile", "says"),
    [
        ({"colour": "#000000"}, "widget_profiles.geo101.colour\n  Extra inputs are not permitted"),
        ({"origins": ["https://school.example/course"]}, "is not an origin like https://school.example"),
        ({"origins": ["https://x.example;script-src *"]}, "is not an origin"),
        ({"accent": "#ffcc00"}, "white text on #ffcc00 has a contrast of 1.51:1; WCAG AA needs 4.5:1"),
        ({"theme": "sepia"}, "widget_profiles.geo101.theme"),
        ({"messages_per_session": 0}, "widget_profiles.geo101.messages_per_session"),
        ({"starters": ["a", "b", "c", "d", "e"]}, "widget_profiles.geo101.starters"),
    ],
)
def test_a_wrong_profile_is_an_error_naming_the_field(profile: dict[str, object], says: str) -> None:
    with pytest.raises(ValidationError) as error:
        Settings(widget_profiles={"geo101": profile})
    assert says in str(error.value)


def test_profile_ids_are_plain_names() -> None:
    with pytest.raises(ValidationError, match="String should match pattern"):
        Settings(widget_profiles={"Geo 101": {}})


def test_a_profiles_file_adds_profiles_and_may_not_repeat_one(tmp_path: Path) -> None:
    extra = tmp_path / "profiles.toml"
    extra.write_text('[hist202]\norigins = ["https://history.example"]\n', encoding="utf-8")
    settings = Settings(widget_profiles={"geo101": {}}, widget_profiles_file=extra)
    assert set(settings.widget_profiles) == {"geo101", "hist202"}
    with pytest.raises(ValidationError, match=r"widget profiles \['hist202'\] are set both"):
        Settings(widget_profiles={"hist202": {}}, widget_profiles_file=extra)
    with pytest.raises(ValidationError, match="cannot read the widget profiles file"):
        Settings(widget_profiles_file=tmp_path / "missing.toml")


def test_starters_come_from_the_profile_then_the_corpus_then_the_titles(bot: Assistant, tmp_path: Path) -> None:
    bundled = starters(bot, bot.settings)
    assert "What does Russia supply to Mongolia?" in bundled and len(bundled) == 4  # corpus/starters.toml
    profiled = Settings(widget_profiles={"geo101": {"starters": ["Who visited Mongolia?"]}}).widget_profiles
    assert starters(bot, bot.settings, profiled["geo101"]) == ["Who visited Mongolia?"]
    elsewhere = bot.settings.model_copy(update={"corpus_dir": tmp_path})  # a corpus that keeps no starters
    titles = [article.title for article in bot.articles()]
    assert starters(bot, elsewhere) == [f"What does the article “{title}” say?" for title in titles]


def test_the_kept_conversation_fits_its_budget_and_comes_back_escaped(bot: Assistant) -> None:
    wiring = ChatWiring(bot, bot.settings, RecentAnswers())
    question = "<script>alert(1)</script> What does Russia supply to Mongolia?"
    answer = bot.ask(question)
    turn = {"question": question, "answer": answer.model_dump(mode="json", exclude={"thoughts"})}
    kept = [{**turn, "question": f"{n}. {question}"} for n in range(40)]
    saved = wiring.saved(kept)
    assert len(saved.encode()) <= bot.settings.max_request_bytes // 2
    kept_back = json.loads(saved)["turns"]
    assert 1 <= len(kept_back) < 40 and kept_back[-1]["question"].startswith("39. ")  # the latest turns stay

    shown, turns, restored = wiring.restore(saved)
    assert len(shown) == len(turns) == 2 * len(kept_back) and restored == kept_back
    assert "&lt;script&gt;" in shown[-2]["content"] and "<script>" not in shown[-2]["content"]
    assert turns[-1] == {"role": "assistant", "content": answer.text}
    assert "answer-tools" in shown[-1]["content"]  # this server's own answer: rated and exported like a new one

    forged = json.loads(saved)
    forged["turns"][-1]["answer"]["text"] = "The articles say the moon is made of cheese."
    shown, _, _ = wiring.restore(json.dumps(forged))
    assert "moon is made of cheese" in shown[-1]["content"] and "answer-tools" not in shown[-1]["content"]
    assert wiring.restore('[{"question": "x", "answer": {"text": 1}}]') == ([], [], [])  # not an answer
    assert wiring.restore("not json") == ([], [], [])


def test_the_day_limit_counts_every_tab_of_a_client_and_only_that_client() -> None:
    profiles = Settings(widget_profiles={"geo101": {"messages_per_session": 5, "messages_per_day": 2}}).widget_profiles
    quota = WidgetQuota(profiles)
    first, second = Visitor("geo101", "tab-one"), Visitor("geo101", "tab-two")
    assert quota.refusal(first, "10.0.0.1") is None and quota.refusal(second, "10.0.0.1") is None
    assert "at most 2 questions a day" in str(quota.refusal(Visitor("geo101", "tab-three"), "10.0.0.1"))
    assert quota.refusal(Visitor("geo101", "tab-four"), "10.0.0.2") is None  # another client
    assert quota.refusal(None, "10.0.0.1") is None  # no profile: only the gate's per-minute limit
