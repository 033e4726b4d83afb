"""The data version and the stamps that stand in for hashing again."""

from __future__ import annotations


def _tables(folder, text: bytes):
    folder.mkdir(exist_ok=True)
    (folder / "observations.csv").write_bytes(text)
    return folder


def test_data_version_reads_crlf_as_lf_across_block_boundaries(tmp_path):
    import hashlib

    from analysis.dataset.version import _hash_lf, data_version

    lf = b"a,b\n" + b"x,1\n" * 5000
    crlf = lf.replace(b"\n", b"\r\n")
    assert data_version(_tables(tmp_path / "lf", lf)) == data_version(_tables(tmp_path / "crlf", crlf))
    assert data_version(_tables(tmp_path / "other", lf + b"y,2\n")) != data_version(tmp_path / "lf")
    for block in (1, 2, 3, 7, 4096):  # a CR at the end of a block, its LF at the start of the next
        a, b = hashlib.sha256(), hashlib.sha256()
        _hash_lf(a, tmp_path / "lf" / "observations.csv", block)
        _hash_lf(b, tmp_path / "crlf" / "observations.csv", block)
        assert a.hexdigest() == b.hexdigest(), block
    lone_cr = hashlib.sha256()
    (tmp_path / "cr.csv").write_bytes(b"a\rb\r")
    _hash_lf(lone_cr, tmp_path / "cr.csv", 2)
    assert lone_cr.hexdigest() == hashlib.sha256(b"a\rb\r").hexdigest()  # a lone CR is content


def test_unchanged_since_trusts_old_stamps_and_sees_any_write(tmp_path, monkeypatch):
    import os
    import time

    from analysis.dataset import version as dv

    folder = _tables(tmp_path / "t", b"a,b\nx,1\n")
    old = 1_600_000_000_000_000_000
    os.utime(folder / "observations.csv", ns=(old, old))
    monkeypatch.setattr(dv, "RACY_NS", 50_000_000)  # the change time is now: wait out a shorter window
    time.sleep(0.1)
    stamps, version = dv.file_stamps(folder), dv.data_version(folder)
    hashed = []
    monkeypatch.setattr(dv, "data_version", lambda p=None: hashed.append(p) or version)
    assert dv.unchanged_since(folder, stamps, version)
    assert hashed == []  # old stamps, equal: no second hash
    (folder / "observations.csv").write_bytes(b"a,b\nx,2\n")  # same size
    os.utime(folder / "observations.csv", ns=(old, old))  # same times; the change time moves all the same
    assert not dv.unchanged_since(folder, stamps, version)


def test_unchanged_since_hashes_again_when_a_file_was_just_written(tmp_path):
    from analysis.dataset import version as dv

    folder = _tables(tmp_path / "t", b"a,b\nx,1\n")  # written now: within the racy window
    stamps, version = dv.file_stamps(folder), dv.data_version(folder)
    assert dv.unchanged_since(folder, stamps, version)  # hashed again, same content
    assert not dv.unchanged_since(folder, stamps, "0" * 12)  # and a different version is seen
