"""territoria.lib.storage: the content-addressed file store."""

import hashlib
import io
import os
import stat

import pytest

from territoria.lib.storage import ContentStore


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leftovers(root):
    return sorted(p.name for p in root.rglob(".incoming-*"))


def test_put_stream_stores_under_the_sha256_of_the_bytes(tmp_path):
    store = ContentStore(tmp_path / "store")
    data = b"commune;population\n35238;222485\n"
    digest, size = store.put_stream(io.BytesIO(data))
    assert digest == sha(data)
    assert size == len(data)
    path = store.path_for(digest)
    assert path == tmp_path / "store" / "sha256" / digest[:2] / digest[2:4] / digest
    assert path.read_bytes() == data
    assert store.exists(digest)


def test_put_path_and_open_round_trip(tmp_path, demo_file):
    source = demo_file("ssmsi-delinquance-departements-2016-2022.csv.gz")
    store = ContentStore(tmp_path)
    digest, size = store.put_path(source)
    assert size == source.stat().st_size
    with store.open(digest) as stream:
        assert stream.read() == source.read_bytes()


def test_large_stream_is_read_in_chunks_and_hashed_whole(tmp_path):
    data = os.urandom(1024 * 1024 * 2 + 17)  # more than two chunks
    digest, size = ContentStore(tmp_path).put_stream(io.BytesIO(data))
    assert (digest, size) == (sha(data), len(data))


def test_putting_the_same_bytes_twice_is_idempotent(tmp_path):
    store = ContentStore(tmp_path)
    first = store.put_stream(io.BytesIO(b"same bytes"))
    second = store.put_stream(io.BytesIO(b"same bytes"))
    assert first == second
    files = [p for p in (tmp_path / "sha256").rglob("*") if p.is_file()]
    assert files == [store.path_for(first[0])]
    assert leftovers(tmp_path) == []


def test_different_bytes_get_different_files(tmp_path):
    store = ContentStore(tmp_path)
    a, _ = store.put_stream(io.BytesIO(b"a"))
    b, _ = store.put_stream(io.BytesIO(b"b"))
    assert a != b
    assert store.open(a).read() == b"a"
    assert store.open(b).read() == b"b"


def test_stored_file_is_read_only(tmp_path):
    store = ContentStore(tmp_path)
    digest, _ = store.put_stream(io.BytesIO(b"immutable"))
    mode = stat.S_IMODE(store.path_for(digest).stat().st_mode)
    assert mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) == 0
    assert mode & stat.S_IRUSR


def test_empty_stream_is_stored(tmp_path):
    store = ContentStore(tmp_path)
    digest, size = store.put_stream(io.BytesIO(b""))
    assert (digest, size) == (sha(b""), 0)
    assert store.open(digest).read() == b""


class Exploding(io.RawIOBase):
    """Gives one chunk, then fails like a dropped upload."""

    def __init__(self, error: BaseException) -> None:
        self.calls = 0
        self.error = error

    def read(self, size=-1):
        self.calls += 1
        if self.calls == 1:
            return b"partial upload"
        raise self.error


@pytest.mark.parametrize("error", [OSError("connection reset"), KeyboardInterrupt()])
def test_no_temporary_file_is_left_after_an_exception(tmp_path, error):
    store = ContentStore(tmp_path)
    with pytest.raises(type(error)):
        store.put_stream(Exploding(error))
    assert leftovers(tmp_path) == []
    assert not (tmp_path / "sha256").exists() or not any(p.is_file() for p in (tmp_path / "sha256").rglob("*"))
    assert not store.exists(sha(b"partial upload"))


@pytest.mark.parametrize("digest", ["", "abc", "g" * 64, "A" * 64, "../" + "a" * 61, "a" * 63, "a" * 65])
def test_path_for_rejects_anything_but_a_hex_digest(tmp_path, digest):
    with pytest.raises(ValueError):
        ContentStore(tmp_path).path_for(digest)


def test_open_of_a_missing_digest_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        ContentStore(tmp_path).open(sha(b"never stored"))
    assert not ContentStore(tmp_path).exists(sha(b"never stored"))


def test_root_is_created_on_first_put(tmp_path):
    root = tmp_path / "a" / "b"
    ContentStore(root).put_stream(io.BytesIO(b"x"))
    assert root.is_dir()
