"""`vaultkit serve`: build, watch, rebuild what a change affects, serve, reload the tab.

The watcher (vaultkit/watch.py) syncs the index and calls back on its own thread;
the callback rebuilds the site from the watcher's index (pages whose inputs did not
change are left alone) and bumps a version number. The server, `http.server` on a
thread bound to 127.0.0.1 only, serves OUT and adds one script tag to each HTML page
as it sends it: that script asks for `/__vaultkit/version.js` (a script, so the site's
Content-Security-Policy needs no change) and reloads the tab when the version moves.
The server holds that request until the version moves (a long poll, as `mkdocs serve`
does), so the tab reloads as soon as the rebuild is done, not at the next poll.
The built files never contain it.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from ..errors import VaultkitError
from ..watch import Watcher
from .build import BuildReport, Site

logger = logging.getLogger("vaultkit.serve")
PREFIX = "/__vaultkit/"
RELOAD_TAG = b'<script src="/__vaultkit/livereload.js"></script>'
LIVERELOAD_JS = b"""(function () {
  "use strict";
  var seen = null;
  window.__vkVersion = function (version) {
    if (seen === null) seen = version;
    else if (version !== seen) window.location.reload();
  };
  function poll() {
    var s = document.createElement("script");
    s.src = "/__vaultkit/version.js?seen=" + (seen === null ? "" : seen) + "&t=" + Date.now();
    s.onload = function () { s.remove(); setTimeout(poll, 0); };
    s.onerror = function () { s.remove(); setTimeout(poll, 2000); };  // the server stopped: ask now and then
    document.head.appendChild(s);
  }
  // After the load event: a script added before it would hold the page's load back.
  if (document.readyState === "complete") poll();
  else window.addEventListener("load", function () { setTimeout(poll, 0); });
})();
"""


class ServeError(VaultkitError):
    pass


HOLD_SECONDS = 20.0  # how long a tab's request for the version waits for a change


class LiveState:
    """The build version the open tabs compare against; bumped when files changed."""

    def __init__(self) -> None:
        self.version = 1
        self.stopping = False
        self.changed = threading.Condition()

    def bump(self) -> None:
        with self.changed:
            self.version += 1
            self.changed.notify_all()

    def version_after(self, seen: int, timeout: float = HOLD_SECONDS) -> int:
        """The version, once it is not `seen` (or after `timeout`, or when the server stops)."""
        with self.changed:
            self.changed.wait_for(lambda: self.version != seen or self.stopping, timeout)
            return self.version

    def stop(self) -> None:
        with self.changed:
            self.stopping = True
            self.changed.notify_all()


class Handler(SimpleHTTPRequestHandler):
    state: LiveState

    def __init__(self, *args, state: LiveState, **kwargs):
        self.state = state
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        logger.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path, _, query = self.path.partition("?")
        if path == PREFIX + "livereload.js":
            return self._send(LIVERELOAD_JS, "text/javascript")
        if path == PREFIX + "version.js":
            seen = parse_qs(query).get("seen", [""])[0]
            version = self.state.version_after(int(seen)) if seen.isdigit() else self.state.version
            return self._send(f"window.__vkVersion && window.__vkVersion({version});".encode(), "text/javascript")
        local = Path(self.translate_path(self.path))
        if local.is_dir():
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            data = local.read_bytes()
            at = data.rfind(b"</body>")
            data = data[:at] + RELOAD_TAG + data[at:] if at >= 0 else data + RELOAD_TAG
            return self._send(data, "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, data: bytes, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        """A tab that reloads or closes drops its held request: not worth a traceback."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError):
            logger.debug("%s left: %s", client_address, error)
            return
        super().handle_error(request, client_address)


class LiveSite:
    """A site being served and rebuilt: `start()`, then `url`, then `stop()`."""

    def __init__(self, site: Site, port: int = 8000, on_build: Callable[[BuildReport], None] | None = None):
        self.site = site
        self.port = port
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
        handler = partial(Handler, directory=str(self.site.out), state=self.state)
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
        self.builds += 1
        if report.written or report.removed:
            self.state.bump()
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
