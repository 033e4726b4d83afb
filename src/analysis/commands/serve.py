"""``serve``: browse the rendered reports over HTTP, read-only.

The server answers GET and HEAD only (every other method gets 405), serves
files inside the folder only (a ``..`` or a symbolic link leading out of it
gets 404, as do hidden files such as ``.cache``), and lists a folder's
visible entries only. It is Python's :mod:`http.server`: fine for a few
colleagues on a trusted network, not a public web server.
"""

from __future__ import annotations

import html
import io
import os
import urllib.parse
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import click

from analysis.commands.options import examples
from analysis.commands.output import VERBOSE, note, result, verbosity, verbosity_options
from analysis.errors import UsageError

ALLOWED_METHODS = ("GET", "HEAD")


class ReadOnlyHandler(SimpleHTTPRequestHandler):
    """Serve the files under ``directory`` and nothing else; refuse every method but GET and HEAD."""

    server_version = "analysis-serve"
    log_requests = False

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        if self.command not in ALLOWED_METHODS:
            self.send_response(HTTPStatus.METHOD_NOT_ALLOWED)
            self.send_header("Allow", ", ".join(ALLOWED_METHODS))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return False
        return True

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def allowed(self, local: str | os.PathLike) -> bool:
        """True when ``local`` is the served folder or a visible file or folder really inside it."""
        root = Path(self.directory).resolve()
        real = Path(local).resolve()
        if real != root and root not in real.parents:
            return False
        return not any(part.startswith(".") for part in real.relative_to(root).parts)

    def send_head(self):
        if not self.allowed(self.translate_path(self.path)):
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        return super().send_head()

    def list_directory(self, path):
        """A plain listing of the folder's visible entries (links are escaped and quoted)."""
        try:
            names = sorted(os.listdir(path), key=str.lower)
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "No permission to list directory")
            return None
        shown = urllib.parse.unquote(self.path.split("?", 1)[0].split("#", 1)[0])
        items = []
        for name in names:
            full = os.path.join(path, name)
            if not self.allowed(full):
                continue
            label = name + "/" if os.path.isdir(full) else name
            items.append(f'<li><a href="{urllib.parse.quote(label)}">{html.escape(label)}</a></li>')
        body = (
            f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(shown)}</title>'
            f"</head><body><h1>{html.escape(shown)}</h1><ul>{''.join(items)}</ul></body></html>\n"
        ).encode()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, format, *args) -> None:
        if self.log_requests:
            super().log_message(format, *args)


def make_server(
    folder: Path, host: str = "127.0.0.1", port: int = 8000, log_requests: bool = False
) -> ThreadingHTTPServer:
    """A server for ``folder`` (not started: call ``serve_forever``); port 0 picks a free port."""
    handler_class = type("Handler", (ReadOnlyHandler,), {"log_requests": log_requests})
    handler = partial(handler_class, directory=str(Path(folder).resolve()))
    try:
        return ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror}; choose another --port (0: any free one)"
        ) from None


@click.command(
    "serve",
    epilog=examples(
        "python -m analysis serve                     # http://127.0.0.1:8000/",
        "python -m analysis serve --port 8080 --dir /srv/reports",
    ),
)
@click.option(
    "--dir",
    "folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder to serve (default: reports/).",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port; 0 picks a free one."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. The default is this machine only; 0.0.0.0 shares it with the network, unauthenticated.",
)
@verbosity_options
def serve(folder: Path | None, port: int, host: str) -> int:
    """Serve the rendered reports read-only over HTTP until Ctrl-C."""
    from analysis import config

    folder = (folder or config.REPORTS_DIR).resolve()
    server = make_server(folder, host, port, log_requests=verbosity() >= VERBOSE)
    bound_host, bound_port = server.server_address[:2]
    result(f"serving {folder} read-only at http://{bound_host}:{bound_port}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        note("stopped")
    finally:
        server.server_close()
    return 0
