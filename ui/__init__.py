"""The Gradio app, the embeddable widget and the HTTP API, built on `assistant.Assistant` only."""
