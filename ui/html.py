"""Every page and fragment of HTML the UI serves comes from a template here, autoescaped: text from articles,
readers and the operator's config is escaped unless it is already `Markup` built by `ui.render`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

TEMPLATES = Path(__file__).resolve().parent / "templates"
environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))


def render(name: str, **context: Any) -> Markup:
    """The template `name` (a path under ui/templates) filled in; safe to put in a page or a Gradio HTML block."""
    return Markup(environment.get_template(name).render(**context))
