#!/usr/bin/env python3
"""The index benchmark: cold index, re-syncs and peak memory, against a floor and an anchor.

    python benchmarks/index_bench.py [--sizes 1000,10000,50000] [--anchor-sizes 1000,10000]
                                     [--workdir DIR] [--seed 1] [--repeats 7]

For each size, in one run: a vault from benchmarks/generate.py (cached in the workdir,
keyed by size and seed), then, each in a fresh Python process so that one measurement
does not warm the next one's imports or caches:

  floor             read every .md file and run a `[[...]]` regex over it (the least
                    work any indexer does);
  markdown-it pass  PyYAML's C loader on each front matter plus one markdown-it-py parse
                    of every note (the issue's reference point);
  vaultkit          `vaultkit index` with no .vaultkit folder (cold; the median of three
                    runs), `--full` over an
                    existing index, and again with nothing changed: wall time of the
                    process, and peak RSS of the main process and of the largest worker;
  re-syncs          inside one running process: a no-change `sync()`; one note edited
                    (a line with a new [[link]] appended), one note created and one
                    deleted, each synced by path (`sync(paths=[...])`, what the watcher
                    does) and by a full scan (`sync()`); median of --repeats;
  commands          `vaultkit check`, `agenda`, `stats` and `graph --format json` on the
                    synced index, each a fresh process (output thrown away): wall time
                    and peak RSS;
  obsidiantools     `Vault(path).connect().gather()` on the same vault (the anchor; it is
                    slow, so only at --anchor-sizes), wall time and peak RSS.

The operating system's page cache is warm for every measurement (the vault was just
generated or read), so these are warm-cache figures: none of them includes disk reads.
Prints the machine, the load average and a Markdown table to stdout; progress to stderr.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import contextlib
import io
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCH_VENV_PYTHON = ROOT / ".venv-bench" / "bin" / "python"
QUIET_LOAD = 0.5  # above this one-minute load average, other work skews the figures
WIKI_LINK = r"\[\[[^\]]+\]\]"

# The goals at 10k notes (issue 2), printed next to the figures.
GOALS_AT_10K = {
    "cold": ("cold index ≤ 3 s", lambda r: r["cold"]["wall"] <= 3.0),
    "peak": ("peak memory < 300 MB (the largest process of the cold run)",
             lambda r: max(r["cold"]["main_mb"], r["cold"]["worker_mb"]) * 1.048576 < 300),
    "nochange": ("no-change re-sync < 0.3 s (`vaultkit index`, wall)", lambda r: r["cli_nochange"]["wall"] < 0.3),
    "edit": ("one-edit re-sync < 50 ms in a running process", lambda r: r["resync"]["edit_paths"] < 0.05),
}


# -- probes: each runs in its own fresh process and prints one JSON line -------------------

def _peaks() -> dict[str, float]:
    """Peak RSS in MiB of this process and of its largest (reaped) descendant.

    Linux keeps ru_maxrss in KiB; RUSAGE_CHILDREN is the largest single child, not a sum.
    """
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024  # macOS counts bytes
    return {
        "main_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale,
        "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / scale,
    }


def _markdown_files(vault: str):
    for folder, dirs, files in os.walk(vault):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))  # dot-folders are not in the vault
        for name in sorted(files):
            if name.endswith(".md") and not name.startswith("."):
                yield os.path.join(folder, name)


def probe_floor(vault: str) -> dict:
    started = time.perf_counter()
    pattern = re.compile(WIKI_LINK)
    files = links = size = 0
    for path in _markdown_files(vault):
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        files += 1
        size += len(text)
        links += len(pattern.findall(text))
    return {"seconds": time.perf_counter() - started, "files": files, "links": links, "chars": size, **_peaks()}


def probe_markdown(vault: str) -> dict:
    import yaml
    from markdown_it import MarkdownIt

    started = time.perf_counter()
    # The configuration vaultkit's parser starts from, without its own rules.
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    files = tokens = 0
    for path in _markdown_files(vault):
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        body = text
        if text.startswith("---\n"):
            end = text.find("\n---\n", 3)
            if end != -1:
                try:
                    yaml.load(text[4:end + 1], Loader=yaml.CSafeLoader)
                except yaml.YAMLError:
                    pass
                body = text[end + 5:]
        tokens += len(md.parse(body))
        files += 1
    return {"seconds": time.perf_counter() - started, "files": files, "tokens": tokens, **_peaks()}


def probe_cli(vault: str, *flags: str) -> dict:
    """`vaultkit index VAULT --json [flags]`, run the way the console script runs it."""
    started = time.perf_counter()
    from vaultkit.cli import cli

    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        try:
            cli(["index", vault, "--json", *flags], prog_name="vaultkit")
        except SystemExit as exit_:
            if exit_.code not in (0, None):
                raise SystemExit(f"vaultkit index exited {exit_.code}: {output.getvalue()}") from None
    report = json.loads(output.getvalue())
    return {"seconds": time.perf_counter() - started, "report": report, **_peaks()}


def probe_command(vault: str, *args: str) -> dict:
    """`vaultkit ARGS... VAULT` on an index already in sync, its output thrown away:
    what the everyday commands cost on a vault this size."""
    from vaultkit.cli import cli

    with open(os.devnull, "w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
        try:
            cli([*args, vault], prog_name="vaultkit")
        except SystemExit as exit_:
            if exit_.code not in (0, 1, None):  # `check` exits 1 when it finds errors
                raise SystemExit(f"vaultkit {' '.join(args)} exited {exit_.code}") from None
    return _peaks()


# Everyday commands measured after the syncs (fresh processes, the index in sync).
COMMANDS = (("check",), ("agenda", "--today", "2026-05-01", "--json"), ("stats", "--json"),
            ("graph", "--format", "json"))


def probe_resync(vault: str, repeats: str) -> dict:
    """Re-syncs inside one running process, the way `vaultkit watch` and `serve` sync."""
    from vaultkit.index import Index

    repeats = int(repeats)
    root = Path(vault)
    result: dict = {}
    with Index.open(root) as index:
        index.sync()
        index.sync()
        result["nochange"] = _median(lambda: index.sync(), repeats, expect=lambda r: r.added + r.changed + r.removed == 0)

        note = _typical_note(root)
        result["note"] = note
        result["note_backlinks"] = len(index.links(target=note))
        path = root / note
        original = path.read_bytes()
        try:
            for how, paths in (("paths", [note]), ("full", None)):
                counter = iter(range(10**6))

                def edit() -> None:
                    with open(path, "a", encoding="utf-8") as handle:  # an editor's save
                        handle.write(f"\nAlso met [[Bench Person {how} {next(counter)}]].\n")

                result[f"edit_{how}"] = _median(
                    lambda: index.sync(paths=paths), repeats, before=edit, expect=lambda r: r.changed == 1,
                )
        finally:
            path.write_bytes(original)
            index.sync(paths=[note])

        created = f"people/Bench Contact {os.getpid()}.md"
        new_path = root / created
        text = (
            "---\ntype: contact\nstatus: prospect\n"
            f"referred_by: \"[[{Path(note).stem}]]\"\n---\n"
            f"# Bench Contact\n\nMet through [[{Path(note).stem}]]; see also [[Someone I should meet]].\n"
        )
        try:
            for how, paths in (("paths", [created]), ("full", None)):
                result[f"create_{how}"] = _median(
                    lambda: index.sync(paths=paths), repeats,
                    before=lambda: new_path.write_text(text, encoding="utf-8"),
                    after=lambda: (new_path.unlink(), index.sync(paths=[created])),
                    expect=lambda r: r.added == 1,
                )
        finally:
            if new_path.exists():
                new_path.unlink()
                index.sync(paths=[created])

        try:
            for how, paths in (("paths", [note]), ("full", None)):
                result[f"delete_{how}"] = _median(
                    lambda: index.sync(paths=paths), repeats,
                    before=path.unlink,
                    after=lambda: (path.write_bytes(original), index.sync(paths=[note])),
                    expect=lambda r: r.removed == 1,
                )
        finally:
            if not path.exists():
                path.write_bytes(original)
            index.sync(paths=[note])
        left = index.sync()
        if left.added + left.changed + left.removed:
            raise SystemExit(f"the benchmark left the vault changed: {left.summary()}")
    return result


def probe_anchor(vault: str) -> dict:
    import obsidiantools.api as otools

    started = time.perf_counter()
    connected = otools.Vault(Path(vault)).connect()
    connect = time.perf_counter() - started
    connected.gather()
    seconds = time.perf_counter() - started
    graph = connected.graph
    return {
        "seconds": seconds, "connect": connect, "gather": seconds - connect,
        "nodes": graph.number_of_nodes(), "edges": graph.number_of_edges(), **_peaks(),
    }


PROBES = {"floor": probe_floor, "markdown": probe_markdown, "cli": probe_cli,
          "resync": probe_resync, "anchor": probe_anchor, "command": probe_command}


def _median(operation, repeats: int, before=None, after=None, expect=None) -> float:
    times = []
    for _ in range(repeats):
        if before:
            before()
        started = time.perf_counter()
        report = operation()
        times.append(time.perf_counter() - started)
        if expect and not expect(report):
            raise SystemExit(f"unexpected sync result: {report.summary()}")
        if after:
            after()
    return statistics.median(times)


def _typical_note(root: Path) -> str:
    """A contact in the middle of people/: an ordinary note with a few backlinks."""
    people = sorted(p.name for p in (root / "people").glob("*.md"))
    return f"people/{people[len(people) // 2]}"


# -- the driver ------------------------------------------------------------------------------

def run_probe(python: str, kind: str, *args: str) -> dict:
    """Run one probe in a fresh interpreter; its wall time includes start-up and imports."""
    started = time.perf_counter()
    done = subprocess.run(
        [python, str(Path(__file__).resolve()), "_probe", kind, *args],
        capture_output=True, text=True,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the {kind} probe failed:\n{done.stderr[-3000:]}")
    return {"wall": wall, **json.loads(done.stdout.strip().splitlines()[-1])}


def generated_vault(workdir: Path, notes: int, seed: int) -> Path:
    vault = workdir / f"vault-{notes}-seed{seed}"
    if vault.exists():
        return vault
    partial = workdir / f".partial-{notes}-seed{seed}"
    shutil.rmtree(partial, ignore_errors=True)
    log(f"generating {notes:,} notes (seed {seed}) in {vault}")
    subprocess.run(
        [sys.executable, str(HERE / "generate.py"), str(partial), "--notes", str(notes), "--seed", str(seed)],
        check=True, stdout=sys.stderr,
    )
    partial.rename(vault)  # only a complete vault is ever cached
    return vault


def remove_index(vault: Path) -> None:
    shutil.rmtree(vault / ".vaultkit", ignore_errors=True)


def vault_mb(vault: Path) -> float:
    return sum(os.path.getsize(p) for p in _markdown_files(str(vault))) / 1e6


# A cold index's time moves by a tenth from one run to the next on the benchmark machine
# (a virtual machine): the figure is the median of three.
COLD_REPEATS = 3


def measure(vault: Path, notes: int, anchor_python: str | None, repeats: int) -> dict:
    python = sys.executable
    row: dict = {"notes": notes, "mb": vault_mb(vault)}
    log(f"{notes:,}: floor")
    row["floor"] = run_probe(python, "floor", str(vault))
    log(f"{notes:,}: markdown-it pass")
    row["markdown"] = run_probe(python, "markdown", str(vault))
    log(f"{notes:,}: vaultkit index, cold (no .vaultkit), {COLD_REPEATS} times")
    runs = []
    for _ in range(COLD_REPEATS):
        remove_index(vault)
        runs.append(run_probe(python, "cli", str(vault)))
    # The median run by wall time (its peaks and its report with it), and all the times.
    row["cold"] = {**sorted(runs, key=lambda run: run["wall"])[len(runs) // 2], "walls": [r["wall"] for r in runs]}
    log(f"{notes:,}: vaultkit index --full")
    row["full"] = run_probe(python, "cli", str(vault), "--full")
    log(f"{notes:,}: vaultkit index, nothing changed")
    row["cli_nochange"] = run_probe(python, "cli", str(vault))
    log(f"{notes:,}: re-syncs in a running process ({repeats} repeats each)")
    row["resync"] = run_probe(python, "resync", str(vault), str(repeats))
    for command in COMMANDS:
        log(f"{notes:,}: vaultkit {' '.join(command)}")
        row[" ".join(command)] = run_probe(python, "command", str(vault), *command)
    if anchor_python:
        log(f"{notes:,}: obsidiantools connect().gather() (slow)")
        row["anchor"] = run_probe(anchor_python, "anchor", str(vault))
    return row


def find_anchor_python(requested: str | None) -> str | None:
    candidates = [requested] if requested else [sys.executable, str(BENCH_VENV_PYTHON)]
    for python in candidates:
        if python and Path(python).exists():
            found = subprocess.run([python, "-c", "import obsidiantools.api"], capture_output=True)
            if found.returncode == 0:
                return python
    return None


# -- the machine -------------------------------------------------------------------------------

def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "?"
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                            capture_output=True, text=True).stdout.strip() or "?"
    return {"nproc": usable, "cpu": cpu, "ram": ram, "python": platform.python_version(), "commit": commit}


def file_system(path: Path) -> str:
    """The file system type holding `path` (tmpfs and disk differ a lot for the vault's writes)."""
    best, kind = "", "?"
    real = os.path.realpath(path)
    with contextlib.suppress(OSError):
        for line in Path("/proc/mounts").read_text().splitlines():
            parts = line.split()
            if len(parts) > 2 and (real == parts[1] or real.startswith(parts[1].rstrip("/") + "/")):
                if len(parts[1]) >= len(best):
                    best, kind = parts[1], parts[2]
    return kind


# -- the report --------------------------------------------------------------------------------

def seconds(value: float) -> str:
    if value >= 10:
        return f"{value:.0f} s"
    if value >= 1:
        return f"{value:.2f} s"
    return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value * 1000:.0f} ms"


