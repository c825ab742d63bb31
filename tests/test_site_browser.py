"""The built site in a real browser: Debian's Chromium, headless, driven by Playwright.

Pages are opened from `file://` (no server), as a user opens them from disk. Every
request is watched: only file:// may be asked for. Screenshots of the dashboard and
the graph page are kept in test-artifacts/ for a person to look at.

Where Chromium is missing the tests skip, except in CI (CI=true), where they fail:
CI must run them (`make test` installs Chromium through the `browser` target).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "vault-template"
ARTIFACTS = ROOT / "test-artifacts"


def _need_browser() -> None:
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(f"{CHROMIUM} (Debian's chromium package; `make browser` installs it)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package")
    if missing:
        message = "browser tests need " + " and ".join(missing)
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page whose console messages, errors and requests are recorded."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.console: list[tuple[str, str]] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.page.on("pageerror", lambda e: self.console.append(("pageerror", str(e))))
        self.page.on("request", lambda r: self.requests.append(r.url))
        # Anything that is not file:// is refused before it leaves the machine.
        self.context.route(lambda url: not url.startswith("file:"), lambda route: route.abort())

    def errors(self) -> list[tuple[str, str]]:
        return [(kind, text) for kind, text in self.console if kind in ("error", "pageerror")]

    def foreign(self) -> list[str]:
        return [url for url in self.requests if not url.startswith("file:")]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser):
    page = Watched(browser)
    yield page
    page.close()


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    from vaultkit.site import build_site

    if not (TEMPLATE / "me.md").is_file():
        pytest.fail("vault-template/ (the example vault) is missing")
    vault = tmp_path_factory.mktemp("browser") / "example"
    shutil.copytree(TEMPLATE, vault)
    build_site(vault, today="2026-10-01")
    return vault / "_site"


def test_dashboard_from_disk(watched, example_site: Path) -> None:
    page = watched.page
    page.goto((example_site / "index.html").as_uri())
    page.wait_for_load_state("load")
    assert page.locator("h2", has_text="Pipeline").count() == 1
    assert page.locator("svg.vk-chart").count() >= 2
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site-dashboard.png"), full_page=True)
    assert watched.errors() == []
    assert watched.foreign() == []


def test_csp_is_in_force_from_file_urls(watched, example_site: Path) -> None:
    page = watched.page
    page.goto((example_site / "index.html").as_uri())
    # An inline script added to the page is refused; the site's own scripts ran.
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.inlineRan = true'; document.body.appendChild(s); }""")
    assert page.evaluate("() => window.inlineRan === undefined")
    assert any("Content Security Policy" in text for _, text in watched.console)


def test_graph_draws_and_a_click_navigates(watched, example_site: Path) -> None:
    page = watched.page
    page.goto((example_site / "graph.html").as_uri())
    page.wait_for_function("() => window.vkGraph && window.vkGraph.graphData().nodes.length > 0")
    page.wait_for_timeout(400)  # the zoom-to-fit
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site-graph.png"), full_page=True)
    target = page.evaluate(
        """() => { const g = window.vkGraph; const n = g.graphData().nodes.find(n => n.title === 'Daniel Okafor');
                   const p = g.graph2ScreenCoords(n.x, n.y);
                   const box = document.querySelector('#vk-graph canvas').getBoundingClientRect();
                   return {x: box.left + p.x, y: box.top + p.y, url: n.url}; }"""
    )
    # The node is drawn: the canvas pixel under it is not the white background.
    pixel = page.evaluate(
        """([x, y]) => { const c = document.querySelector('#vk-graph canvas');
                         const box = c.getBoundingClientRect(); const r = window.devicePixelRatio || 1;
                         return Array.from(c.getContext('2d').getImageData((x - box.left) * r, (y - box.top) * r, 1, 1).data); }""",
        [target["x"], target["y"]],
    )
    assert pixel[:3] != [255, 255, 255] and pixel[3] > 0, pixel
    # force-graph finds the node under the pointer as it moves (a hit-test canvas).
    page.mouse.move(target["x"] - 20, target["y"] - 20)
    page.mouse.move(target["x"], target["y"], steps=5)
    # The node is under the pointer once force-graph marks the canvas clickable (its
    # hit-test canvas is repainted on a timer: a fixed wait was too short on a busy machine).
    page.wait_for_selector("#vk-graph canvas.clickable", timeout=10_000)
    with page.expect_navigation(timeout=10_000):
        page.mouse.click(target["x"], target["y"])
    assert page.url.endswith("/" + target["url"]), page.url
    assert page.locator("h1", has_text="Daniel Okafor").count() == 1
    assert watched.errors() == []
    assert watched.foreign() == []


