"""The labelled sets the offline judge is fitted and measured on, each cut into a tuning and a held-out part.

- `claims`: the project's claims over the bundled articles (`datasets/claims.jsonl`; dev = tuning);
- `news-dev`: claims over the 24 real texts of `../shared/corpora/news-dev/`, lower-cased and
  tokenised ones included (`datasets/claims-news-dev.jsonl`; story-01..12 tune, 13..24 held out);
- `wice-dev`: WiCE's dev split (`../shared/judge/wice-dev.jsonl`: Wikipedia claims against the
  sentences of the pages they cite). Supported vs partially or not supported. Cut by a hash of the
  claim id, so one claim's evidence variants stay on one side and the cut never changes.

Fitting, feature choice and the threshold look only at the `tune` parts; `heldout` is only measured.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import platformdirs
from langchain_core.embeddings import Embeddings

from assistant.embeddings import TextVectors
from evals.dataset import CLAIMS_PATH, DATASETS, load_claims

NEWS_DEV_CLAIMS = DATASETS / "claims-news-dev.jsonl"
WICE_DEV = Path(__file__).resolve().parents[1].parent / "shared" / "judge" / "wice-dev.jsonl"
WICE_TUNE_PERCENT = 60
Part = Literal["tune", "heldout"]


@dataclass(frozen=True)
class Case:
    """One judged pair: does the union of `passages` support `claim`?"""

    claim: str
    passages: tuple[str, ...]
    supported: bool


@dataclass(frozen=True)
class LabelledSet:
    name: str
    source: Path
    tune_rule: str  # which pairs are the tuning part
    parts: dict[Part, list[Case]]

    def tuning_part(self) -> str:
        """How the fitted weights name what they saw: the file, the rule that picks the part, its size."""
        return f"{self.name}: {self.source.name} where {self.tune_rule} ({len(self.parts['tune'])} pairs)"


def claims_set(name: str, path: Path) -> LabelledSet:
    """A LabelledClaim file: its `dev` split is the tuning part."""
    parts: dict[Part, list[Case]] = {"tune": [], "heldout": []}
    for claim in load_claims(path):
        part: Part = "tune" if claim.split == "dev" else "heldout"
        parts[part].append(Case(claim.claim, (claim.passage,), claim.supported))
    return LabelledSet(name, path, "split=dev", parts)


def wice_part(claim_id: str) -> Part:
    """A fixed cut by hash: about WICE_TUNE_PERCENT % of the claim ids tune, the rest are held out."""
    bucket = int.from_bytes(hashlib.sha256(claim_id.encode()).digest()[:4], "big") % 100
    return "tune" if bucket < WICE_TUNE_PERCENT else "heldout"


def wice_set(path: Path = WICE_DEV) -> LabelledSet:
    """Each evidence sentence is one passage; only `supported` counts as supported."""
    parts: dict[Part, list[Case]] = {"tune": [], "heldout": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        parts[wice_part(row["id"])].append(Case(row["claim"], tuple(row["evidence"]), row["label"] == "supported"))
    return LabelledSet("wice-dev", path, f"int.from_bytes(sha256(id)[:4]) % 100 < {WICE_TUNE_PERCENT}", parts)


def labelled_sets(wice: Path = WICE_DEV) -> list[LabelledSet]:
    """All three sets; WiCE only when `../shared` is beside the checkout (the others are in the repo)."""
    found = [claims_set("claims", CLAIMS_PATH), claims_set("news-dev", NEWS_DEV_CLAIMS)]
    if wice.is_file():
        found.append(wice_set(wice))
    return found


class SavedVectors(TextVectors):
    """TextVectors kept on disk between runs: WiCE's ~27,000 sentences take MiniLM half an hour on two
    busy cores, and tuning and measuring read the same ones again. Keyed by text, one file per model."""

    def __init__(self, embeddings: Embeddings, name: str = "judge-sets") -> None:
        super().__init__(embeddings, size=1_000_000)
        model = hashlib.sha1(str(getattr(embeddings, "model_name", "")).encode()).hexdigest()[:12]
        self.path = Path(platformdirs.user_cache_dir("news-assistant")) / f"{name}-{model}.npz"
        self._saved: dict[str, np.ndarray] = {}
        if self.path.is_file():
            with np.load(self.path) as saved:
                self._saved = dict(zip(saved["keys"].tolist(), saved["vectors"], strict=True))

    def __call__(self, texts: list[str]) -> list[np.ndarray]:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        missing = list(dict.fromkeys(t for t, k in zip(texts, keys, strict=True) if k not in self._saved))
        if missing:
            for text, vector in zip(missing, super().__call__(missing), strict=True):
                self._saved[hashlib.sha1(text.encode()).hexdigest()] = vector
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".partial.npz")
            np.savez(partial, keys=np.array(list(self._saved)), vectors=np.vstack(list(self._saved.values())))
            partial.replace(self.path)
        return [self._saved[k] for k in keys]
