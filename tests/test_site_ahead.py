"""Work a forked child does ahead (site/ahead.py): whatever the child got to, and whether
it failed, the result is what doing the work in place gives."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from _golden import many_people
from vaultkit.site.ahead import ChunksAhead

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork: nothing is done ahead")


def squares(number: int) -> list[int]:
    return [number * number] * 3


def child_done(ahead: ChunksAhead) -> None:
    for _ in range(1000):
        if ahead._ended():
            return
        time.sleep(0.01)
    raise AssertionError("the child never ended")


def slow_squares(number: int) -> list[int]:
    time.sleep(0.2)
    return squares(number)


def test_a_child_that_got_to_every_chunk_gives_each_result() -> None:
    ahead = ChunksAhead(6, 1 << 16, squares)
    child_done(ahead)
    assert [ahead.take(n) for n in range(6)] == [squares(n) for n in range(6)]
    ahead.close()


def test_a_chunk_taken_first_stops_the_child_there() -> None:
    # The child goes from the last chunk backwards: with the last one taken, it does none.
    ahead = ChunksAhead(3, 1 << 16, slow_squares)
    assert ahead.take(2) is None  # (taken before the child could finish it, or even start it)
    child_done(ahead)
    got = [ahead.take(0), ahead.take(1)]
    assert all(result is None or result == squares(n) for n, result in enumerate(got))
    ahead.close()


def test_a_closed_queue_leaves_the_rest_to_the_workers() -> None:
    ahead = ChunksAhead(5, 1 << 16, slow_squares)
    ahead.close_queue()  # (the workers start: the child ends the chunk it is at, if any)
    child_done(ahead)
    results = [ahead.take(n) for n in range(5)]
    assert sum(result is not None for result in results) <= 1
    assert all(result is None or result == squares(n) for n, result in enumerate(results))
    ahead.close()


def test_results_that_do_not_fit_are_left_to_the_workers() -> None:
    def big(number: int) -> bytes:
        return b"x" * 5000 * number

    ahead = ChunksAhead(4, 12000, big)  # (a page of memory at least: 4096 bytes)
    child_done(ahead)
    assert [ahead.take(n) for n in range(4)] == [None, None, None, None]  # the first too big ends its work
    ahead.close()
    ahead = ChunksAhead(4, 16000, big)
    child_done(ahead)
    assert [ahead.take(n) for n in range(4)] == [None, None, None, big(3)]
    ahead.close()


def test_a_failing_child_leaves_its_chunks_to_the_workers() -> None:
    def failing(number: int) -> list[int]:
        if number == 2:
            raise ValueError("broken")
        return squares(number)

    ahead = ChunksAhead(4, 1 << 16, failing)
    child_done(ahead)
    assert [ahead.take(n) for n in range(4)] == [None, None, None, squares(3)]
    ahead.close()


def test_a_child_that_dies_halfway_leaves_the_rest_to_the_workers() -> None:
    def slow(number: int) -> list[int]:
        time.sleep(600)
        return squares(number)

    ahead = ChunksAhead(2, 1 << 16, slow)
    while ahead.states[1] == 0:  # until the child is at chunk 1
        time.sleep(0.01)
    os.kill(ahead.pid, signal.SIGKILL)
    assert [ahead.take(0), ahead.take(1)] == [None, None]
    ahead.close()
    again = ChunksAhead(2, 1 << 16, slow)
    again.close(stop=True)  # (after an error in the build: not waiting for its 600 s)
    with pytest.raises(ChildProcessError):
        os.waitpid(again.pid, 0)  # ended, and reaped


def test_note_pages_around_bodies_rendered_ahead_are_the_same_bytes(make_vault, tmp_path: Path, monkeypatch) -> None:
    """A one-off build's child renders note bodies while the plan is made: here it renders
    every body before any page renderer starts, and the site is what one process makes
    (another child read the notes' files, and one made the search entries)."""
    import vaultkit.site.build as site_build
    import vaultkit.site.content as site_content

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the build never forks page renderers")
    files = many_people()
    # A preview quotes a person's first words, cut at a word: here from the search entries' child.
    files["people/P2.md"] += "A longer note, " + "with many more words " * 30 + "than a preview shows.\n"
    vault = make_vault(files)
    made = []

    class Waited(ChunksAhead):
        def __init__(self, *args) -> None:
            super().__init__(*args)
            child_done(self)
            made.append(self)

    monkeypatch.setattr(site_build, "ChunksAhead", Waited)
    ahead = site_build.build_site(vault, tmp_path / "ahead", today="2026-05-01")
    assert len(made) == 1
    monkeypatch.setattr(site_build, "PARALLEL_PAGES", 10**9)
    monkeypatch.setattr(site_content, "READ_AHEAD", 10**9)  # (the notes' files too, read here)
    alone = site_build.build_site(vault, tmp_path / "alone", today="2026-05-01")
    assert ahead.pages == alone.pages > 300
    for page in sorted((tmp_path / "alone").rglob("*")):
        if page.is_file():
            twin = tmp_path / "ahead" / page.relative_to(tmp_path / "alone")
            assert twin.read_bytes() == page.read_bytes(), page
