#!/usr/bin/env python3
"""How fast `vaultkit watch` makes a change visible, on generated vaults.

    .venv/bin/python benchmarks/watch_latency.py --notes 1000 10000 [50000] [--samples 60]

For each size: generate a vault with benchmarks/generate.py, start the real watcher
(watchdog's inotify observer) and measure
  - the start-up full sync;
  - the latency from a note's write to the index holding it (the update committed),
    p50 and p95 over `--samples` single-note saves, one at a time;
  - a 2,000-file burst (like `git checkout` of another branch): from the first write
    to the index holding all of them, and whether anything was lost (a full sync
    afterwards must find nothing left to do).
Prints a Markdown table. The goal (issue 4): p95 under 100 ms at 10k notes, the burst
settled in under 5 s, nothing lost.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from vaultkit.index import Index  # noqa: E402
from vaultkit.watch import Watcher  # noqa: E402

DEADLINE = 120.0


class Seen:
    """The watcher's callback: which paths each committed update covered, and when."""

    def __init__(self):
        self.lock = threading.Condition()
        self.wanted: str | None = None
        self.at: float | None = None

    def expect(self, path: str) -> None:
        with self.lock:
            self.wanted, self.at = path, None

    def __call__(self, report, paths) -> None:
        now = time.perf_counter()
        with self.lock:
            if self.wanted is not None and (paths is None or self.wanted in paths):
                self.at, self.wanted = now, None
                self.lock.notify_all()

    def wait(self) -> float:
        with self.lock:
            if not self.lock.wait_for(lambda: self.at is not None, DEADLINE):
                raise SystemExit("a change was never applied: the watcher lost it")
            return self.at


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(notes: int, samples: int, burst: int, workdir: Path) -> dict:
    vault = workdir / f"vault-{notes}"
    if not vault.exists():
        started = time.perf_counter()
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(vault), "--notes", str(notes)],
                       check=True, stdout=subprocess.DEVNULL)
        print(f"generated {notes:,} notes in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    _remove_index(vault)  # measure a cold start-up sync
    seen = Seen()
    watcher = Watcher(vault, on_update=seen)
    started = time.perf_counter()
    watcher.start()
    startup = time.perf_counter() - started
    try:
        paths = sorted(
            str(path.relative_to(vault)) for path in vault.rglob("*.md") if ".vaultkit" not in path.parts
        )
        step = max(1, len(paths) // samples)
        latencies = []
        for i, rel in enumerate(paths[::step][:samples]):
            watcher.wait_settled(DEADLINE)
            path = vault / rel
            text = path.read_text(encoding="utf-8")
            seen.expect(rel)
            started = time.perf_counter()
            with open(path, "a", encoding="utf-8") as handle:  # an editor's save
                handle.write(f"\nAlso met [[Bench Person {i}]].\n")
            latencies.append(seen.wait() - started)
            with Index.open(vault) as reader:
                linked = {link.linkpath for link, _ in reader.links(source=rel)}
            if f"Bench Person {i}" not in linked:
                raise SystemExit(f"{rel}: the index does not show the change")
            path.write_text(text, encoding="utf-8")  # put it back
        watcher.wait_settled(DEADLINE)

        # The burst: 2,000 new notes in 20 folders, written as fast as Python can.
        with Index.open(vault) as reader:
            before = len(reader.note_paths())
        folder = vault / "burst"
        started = time.perf_counter()
        for i in range(burst):
            target = folder / f"{i % 20:02d}" / f"Burst Contact {i}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"---\ntype: contact\nreferred_by: \"[[Burst Contact {i // 2}]]\"\n---\n"
                              f"Works at [[{paths[i % len(paths)].rsplit('/', 1)[-1][:-3]}]].\n", encoding="utf-8")
        written = time.perf_counter() - started
        with Index.open(vault) as reader:
            while len(reader.note_paths()) < before + burst:
                if time.perf_counter() - started > DEADLINE:
                    raise SystemExit("the burst never settled")
                time.sleep(0.01)
        settled = time.perf_counter() - started
        watcher.wait_settled(DEADLINE)
    finally:
        watcher.stop()
    with Index.open(vault) as index:
        check = index.sync()
    lost = check.added + check.changed + check.removed
    _remove_burst(folder)
    return {
        "notes": notes, "startup": startup, "p50": percentile(latencies, 0.5), "p95": percentile(latencies, 0.95),
        "mean": statistics.mean(latencies), "written": written, "settled": settled, "lost": lost,
        "failures": watcher.failures,
    }


def _remove_index(vault: Path) -> None:
    for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
        (vault / ".vaultkit" / name).unlink(missing_ok=True)


def _remove_burst(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--samples", type=int, default=60, help="single-note saves per size (default 60)")
    parser.add_argument("--burst", type=int, default=2000, help="files in the burst (default 2000)")
    parser.add_argument("--workdir", type=Path, help="keep generated vaults here (default: a temp folder)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        for notes in args.notes:
            rows.append(measure(notes, args.samples, args.burst, workdir))
            print(f"done: {rows[-1]}", file=sys.stderr)
    print(f"`vaultkit watch` on {os.cpu_count()} CPUs, {args.samples} saves per size, "
          f"a burst of {args.burst:,} new notes.\n")
    print("| notes | start-up full sync | save → index p50 | p95 | burst written | burst settled | lost |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for row in rows:
        print(f"| {row['notes']:,} | {row['startup']:.1f} s | {row['p50'] * 1000:.0f} ms | {row['p95'] * 1000:.0f} ms "
              f"| {row['written']:.2f} s | {row['settled']:.2f} s | {row['lost']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
