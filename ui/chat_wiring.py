"""What the chat page does: ask (streamed), start (profile, starters, the conversation kept in the tab),
new chat, copy. `ui.chat_layout` says where things are; nothing here retrieves or cites.

The conversation survives a reload: after each answer the server sends it back as JSON (the questions and
the answers, at most `saved_bytes`, the oldest turns dropped first) and the page keeps it in sessionStorage;
at load the page sends it once, and the server checks and re-renders it as it would a fresh answer. The page
could send anything, so the JSON is sealed (HMAC, a key of this process): only a conversation this server
gave gets its answers back into feedback and export; any other is shown, escaped, without those tools.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterator
from typing import Any

import gradio as gr
from pydantic import BaseModel, Field, ValidationError

from assistant import Answer, Assistant, AssistantError, Citation, Evidence, Settings
from assistant.feedback import RecentAnswers
from ui.api import MAX_QUESTION_CHARS
from ui.chat_layout import ChatLayout
from ui.feedback_api import answer_tools_html
from ui.html import render
from ui.quota import Visitor, WidgetQuota
from ui.render import answer_html, answer_plain_text, error_html, question_html, streaming_html
from ui.starters import MOST, starters

TAB_ID = re.compile(r"[A-Za-z0-9-]{16,64}")
# The page's key for its conversation: one per path and profile, so the app, the widget and two courses never mix.
KEY_JS = "'news-assistant:chat:' + location.pathname + ':' + new URLSearchParams(location.search).get('profile')"
HELLO_JS = f"""() => {{
  let tab = '', saved = '';
  try {{
    tab = sessionStorage.getItem('news-assistant:tab') || '';
    if (!tab) {{
      tab = Array.from(crypto.getRandomValues(new Uint8Array(16)), b => b.toString(16).padStart(2, '0')).join('');
      sessionStorage.setItem('news-assistant:tab', tab);
    }}
    saved = sessionStorage.getItem({KEY_JS}) || '';
  }} catch (e) {{}}
  const profile = new URLSearchParams(location.search).get('profile') || '';
  return [JSON.stringify({{profile, tab, saved}})];
}}"""
SAVE_JS = f"""(saved) => {{
  try {{ if (saved) sessionStorage.setItem({KEY_JS}, saved); else sessionStorage.removeItem({KEY_JS}); }} catch (e) {{}}
}}"""
COPY_JS = "(text) => { if (text) { navigator.clipboard.writeText(text); } }"
DEFAULT_GREETING = "Ask about the articles: you get the evidence word for word, then a short answer that cites it."

Messages = list[dict[str, str]]
Kept = list[dict[str, Any]]
# Outputs of every chat step: shown messages (twice: the chat and its state), turns, kept answers, box, copy, saved.
Step = tuple[Messages, Messages, Messages, Kept, str, str, str]


class Hello(BaseModel):
    """What the page sends at load; all of it comes from the reader's browser, so all of it is checked."""

    profile: str = Field(default="", max_length=40)
    tab: str = Field(default="", max_length=64)
    saved: str = ""


class KeptTurn(BaseModel):
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    answer: dict[str, Any]


class Saved(BaseModel):
    turns: list[KeptTurn]
    seal: str


