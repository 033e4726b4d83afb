"""Printing workbooks as the secretariat does: LibreOffice to PDF, pages counted."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_convert(path: Path, to: str, out_dir: Path) -> Path:
    """Convert ``path`` with a headless LibreOffice (own profile, so parallel runs do not collide)."""
    profile = out_dir / ".lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(out_dir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    out = out_dir / f"{path.stem}.{to.split(':')[0]}"
    assert out.exists(), f"LibreOffice wrote no {out.name}"
    return out


def printed_pages(path: Path, out_dir: Path) -> tuple[int, Path]:
    """Page count of ``path`` printed to PDF by LibreOffice, and the PDF."""
    from pypdf import PdfReader

    pdf = libreoffice_convert(path, "pdf", out_dir)
    return len(PdfReader(str(pdf)).pages), pdf


@pytest.fixture
def print_pages():
    """``print_pages(xlsx, out_dir) -> (pages, pdf)``; the test is skipped without LibreOffice."""
    if SOFFICE is None:
        pytest.skip("LibreOffice not installed (make system-deps)")
    return printed_pages


@pytest.fixture
def libreoffice():
    """``libreoffice(path, to, out_dir) -> converted path``; the test is skipped without LibreOffice."""
    if SOFFICE is None:
        pytest.skip("LibreOffice not installed (make system-deps)")
    return libreoffice_convert
