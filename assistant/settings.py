"""One typed settings object: environment variables, then an optional TOML file, then defaults.

Every default works offline with no key. Code receives a `Settings` instance; nothing below
this module reads `os.environ` for configuration.
"""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from assistant.profiles import ProfileId, WidgetProfile, load_profiles_file

PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_corpus_dir() -> Path:
    """The articles shipped with the project: `corpus/` beside the package (a source checkout)."""
    return PACKAGE_DIR.parent / "corpus"


def config_file() -> Path:
    """Where the optional TOML file is read from: `ASSISTANT_CONFIG`, else ./assistant.toml."""
    return Path(os.environ.get("ASSISTANT_CONFIG", "assistant.toml"))


class Settings(BaseSettings):
    """All knobs of the assistant. Env vars use the `ASSISTANT_` prefix (e.g. ASSISTANT_MODEL).

    Strict: a name that is no setting (a typo in assistant.toml, `Assistant(retrival_k=3)`) is an error naming
    it, and so is a value out of range, whether it comes from the file, a keyword or `with_overrides`.
    A *turn* is one message of the conversation, the user's or the assistant's, everywhere: here, in
    `Assistant`, in the HTTP API's history and in what a language model reads.
    """

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="forbid")

    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("news-assistant")),
        description="Where the embedded Chroma database and model files live.",
    )
    corpus_dir: Path = Field(default_factory=bundled_corpus_dir)
    auto_ingest: bool = Field(
        default=True, description="Index corpus_dir on first use when the store holds no articles."
    )
    collection: str = "news"

    chroma_host: str | None = Field(default=None, validation_alias=AliasChoices("ASSISTANT_CHROMA_HOST", "CHROMA_HOST"))
    chroma_port: int = Field(default=8000, validation_alias=AliasChoices("ASSISTANT_CHROMA_PORT", "CHROMA_PORT"))

    embedding_model_path: Path | None = Field(
        default=None, description="A sentence-transformers folder; default: the packaged MiniLM."
    )
    embedding_batch_size: int = 64

    tokenizer: str = "cl100k_base"
    chunk_tokens: int = 160
    chunk_overlap_tokens: int = 48

    retrieval_k: int = Field(default=5, ge=1, le=50)
    candidate_k: int = Field(default=20, ge=1, le=200, description="Per-retriever depth before fusion.")
    rrf_k: int = 60

    evidence_sentences: int = Field(default=4, ge=1, le=12, description="Verbatim sentences shown before the answer.")
    max_answer_sentences: int = Field(default=3, ge=1, le=6, description="Sentences of the short answer.")
    max_question_tokens: int = Field(default=256, ge=16)
    max_history_turn_tokens: int = Field(
        default=256,
        ge=16,
        description="Tokens read of each earlier turn (as of the question): a long turn must not cost seconds.",
    )
    max_history_tokens: int = Field(
        default=2048, ge=64, description="Tokens read of the whole conversation, the latest turns first."
    )
    history_turns: int = Field(
        default=20, ge=0, le=200, description="Latest turns (messages) of the conversation read at all."
    )
    rewrite_history_turns: int = Field(
        default=4, ge=0, le=40, description="Latest turns a language model reads to make a follow-up standalone."
    )

    model: str = Field(
        default="auto", description="Answering model by name; auto: local when installed, else extractive."
    )
    llm_timeout: float = Field(default=60.0, gt=0, description="Seconds a model server may stay silent.")
    llm_retries: int = Field(default=2, ge=0, le=10, description="Retries before the first token.")
    llm_context_tokens: int = Field(default=2048, ge=512, description="Model context window; prompts fit in it.")
    llm_answer_tokens: int = Field(default=160, ge=16, description="Most tokens a model may generate per answer.")
    llm_evidence_tokens: int = Field(
        default=150, ge=64, le=4000, description="The evidence a model reads: prompt length is latency."
    )
    llm_check_unsure: bool = Field(
        default=True, description="The model settles, yes or no, sentences the offline judge is unsure of (~1 s each)."
    )
    local_threads: int | None = Field(
        default=None, ge=1, description="Local model CPU threads; default: half to generate, all to read the prompt."
    )
    unverified_sentences: Literal["remove", "show"] = Field(
        default="remove", description="What to do with model sentences their citations do not support."
    )

    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("ASSISTANT_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    ollama_base_url: str = "http://127.0.0.1:11434"
    ollama_model: str = "qwen2.5:1.5b"

    # The web app and HTTP API (`assistant serve`).
    embed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Sites allowed to embed the widget (CSP frame-ancestors), comma-separated in the env var.",
    )
    admin_token: SecretStr | None = Field(default=None, description="Enables adding articles over HTTP; off if unset.")
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Keys the OpenAI-compatible /v1 routes require (Authorization: Bearer); comma-separated. "
        "None: the routes are open, like /api/ask.",
    )
    rate_limit_per_minute: int = Field(default=30, ge=1, description="Questions per client per minute.")
    max_request_bytes: int = Field(default=32_768, ge=1024, description="Largest request body accepted.")
    request_body_seconds: float = Field(
        default=10.0, gt=0, le=300, description="Time a client has to send its whole request body (else 408)."
    )
    admin_attempts_per_minute: int = Field(
        default=5, ge=1, description="Failed admin-token tries per client per minute before 429."
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Proxies (addresses or networks) whose X-Forwarded-For names the client; comma-separated.",
    )
    public_url: str | None = Field(
        default=None, description="This server's address as readers reach it, for the embed snippet."
    )
    widget_profiles: dict[ProfileId, WidgetProfile] = Field(
        default_factory=dict,
        description="The widget per site, by profile id: [widget_profiles.geo101] tables in assistant.toml.",
    )
    widget_profiles_file: Path | None = Field(
        default=None, description="A TOML file of more profiles, one [profile-id] table each."
    )

    # Reader feedback (assistant/feedback/) and the answers it refers to.
    feedback: bool = Field(default=True, description="Thumbs up/down and comments on answers; off hides the buttons.")
    database_url: SecretStr | None = Field(
        default=None,
        description="SQLAlchemy URL of the feedback database (may hold a password); default: SQLite in data_dir.",
    )
    feedback_comment_chars: int = Field(default=2000, ge=0, le=20_000, description="Longest feedback comment.")

    @field_validator("embed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        """Origins go into an HTTP header, so each must be a bare scheme://host[:port], nothing more."""
        origins = value.replace(",", " ").split() if isinstance(value, str) else value
        for origin in origins if isinstance(origins, list) else []:
            if not re.fullmatch(r"https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?", str(origin)):
                raise ValueError(f"{origin!r} is not an origin like https://school.example or http://127.0.0.1:8000")
        return origins

    @field_validator("api_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        return value.replace(",", " ").split() if isinstance(value, str) else value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        """Each entry must parse as an address or a network: a typo must not silently trust everyone."""
        proxies = value.replace(",", " ").split() if isinstance(value, str) else value
        for proxy in proxies if isinstance(proxies, list) else []:
            try:
                ipaddress.ip_network(str(proxy), strict=False)
            except ValueError:
                raise ValueError(f"{proxy!r} is not an address or network like 10.0.0.1 or 10.0.0.0/8") from None
        return proxies

    @field_validator("public_url")
    @classmethod
    def _check_public_url(cls, value: str | None) -> str | None:
        """The URL goes into the embed snippet's HTML, so it must be a plain http(s) address."""
        if value is not None and not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:\d{1,5})?(/[A-Za-z0-9._~/-]*)?", value):
            raise ValueError(f"{value!r} is not a URL like https://news.example or http://10.0.0.5:7860")
        return value.rstrip("/") if value else value

    @model_validator(mode="after")
    def _add_profiles_file(self) -> Settings:
        """Profiles from `widget_profiles_file` join those of assistant.toml; an id in both is an error."""
        if self.widget_profiles_file is not None:
            more = load_profiles_file(self.widget_profiles_file)
            if twice := sorted(set(more) & set(self.widget_profiles)):
                raise ValueError(f"widget profiles {twice} are set both in assistant.toml and in the profiles file")
            self.widget_profiles = {**self.widget_profiles, **more}
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=config_file())
        return (init_settings, env_settings, toml)

    def with_overrides(self, **overrides: object) -> Settings:
        """A copy with `overrides`, validated like the settings themselves: `retrieval_k=0` or an unknown name
        is a `ValidationError` naming the field (`model_copy(update=...)` would take either silently)."""
        if not overrides:
            return self
        # The profiles file was merged into widget_profiles already: validating it again would add it twice.
        current = self.model_dump(exclude={"widget_profiles_file"})
        checked = type(self).model_validate({**current, **overrides})
        if "widget_profiles_file" in overrides:
            return checked
        return checked.model_copy(update={"widget_profiles_file": self.widget_profiles_file})

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def feedback_database_url(self) -> str:
        """`database_url`, else a SQLite file in the data directory (several processes: WAL mode)."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.data_dir / 'feedback.sqlite3'}"
