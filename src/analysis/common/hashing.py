"""SHA-256 of files, bytes and JSON-able objects: one helper per job.

>>> sha256_bytes(b"")[:12]
'e3b0c44298fc'
>>> sha256_json({"b": 1, "a": 2}) == sha256_json({"a": 2, "b": 1})
True
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path | str) -> str:
    """Hex SHA-256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sha256_json(obj: object) -> str:
    """Hash of ``obj`` as canonical JSON (sorted keys); ``str`` for what JSON lacks."""
    return sha256_bytes(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode())
