"""`vaultkit serve`: build, watch, rebuild what a change affects, serve, reload the tab.

The watcher (vaultkit/watch.py) syncs the index and calls back on its own thread;
the callback rebuilds the site from the watcher's index (pages whose inputs did not
change are left alone), and the site's output tells `LiveState` of each file it
writes anew or removes. The server, `http.server` on a thread bound to 127.0.0.1
only, serves OUT and adds one script tag to each HTML page as it sends it: that
script asks `/__vaultkit/changed.js` (a script, so the site's Content-Security-Policy
needs no change) whether its page, or a file the page loads, changed since it was
served. The server holds the question until one did (a long poll, as `mkdocs serve`
does), so the tab reloads as soon as its page is written, while the rest of the
build goes on. The built files never contain the script.

Only what a browser on this machine asks of the server itself is answered: the `Host`
must be 127.0.0.1, localhost or [::1] at the server's port (else a page elsewhere could
read the site by DNS rebinding); a malformed path gets a 400; a connection that sends
or reads nothing for `timeout` seconds is closed. Attachments that could hold script
(render.downloaded) go out as sandboxed downloads, so none runs in the site's origin.
"""

from __future__ import annotations

import html
import logging
import os
import posixpath
import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote

from ..errors import VaultkitError
from ..watch import Watcher
from .build import BuildReport, Site, content_security_policy
from .render import downloaded

logger = logging.getLogger("vaultkit.serve")
PREFIX = "/__vaultkit/"
LIVERELOAD_JS = b"""(function () {
  "use strict";
  var me = document.currentScript;
  var page = me.getAttribute("data-page"), seen = me.getAttribute("data-seen");
  window.__vkChanged = function (changed) { if (changed) window.location.reload(); };
  function poll() {
    var s = document.createElement("script");
    s.src = "/__vaultkit/changed.js?page=" + encodeURIComponent(page) + "&seen=" + encodeURIComponent(seen)
      + "&t=" + Date.now();
    s.onload = function () { s.remove(); setTimeout(poll, 0); };
    s.onerror = function () { s.remove(); setTimeout(poll, 2000); };  // the server stopped: ask now and then
    document.head.appendChild(s);
  }
  // After the load event: a script added before it would hold the page's load back.
  if (document.readyState === "complete") poll();
  else window.addEventListener("load", function () { setTimeout(poll, 0); });
})();
"""
# What a page loads (scripts, style sheets, images): a tab reloads when one of them changes too.
LOADED = re.compile(rb'<(?:script|link|img)\b[^>]*?\s(?:src|href)="([^"]*)"')


class ServeError(VaultkitError):
    pass


HOLD_SECONDS = 20.0  # how long a tab's question "has my page changed?" waits for a change
# How long a connection may send or read nothing (the held question waits without doing either).
TIMEOUT_SECONDS = 15.0
# An attachment that could hold script, as served: never shown in the site's origin.
SANDBOXED = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
    "Content-Disposition": "attachment",
}
BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
LONGEST_PATH = 4096
OWN_FOLDERS = ("static/", "data/", "__vaultkit/")  # the site's scripts and styles (see build.static_files)


class LiveState:
    """Which output files changed when, for the open tabs to ask about their page.

    Each change (a file written anew or removed) gets the next number. A page is served
    with the number so far (`stamp`); its tab then asks whether the page, or a file it
    loads, changed after that, and the answer is held until one did (`changed_since`).
    So a tab reloads as soon as its own page is written, while the build goes on with
    the other pages, and a tab whose page did not change does not reload at all."""

    def __init__(self) -> None:
        self.session = os.urandom(4).hex()  # a tab from an earlier run of the server reloads at once
        self.count = 0
        self.changed_at: dict[str, int] = {}
        self.loads: dict[str, frozenset[str]] = {}  # page -> the files it loads, as last served
        self.attachments: frozenset[str] = frozenset()  # the attachments' output paths, as of the last build
        self.stopping = False
        self.changed = threading.Condition()

    def mark(self, path: str) -> None:
        with self.changed:
            self.count += 1
            self.changed_at[path] = self.count
            self.changed.notify_all()

    def stamp(self) -> str:
        return f"{self.session}-{self.count}"

    def changed_since(self, page: str, seen: str, timeout: float = HOLD_SECONDS) -> bool:
        """Whether `page` or a file it loads changed after `seen` (a `stamp`), once one did
        (or after `timeout`, or when the server stops)."""
        session, _, count = seen.partition("-")
        if session != self.session or not count.isdigit():
            return True
        after = int(count)
        watched = (page, *self.loads.get(page, ()))

        def changed() -> bool:
            return any(self.changed_at.get(path, 0) > after for path in watched)

        with self.changed:
            self.changed.wait_for(lambda: changed() or self.stopping, timeout)
            return changed()

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


