"""``serve``: a real server process answering real HTTP requests, read-only and inside its folder only."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from analysis.cli import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    tmp_path = tmp_path_factory.mktemp("serve")
    folder = tmp_path / "reports"
    (folder / "2007" / "en").mkdir(parents=True)
    (folder / "2007" / "index.html").write_text("<h1>Meeting 2007</h1>", encoding="utf-8")
    (folder / "2007" / "en" / "iachr.html").write_text("<p>IACHR report</p>", encoding="utf-8")
    (folder / ".cache").mkdir()
    (folder / ".cache" / "data.parquet").write_bytes(b"cached")
    (tmp_path / "secret.txt").write_text("outside the folder", encoding="utf-8")
    (folder / "escape.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "escape-dir").symlink_to(tmp_path)
    return folder


@pytest.fixture(scope="module")
def server(site):
    """``python -m analysis serve --dir SITE --port 0``; yields (host, port); stopped with Ctrl-C (SIGINT)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "analysis", "serve", "--dir", str(site), "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        line = proc.stdout.readline()
        found = re.search(r"http://([\d.]+):(\d+)/", line)
        assert found, line + proc.stderr.read()
        yield found.group(1), int(found.group(2))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            assert proc.wait(timeout=30) == 0
        finally:
            proc.kill() if proc.poll() is None else None
            proc.stdout.close()
            proc.stderr.close()


def request(address, method: str, path: str, body: bytes | None = None):
    conn = http.client.HTTPConnection(*address, timeout=30)
    try:
        conn.request(method, path, body=body)
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def test_serves_files_on_localhost_only(server):
    host, _ = server
    assert host == "127.0.0.1"
    status, headers, body = request(server, "GET", "/2007/en/iachr.html")
    assert status == 200 and body == b"<p>IACHR report</p>"
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, _, body = request(server, "GET", "/2007/")
    assert status == 200 and body == b"<h1>Meeting 2007</h1>"  # a folder's index.html
    status, headers, body = request(server, "HEAD", "/2007/index.html")
    assert status == 200 and body == b"" and headers["Content-Length"] == str(len("<h1>Meeting 2007</h1>"))


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND"])
def test_refuses_every_method_but_get_and_head(server, site, method):
    status, headers, _ = request(server, method, "/2007/index.html", body=b"overwrite")
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    assert (site / "2007" / "index.html").read_text(encoding="utf-8") == "<h1>Meeting 2007</h1>"


@pytest.mark.parametrize(
    "path",
    [
        "/escape.txt",  # a symbolic link to a file outside
        "/escape-dir/secret.txt",  # through a linked folder
        "/escape-dir/",
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/.cache/data.parquet",  # hidden files
        "/.cache/",
    ],
)
def test_nothing_outside_the_folder(server, path):
    status, _, body = request(server, "GET", path)
    assert status == 404 and b"outside the folder" not in body and b"cached" not in body


def test_listing_shows_only_what_may_be_served(server):
    status, _, body = request(server, "GET", "/")
    text = body.decode("utf-8")
    assert status == 200 and 'href="2007/"' in text
    assert "escape" not in text and ".cache" not in text


def test_a_missing_folder_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["serve", "--dir", str(tmp_path / "none")])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_a_port_in_use_is_one_line(server):
    host, port = server
    result = CliRunner().invoke(cli, ["serve", "--port", str(port), "--host", host])
    assert result.exit_code == 2 and f"error: cannot listen on {host}:{port}" in result.output
