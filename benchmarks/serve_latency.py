#!/usr/bin/env python3
"""How soon a saved note shows in the tab that `vaultkit serve` has open, on generated vaults.

    .venv-bench/bin/python benchmarks/serve_latency.py [--sizes 1000,10000] [--samples 9] [--work DIR]

Issue 5's goal: "a one-note edit visible in the served site within 300 ms at 10k notes".
This measures exactly that, end to end, with the real parts: the real `LiveSite` (the
watchdog observer, the watcher's quiet period, the index sync, the incremental rebuild,
the HTTP server and its held reload request) and a real Chromium (Debian's, through
Playwright) showing the note's page. For each sample a line is appended to the note
(an editor's save), and the time is taken from just before the write to the moment the
reloaded page is first painted with content, read from the page's own paint timing (so
Playwright's round trips are not counted). Each edit is then undone, untimed.

Two figures per edit kind are printed: the median and the worst of `--samples`, for a
text edit (a line of prose) and a property edit (the contact's `stage` set by hand, which
the network, the previews and the referral tree read), plus the whole rebuild: from the
write to the end of the build (the tab reloads as soon as its own page is written, so
it may show the edit before the other pages are done).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from vaultkit.site import Site  # noqa: E402
from vaultkit.site.serve import LiveSite  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
DEADLINE_MS = 60_000
# When the reloaded page was first painted with content (its DOMContentLoaded where the
# browser records no paint timing), as a Unix time in ms, from the page's own clock.
SHOWN_AT = """(() => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  return performance.timeOrigin + (paint ? paint.startTime : nav.domContentLoadedEventEnd);
})()"""


def generate(work: Path, size: int) -> Path:
    vault = work / f"vault-{size}"
    if not vault.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(vault), "--notes", str(size)],
                       check=True, stdout=subprocess.DEVNULL)
    return vault


def a_contact(vault: Path) -> Path:
    people = sorted((vault / "people").glob("*.md"))
    return people[len(people) // 2]


def with_stage(text: str, stage: str) -> str:
    assert text.startswith("---\n")
    return f"---\nstage: {stage}\n" + text[4:]


class Builds:
    """LiveSite's on_build callback: when each rebuild ended (the version moves then)."""

    def __init__(self) -> None:
        self.ended: list[float] = []
        self.changed = threading.Condition()

    def __call__(self, report) -> None:
        with self.changed:
            self.ended.append(time.time())
            self.changed.notify_all()

    def after(self, count: int) -> float:
        with self.changed:
            self.changed.wait_for(lambda: len(self.ended) > count, DEADLINE_MS / 1000)
            return self.ended[count]


def measure(vault: Path, out: Path, samples: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    shutil.rmtree(vault / ".vaultkit", ignore_errors=True)
    builds = Builds()
    live = LiveSite(Site(vault, out=out, today="2026-05-01", incremental=True), port=0, on_build=builds)
    live.start()
    note = a_contact(vault)
    original = note.read_text(encoding="utf-8")
    page_url = live.url + live.site._plan.outputs[note.relative_to(vault).as_posix()]
    found: dict[str, list[float]] = {"text": [], "text build": [], "property": [], "property build": []}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_context(bypass_csp=True).new_page()  # the probes below are evaluated scripts
            page.goto(page_url)
            page.wait_for_load_state("load")
            for sample in range(samples + 1):  # the first of each kind warms up, untimed
                marker = f"benchmark line {sample} {time.time_ns()}"
                for kind, text in (("text", original + f"\n{marker}\n"),
                                   ("property", with_stage(original, "following-up") + f"\n{marker}\n")):
                    page.wait_for_timeout(300)  # the watcher's quiet period between saves
                    count = len(builds.ended)
                    written = time.time()
                    note.write_text(text, encoding="utf-8")
                    page.wait_for_function(f"document.body && document.body.innerText.includes({marker!r})",
                                           timeout=DEADLINE_MS)
                    shown = page.evaluate(SHOWN_AT) / 1000
                    rebuilt = builds.after(count)
                    if sample:
                        found[kind].append(shown - written)
                        found[f"{kind} build"].append(rebuilt - written)
                    note.write_text(original, encoding="utf-8")  # undone, untimed
                    page.wait_for_function(f"!document.body.innerText.includes({marker!r})", timeout=DEADLINE_MS)
            browser.close()
    finally:
        note.write_text(original, encoding="utf-8")
        live.stop()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--samples", type=int, default=9)
    parser.add_argument("--work", type=Path, default=Path("/tmp/vaultkit-serve-bench"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        vault = generate(args.work, size)
        found = measure(vault, args.work / "outputs" / f"site-{size}-{time.time_ns()}", args.samples)
        rows.append((size, found))
        print({"notes": size, **{k: [round(v * 1000) for v in values] for k, values in found.items()}},
              file=sys.stderr, flush=True)
    shutil.rmtree(args.work / "outputs", ignore_errors=True)
    print("| notes | text edit: in the tab | whole rebuild | property edit: in the tab | whole rebuild |")
    print("| ---: | ---: | ---: | ---: | ---: |")

    def cell(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.0f} ms (worst {max(values) * 1000:.0f})"

    for size, found in rows:
        print(f"| {size:,} | {cell(found['text'])} | {cell(found['text build'])} | "
              f"{cell(found['property'])} | {cell(found['property build'])} |")


if __name__ == "__main__":
    main()