def ratio(value: float, reference: float | None) -> str:
    if not reference:
        return "—"
    share = value / reference
    if share >= 10:
        return f"{share:,.0f}×"
    if share >= 0.95:
        return f"{share:.1f}×"
    return f"1/{reference / value:,.0f}" if value else "—"


def mb(value: float | None) -> str:
    return "—" if not value else f"{value:.0f} MiB"  # 0: no such process (no workers)


def table(rows: list[dict]) -> list[str]:
    lines = [
        "| notes | measurement | time | peak RSS (main / largest worker) | vs floor | vs obsidiantools |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        floor = row["floor"]["seconds"]
        anchor = row.get("anchor", {}).get("seconds")
        n = f"{row['notes']:,}"

        def line(name: str, value: float, memory: str = "", vs_floor: bool = True) -> None:
            lines.append(f"| {n} | {name} | {seconds(value)} | {memory} | "
                         f"{ratio(value, floor) if vs_floor else '1×'} | {ratio(value, anchor)} |")

        line("floor: read every note + `[[…]]` regex, 1 process", floor, mb(row["floor"]["main_mb"]), vs_floor=False)
        line("PyYAML C loader + markdown-it-py pass, 1 process", row["markdown"]["seconds"], mb(row["markdown"]["main_mb"]))
        if anchor is not None:
            a = row["anchor"]
            lines.append(f"| {n} | obsidiantools `Vault().connect().gather()` (connect {seconds(a['connect'])}) "
                         f"| {seconds(anchor)} | {mb(a['main_mb'])} | {ratio(anchor, floor)} | 1× |")
        walls = ", ".join(seconds(w) for w in row["cold"]["walls"])
        for key, name in (("cold", f"vaultkit index, cold (no .vaultkit), wall: median of {walls}"),
                          ("full", "vaultkit index --full, wall"),
                          ("cli_nochange", "vaultkit index, nothing changed, wall")):
            m = row[key]
            line(name, m["wall"], f"{mb(m['main_mb'])} / {mb(m['worker_mb'])}")
        cold_inside = row["cold"]["report"]["seconds"]
        line("… cold sync alone (the report's time, no start-up; the median run's)", cold_inside)
        r = row["resync"]
        line("no-change `sync()` in a running process", r["nochange"])
        line("one edit, `sync(paths=[note])`", r["edit_paths"])
        line("one edit, `sync()` (full scan)", r["edit_full"])
        line("one new note, `sync(paths=[note])`", r["create_paths"])
        line("one new note, `sync()`", r["create_full"])
        line(f"one note deleted ({r['note_backlinks']} backlinks), `sync(paths=[note])`", r["delete_paths"])
        line("one note deleted, `sync()`", r["delete_full"])
        for command in COMMANDS:
            m = row[" ".join(command)]
            line(f"`vaultkit {' '.join(command)}`, wall", m["wall"], mb(m["main_mb"]))
    return lines


def linearity(rows: list[dict]) -> list[str]:
    ordered = sorted(rows, key=lambda r: r["notes"])
    if len(ordered) < 2:
        return []

    def per_note(row: dict, key: str) -> float | None:
        if key == "anchor":
            return row["anchor"]["seconds"] / row["notes"] if "anchor" in row else None
        if key in ("floor", "markdown"):
            return row[key]["seconds"] / row["notes"]
        if key == "nochange":
            return row["resync"]["nochange"] / row["notes"]
        return row[key]["wall"] / row["notes"]

    keys = (("floor", "floor"), ("markdown", "markdown-it pass"), ("cold", "vaultkit cold"),
            ("full", "vaultkit --full"), ("nochange", "no-change sync()"), ("anchor", "obsidiantools"))
    header = " | ".join(f"{r['notes']:,}" for r in ordered)
    a, b = ordered[-2], ordered[-1]
    lines = [
        f"Time per note (µs) and growth: the last column is (per-note time at {b['notes']:,}) / "
        f"(per-note time at {a['notes']:,}); 1.0 is linear.",
        "",
        f"| measurement | {header} | {b['notes']:,} vs {a['notes']:,} |",
        "| --- | " + " | ".join("---:" for _ in ordered) + " | ---: |",
    ]
    for key, name in keys:
        values = [per_note(r, key) for r in ordered]
        cells = " | ".join("—" if v is None else f"{v * 1e6:,.0f}" for v in values)
        growth = "—" if values[-1] is None or values[-2] is None else f"{values[-1] / values[-2]:.2f}"
        lines.append(f"| {name} | {cells} | {growth} |")
    return lines


def goals(rows: list[dict]) -> list[str]:
    at_10k = [r for r in rows if r["notes"] == 10_000]
    if not at_10k:
        return []
    row = at_10k[0]
    lines = ["Issue 2's goals at 10,000 notes:", ""]
    for text, met in GOALS_AT_10K.values():
        lines.append(f"- {'met' if met(row) else '**missed**'}: {text}")
    return lines


def log(message: str) -> None:
    print(f"[index_bench] {message}", file=sys.stderr, flush=True)


def parse_sizes(text: str) -> list[int]:
    return [int(part.replace("_", "")) for part in text.split(",") if part.strip()]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_probe"]:
        print(json.dumps(PROBES[argv[1]](*argv[2:])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=parse_sizes, default=[1000, 10000, 50000])
    parser.add_argument("--anchor-sizes", type=parse_sizes, default=[1000, 10000],
                        help="sizes at which obsidiantools runs too (it is slow)")
    parser.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "vaultkit-index-bench",
                        help="where generated vaults are kept between runs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=7, help="repetitions of each re-sync (median)")
    parser.add_argument("--anchor-python", help="interpreter with obsidiantools (default: this one, or .venv-bench)")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)
    # vaultkit's modules compiled to bytecode first, as installing it does: with
    # PYTHONDONTWRITEBYTECODE set, every fresh process would compile them again (~35 ms).
    compileall.compile_dir(importlib.util.find_spec("vaultkit").submodule_search_locations[0], quiet=1)

    anchor_python = find_anchor_python(args.anchor_python) if args.anchor_sizes else None
    if args.anchor_sizes and anchor_python is None:
        log("obsidiantools is not installed: no anchor (`make bench` installs it into .venv-bench)")
    args.workdir.mkdir(parents=True, exist_ok=True)
    vaults = {n: generated_vault(args.workdir, n, args.seed) for n in args.sizes}

    load_before = load_average()
    if load_before[0] > QUIET_LOAD:
        log(f"WARNING: load average {load_before[0]:.2f} > {QUIET_LOAD}: other work is running; "
            "the figures will be skewed")
    started_at = datetime.now(timezone.utc)
    rows = []
    for notes in args.sizes:
        wanted_anchor = anchor_python if notes in args.anchor_sizes else None
        rows.append(measure(vaults[notes], notes, wanted_anchor, args.repeats))
    load_after = load_average()

    box = machine()
    out = [
        f"Index benchmark, {started_at:%Y-%m-%d %H:%M} UTC, vaultkit {box['commit']}: "
        f"{box['nproc']} CPUs ({box['cpu']}), {box['ram']} RAM, Python {box['python']}, "
        f"vaults on {file_system(args.workdir)} (seed {args.seed}).",
        "",
        f"Load average before the run {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
        f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f} (this includes the run's own "
        "processes: about 1 after a long single-process anchor, up to 2 after the indexer's workers).",
    ]
    if load_before[0] > QUIET_LOAD:
        out += ["", f"**WARNING: the machine was not quiet (load {load_before[0]:.2f} > {QUIET_LOAD}); "
                "other work skews these figures. Re-run on a quiet machine before recording them.**"]
    out += [
        "",
        "Warm page cache throughout. Each line is a fresh process except the `sync` lines, which "
        "run in one process that has synced already (median of "
        f"{args.repeats}). \"wall\" includes interpreter start-up and imports. Peak RSS is the main "
        "process's and the largest single worker's (forked workers share the parent's pages, "
        "which both count). \"vs\" is vaultkit's time divided by the reference's (1/40: forty "
        "times faster).",
        "",
        "| notes | MB of Markdown | links found by the floor's regex | obsidiantools graph |",
        "| ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        a = row.get("anchor")
        graph = f"{a['nodes']:,} nodes, {a['edges']:,} edges" if a else "—"
        out.append(f"| {row['notes']:,} | {row['mb']:.1f} | {row['floor']['links']:,} | {graph} |")
    out += ["", *table(rows)]
    for section in (linearity(rows), goals(rows)):
        if section:
            out += ["", *section]
    print("\n".join(out))
    if args.json:
        args.json.write_text(json.dumps({"machine": box, "load_before": load_before, "load_after": load_after,
                                         "date": started_at.isoformat(), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
