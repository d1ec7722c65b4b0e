"""The model's one-word checks on labelled pairs, kept in a file so that measuring and fitting again cost nothing.

A check is asked at temperature 0, so the same model, prompt, claim and evidence give the same reply as a
rule (a near tie can flip between runs of the server); the key is a hash of the model's name, the prompt,
the claim and the evidence, so delete the file after installing another model under the same name. Used
by `evals.tune_model_check` and `evals.judge_accuracy --judge offline+llm` (`--replies FILE`), where a
thousand checks take a quarter of an hour on two cores.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from assistant import ModelCheck


class KeptReplies(ModelCheck):
    def __init__(self, model: BaseChatModel, model_name: str, path: Path) -> None:
        super().__init__(model)
        self._path = path
        self._salt = f"{model_name}\n{self.prompt}\n"
        self._replies: dict[str, str] = {}
        if path.is_file():
            for line in path.read_text(encoding="utf-8").splitlines():
                row = json.loads(line)
                self._replies[row["key"]] = row["reply"]

    def reply(self, claim: str, evidence: str) -> str:
        key = hashlib.sha256(f"{self._salt}{claim}\n{' '.join(evidence.split())}".encode()).hexdigest()
        if key not in self._replies:
            self._replies[key] = super().reply(claim, evidence)
            self._path.parent.mkdir(parents=True, exist_ok=True)
            with self._path.open("a", encoding="utf-8") as kept:
                kept.write(json.dumps({"key": key, "reply": self._replies[key]}) + "\n")
        return self._replies[key]
