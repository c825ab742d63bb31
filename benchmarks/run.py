#!/usr/bin/env python3
"""Run every benchmark in this folder and print their Markdown tables.

    python benchmarks/run.py [--sizes 1000,10000,50000] [--anchor-sizes 1000,10000]
                             [--only index,watch,site] [--workdir DIR] [--out FILE]

`make bench` runs this with .venv-bench's Python, which has vaultkit and the anchors
(obsidiantools, mkdocs + Material + mkdocs-roamlinks-plugin) installed. The benchmarks:

  index  index_bench.py    cold index, re-syncs, memory; floor and obsidiantools anchor
  watch  watch_latency.py  save-to-index latency of `vaultkit watch`, a burst of files
  site   site_build.py     `vaultkit build` cold and after one edit; mkdocs anchor
  serve  serve_latency.py  `vaultkit serve`: a save to the reloaded page in Chromium

A benchmark whose script is not in the folder is skipped; one that fails is reported
and the others still run (exit status 1 at the end). Progress goes to stderr, the tables
to stdout (and to --out). Generated vaults are kept in --workdir, one folder per
benchmark, so a second run does not generate them again.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUIET_LOAD = 0.5


def sizes_list(text: str) -> list[str]:
    return [part.strip().replace("_", "") for part in text.split(",") if part.strip()]


def index_args(args, work: Path) -> list[str]:
    return ["--sizes", ",".join(args.sizes), "--anchor-sizes", ",".join(args.anchor_sizes), "--workdir", str(work)]


def watch_args(args, work: Path) -> list[str]:
    return ["--notes", *args.sizes, "--workdir", str(work)]


def site_args(args, work: Path) -> list[str]:
    # site_build.py makes its own mkdocs venv in WORK/mkdocs-venv unless one is there:
    # lend it this interpreter's environment when it already holds mkdocs and the plugins.
    mkdocs = Path(sys.prefix) / "bin" / "mkdocs"
    lent = work / "mkdocs-venv"
    if mkdocs.exists() and not lent.exists() and _importable("material", "mkdocs_roamlinks_plugin"):
        work.mkdir(parents=True, exist_ok=True)
        lent.symlink_to(sys.prefix, target_is_directory=True)
    # mkdocs at 1,000 notes only: at 10,000 it ran for more than 20 minutes and was stopped.
    return ["--sizes", ",".join(args.sizes), "--mkdocs-max", "1000", "--work", str(work)]


def serve_args(args, work: Path) -> list[str]:
    return ["--sizes", ",".join(args.anchor_sizes), "--work", str(work)]


# name -> (script, how that script spells the arguments)
BENCHMARKS = {
    "index": ("index_bench.py", index_args),
    "watch": ("watch_latency.py", watch_args),
    "site": ("site_build.py", site_args),
    "serve": ("serve_latency.py", serve_args),
}


def _importable(*modules: str) -> bool:
    code = "import " + ", ".join(modules)
    return subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def tables_only(stdout: str) -> str:
    """The script's report without machine-readable progress lines (JSON rows)."""
    kept = []
    for line in stdout.splitlines():
        if line.startswith("{"):
            try:
                json.loads(line)
                continue
            except ValueError:
                pass
        kept.append(line)
    return "\n".join(kept).strip()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=sizes_list, default=["1000", "10000", "50000"])
    parser.add_argument("--anchor-sizes", type=sizes_list, default=["1000", "10000"],
                        help="sizes at which obsidiantools runs (index benchmark)")
    parser.add_argument("--only", type=lambda s: [p.strip() for p in s.split(",")], default=list(BENCHMARKS),
                        help=f"a comma-separated subset of {', '.join(BENCHMARKS)}")
    parser.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "vaultkit-bench")
    parser.add_argument("--out", type=Path, help="also write the Markdown report to this file")
    args = parser.parse_args(argv)
    unknown = set(args.only) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark {', '.join(sorted(unknown))}; choose from {', '.join(BENCHMARKS)}")

    load = os.getloadavg()
    report = [f"# vaultkit benchmarks, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC", "",
              f"Python {sys.version.split()[0]} ({sys.prefix}); load average at the start "
              f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}."]
    if load[0] > QUIET_LOAD:
        warning = (f"WARNING: load average {load[0]:.2f} > {QUIET_LOAD}: other work is running and "
                   "will skew every figure. Run again on a quiet machine before recording them.")
        print(f"[run] {warning}", file=sys.stderr, flush=True)
        report += ["", f"**{warning}**"]
    failed = []
    for name in args.only:
        script, arguments = BENCHMARKS[name]
        path = HERE / script
        if not path.exists():
            print(f"[run] {name}: {script} is not there; skipped", file=sys.stderr, flush=True)
            continue
        command = [sys.executable, str(path), *arguments(args, args.workdir / name)]
        print(f"[run] {name}: {' '.join(command)}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        # stderr (progress) is shown live; Material's end-of-life banner is noise there.
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, env=env)
        took = time.perf_counter() - started
        report += ["", f"## {name} ({script}, {took:.0f} s)", ""]
        if done.returncode != 0:
            failed.append(name)
            report.append(f"**{script} failed (exit {done.returncode}).**")
        report.append(tables_only(done.stdout) or "(no output)")
        # The report so far written after each benchmark: a run stopped halfway (a slow
        # anchor, a machine needed back) keeps what it measured.
        if args.out:
            args.out.write_text("\n".join(report) + "\n", encoding="utf-8")
    print("\n".join(report))
    if failed:
        print(f"[run] failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
