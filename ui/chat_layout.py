"""What the chat page shows and where: the components of the app (`/`) and the widget (`/widget/`), no behaviour.

`ui.chat_wiring` connects them; `ui.chat.build_chat` puts the two together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import gradio as gr

from assistant import Assistant, Settings
from ui.html import render
from ui.render import articles_html
from ui.starters import MOST

# The widget's frame is its whole screen: the chat gets what the greeting, the box and two rows of buttons leave.
COMPACT_CHAT_HEIGHT = "max(200px, calc(100vh - 330px))"


@dataclass
class ChatLayout:
    """The components the wiring reads and writes."""

    compact: bool
    chatbot: gr.Chatbot
    question: gr.Textbox
    ask: gr.Button
    new_chat: gr.Button
    copy: gr.Button
    export_md: gr.Button
    export_json: gr.Button
    copy_text: gr.Textbox
    saved: gr.Textbox  # the conversation as JSON, kept in the tab's sessionStorage by the page
    client: gr.Textbox  # what the page tells the server at load: profile, tab id, saved conversation
    header: gr.HTML
    shown: gr.State
    turns: gr.State
    kept: gr.State  # the answers of this conversation, to save it
    visitor: gr.State  # the profile and tab this page belongs to, set once at load
    starters: list[gr.Button] = field(default_factory=list)
    articles: gr.HTML | None = None


def settings_rows(bot: Assistant, settings: Settings) -> dict[str, str]:
    """What a reader may know about the server: no paths, no internal addresses, nothing about admin access
    (the page's config is public at /config, and each of those helps an attacker more than a reader)."""
    profiles = ", ".join(settings.widget_profiles) or "none"
    return {
        "Answering model": bot.model,
        "Sites that may embed the widget": ", ".join(settings.embed_origins) or "this server only",
        "Widget profiles": profiles,
        "Questions per client per minute": str(settings.rate_limit_per_minute),
        "Longest question (tokens)": str(bot.settings.max_question_tokens),
    }


def chat_layout(bot: Assistant, settings: Settings, *, compact: bool) -> ChatLayout:
    """Lay the chat out inside the current `gr.Blocks`: the app adds its header, the side panel, the
    articles and the settings; the widget gets a header its profile fills in and the source as an overlay."""
    header = gr.HTML(render("chat/app_header.html") if not compact else "", padding=False)
    gr.HTML(render("chat/live_region.html"), padding=False, elem_classes=["live-block"])
    with gr.Row(equal_height=False, elem_classes=["widget"] if compact else None):
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
            with gr.Row(elem_id="starters"):
                starters = [gr.Button(visible=False, size="sm", variant="secondary") for _ in range(MOST)]
            with gr.Row():
                new_chat = gr.Button("New chat", elem_id="clear", size="sm", min_width=100)
                copy = gr.Button("Copy answer with sources", elem_id="copy", size="sm", min_width=120)
                export_md = gr.Button("Export (Markdown)", elem_id="export-md", size="sm", min_width=120)
                export_json = gr.Button("Export (JSON)", elem_id="export-json", size="sm", min_width=120)
            if compact:
                gr.HTML(render("chat/source_overlay.html"), padding=False)
        if not compact:
            with gr.Column(scale=2, min_width=300):
                gr.HTML(render("chat/source_panel.html"))
    articles = None
    if not compact:
        with gr.Accordion("Articles indexed", open=True, elem_id="articles"):
            articles = gr.HTML(articles_html(bot.articles()))
        with gr.Accordion("Server settings (read-only)", open=False, elem_id="settings"):
            gr.HTML(render("chat/server_settings.html", rows=settings_rows(bot, settings)))
    return ChatLayout(
        compact=compact,
        chatbot=chatbot,
        question=question,
        ask=ask,
        new_chat=new_chat,
        copy=copy,
        export_md=export_md,
        export_json=export_json,
        copy_text=gr.Textbox(visible=False, elem_id="copy-text"),
        saved=gr.Textbox(visible=False, elem_id="saved"),
        client=gr.Textbox(visible=False, elem_id="client"),
        header=header,
        shown=gr.State([]),
        turns=gr.State([]),
        kept=gr.State([]),
        visitor=gr.State(None),
        starters=starters,
        articles=articles,
    )
