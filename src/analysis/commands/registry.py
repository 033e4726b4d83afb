"""The command registry: each command module registers its commands here."""

from __future__ import annotations

import argparse
from collections.abc import Callable

_COMMANDS: list[tuple[str, str, Callable, Callable]] = []


def command(name: str, help: str, arguments: Callable[[argparse.ArgumentParser], None] = lambda p: None):
    """Register ``fn`` as the command ``name`` with its arguments."""

    def wrap(fn):
        _COMMANDS.append((name, help, arguments, fn))
        return fn

    return wrap
