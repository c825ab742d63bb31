"""What a note's author, a foreign web page or a broken client can make of the site and
of `vaultkit serve`: attachments that could run script never run in the site's origin,
only requests for 127.0.0.1 or localhost are answered, malformed requests get a 400
and no traceback, and idle or half-sent connections are closed."""

from __future__ import annotations

import http.client
import re
import socket
import time
import urllib.parse
from pathlib import Path

import pytest

from vaultkit.site import Site, build_site
from vaultkit.site.build import content_security_policy
from vaultkit.site.render import LinkView, render_body
from vaultkit.site.serve import LiveSite

TODAY = "2026-10-01"
EVIL_HTML = "<p>hi</p><script>localStorage.setItem('pwned', 'html'); window.top.pwned = 'html'</script>"
EVIL_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="red"/>'
            "<script>localStorage.setItem('pwned', 'svg')</script></svg>")
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5e1f1b30000000049454e44ae426082")
NOTE = """---
file: "[[evil.html]]"
---
See [[evil.html]], [the page](evil.html), ![[evil.html]], [[logo.svg]], [[cv.pdf]] and [[photo.png]].

![[logo.svg]] ![[photo.png]]
"""
VAULT = {"Ana.md": NOTE, "evil.html": EVIL_HTML, "logo.svg": EVIL_SVG, "cv.pdf": b"%PDF-1.4\n%%EOF\n",
         "photo.png": PNG, "Private.md": "---\nprivate: true\n---\nthe secret plan"}


def anchors(page: str, target: str) -> list[str]:
    return re.findall(rf'<a [^>]*href="{re.escape(target)}"[^>]*>', page)


# -- the static site ----------------------------------------------------------------


def test_links_to_attachments_that_could_run_script_are_downloads(make_vault) -> None:
    vault = make_vault(VAULT)
    build_site(vault, today=TODAY)
    page = (vault / "_site" / "ana.html").read_text()
    evil = anchors(page, "evil.html")
    assert len(evil) == 4, evil  # the property's link, `[[...]]`, `[...](...)` and the embed that is no image
    assert all(" download" in a for a in evil), evil
    assert all(" download" in a for a in anchors(page, "logo.svg")), page
    for inert in ("cv.pdf", "photo.png"):  # opened as they are: nothing in them runs
        assert anchors(page, inert) and not any("download" in a for a in anchors(page, inert))
    assert '<img class="vk-embed-image" src="logo.svg"' in page  # an SVG in <img> runs no script
    assert not re.search(r"<(iframe|object|embed)\b", page)


@pytest.mark.parametrize("body", [
    "[[evil.html]]", "[[evil.html|the page]]", "![[evil.html]]", "[the page](evil.html)", "[[logo.svg]]",
    "![[logo.svg]]", "a [[evil.html]] b\n\n- [[logo.svg]]", "<b>raw</b> [[evil.html]]", "[[cv.pdf]]",
])
def test_both_renderers_write_the_download_attribute_alike(body: str) -> None:
    def lookup(linkpath: str, subpath: str, kind: str) -> LinkView:
        if linkpath == "cv.pdf":
            return LinkView("ok", "cv.pdf")
        return LinkView("ok", linkpath, is_image=linkpath.endswith(".svg"), download=True)

    fast = render_body(body, lookup, lambda tag: tag)
    assert fast == render_body(body, lookup, lambda tag: tag, fast=False)
    for a in re.findall(r"<a [^>]*>", fast):
        assert ('download=""' in a) == ("cv.pdf" not in a), fast


# -- serve ----------------------------------------------------------------------------


@pytest.fixture
def live(make_vault):
    live = LiveSite(Site(make_vault(VAULT), today=TODAY, incremental=True), port=0, timeout=1.0)
    live.start()
    yield live
    live.stop()


def port(live: LiveSite) -> int:
    return live.server.server_address[1]