class ChatWiring:
    def __init__(self, bot: Assistant, settings: Settings, answers: RecentAnswers) -> None:
        self.bot, self.settings, self.answers = bot, settings, answers
        self.quota = WidgetQuota(settings.widget_profiles)
        # The saved conversation comes back in one request at load: it must fit the gate's body limit.
        self.saved_bytes = settings.max_request_bytes // 2
        self.key = secrets.token_bytes(32)

    def respond(
        self, question: str, shown: Messages, turns: Messages, kept: Kept, visitor: Visitor | None, request: gr.Request
    ) -> Iterator[Step]:
        if not isinstance(question, str) or not question.strip():
            gr.Info("Type a question about the articles first.")
            yield shown, shown, turns, kept, "", "", gr.skip()
            return
        if len(question) > MAX_QUESTION_CHARS:  # the same limit as POST /api/ask: Gradio's routes are public too
            gr.Warning(f"Questions are at most {MAX_QUESTION_CHARS} characters; this one has {len(question)}.")
            yield shown, shown, turns, kept, question[:MAX_QUESTION_CHARS], "", gr.skip()
            return
        shown = [*shown, {"role": "user", "content": question_html(question)}]
        refusal = self.quota.refusal(visitor, request.client.host if request.client else "unknown")
        if refusal is not None:
            shown.append({"role": "assistant", "content": error_html(refusal)})
            yield shown, shown, turns, kept, question, "", gr.skip()
            return
        reply = {"role": "assistant", "content": streaming_html("")}
        shown.append(reply)
        yield shown, shown, turns, kept, "", "", gr.skip()
        text, evidence = "", list[Citation]()
        try:
            for item in self.bot.stream(question, turns):
                if isinstance(item, Answer):
                    reply["content"] = self.reply_html(question, turns, item)
                    turns = [*turns, {"role": "user", "content": question}, {"role": "assistant", "content": item.text}]
                    kept = [*kept, {"question": question, "answer": item.model_dump(mode="json", exclude={"thoughts"})}]
                    yield shown, shown, turns, kept, "", answer_plain_text(item), self.saved(kept)
                    return
                if isinstance(item, Evidence):  # shown at once, before the answer is written
                    evidence = item.citations
                else:
                    text += item
                reply["content"] = streaming_html(text, evidence)
                yield shown, shown, turns, kept, "", "", gr.skip()
        except AssistantError as error:  # shown in the chat; the question goes back in the box, nothing lost
            reply["content"] = error_html(str(error), evidence)
            yield shown, shown, turns, kept, question, "", gr.skip()

    def reply_html(self, question: str, turns: Messages, answer: Answer) -> str:
        """The answer as shown, with its rating and export tools; it is remembered by id for them."""
        answer_id = self.answers.remember(question, turns, answer, self.bot.settings)
        tools = answer_tools_html(
            answer_id, feedback=self.settings.feedback, comment_chars=self.settings.feedback_comment_chars
        )
        return answer_html(answer) + tools

    def saved(self, kept: Kept) -> str:
        """The conversation as the page keeps it: the latest turns that fit in `saved_bytes`."""
        for start in range(len(kept)):
            text = json.dumps({"turns": kept[start:], "seal": self.seal(kept[start:])}, ensure_ascii=False)
            if len(text.encode()) <= self.saved_bytes:
                return text
        return ""

    def seal(self, kept: Kept) -> str:
        return hmac.new(self.key, json.dumps(kept, sort_keys=True).encode(), hashlib.sha256).hexdigest()

    def restore(self, saved: str) -> tuple[Messages, Messages, Kept]:
        """The shown messages, turns and kept answers of a saved conversation; nothing if it does not check out."""
        try:
            kept = Saved.model_validate_json(saved)
            items = kept.turns
            answers = [
                Answer.model_validate({**item.answer, "thoughts": {"standalone_question": item.question}})
                for item in items
            ]
        except (ValueError, TypeError, ValidationError):
            return [], [], []
        genuine = hmac.compare_digest(kept.seal, self.seal([item.model_dump() for item in items]))
        shown: Messages = []
        turns: Messages = []
        for item, answer in zip(items, answers, strict=True):
            reply = self.reply_html(item.question, turns, answer) if genuine else answer_html(answer)
            shown += [{"role": "user", "content": question_html(item.question)}]
            shown += [{"role": "assistant", "content": reply}]
            turns += [{"role": "user", "content": item.question}, {"role": "assistant", "content": answer.text}]
        return shown, turns, [item.model_dump() for item in items]

    def start(self, hello_json: str, compact: bool) -> list[Any]:
        """At load: whose page this is (profile, tab), its header and starters, and the conversation it kept."""
        try:
            hello = Hello.model_validate_json(hello_json or "{}")
        except ValidationError:
            hello = Hello()
        profile = self.settings.widget_profiles.get(hello.profile)
        visitor = Visitor(hello.profile if profile else None, hello.tab if TAB_ID.fullmatch(hello.tab) else "")
        questions = starters(self.bot, self.settings, profile)
        buttons = [gr.Button(value=q, visible=True) for q in questions]
        buttons += [gr.Button(visible=False)] * (MOST - len(questions))
        shown, turns, kept = self.restore(hello.saved)
        header = (
            render(
                "chat/widget_header.html",
                title=profile.title if profile else "News assistant",
                greeting=(profile.greeting if profile else "") or DEFAULT_GREETING,
                accent=profile.accent if profile else "",
            )
            if compact
            else gr.skip()
        )
        return [visitor, header, *buttons, shown, shown, turns, kept]

    def new_chat(self) -> Step:
        return [], [], [], [], "", "", ""


def wire(blocks: gr.Blocks, layout: ChatLayout, wiring: ChatWiring) -> None:
    """Connect the layout's components to what they do. Only `chat` (and the app's `articles`) are public:
    the gate (ui/doors.py) refuses calls to any other name."""
    ui = layout
    outputs: list[Any] = [ui.chatbot, ui.shown, ui.turns, ui.kept, ui.question, ui.copy_text, ui.saved]
    asking = [ui.shown, ui.turns, ui.kept, ui.visitor]
    gr.on([ui.question.submit, ui.ask.click], wiring.respond, [ui.question, *asking], outputs, api_name="chat").then(
        None, [ui.saved], None, js=SAVE_JS
    )
    for number, button in enumerate(ui.starters, start=1):
        button.click(wiring.respond, [button, *asking], outputs, api_name=f"starter_{number}", api_visibility="private")
    for event, name in [(ui.new_chat.click, "clear"), (ui.chatbot.clear, "clear_icon")]:
        event(wiring.new_chat, None, outputs, api_name=name, api_visibility="private").then(
            None, [ui.saved], None, js=SAVE_JS
        )
    ui.copy.click(None, [ui.copy_text], None, api_name="copy", api_visibility="private", js=COPY_JS)
    # Export and rating run in the page (ui/static/feedback.js) through /api/export and /api/feedback.
    for button, kind in ((ui.export_md, "markdown"), (ui.export_json, "json")):
        js = f"() => {{ if (window.newsAssistantExport) {{ window.newsAssistantExport('{kind}'); }} }}"
        button.click(None, None, None, api_name=f"export_{kind}", api_visibility="private", js=js)
    started = [ui.visitor, ui.header, *ui.starters, ui.chatbot, ui.shown, ui.turns, ui.kept]
    blocks.load(
        lambda hello: wiring.start(hello, ui.compact),
        [ui.client],
        started,
        js=HELLO_JS,
        api_name="start",
        api_visibility="private",
    )