# Records the text the page draws on canvases, as boxes in canvas pixels, frame by frame
# (force-graph clears the whole canvas before each frame): what is on screen, measured
# by the browser, not by the page's own bookkeeping.
RECORD_CANVAS_TEXT = """
(() => {
  const proto = CanvasRenderingContext2D.prototype, fill = proto.fillText, clear = proto.clearRect;
  window.vkTextBoxes = [];
  proto.clearRect = function (...args) { window.vkTextBoxes = []; return clear.apply(this, args); };
  proto.fillText = function (text, x, y, ...rest) {
    const m = this.measureText(text), t = this.getTransform();
    const left = this.textAlign === "center" ? x - m.width / 2 : x;
    const a = t.transformPoint(new DOMPoint(left, y - m.actualBoundingBoxAscent));
    const b = t.transformPoint(new DOMPoint(left + m.width, y + m.actualBoundingBoxDescent));
    window.vkTextBoxes.push({text, box: [a.x, a.y, b.x, b.y]});
    return fill.call(this, text, x, y, ...rest);
  };
})();
"""


def test_graph_names_do_not_cover_each_other(watched, example_site: Path) -> None:
    page = watched.page
    page.add_init_script(RECORD_CANVAS_TEXT)
    page.goto((example_site / "graph.html").as_uri())
    page.wait_for_function("() => window.vkGraph && window.vkGraph.graphData().nodes.length > 0")
    page.wait_for_timeout(400)  # the zoom-to-fit, then a frame drawn at that zoom
    drawn = page.evaluate("() => window.vkTextBoxes")
    names = [d["text"] for d in drawn]
    # The user and the people keep their names; what gives way is the rest.
    assert "me" in names and "Daniel Okafor" in names and "Grace Kim" in names, names
    boxes = [d["box"] for d in drawn]
    for i, (a, first) in enumerate(zip(boxes, names)):
        for b, second in zip(boxes[i + 1:], names[i + 1:]):
            overlap = a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
            assert not overlap, (first, a, second, b)
    assert watched.errors() == []


def test_tree_replays_the_network_growing(watched, example_site: Path) -> None:
    page = watched.page
    page.goto((example_site / "tree.html").as_uri())
    visible = """() => [...document.querySelectorAll('.vk-tree li')]
                        .filter(li => li.offsetParent !== null).map(li => li.querySelector('a').textContent)"""
    everyone = page.evaluate(visible)
    output = page.locator("#vk-replay output")
    assert output.inner_text().startswith(f"{len(everyone)} people")
    page.locator("#vk-replay input[name=day]").fill("0")
    start = page.evaluate(visible)
    # The user's own network, there before the first interview: not one person they named.
    assert start and "Marcus Hill" not in start and "Daniel Okafor" in start, start
    assert output.inner_text() == f"{len(start)} people, at the start"
    page.locator("#vk-replay input[name=day]").fill("1")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "site-tree-replay.png"), full_page=True)
    page.locator("#vk-replay button[name=play]").click()
    page.wait_for_function("() => document.querySelector('#vk-replay output').textContent.endsWith('today')",
                           timeout=15_000)
    assert sorted(page.evaluate(visible)) == sorted(everyone)
    assert watched.errors() == []
    assert watched.foreign() == []


def test_graph_filters(watched, example_site: Path) -> None:
    page = watched.page
    page.goto((example_site / "graph.html").as_uri())
    page.wait_for_function("() => window.vkGraph")
    everything = page.evaluate("() => window.vkGraph.graphData().nodes.length")
    page.select_option("select[name=type]", "company")
    shown = page.evaluate("() => window.vkGraph.graphData().nodes.map(n => n.type)")
    assert shown and set(shown) == {"company"} and len(shown) < everything


