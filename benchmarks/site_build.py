#!/usr/bin/env python3
"""Benchmark `vaultkit build` against `mkdocs build` (Material + a wiki-link plugin).

    python benchmarks/site_build.py [--sizes 1000,10000,50000] [--no-mkdocs] [--pairs 3] [--work DIR]

For each size: a vault from benchmarks/generate.py; a cold `vaultkit build` (no index,
no site: a fresh process, its peak memory from getrusage; the median of three, each
into a new folder); the graph page opened from disk in Debian's Chromium (seconds to
a frame drawn with every node; frames per second and the longest frame while a real
mouse wheel zooms and a drag pans); three one-note
edits (the median of five of each) rebuilt the way `serve` does (a warm `Site`; the
watcher's index sync of the path, then `build(changed=[...], synced=True)`): a line
of text, a link to another note added to an interview, and a contact's `stage` set by
hand; and, as the anchor in the
same run, `mkdocs build` and `mkdocs build --dirty` after the same edit, with
mkdocs-material and mkdocs-roamlinks-plugin installed into a separate venv (never the
project's). Then cold builds of the two largest sizes in turn (`--pairs` of them), for
their ratio with both sizes measured in the same minutes. Prints one table and that
ratio; writes nothing outside --work.

Every timed build writes into a folder that never existed before, and the outputs of a
run are deleted only after all its measurements: on ext4 without a journal (this
project's benchmark machine), the inode allocator skips inodes freed in the last minute
or so, so creating 10,000 files right after deleting 10,000 others costs seconds of
kernel time that belong to the deletion, not to the tool being measured.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
MKDOCS_PACKAGES = ["mkdocs-material", "mkdocs-roamlinks-plugin"]
EDIT_REPEATS = 5  # one edit's time moves by ±10% from run to run; the median of five steadies it
COLD_REPEATS = 3  # a cold build moves by several seconds between runs on a shared VM: the median of three


def run(cmd: list[str], **kwargs) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, **kwargs)
    return time.perf_counter() - started


def child_peak_mb(cmd: list[str]) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of a command run in a fresh child process."""
    code = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "s = time.perf_counter() - t\n"
        "print(json.dumps([s, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))\n"
    )
    out = subprocess.run([PYTHON, "-c", code, *cmd], check=True, capture_output=True, text=True).stdout
    seconds, peak = json.loads(out)
    return seconds, peak


def generate(work: Path, size: int) -> Path:
    vault = work / f"vault-{size}"
    if not vault.exists():
        run([PYTHON, str(HERE / "generate.py"), str(vault), "--notes", str(size)])
    return vault


