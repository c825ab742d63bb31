"""A large sync runs in worker processes that also resolve links; the result must be
exactly what one process produces, with and without the alias fallback."""

from __future__ import annotations

import pytest

from vaultkit.index import PARALLEL_THRESHOLD, Index


def networking_files(count: int) -> dict[str, str]:
    files = {}
    for n in range(count):
        folder = "people/alumni" if n % 7 == 0 else "people"
        files[f"{folder}/Person {n % (count // 2)}.md"] = (
            f'---\ncompany: "[[Company {n % 5}]]"\naliases: [P{n}]\n---\n'
            f"Met [[Person {(n * 3) % count}]] and [[P{n + 1}]] at [[Company {n % 5}#Team]]. #tag{n % 3}\n\n"
            f"Also [[Dup {n % 10}]].\n\n"
            f"```\n[[Not a link {n}]]\n```\n"
        )
    for n in range(5):
        files[f"companies/Company {n}.md"] = f"Company {n}, see [[Person {n}]].\n"
    for n in range(10):  # same name, same path length: ties, resolved in path order (R7)
        files[f"x/Dup {n}.md"] = files[f"y/Dup {n}.md"] = "A duplicate.\n"
    return files


@pytest.mark.parametrize("alias_fallback", [False, True])
def test_parallel_sync_equals_a_single_process(make_vault, alias_fallback):
    files = networking_files(PARALLEL_THRESHOLD * 2 + 40)
    assert sum(name.endswith(".md") for name in files) > PARALLEL_THRESHOLD
    if alias_fallback:
        files["vaultkit.yml"] = "alias_fallback: true\n"
    dumps = []
    for workers in (1, 2):
        vault = make_vault(files)
        with Index.open(vault) as index:
            index.workers = workers
            report = index.sync()
            assert report.notes == len([f for f in files if f.endswith(".md")])
            dumps.append(index.dump())
    assert dumps[0] == dumps[1]
    # The duplicate names make some links ambiguous: the comparison covers resolution.
    assert any(row[12] for row in dumps[0]["links"])


def test_a_cold_sync_rebuilds_the_secondary_indexes(make_vault):
    """A cold sync drops the secondary indexes to insert faster: they must come back."""
    from vaultkit.index import SECONDARY_INDEXES

    vault = make_vault(networking_files(40))
    with Index.open(vault) as index:
        for _ in range(2):  # the first sync and a --full rebuild are both cold
            index.sync(full=True)
            names = {row[0] for row in index.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
            assert set(SECONDARY_INDEXES) <= names


class Interrupted(Exception):
    pass


def test_a_cold_sync_stopped_midway_writes_nothing(make_vault):
    """A cold sync writes rows while the workers still parse; stopping it (the watcher's
    Ctrl-C arrives through the progress callback) must roll all of it back."""
    files = networking_files(PARALLEL_THRESHOLD * 2 + 40)
    vault = make_vault(files)

    def stop(done: int, total: int) -> None:
        if done < total:
            raise Interrupted

    with Index.open(vault) as index:
        index.workers = 2
        with pytest.raises(Interrupted):
            index.sync(progress=stop)
        assert index.db.execute("SELECT count(*) FROM files").fetchone()[0] == 0
        assert index.db.execute("SELECT count(*) FROM links").fetchone()[0] == 0
        index.sync()
        after = index.dump()
        index.sync(full=True)
        assert index.dump() == after
