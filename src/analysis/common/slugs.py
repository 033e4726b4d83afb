"""Safe file names from ids, and paths that cannot leave their folder.

An id reaches the file system only through :func:`slug`: lowercase letters,
digits and '-'. When anything had to change beyond lowercasing, a short hash
of the original is appended so that two different ids never share a name.

>>> slug("IACHR")
'iachr'
>>> slug("ALL_ORGANS")
'all-organs-...'
>>> slug("../../etc/passwd").startswith("etc-passwd-")
True
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from analysis.errors import UsageError

_UNSAFE = re.compile(r"[^a-z0-9]+")


def slug(text: str, max_length: int = 60) -> str:
    """A file-name-safe form of ``text`` matching ``[a-z0-9-]+``."""
    text = str(text)
    base = _UNSAFE.sub("-", text.lower()).strip("-")[:max_length].strip("-")
    if base and base == text.lower():
        return base
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{base}-{digest}" if base else digest


def inside(root: Path | str, *parts: str) -> Path:
    """``root / parts`` resolved, refusing any result outside ``root``.

    >>> inside("/tmp/out", "en", "x.html").as_posix()
    '/tmp/out/en/x.html'
    >>> inside("/tmp/out", "..", "x")
    Traceback (most recent call last):
    ...
    analysis.errors.UsageError: refusing to write outside /tmp/out: ../x
    """
    root = Path(root).resolve()
    path = root.joinpath(*parts).resolve()
    if path != root and root not in path.parents:
        raise UsageError(f"refusing to write outside {root}: {'/'.join(parts)}")
    return path