def test_search_finds_a_contact_by_a_word_from_its_body(watched, example_site: Path) -> None:
    page = watched.page
    page.goto((example_site / "search.html").as_uri() + "?q=chemistry")
    results = page.locator("#vk-search-results li a")
    results.first.wait_for()
    assert "Daniel Okafor" in results.all_inner_texts()
    page.fill("#vk-search-input", "")
    page.type("#vk-search-input", "portfolio chemistry")
    assert "Daniel Okafor" in page.locator("#vk-search-results li a").all_inner_texts()
    assert watched.errors() == []
    assert watched.foreign() == []


def test_hover_preview_of_a_person(watched, example_site: Path) -> None:
    page = watched.page
    page.goto((example_site / "interviews" / "2026-09-22-daniel-okafor.html").as_uri())
    page.locator(".vk-interview a[data-vk-preview]", has_text="Daniel Okafor").first.hover()
    preview = page.locator(".vk-preview")
    preview.wait_for()
    assert "Daniel Okafor" in preview.inner_text() and "Instructional Designer" in preview.inner_text()


HOSTILE = """---
type: contact
title: "<img src=x onerror=\\"window.pwned='title';console.log('PWNED')\\">"
---
<script>window.pwned = 'script'; console.log('PWNED')</script>
<img src="nothing.png" onerror="window.pwned = 'img'; console.log('PWNED')">
<svg onload="window.pwned = 'svg'; console.log('PWNED')"><circle r="5"/></svg>
<iframe srcdoc="<script>parent.pwned = 'iframe'</script>"></iframe>
<a id="js" href="javascript:window.pwned = 'link'; console.log('PWNED')">click me</a>
[md](javascript:window.pwned='md') <details open ontoggle="window.pwned = 'toggle'">x</details>
<p onmouseover="window.pwned = 'hover'">hover me</p>
<style>body { display: none }</style>
"""


def test_a_hostile_note_runs_no_script(watched, make_vault) -> None:
    from vaultkit.site import build_site

    vault = make_vault({"people/Mallory.md": HOSTILE, "Friends.md": "[[Mallory]] is a friend."})
    build_site(vault, today="2026-10-01")
    out = vault / "_site"
    page = watched.page
    for rel in ("people/mallory.html", "friends.html", "graph.html", "search.html"):
        page.goto((out / rel).as_uri() + ("?q=click" if rel == "search.html" else ""))
        page.wait_for_load_state("load")
        page.mouse.move(10, 10)
        for text in ("click me", "hover me"):
            link = page.locator(f"text={text}")
            if link.count():
                link.first.hover()
                link.first.click()
        page.wait_for_timeout(100)
        assert page.evaluate("() => window.pwned") is None, rel
        assert page.is_visible("body")
    assert not any("PWNED" in text for _, text in watched.console)
    assert watched.foreign() == []


def test_serve_reloads_the_open_tab(browser, make_vault) -> None:
    from vaultkit.site import Site
    from vaultkit.site.serve import LiveSite

    vault = make_vault({"Ana.md": "---\ntype: contact\n---\nfirst words", "Bo.md": "knows [[Ana]]"})
    live = LiveSite(Site(vault, today="2026-10-01", incremental=True), port=0)
    live.start()
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        page.goto(live.url + "ana.html")
        page.wait_for_selector("text=first words")
        (vault / "Ana.md").write_text("---\ntype: contact\n---\nsecond words")
        page.wait_for_selector("text=second words", timeout=20_000)  # reloaded by itself
        assert errors == []
    finally:
        context.close()
        live.stop()


# Counts the lines the page strokes in each frame (force-graph clears the canvas first).
RECORD_CANVAS_LINES = """
(() => {
  const proto = CanvasRenderingContext2D.prototype, line = proto.lineTo, clear = proto.clearRect;
  window.vkFrameLines = [];
  window.vkLines = 0;
  proto.clearRect = function (...args) {
    if (this.canvas.isConnected) { window.vkFrameLines.push(window.vkLines); window.vkLines = 0; }  // (not the hit-test canvas)
    return clear.apply(this, args);
  };
  proto.lineTo = function (...args) { if (this.canvas.isConnected) window.vkLines++; return line.apply(this, args); };
})();
"""


