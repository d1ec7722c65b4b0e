"""The Gradio chat: the full app at `/` and the compact widget at `/widget/`.

`ui.chat_layout` places the components, `ui.chat_wiring` says what they do; this puts the two in one page.
"""

from __future__ import annotations

import gradio as gr

from assistant import Assistant, Settings
from assistant.feedback import RecentAnswers
from ui.chat_layout import chat_layout
from ui.chat_wiring import ChatWiring, wire
from ui.render import articles_html


def build_chat(
    bot: Assistant, settings: Settings, *, compact: bool = False, answers: RecentAnswers | None = None
) -> gr.Blocks:
    recent = answers if answers is not None else RecentAnswers()  # answers by id, for feedback and export
    with gr.Blocks(title="News assistant", analytics_enabled=False) as blocks:
        layout = chat_layout(bot, settings, compact=compact)
        wire(blocks, layout, ChatWiring(bot, settings, recent))
        if layout.articles is not None:
            blocks.load(lambda: articles_html(bot.articles()), None, layout.articles, api_name="articles")
    return blocks
