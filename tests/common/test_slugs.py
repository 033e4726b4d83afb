"""Tests for analysis.common.slugs: file names from ids, paths kept inside a folder."""

import re

import pytest

from analysis.common.slugs import inside, slug
from analysis.errors import UsageError

SAFE = re.compile(r"^[a-z0-9-]+$")


@pytest.mark.parametrize(
    "text",
    [
        "IACHR",
        "ALL_ORGANS",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "a b\\c\"d'e",
        "ÉCU",
        "",
        "...",
        "x" * 300,
        "CON",
        "a\x00b",
    ],
)
def test_slug_is_whitelisted(text):
    s = slug(text)
    assert SAFE.match(s), s
    assert len(s) <= 70


def test_slug_keeps_plain_ids_readable():
    assert slug("IACHR") == "iachr"
    assert slug("ecu") == "ecu"


def test_slug_adds_hash_when_it_changes_anything():
    assert slug("ALL_ORGANS").startswith("all-organs-")
    assert slug("ALL_ORGANS") != slug("ALL-ORGANS")
    assert slug("a/b") != slug("a b")


def test_inside_refuses_escape(tmp_path):
    assert inside(tmp_path, "en", "x.html") == (tmp_path / "en" / "x.html").resolve()
    with pytest.raises(UsageError):
        inside(tmp_path, "..", "x.html")
    with pytest.raises(UsageError):
        inside(tmp_path, "/etc/passwd")
