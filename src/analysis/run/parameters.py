"""A notebook's papermill parameters, checked before a run.

The report notebooks declare typed, documented parameters
(``implementer: str = "IACHR"  # implementer id``) that ``papermill
--help-notebook`` lists. papermill itself only logs a warning for a name the
notebook does not declare and runs with the default; :func:`execute_notebook`
refuses it first, in one line naming the closest valid name::

    python -m analysis.run.parameters notebooks/implementer_report.ipynb out.ipynb -p implemnter IACHR
    implementer_report.ipynb: unknown parameter 'implemnter' (did you mean 'implementer'?); ...
"""

from __future__ import annotations

import argparse
import difflib
import logging
import sys
from pathlib import Path

from analysis.errors import UsageError


def notebook_parameters(notebook: Path | str) -> dict[str, dict]:
    """Name -> {type, default, help} of the parameters ``notebook`` declares."""
    import papermill

    return {
        name: {"type": p["inferred_type_name"], "default": p["default"], "help": p["help"]}
        for name, p in papermill.inspect_notebook(str(notebook)).items()
    }


def check_parameters(notebook: Path | str, names) -> None:
    """Raise :class:`UsageError` for the first name in ``names`` that ``notebook`` does not declare."""
    known = notebook_parameters(notebook)
    for name in names:
        if name in known:
            continue
        close = difflib.get_close_matches(name, list(known), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UsageError(
            f"{Path(notebook).name}: unknown parameter {name!r}{hint}; its parameters are {', '.join(known)}"
        )


def execute_notebook(notebook: Path | str, output: Path | str, parameters: dict, **kwargs):
    """``papermill.execute_notebook`` after :func:`check_parameters`."""
    import papermill

    check_parameters(notebook, parameters)
    return papermill.execute_notebook(str(notebook), str(output), parameters=parameters, **kwargs)


def main(argv: list[str] | None = None) -> int:
    """Run one notebook with checked ``-p NAME VALUE`` parameters (strings)."""
    parser = argparse.ArgumentParser(prog="python -m analysis.run.parameters", description=main.__doc__)
    parser.add_argument("notebook")
    parser.add_argument("output")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    args = parser.parse_args(argv)
    logging.getLogger("papermill").setLevel(logging.ERROR)
    try:
        execute_notebook(args.notebook, args.output, dict(args.parameter), progress_bar=False)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
