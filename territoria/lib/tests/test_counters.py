"""File counters (lib/counters.py): exact counts across processes, old windows dropped, keys checked."""

from __future__ import annotations

import multiprocessing

import pytest

from territoria.lib.counters import FileCounters


def test_hits_count_per_key_and_window(tmp_path):
    counters = FileCounters(tmp_path)
    assert [counters.hit("api-60", "abc", 7) for _ in range(3)] == [1, 2, 3]
    assert counters.hit("api-60", "other", 7) == 1
    assert counters.hit("api-60", "abc", 8) == 1  # a new window starts from one


def test_a_new_window_drops_the_windows_that_are_over(tmp_path):
    counters = FileCounters(tmp_path)
    counters.hit("api-60", "abc", 7)
    counters.hit("sign-in-60", "abc", 7)
    counters.hit("api-60", "abc", 9)
    assert sorted(p.name for p in (tmp_path / "api-60").iterdir()) == ["9"]
    assert (tmp_path / "sign-in-60" / "7" / "abc").exists()  # another scope keeps its own windows


@pytest.mark.parametrize(("scope", "key"), [("api", "../../etc"), ("a/b", "k"), ("api", ""), ("api", "x" * 65)])
def test_keys_that_are_not_plain_names_are_refused(tmp_path, scope, key):
    with pytest.raises(ValueError, match="letters, digits"):
        FileCounters(tmp_path).hit(scope, key, 1)
    assert not any(tmp_path.rglob("*etc*"))


def _hammer(folder: str, times: int) -> list[int]:
    counters = FileCounters(folder)
    return [counters.hit("api-60", "shared", 1) for _ in range(times)]


def test_processes_hitting_together_are_all_counted(tmp_path):
    with multiprocessing.get_context("spawn").Pool(3) as pool:
        seen = pool.starmap(_hammer, [(str(tmp_path), 200)] * 3)
    assert (tmp_path / "api-60" / "1" / "shared").stat().st_size == 600
    assert max(max(s) for s in seen) == 600
    for counts in seen:
        assert counts == sorted(counts)  # each process sees its count grow
