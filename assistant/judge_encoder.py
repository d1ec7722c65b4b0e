"""A small cross-encoder for the judge: does this passage support this claim? One probability per pair.

Cosine similarity of two separately embedded texts cannot see who did what to whom, or a clause the
passage lacks; reading claim and passage together can. No entailment model installs here, so the
packaged MiniLM is the base: its lower layers are used as they are, and only its top layers and a
classification head were fine-tuned (`python -m evals.train_judge_encoder`, on generated pairs). So
only those layers are stored, in fp16 (`assistant/data/judge_encoder.safetensors`, a few MB), with
what they were trained on beside them (`judge_encoder.json`), and laid over the packaged model here.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch
from pydantic import BaseModel, ConfigDict
from safetensors.torch import load_file
from transformers import AutoModel, AutoTokenizer, PreTrainedTokenizerBase

from assistant.embeddings import packaged_model_path

DATA = Path(__file__).parent / "data"
ENCODER_WEIGHTS = DATA / "judge_encoder.safetensors"
ENCODER_CARD = DATA / "judge_encoder.json"
MAX_TOKENS = 128
BATCH = 16


class EncoderCard(BaseModel):
    """What the stored layers are, and what they were trained on, with which seed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    base: str
    trained_layers: list[int]
    max_tokens: int
    trained_on: list[str]
    seed: int
    note: str
    sha256: str


class PairClassifier(torch.nn.Module):
    """MiniLM over "[CLS] claim [SEP] passage [SEP]", mean-pooled, then one logit. `lower` (frozen) and
    `upper` (fine-tuned) are apart so that training computes the frozen layers' output once."""

    def __init__(self, base: Path, trained_layers: int = 1) -> None:
        super().__init__()
        self.bert = AutoModel.from_pretrained(str(base), local_files_only=True)
        self.split = self.bert.config.num_hidden_layers - trained_layers
        self.head = torch.nn.Linear(self.bert.config.hidden_size, 1)
        self.dropout = torch.nn.Dropout(0.1)

    @property
    def trained_layers(self) -> list[int]:
        return list(range(self.split, self.bert.config.num_hidden_layers))

    def lower(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        hidden = self.bert.embeddings(input_ids=batch["input_ids"], token_type_ids=batch["token_type_ids"])
        for layer in self.bert.encoder.layer[: self.split]:
            hidden = layer(hidden, additive_mask(batch["attention_mask"], hidden.dtype))
        return hidden

    def upper(self, hidden: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        for layer in self.bert.encoder.layer[self.split :]:
            hidden = layer(hidden, additive_mask(attention_mask, hidden.dtype))
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
        return self.head(self.dropout(pooled)).squeeze(-1)

    def forward(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        return self.upper(self.lower(batch), batch["attention_mask"])

    def trained_state(self) -> dict[str, torch.Tensor]:
        """The parameters that training changes: the top layers and the head; all else is the package's."""
        prefixes = (*(f"bert.encoder.layer.{i}." for i in self.trained_layers), "head.")
        return {k: v for k, v in self.state_dict().items() if k.startswith(prefixes)}


def additive_mask(attention_mask: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """Padding hidden from attention: 0 where a token is, the dtype's minimum where padding is."""
    return (1.0 - attention_mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


def tokenize(tokenizer: PreTrainedTokenizerBase, pairs: list[tuple[str, str]]) -> dict[str, torch.Tensor]:
    """Claim first, whole; the passage is cut when the pair exceeds MAX_TOKENS."""
    claims, passages = zip(*pairs, strict=True) if pairs else ((), ())
    return dict(
        tokenizer(
            list(claims),
            list(passages),
            truncation="only_second",
            max_length=MAX_TOKENS,
            padding=True,
            return_tensors="pt",
        )
    )


class ClaimEncoder:
    """The fine-tuned pair classifier, ready to score; raises if the stored layers do not fit the card."""

    def __init__(self, weights: Path = ENCODER_WEIGHTS, card: Path = ENCODER_CARD) -> None:
        if not weights.is_file() or not card.is_file():
            raise FileNotFoundError(f"{weights}: no judge encoder; train it with `python -m evals.train_judge_encoder`")
        self.card = EncoderCard.model_validate(json.loads(card.read_text(encoding="utf-8")))
        digest = hashlib.sha256(weights.read_bytes()).hexdigest()
        if digest != self.card.sha256:
            raise ValueError(f"{weights} does not match {card.name} (sha256 {digest[:12]}…): retrain the encoder")
        base = packaged_model_path()
        self.tokenizer = AutoTokenizer.from_pretrained(str(base), local_files_only=True)
        self.model = PairClassifier(base, len(self.card.trained_layers))
        stored = {k: v.float() for k, v in load_file(str(weights)).items()}
        expected = self.model.trained_state()
        if set(stored) != set(expected):
            raise ValueError(f"{weights}: stored layers {sorted(set(stored) ^ set(expected))[:3]} do not fit the card")
        self.model.load_state_dict(stored, strict=False)
        self.model.eval()

    def scores(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """P(supported) of each (claim, passage), in batches of similar length (less padding)."""
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
        out = np.zeros(len(pairs), dtype=np.float32)
        with torch.inference_mode():
            for first in range(0, len(order), BATCH):
                rows = order[first : first + BATCH]
                logits = self.model(tokenize(self.tokenizer, [pairs[i] for i in rows]))
                out[rows] = torch.sigmoid(logits).numpy()
        return out


@lru_cache(maxsize=2)
def load_encoder(weights: Path = ENCODER_WEIGHTS, card: Path = ENCODER_CARD) -> ClaimEncoder:
    """Cached per process: loading takes about a second."""
    return ClaimEncoder(weights, card)


def focus(sentences: list[str], similarities: np.ndarray, aligned: int, keep: int = 1) -> str:
    """The passage the encoder reads: the `keep` sentences closest to the claim and the one sharing most of
    its words, in their order. Long evidence (WiCE gives ~19 sentences) would not fit, nor run in 50 ms."""
    chosen = {aligned, *np.argsort(-similarities)[:keep].tolist()}
    return " ".join(sentences[i] for i in sorted(chosen))