def _frame_lines_while_zooming(page) -> tuple[list[int], list[int]]:
    """Lines stroked in each frame while the wheel turns, then in the frames after it rests."""
    page.wait_for_function("() => window.vkGraph && window.vkGraph.graphData().nodes.length > 0")
    page.wait_for_timeout(500)  # the first fit to the window is done
    box = page.locator("#vk-graph canvas").first.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.evaluate("() => { window.vkFrameLines = []; window.vkLines = 0; }")
    for _ in range(6):
        page.mouse.wheel(0, -60)
        page.wait_for_timeout(40)
    moving = page.evaluate("() => window.vkFrameLines.splice(0)")
    page.wait_for_timeout(1000)  # the wheel's gesture ends 150 ms after its last turn
    return moving, page.evaluate("() => window.vkFrameLines.concat([window.vkLines])")  # (the last frame's, so far)


def test_a_big_graph_draws_only_its_nodes_while_the_view_moves(watched, tmp_path) -> None:
    """Thousands of links take a software-drawn frame a tenth of a second or more: while the
    view moves they are left out, and they come back when it rests. A small graph keeps them."""
    from conftest import write_vault
    from vaultkit.site import build_site

    people = 300
    vault = write_vault(tmp_path / "big", {
        f"Person {i}.md": "---\ntype: contact\n---\n" + " ".join(f"[[Person {(i * 7 + k) % people}]]" for k in range(1, 22))
        for i in range(people)
    })
    build_site(vault, today="2026-10-01")
    page = watched.page
    page.add_init_script(RECORD_CANVAS_LINES)
    page.goto((vault / "_site" / "graph.html").as_uri())
    assert page.evaluate("() => window.vkGraph.graphData().links.length") > 5000
    moving, rest = _frame_lines_while_zooming(page)
    assert moving and max(moving) < 100, moving  # nodes only (their circles are arcs, not lines)
    assert rest and rest[-1] > 5000, rest
    assert watched.errors() == []


# Counts the lines drawn on canvases that are not in the page: force-graph's hit-test canvas.
RECORD_HIDDEN_LINES = """
(() => {
  const proto = CanvasRenderingContext2D.prototype, line = proto.lineTo;
  window.vkHiddenLines = 0;
  proto.lineTo = function (...args) { if (!this.canvas.isConnected) window.vkHiddenLines++; return line.apply(this, args); };
})();
"""


def test_the_graph_opens_with_every_node_in_view_and_picks_only_nodes(watched, example_site: Path) -> None:
    """The first view fits the whole network; the hidden canvas that finds what the pointer
    is over draws nodes only (links have no page: drawing them there took minutes at 50,000
    notes, see BENCHMARKS.md)."""
    page = watched.page
    page.add_init_script(RECORD_HIDDEN_LINES)
    page.goto((example_site / "graph.html").as_uri())
    page.wait_for_function("() => window.vkGraph && window.vkGraph.graphData().nodes.length > 0")
    page.wait_for_timeout(500)  # the first fit to the window is done
    box = page.locator("#vk-graph canvas").first.bounding_box()
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=10)
    page.wait_for_timeout(1000)  # (the hit-test canvas is redrawn on a timer)
    outside = page.evaluate(
        """() => { const g = window.vkGraph, w = g.width(), h = g.height();
                   return g.graphData().nodes.filter(n => { const p = g.graph2ScreenCoords(n.x, n.y);
                     return p.x < 0 || p.y < 0 || p.x > w || p.y > h; }).map(n => n.title); }"""
    )
    assert page.evaluate("() => window.vkGraph.graphData().links.length") > 10
    assert outside == []
    assert page.evaluate("() => window.vkHiddenLines") == 0
    assert watched.errors() == []


def test_a_small_graph_keeps_its_links_while_the_view_moves(watched, example_site: Path) -> None:
    page = watched.page
    page.add_init_script(RECORD_CANVAS_LINES)
    page.goto((example_site / "graph.html").as_uri())
    moving, rest = _frame_lines_while_zooming(page)
    assert moving and max(moving) > 0, moving
    assert watched.errors() == []