def some_note(vault: Path) -> Path:
    people = sorted((vault / "people").glob("*.md")) if (vault / "people").is_dir() else []
    return people[len(people) // 2] if people else sorted(vault.rglob("*.md"))[0]


def some_interview(vault: Path) -> Path | None:
    interviews = sorted((vault / "interviews").glob("*.md")) if (vault / "interviews").is_dir() else []
    return interviews[len(interviews) // 3] if interviews else None


def link_edit(text: str, other: Path) -> str:
    """The campaign's usual edit: one more person named in an interview's notes."""
    return text + f"\n- [[{other.stem}]]\n"


def property_edit(text: str) -> str:
    """A contact's stage set by hand (a valid one, so that it overrides the derived
    stage): a property the network, previews and tree read."""
    if not text.startswith("---\n"):
        return "---\nstage: following-up\n---\n" + text
    return "---\nstage: following-up\n" + text[4:]


def timed_edit(site, vault: Path, note: Path, new_text: str) -> tuple[float, int]:
    """One edit as `serve` sees it: the watcher's index sync of that path, then the rebuild."""
    old = note.read_text(encoding="utf-8")
    note.write_text(new_text, encoding="utf-8")
    rel = note.relative_to(vault).as_posix()
    started = time.perf_counter()
    site.index().sync(paths=[rel])
    report = site.build(changed=[rel], synced=True)
    seconds = time.perf_counter() - started
    note.write_text(old, encoding="utf-8")
    site.index().sync(paths=[rel])
    site.build(changed=[rel], synced=True)
    return seconds, report.rendered


GRAPH_OPENED = """async () => {
  const frame = () => new Promise(requestAnimationFrame);
  while (!(window.vkGraph && window.vkGraph.graphData().nodes.length)) await frame();
  await frame(); await frame();  // a frame drawn with the nodes: the page answers clicks from here
  return performance.now();
}"""
# Every frame's time from here on, to see how the page keeps up while the user zooms and drags.
FRAMES = """() => {
  window.__vkFrames = [];
  const tick = (t) => { window.__vkFrames.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
}"""


def graph_page(out: Path) -> tuple[float, float, float] | None:
    """The graph page opened from disk in Debian's Chromium: seconds from navigation to
    a frame drawn with every node (the page answers clicks from then on); then, while a
    real mouse turns the wheel ten times and drags the view, the frames per second and
    the longest frame (ms). None where Playwright or Chromium is missing."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if not Path("/usr/bin/chromium").exists():
        return None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.goto((out / "graph.html").as_uri())
            interactive_ms = page.evaluate(GRAPH_OPENED)
            page.wait_for_timeout(500)
            box = page.locator("#vk-graph canvas").first.bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            page.evaluate(FRAMES)
            page.mouse.move(x, y)
            for _ in range(10):
                page.mouse.wheel(0, -60)
                page.wait_for_timeout(50)
            page.mouse.down()
            for step in range(20):
                page.mouse.move(x + step * 15, y + step * 8)
                page.wait_for_timeout(25)
            page.mouse.up()
            frames = page.evaluate("window.__vkFrames")
        finally:
            browser.close()
    gaps = [b - a for a, b in zip(frames, frames[1:])]
    return interactive_ms / 1000, (len(frames) - 1) / ((frames[-1] - frames[0]) / 1000), max(gaps)


def fresh_folder(work: Path, name: str) -> Path:
    """A folder path that has never existed in this run (see the module doc)."""
    return work / "outputs" / f"{name}-{time.time_ns()}"


def bench_vaultkit(work: Path, vault: Path) -> dict[str, float]:
    vaultkit = str(Path(PYTHON).with_name("vaultkit"))
    colds = []
    for _ in range(COLD_REPEATS):
        shutil.rmtree(vault / ".vaultkit", ignore_errors=True)
        out = fresh_folder(work, f"vaultkit-{vault.name}")
        colds.append(child_peak_mb([vaultkit, "build", str(vault), "-o", str(out), "--today", "2026-05-01"]))
    cold = statistics.median(seconds for seconds, _ in colds)
    peak = max(peak for _, peak in colds)
    graph = graph_page(out)
    sys.path.insert(0, str(ROOT))
    from vaultkit.site import Site

    site = Site(vault, out=fresh_folder(work, f"serve-{vault.name}"), today="2026-05-01", incremental=True)

    def median_edit(note: Path, new_text: str) -> tuple[float, int]:
        """The median of EDIT_REPEATS times the same edit (each undone, untimed, after)."""
        runs = [timed_edit(site, vault, note, new_text) for _ in range(EDIT_REPEATS)]
        return statistics.median(seconds for seconds, _ in runs), runs[-1][1]

    try:
        site.build()
        note = some_note(vault)
        text = note.read_text(encoding="utf-8")
        edit, rendered = median_edit(note, text + "\nOne more line from the benchmark.\n")
        row = {"cold_s": cold, "cold_runs": sorted(seconds for seconds, _ in colds), "peak_mb": peak,
               "edit_s": edit, "edit_rendered": rendered}
        if graph is not None:
            row["graph_interactive_s"], row["graph_fps"], row["graph_worst_frame_ms"] = graph
        interview = some_interview(vault)
        if interview is not None:
            other = sorted(vault.rglob("*.md"))[1]
            row["link_s"], row["link_rendered"] = median_edit(
                interview, link_edit(interview.read_text(encoding="utf-8"), other))
        row["property_s"], row["property_rendered"] = median_edit(note, property_edit(text))
    finally:
        site.close()
    return row


def alternated_colds(work: Path, small: Path, big: Path, pairs: int) -> list[tuple[float, float]]:
    """Cold builds of two vaults in turn (small, big, small, big…): this machine's speed
    drifts by several percent over the minutes between one size's builds and the next's
    in the table, and alternating puts both sizes of a pair in the same minutes."""
    vaultkit = str(Path(PYTHON).with_name("vaultkit"))
    found = []
    for _ in range(pairs):
        pair = []
        for vault in (small, big):
            shutil.rmtree(vault / ".vaultkit", ignore_errors=True)
            out = fresh_folder(work, f"pair-{vault.name}")
            pair.append(child_peak_mb([vaultkit, "build", str(vault), "-o", str(out), "--today", "2026-05-01"])[0])
        found.append((pair[0], pair[1]))
    return found


def mkdocs_venv(work: Path) -> Path:
    venv = work / "mkdocs-venv"
    mkdocs = venv / "bin" / "mkdocs"
    if not mkdocs.exists():
        run([PYTHON, "-m", "venv", str(venv)])
        run([str(venv / "bin" / "pip"), "install", "--quiet", *MKDOCS_PACKAGES])
    return mkdocs


def bench_mkdocs(work: Path, vault: Path, mkdocs: Path) -> dict[str, float]:
    project = fresh_folder(work, f"mkdocs-{vault.name}")
    project.mkdir(parents=True)
    docs = project / "docs"
    shutil.copytree(vault, docs, ignore=shutil.ignore_patterns(".vaultkit", "_site", ".obsidian"))
    (project / "mkdocs.yml").write_text(
        "site_name: bench\ntheme:\n  name: material\nplugins:\n  - search\n  - roamlinks\n", encoding="utf-8"
    )
    cold = run([str(mkdocs), "build", "-q", "-d", str(project / "site")], cwd=project)
    note = some_note(docs)
    note.write_text(note.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    dirty = run([str(mkdocs), "build", "-q", "--dirty", "-d", str(project / "site")], cwd=project)
    return {"cold_s": cold, "dirty_s": dirty}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--no-mkdocs", action="store_true", help="skip the mkdocs anchor")
    parser.add_argument("--mkdocs-max", type=int, default=10000, help="largest vault mkdocs is run on")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "vaultkit-site-bench")
    parser.add_argument("--pairs", type=int, default=3,
                        help="cold builds of the two largest sizes, alternated, for their ratio (0: none)")
    args = parser.parse_args()
    # vaultkit's modules compiled to bytecode first, as installing it does: with
    # PYTHONDONTWRITEBYTECODE set, every fresh process would compile them again (~35 ms).
    compileall.compile_dir(importlib.util.find_spec("vaultkit").submodule_search_locations[0], quiet=1)
    args.work.mkdir(parents=True, exist_ok=True)
    mkdocs = None if args.no_mkdocs else mkdocs_venv(args.work)
    rows = []
    sizes = [int(s) for s in args.sizes.split(",")]
    for size in sizes:
        vault = generate(args.work, size)
        row = {"notes": size, **{f"vaultkit_{k}": v for k, v in bench_vaultkit(args.work, vault).items()}}
        if mkdocs is not None and size <= args.mkdocs_max:
            row.update({f"mkdocs_{k}": v for k, v in bench_mkdocs(args.work, vault, mkdocs).items()})
        rows.append(row)
        print(json.dumps(row), flush=True)
    small, big = sorted(sizes)[-2:] if len(sizes) >= 2 else (0, 0)
    pairs = (alternated_colds(args.work, generate(args.work, small), generate(args.work, big), args.pairs)
             if args.pairs and big else [])
    shutil.rmtree(args.work / "outputs", ignore_errors=True)
    print()
    print("| notes | vaultkit cold | peak MiB | text edit | link edit | property edit | graph page | mkdocs cold | mkdocs --dirty |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")

    def edit(r: dict, kind: str) -> str:
        if f"vaultkit_{kind}_s" not in r:
            return "—"
        return f"{r[f'vaultkit_{kind}_s'] * 1000:.0f} ms ({r[f'vaultkit_{kind}_rendered']} pages)"

    def graph_cell(r: dict) -> str:
        if "vaultkit_graph_interactive_s" not in r:
            return "—"
        return (f"{r['vaultkit_graph_interactive_s']:.2f} s; {r['vaultkit_graph_fps']:.0f} fps, "
                f"worst frame {r['vaultkit_graph_worst_frame_ms']:.0f} ms")

    for r in rows:
        mk = (f"{r['mkdocs_cold_s']:.1f} s | {r['mkdocs_dirty_s']:.1f} s" if "mkdocs_cold_s" in r else "— | —")
        runs = r["vaultkit_cold_runs"]
        print(f"| {r['notes']:,} | {r['vaultkit_cold_s']:.2f} s ({runs[0]:.1f}–{runs[-1]:.1f}) | {r['vaultkit_peak_mb']:.0f} | "
              f"{edit(r, 'edit')} | {edit(r, 'link')} | {edit(r, 'property')} | {graph_cell(r)} | {mk} |")
    if pairs:
        ratios = [big / small for small, big in pairs]
        print()
        print(f"Cold builds alternated, {small:,} then {big:,} notes ({big / small:.1f}× the notes): "
              + "; ".join(f"{small:.2f} s and {big:.2f} s ({big / small:.2f}×)" for small, big in pairs)
              + f". Median ratio {statistics.median(ratios):.2f}×.")


if __name__ == "__main__":
    main()
