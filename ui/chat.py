"""The Gradio chat: the full app at `/` and the compact widget at `/widget/`. Layout and wiring only."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr
from markupsafe import Markup

from assistant import Answer, Assistant, AssistantError, Citation, Evidence, Settings
from assistant.feedback import RecentAnswers
from ui.api import MAX_QUESTION_CHARS
from ui.feedback_api import answer_tools_html
from ui.render import answer_html, answer_plain_text, articles_html, error_html, question_html, streaming_html

BUNDLED_STARTERS = {
    "mongolia-delicate-balancing-act": [
        "Why did Putin's visit to Mongolia draw criticism?",
        "What does Russia supply to Mongolia?",
    ],
    "mongolia-veering-towards-us": [
        "What share of Mongolia's exports go to China?",
        'What is Mongolia\'s "third neighbour" policy?',
    ],
}

SOURCE_PANEL = (
    '<div id="source-panel" class="source-panel"><iframe id="source-frame" name="source-frame" '
    'title="Source article" src="/source"></iframe></div>'
)
# The widget is too narrow for a side panel: the source covers the chat until the reader goes back.
SOURCE_OVERLAY = (
    '<div id="source-panel" class="source-panel source-overlay" role="dialog" aria-label="Source article" hidden>'
    '<button type="button" class="source-close">← Back to the chat</button>'
    '<iframe id="source-frame" name="source-frame" title="Source article" src="/source"></iframe></div>'
)

# The widget's frame is its whole screen: the chat gets what the question box and the buttons leave.
COMPACT_CHAT_HEIGHT = "max(220px, calc(100vh - 160px))"
# Outputs of every chat step: the messages shown, the shown list, the plain-text turns, the box, the copy text.
Step = tuple[list[dict[str, str]], list[dict[str, str]], list[dict[str, str]], str, str]


def starters(bot: Assistant) -> list[str]:
    """Starter questions for whichever bundled articles are indexed."""
    return [q for article in bot.articles() for q in BUNDLED_STARTERS.get(article.article_id, [])]


def settings_html(bot: Assistant, s: Settings) -> str:
    """What a reader may know about the server: no paths, no internal addresses, nothing about admin access
    (the page's config is public at /config, and each of those helps an attacker more than a reader)."""
    rows = {
        "Answering model": bot.model,
        "Sites that may embed the widget": ", ".join(s.embed_origins) or "this server only",
        "Questions per client per minute": str(s.rate_limit_per_minute),
        "Longest question (tokens)": str(bot.settings.max_question_tokens),
    }
    body = Markup("").join(Markup("<tr><th scope='row'>{}</th><td>{}</td></tr>").format(k, v) for k, v in rows.items())
    return str(Markup('<table class="server-settings">{}</table>').format(body))


def build_chat(
    bot: Assistant, settings: Settings, *, compact: bool = False, answers: RecentAnswers | None = None
) -> gr.Blocks:
    recent = answers if answers is not None else RecentAnswers()  # answers by id, for feedback and export

    def respond(question: str, shown: list[dict[str, str]], turns: list[dict[str, str]]) -> Iterator[Step]:
        if not isinstance(question, str) or not question.strip():
            gr.Info("Type a question about the articles first.")
            yield shown, shown, turns, "", ""
            return
        if len(question) > MAX_QUESTION_CHARS:  # the same limit as POST /api/ask: Gradio's routes are public too
            gr.Warning(f"Questions are at most {MAX_QUESTION_CHARS} characters; this one has {len(question)}.")
            yield shown, shown, turns, question[:MAX_QUESTION_CHARS], ""
            return
        shown = [*shown, {"role": "user", "content": question_html(question)}]
        reply = {"role": "assistant", "content": streaming_html("")}
        shown.append(reply)
        yield shown, shown, turns, "", ""
        text = ""
        evidence: list[Citation] = []
        try:
            for item in bot.stream(question, turns):
                if isinstance(item, Answer):
                    answer_id = recent.remember(question, turns, item, bot.settings)
                    reply["content"] = answer_html(item) + answer_tools_html(
                        answer_id, feedback=settings.feedback, comment_chars=settings.feedback_comment_chars
                    )
                    turns = [*turns, {"role": "user", "content": question}, {"role": "assistant", "content": item.text}]
                    yield shown, shown, turns, "", answer_plain_text(item)
                    return
                if isinstance(item, Evidence):  # shown at once, before the answer is written
                    evidence = item.citations
                else:
                    text += item
                reply["content"] = streaming_html(text, evidence)
                yield shown, shown, turns, "", ""
        except AssistantError as error:  # shown in the chat; the question goes back in the box, nothing lost
            reply["content"] = error_html(str(error), evidence)
            yield shown, shown, turns, question, ""

    def clear() -> Step:
        return [], [], [], "", ""

    def ask_starter(question: str) -> Callable[[list[dict[str, str]], list[dict[str, str]]], Iterator[Step]]:
        """A starter asks its own fixed question: it takes no text from the client."""

        def ask(shown: list[dict[str, str]], turns: list[dict[str, str]]) -> Iterator[Step]:
            yield from respond(question, shown, turns)

        return ask

    with gr.Blocks(title="News assistant", analytics_enabled=False) as blocks:
        shown = gr.State([])
        turns = gr.State([])
        if not compact:
            gr.HTML(
                '<header class="app-header"><h1>News assistant</h1><p>Answers only from the articles listed below; '
                "the evidence comes first, word for word, then a short answer that cites it. "
                "Click a <b>[1]</b> to read it in context.</p>"
                '<nav><a href="/embed">Put it on your page</a> · <a href="/docs">HTTP API</a></nav></header>'
            )
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=300):
                chatbot = gr.Chatbot(
                    elem_id="chat",
                    label="Conversation",
                    show_label=False,
                    render_markdown=False,
                    sanitize_html=True,
                    allow_tags=False,
                    buttons=[],
                    height=COMPACT_CHAT_HEIGHT if compact else 520,
                    placeholder="Ask a question about the articles.",
                )
                with gr.Row():
                    question = gr.Textbox(
                        elem_id="question",
                        show_label=False,
                        label="Your question",
                        scale=5,
                        lines=1,
                        max_lines=4,
                        autofocus=not compact,
                        placeholder="Ask about the articles…" if compact else "Ask about the articles… (Enter to send)",
                    )
                    ask = gr.Button("Ask", elem_id="ask", variant="primary", scale=1, min_width=70)
                with gr.Row():
                    clear_button = gr.Button("Clear conversation", elem_id="clear", size="sm", min_width=120)
                    copy_button = gr.Button("Copy answer with sources", elem_id="copy", size="sm", min_width=120)
                    # Export and rating run in the page (ui/static/feedback.js) through /api/export and /api/feedback.
                    export_md = gr.Button("Export (Markdown)", elem_id="export-md", size="sm", min_width=120)
                    export_json = gr.Button("Export (JSON)", elem_id="export-json", size="sm", min_width=120)
                copy_text = gr.Textbox(visible=False, elem_id="copy-text")
                starter_buttons: list[tuple[gr.Button, str]] = []
                if not compact and starters(bot):
                    gr.HTML('<p class="starters-heading">Try one of these:</p>')
                    with gr.Row(elem_id="starters"):
                        starter_buttons = [(gr.Button(q, size="sm", variant="secondary"), q) for q in starters(bot)]
                if compact:
                    gr.HTML(SOURCE_OVERLAY, padding=False)
            if not compact:
                with gr.Column(scale=2, min_width=300):
                    gr.HTML(SOURCE_PANEL)
        if not compact:
            with gr.Accordion("Articles indexed", open=True, elem_id="articles"):
                articles = gr.HTML(articles_html(bot.articles()))
            with gr.Accordion("Server settings (read-only)", open=False, elem_id="settings"):
                gr.HTML(settings_html(bot, settings))
            blocks.load(lambda: articles_html(bot.articles()), None, articles, api_name="articles")

        outputs: list[Any] = [chatbot, shown, turns, question, copy_text]
        gr.on([question.submit, ask.click], respond, [question, shown, turns], outputs, api_name="chat")
        # Private and named for the page only: the gate (ui/doors.py) refuses calls to any name but chat/articles.
        for number, (button, asked) in enumerate(starter_buttons, start=1):
            button.click(
                ask_starter(asked), [shown, turns], outputs, api_name=f"starter_{number}", api_visibility="private"
            )
        clear_button.click(clear, None, outputs, api_name="clear", api_visibility="private")
        chatbot.clear(clear, None, outputs, api_name="clear_icon", api_visibility="private")
        copy_button.click(
            None,
            [copy_text],
            None,
            api_name="copy",
            api_visibility="private",
            js="(text) => { if (text) { navigator.clipboard.writeText(text); } }",
        )
        for button, kind in ((export_md, "markdown"), (export_json, "json")):
            js = f"() => {{ if (window.newsAssistantExport) {{ window.newsAssistantExport('{kind}'); }} }}"
            button.click(None, None, None, api_name=f"export_{kind}", api_visibility="private", js=js)
    return blocks