def request(live: LiveSite, target: str, host: str | None = "127.0.0.1:{port}",
            method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """A raw request (http.client would check or re-quote what this sends as it is)."""
    lines = [f"{method} {target} HTTP/1.1"]
    if host is not None:
        lines.append("Host: " + host.format(port=port(live)))
    with socket.create_connection(("127.0.0.1", port(live)), timeout=10) as sock:
        sock.sendall(("\r\n".join([*lines, "Connection: close", "", ""])).encode("latin-1"))
        response = http.client.HTTPResponse(sock, method=method)
        response.begin()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


def test_serve_answers_only_for_its_own_host(live) -> None:
    for host in ("127.0.0.1:{port}", "localhost:{port}", "LOCALHOST:{port}", "[::1]:{port}"):
        status, _, body = request(live, "/ana.html", host)
        assert status == 200 and b"evil.html" in body, host
    # A page on another host that a DNS rebinding points at 127.0.0.1 sends its own name.
    for host in ("evil.example:{port}", "evil.example", "127.0.0.1:1", "127.0.0.1", "localhost.evil.example:{port}",
                 "127.0.0.1:{port}@evil.example", "", None):
        for target in ("/ana.html", "/", "/__vaultkit/changed.js?page=ana.html&seen=x-0", "/evil.html"):
            status, _, body = request(live, target, host)
            assert status in (400, 421), (host, target)
            assert b"evil.html" not in body and b"Ana" not in body, (host, target)


def test_malformed_requests_get_400_and_no_traceback(live, capsys) -> None:
    for target in ("/%00", "/ana.html%00", "/%00/x", "/%zz", "/ana%2", "/%ff%fe.html", "/%0a", "/" + "a" * 5000,
                   "/..%2f..%2f..%2fetc%2fpasswd%00"):
        status, _, body = request(live, target)
        assert status == 400, target
        assert b"Traceback" not in body
    for target in ("/../../../etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd", "/%2e%2e/%2e%2e/etc/passwd"):
        status, _, body = request(live, target)
        assert status == 404 and b"root:" not in body, target
    status, _, _ = request(live, "/%00", method="HEAD")
    assert status == 400
    assert request(live, "/ana.html")[0] == 200  # the server is still up
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out


def closed_by_server(sock: socket.socket, within: float) -> bool:
    """Whether the server closes `sock` within `within` seconds (what it sends first is read)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if sock.recv(65536) == b"":
                return True
        except TimeoutError:
            return False
        except ConnectionError:
            return True
    return False


def test_idle_and_half_sent_connections_are_closed(live, capsys) -> None:
    idle = socket.create_connection(("127.0.0.1", port(live)))
    half = socket.create_connection(("127.0.0.1", port(live)))
    half.sendall(f"GET /ana.html HTTP/1.1\r\nHost: 127.0.0.1:{port(live)}\r\n".encode())  # no blank line: never ends
    try:
        assert closed_by_server(idle, within=10)
        assert closed_by_server(half, within=10)
    finally:
        idle.close()
        half.close()
    assert "Traceback" not in capsys.readouterr().err


def test_a_request_sent_a_byte_at_a_time_is_cut_off(live) -> None:
    """Each byte comes within the per-read timeout, but the request never ends: the
    connection is closed when the request has taken longer than the timeout."""
    slow = socket.create_connection(("127.0.0.1", port(live)))
    text = f"GET /ana.html HTTP/1.1\r\nHost: 127.0.0.1:{port(live)}\r\nX-Slow: " + "a" * 200
    started = time.monotonic()
    try:
        for byte in text.encode():
            try:
                slow.sendall(bytes([byte]))
            except OSError:
                break
            if closed_by_server(slow, within=0.3):
                break
        assert time.monotonic() - started < 10  # the timeout is 1 s; 200 bytes would take 60 s
    finally:
        slow.close()


def test_a_held_long_poll_outlives_the_timeout(live) -> None:
    """The tab's question is held far longer than a connection may stay idle: the timeout is
    for the client's reading and writing, not for the server's waiting."""
    status, _, page = request(live, "/ana.html")
    page_name, seen = re.search(rb'data-page="([^"]*)" data-seen="([^"]*)"', page).groups()
    query = urllib.parse.urlencode({"page": page_name.decode(), "seen": seen.decode()})
    with socket.create_connection(("127.0.0.1", port(live)), timeout=40) as sock:
        sock.sendall(f"GET /__vaultkit/changed.js?{query} HTTP/1.1\r\nHost: 127.0.0.1:{port(live)}\r\n\r\n".encode())
        assert not closed_by_server(sock, within=2.5)  # held, past the 1 s timeout
        (live.site.root / "Ana.md").write_text("new words")
        response = http.client.HTTPResponse(sock)
        response.begin()
        assert response.status == 200 and b"(true)" in response.read()


def test_attachments_that_could_run_script_are_served_as_sandboxed_downloads(live) -> None:
    for target in ("/evil.html", "/logo.svg"):
        status, headers, body = request(live, target)
        assert status == 200
        assert "sandbox" in headers["content-security-policy"] and "default-src 'none'" in headers[
            "content-security-policy"]
        assert headers["content-disposition"] == "attachment"
        assert headers["x-content-type-options"] == "nosniff"
        assert b"livereload" not in body  # not taken for one of the site's pages
        assert request(live, target, method="HEAD")[1]["content-disposition"] == "attachment"
    folder = Path(live.site.out)
    for name in ("planted.xhtml", "planted.xml", "planted.svgz", "planted.mht"):  # in OUT, but not the site's
        (folder / name).write_text("<html><script>alert(1)</script></html>")
        headers = request(live, "/" + name)[1]
        assert "sandbox" in headers["content-security-policy"] and headers["content-disposition"] == "attachment", name
    for target in ("/static/site.css", "/data/graph.js"):
        assert "content-disposition" not in request(live, target)[1], target
    for target in ("/photo.png", "/cv.pdf"):
        status, headers, _ = request(live, target)
        assert status == 200 and "content-disposition" not in headers and headers["x-content-type-options"] == "nosniff"
    status, headers, body = request(live, "/ana.html")
    assert headers["content-security-policy"].startswith(content_security_policy())
    assert b"/__vaultkit/livereload.js" in body


# -- in a browser ---------------------------------------------------------------------


def test_evil_attachments_run_nothing_in_the_served_site(live) -> None:
    from test_site_browser import ARGS, CHROMIUM, _need_browser

    _need_browser()
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(live.url + "ana.html")
            # The SVG still shows where it is embedded (as an image: its script does not run).
            page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
            with page.expect_download() as download:
                page.locator("a", has_text="evil.html").first.click()
            assert download.value.suggested_filename == "evil.html"
            with page.expect_download():
                page.locator("a", has_text="logo.svg").first.click()
            # Asked for directly (a link typed or pasted), it is still a download, not a page.
            direct = context.new_page()
            with direct.expect_download():
                try:
                    direct.goto(live.url + "evil.html")
                except Error:
                    pass  # "Download is starting": the navigation ends there
            page.wait_for_timeout(200)
            assert page.evaluate("() => localStorage.getItem('pwned')") is None
            assert page.evaluate("() => window.pwned") is None
            assert errors == []
        finally:
            browser.close()
