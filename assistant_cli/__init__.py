"""The `assistant` command line: the composition root above the library (`assistant`), the web app (`ui`) and
the eval suite (`evals`). Commands live in `main.py`; add a command group there with `app.add_typer`."""

from assistant_cli.main import app

__all__ = ["app"]