def malformed(target: str) -> bool:
    """Whether a request's target is no path this server could hold: not from "/", a `%`
    that escapes nothing, not UTF-8 once unescaped, a control character (NUL), too long."""
    path = target.split("?", 1)[0]
    if not path.startswith("/") or len(path) > LONGEST_PATH or BAD_ESCAPE.search(path):
        return True
    try:
        return bool(CONTROL.search(unquote(path, errors="strict")))
    except UnicodeDecodeError:
        return True


def loaded_files(page: str, page_html: bytes) -> frozenset[str]:
    """The output files a page loads, from its `src` and `href` attributes (relative URLs)."""
    found = set()
    folder = posixpath.dirname(page)
    for match in LOADED.finditer(page_html):
        url = unquote(match.group(1).decode("utf-8", "replace")).split("#", 1)[0].split("?", 1)[0]
        if url and ":" not in url.split("/", 1)[0] and not url.startswith("/"):
            found.add(posixpath.normpath(posixpath.join(folder, url)))
    return frozenset(found)


class Handler(SimpleHTTPRequestHandler):
    state: LiveState
    sandboxed = False  # the file asked for is an attachment that could hold script

    def __init__(self, *args, state: LiveState, timeout: float = TIMEOUT_SECONDS, **kwargs):
        self.state = state
        self.timeout = timeout  # (the socket's: StreamRequestHandler.setup sets it)
        super().__init__(*args, **kwargs)

    def handle_one_request(self) -> None:
        # The socket's timeout is per read: a client sending a byte at a time would hold a
        # thread for ever. A request must arrive whole (to its headers) within `timeout`.
        self._deadline = threading.Timer(self.timeout, self._cut)
        self._deadline.daemon = True
        self._deadline.start()
        try:
            super().handle_one_request()
        finally:
            self._deadline.cancel()

    def _cut(self) -> None:
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def parse_request(self) -> bool:
        """http.server's checks, then ours: the Host, the path; an answer for any that fails."""
        ok = super().parse_request()
        self._deadline.cancel()  # the request is in (answering it, or holding it, may take longer)
        if not ok:
            return False
        port = self.server.server_address[1]
        hosts = self.headers.get_all("Host", [])
        if len(hosts) != 1 or hosts[0].lower() not in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
            self.send_error(HTTPStatus.MISDIRECTED_REQUEST, f"this server answers only to 127.0.0.1:{port}")
            return False
        if malformed(self.path):
            self.send_error(HTTPStatus.BAD_REQUEST, "malformed path")
            return False
        output = self._output()
        # Only the site's own pages and scripts run: any other file that could hold script
        # (an attachment, or one put in OUT by anyone else) is a sandboxed download.
        own = (output.endswith(".html") and output not in self.state.attachments) or output.startswith(OWN_FOLDERS)
        self.sandboxed = downloaded(output) and not own
        return True

    def _output(self) -> str:
        """The output path asked for (a folder's index.html for a folder)."""
        local = self.translate_path(self.path)
        if os.path.isdir(local):
            local = os.path.join(local, "index.html")
        return Path(local).relative_to(self.directory).as_posix()

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        logger.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path, _, query = self.path.partition("?")
        if path == PREFIX + "livereload.js":
            return self._send(LIVERELOAD_JS, "text/javascript")
        if path == PREFIX + "changed.js":
            asked = parse_qs(query)
            changed = self.state.changed_since(asked.get("page", [""])[0], asked.get("seen", [""])[0])
            return self._send(f"window.__vkChanged && window.__vkChanged({str(changed).lower()});".encode(),
                              "text/javascript")
        local = Path(self.translate_path(self.path))
        if local.is_dir():
            local = local / "index.html"
        if local.suffix == ".html" and not self.sandboxed and local.is_file():
            seen = self.state.stamp()  # before reading: a change after it reloads the tab
            data = local.read_bytes()
            page = local.relative_to(self.directory).as_posix()
            self.state.loads[page] = loaded_files(page, data)
            tag = (f'<script src="/__vaultkit/livereload.js" data-page="{html.escape(page)}" '
                   f'data-seen="{seen}"></script>').encode()
            at = data.rfind(b"</body>")
            data = data[:at] + tag + data[at:] if at >= 0 else data + tag
            return self._send(data, "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, data: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        if self.sandboxed:
            for name, value in SANDBOXED.items():
                self.send_header(name, value)
        else:  # the pages' own policy, as their <meta> says; and no frame on another site holds them
            self.send_header("Content-Security-Policy", content_security_policy() + "; frame-ancestors 'none'")
        super().end_headers()


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A tab that reloads or closes drops its held request: not worth a traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            logger.debug("%s left: %s", client_address, error)
            return
        logger.debug("request from %s failed", client_address, exc_info=True)
        logger.error("serve: a request failed: %s: %s", type(error).__name__, error)


class LiveSite:
    """A site being served and rebuilt: `start()`, then `url`, then `stop()`."""

    def __init__(self, site: Site, port: int = 8000, on_build: Callable[[BuildReport], None] | None = None,
                 timeout: float = TIMEOUT_SECONDS):
        self.site = site
        self.port = port
        self.timeout = timeout
        self.state = LiveState()
        self.on_build = on_build
        self.builds = 0
        self.watcher: Watcher | None = None
        self.server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/"

    def start(self) -> BuildReport:
        self.watcher = Watcher(self.site.root, on_update=self._changed)
        self.watcher.start()  # the full sync, in this thread
        self.site.use_index(self.watcher.index)
        report = self._build()
        self.site.output.on_change = self.state.mark  # from now on, tabs may be open
        handler = partial(Handler, directory=str(self.site.out), state=self.state, timeout=self.timeout)
        try:
            self.server = Server(("127.0.0.1", self.port), handler)
        except OSError as error:
            self.watcher.stop()
            raise ServeError(f"cannot serve on 127.0.0.1:{self.port}: {error.strerror or error}") from None
        self._thread = threading.Thread(target=self.server.serve_forever, name="vaultkit-serve", daemon=True)
        self._thread.start()
        return report

    def _build(self, paths: list[str] | None = None) -> BuildReport:
        report = self.site.build(changed=paths, synced=True)
        plan = self.site._plan or self.site._spent  # (not public: serve alone needs to know the kinds)
        if plan is not None:
            self.state.attachments = frozenset(plan.outputs[path] for path in plan.attachments)
        self.builds += 1
        if self.on_build is not None:
            self.on_build(report)
        return report

    def _changed(self, sync_report, paths) -> None:
        # The paths the watcher synced (None after a full sync): a text-only edit of a few
        # notes then re-renders only the pages that quote them.
        self._build(sorted(paths) if paths is not None else None)

    def stop(self) -> None:
        self.state.stop()  # the tabs' held requests end now
        if self.watcher is not None:
            self.watcher.stop()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        self.site.close()


def serve(site: Site, port: int = 8000, echo: Callable[[str], None] = print) -> None:
    """Serve until Ctrl-C (the CLI's loop)."""
    live = LiveSite(site, port, on_build=lambda r: echo(f"built {r.summary()}"))
    live.start()
    echo(f"Serving {live.url} (Ctrl-C to stop)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        live.stop()
