"""The secret key of a data folder, for the keyed (HMAC) fingerprint of report forms.

A form's hidden sheet carries an HMAC-SHA256 of everything it was made from,
keyed with this secret, so nobody without the secret can alter the sheet and
recompute the fingerprint. The secret lives at ``<data root>/.form-secret``
(for the shipped data ``data/.form-secret``): beside the data, never in a form,
git-ignored, created on first use with mode 0600 (the only file this project
makes readable by its owner alone). Forms made before it was lost or replaced
are refused; make new ones with ``python -m analysis template``.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from analysis.config import DataLayout
from analysis.errors import DataError, Problem
from analysis.store.atomic import WriteError, write_temp

SECRET_NAME = ".form-secret"


def secret_path(layout: DataLayout) -> Path:
    return layout.root / SECRET_NAME


def form_secret(layout: DataLayout, create: bool = True) -> bytes:
    """The data folder's secret; made (32 random bytes, hex, mode 0600) when missing and ``create``."""
    path = secret_path(layout)
    if not path.exists():
        if not create:
            raise DataError(
                Problem(
                    "this data folder has no form secret, so no form made from it can be checked; "
                    "fix: make the form with 'python -m analysis template' from this data folder",
                    file=str(path),
                )
            )
        _create(path)
    key = path.read_bytes().strip()
    if len(key) < 32:
        raise DataError(Problem("the form secret is too short or empty; delete it and make new forms", file=str(path)))
    return key


def _create(path: Path) -> None:
    """Write the secret to a 0600 temporary file, then link it into place (never seen half-written)."""
    tmp = write_temp(path, (secrets.token_hex(32) + "\n").encode(), mode=0o600)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass  # made meanwhile by another process: use theirs
    except OSError as exc:
        raise WriteError(path, exc) from None
    finally:
        os.unlink(tmp)


def keyed_digest(key: bytes, payload: bytes) -> str:
    return hmac.new(key, payload, "sha256").hexdigest()


def same_digest(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
