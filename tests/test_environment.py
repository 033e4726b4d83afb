"""requirements.lock and environment.yml agree on every direct dependency."""

from __future__ import annotations

import re

from analysis import config


def pins(text: str) -> dict[str, str]:
    return {m[0].lower(): m[1] for m in re.findall(r"^[\s-]*([A-Za-z0-9_.\-]+)==([^\s#]+)", text, re.M)}


def test_environment_yml_matches_lock():
    lock = pins((config.PROJ_ROOT / "requirements.lock").read_text())
    env = pins((config.PROJ_ROOT / "environment.yml").read_text())
    direct = pins((config.PROJ_ROOT / "requirements.in").read_text())
    assert direct, "requirements.in lists no pinned packages"
    assert set(env) == set(direct), "environment.yml and requirements.in list different packages"
    mismatched = {name: (v, lock.get(name)) for name, v in env.items() if lock.get(name) != v}
    assert mismatched == {}, f"environment.yml disagrees with requirements.lock: {mismatched}"


def test_installed_versions_match_lock():
    from importlib.metadata import PackageNotFoundError, version

    lock = pins((config.PROJ_ROOT / "requirements.lock").read_text())
    wrong = {}
    for name, v in lock.items():
        try:
            got = version(name)
        except PackageNotFoundError:
            got = None
        if got != v:
            wrong[name] = (v, got)
    assert wrong == {}
