"""The one way the site touches OUT: write-if-changed files and a manifest.

OUT is a place vaultkit owns: never the vault, a folder holding it, a folder of notes or
a hidden folder; outside the vault only when given on the command line (`site_folder`).

Every file vaultkit writes is listed in `OUT/.vaultkit-site.json`. A rebuild deletes
only files that the previous manifest lists and the new build no longer writes. The
manifest is input like any file in a vault (a shared or cloned vault may carry a forged
one): it is trusted only when its hash is the one vaultkit recorded in `.vaultkit/` when
it wrote it. From a manifest it does not trust, vaultkit deletes only what it still
recognises as its own (its pages, by their generator tag; its data and static files; its
temporary files). A folder that is not empty and has no manifest is not ours, and we
refuse to build into it. Writes go to a temporary file in the same folder and are moved
into place with `os.replace`, so a reader never sees half a page.

The manifest is written first, marked incomplete, before any page: a build that is
stopped halfway (Ctrl-C) leaves a folder that is still known to be ours, and the next
build takes as its own the files listed and those written after the incomplete
manifest, so it can finish the job and delete what it no longer writes (and never a
file the user put there before, such as `CNAME`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from ..errors import VaultkitError
from ..files import replace_file
from ..vault import STATE_DIR, Config, is_text, notes_around
from .urls import is_safe_output

MANIFEST = ".vaultkit-site.json"
TRUST_FILE = "site-manifests.json"  # in the vault's .vaultkit/: OUT's real path -> its manifest's hash
GENERATOR = b'<meta name="generator" content="vaultkit">'


class OutputError(VaultkitError):
    pass


class Output:
    """OUT, and what has been written to it during this build."""

    def __init__(self, folder: Path, trust: Path | None = None):
        self.folder = Path(folder)
        self.trust = trust  # where the hashes of the manifests vaultkit wrote are kept (None: trust none)
        self.previous: set[str] = set()
        self.written: set[str] = set()
        self.changed: set[str] = set()  # what this build wrote anew or removed
        # Told of each of those, once, as it happens: `serve` reloads a tab showing that
        # page as soon as it is written, not when the whole build is done.
        self.on_change: Callable[[str], None] | None = None
        self._checked: set[str] = set()  # folders made and found inside OUT during this build
        self._incomplete = False  # the manifest on disk says a build is under way
        # OUT was new or empty when this build opened it: a file not yet written by this
        # build is not there, and need not be looked for before it is written.
        self._fresh = False

    def open(self) -> None:
        """Check that OUT is ours (or new, or empty) and read the previous manifest."""
        folder = self.folder
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"{folder}: exists and is not a folder")
        manifest = folder / MANIFEST
        if manifest.is_file():
            try:
                raw = manifest.read_bytes()
                data = json.loads(raw.decode("utf-8"))
                files = data["files"]
                if not isinstance(files, list):
                    raise TypeError
            except (OSError, ValueError, KeyError, TypeError):
                raise OutputError(f"{manifest}: unreadable site manifest; delete {folder} and build again") from None
            ours = {f for f in files if isinstance(f, str) and is_safe_output(f) and is_text(f)}
            if data.get("complete", True) is False:
                # A build was stopped halfway: what it wrote after marking the manifest is ours.
                since = manifest.stat().st_mtime_ns
                ours |= {path for path in _files_in(folder) if _mtime_ns(folder, path) >= since}
            if not self._trusted(raw):
                ours = {path for path in ours if _recognised(folder, path)}
            self.previous = ours
        elif folder.is_dir() and any(folder.iterdir()):
            raise OutputError(
                f"{folder}: folder is not empty and was not written by vaultkit (no {MANIFEST}); "
                "choose an empty or new folder with -o"
            )
        else:
            self._fresh = True
        folder.mkdir(parents=True, exist_ok=True)
        self._real = os.path.realpath(folder)
        self._write_manifest(json.dumps({"generator": "vaultkit", "complete": False, "files": sorted(self.previous)},
                                        indent=0))
        self._incomplete = True  # until finish() writes the whole list

    def missing(self, paths) -> set[str]:
        """The output paths among `paths` that are not files in OUT: each folder is listed
        once (thousands of pages, a few folders) rather than each page looked up."""
        by_folder: dict[str, list[tuple[str, str]]] = {}
        for path in paths:
            folder, _, name = path.rpartition("/")
            by_folder.setdefault(folder, []).append((name, path))
        gone = set()
        for folder, names in by_folder.items():
            try:
                with os.scandir(os.path.join(self.folder, folder)) as entries:
                    files = {entry.name for entry in entries if entry.is_file()}
            except OSError:
                files = set()
            gone.update(path for name, path in names if name not in files)
        return gone

    def exists(self, path: str) -> bool:
        return os.path.isfile(os.path.join(self.folder, path))  # not pathlib: asked once per page

    def write(self, path: str, data: str | bytes) -> bool:
        """Write `path` (an output path) unless it already holds exactly `data`."""
        if not is_safe_output(path):
            raise OutputError(f"refusing to write {path!r}: outside the site folder")
        if isinstance(data, str):
            data = data.encode("utf-8")
        # os.path, not pathlib, and each folder made and checked once per build: this runs
        # once per page, and thousands of pages share a few folders.
        target = os.path.join(self.folder, path)
        parent = os.path.dirname(target)
        folder = os.path.dirname(path)
        if folder not in self._checked:
            os.makedirs(parent, exist_ok=True)
            if not self._inside(parent):
                raise OutputError(f"refusing to write {path!r}: a symlink leads outside the site folder")
            self._checked.add(folder)
        if not self._fresh or path in self.written:
            try:
                if os.stat(target).st_size == len(data):
                    with open(target, "rb") as handle:
                        if handle.read() == data:
                            self.written.add(path)
                            return False
            except OSError:
                pass
            if os.path.islink(target):
                os.unlink(target)
        self.written.add(path)
        replace_file(target, data)
        self.mark_changed(path)
        return True

    def _inside(self, folder: str | Path) -> bool:
        """Whether a folder is OUT or in it, symlinks followed: the only places written or deleted."""
        real = os.path.realpath(folder)
        return real == self._real or real.startswith(self._real + os.sep)

    def mark_changed(self, path: str) -> None:
        """`path` was written anew (here, or by a forked page renderer) or removed."""
        if path not in self.changed:
            self.changed.add(path)
            if self.on_change is not None:
                self.on_change(path)

    def keep(self, path: str) -> None:
        """A file from the previous build that this build leaves as it is."""
        self.written.add(path)

    def finish(self) -> list[str]:
        """Delete what the previous build wrote and this one did not; write the manifest."""
        removed = sorted(self.previous - self.written)
        for path in removed:
            target = self.folder / path
            if not self._inside(os.path.dirname(target)):
                continue  # a folder in OUT replaced by a symlink: never delete through it
            try:
                target.unlink()
            except FileNotFoundError:
                pass
            self.mark_changed(path)
            parent = target.parent
            while parent != self.folder:
                try:
                    parent.rmdir()  # only when empty: never a folder someone else filled
                except OSError:
                    break
                parent = parent.parent
        # (Else the manifest lists them already: `serve`'s edits mostly rewrite pages, not the list.)
        if self._incomplete or self.written != self.previous or not (self.folder / MANIFEST).is_file():
            manifest = json.dumps({"generator": "vaultkit", "files": sorted(self.written)}, indent=0)
            self._write_manifest(manifest)
            self._incomplete = False
        self.previous, self.written, self.changed = set(self.written), set(), set()
        self._checked = set()
        self._fresh = False
        return removed

    def _write_manifest(self, text: str) -> None:
        data = text.encode("utf-8")
        replace_file(self.folder / MANIFEST, data)
        if self.trust is not None:
            records = self._records()
            records[os.path.realpath(self.folder)] = hashlib.sha256(data).hexdigest()
            try:
                self.trust.parent.mkdir(exist_ok=True)
                replace_file(self.trust, json.dumps(records, indent=0, sort_keys=True).encode("utf-8"))
            except OSError:
                pass  # a read-only vault: the next build trusts this manifest less (see the docstring)

    def _records(self) -> dict[str, str]:
        try:
            records = json.loads(self.trust.read_text(encoding="utf-8")) if self.trust is not None else {}
        except (OSError, ValueError):
            return {}
        return records if isinstance(records, dict) else {}

    def _trusted(self, manifest: bytes) -> bool:
        """Whether vaultkit wrote this manifest for this vault (see the module's docstring)."""
        return self._records().get(os.path.realpath(self.folder)) == hashlib.sha256(manifest).hexdigest()


def _recognised(folder: Path, path: str) -> bool:
    """Whether a file in OUT is one vaultkit writes: a page (its generator tag), a data
    script, a static file, a temporary file. Copied attachments are not recognisable."""
    name = path.rsplit("/", 1)[-1]
    if name.startswith(".vk-") or path.startswith("static/"):
        return True
    if path.endswith((".html", ".js")):
        try:
            with open(os.path.join(folder, path), "rb") as handle:
                head = handle.read(2048)
        except OSError:
            return False
        return GENERATOR in head if path.endswith(".html") else (path.startswith("data/") and
                                                                  head.startswith(b"window.VK_"))
    return False


def _mtime_ns(folder: Path, path: str) -> int:
    try:
        return os.lstat(os.path.join(folder, path)).st_mtime_ns
    except OSError:
        return 0


def site_folder(root: Path, config: Config, given: Path | str | None) -> Path:
    """OUT: the folder given on the command line, else vaultkit.yml's `output` (checked by
    load_config), resolved; never the vault, a folder holding it, a folder of its notes or
    a hidden folder in it, even through a symlink."""
    root_real = Path(os.path.realpath(root))
    out = Path(os.path.realpath(given if given is not None else root / config.output))
    if out == root_real or out in root_real.parents:
        raise OutputError(f"{out}: the site folder cannot be the vault or a folder holding it; "
                          "choose a new folder with -o")
    if root_real in out.parents:
        inside = out.relative_to(root_real).as_posix()
        if given is None and inside != config.output:
            raise OutputError(f"{root / config.output}: the site folder leads elsewhere in the vault ({inside}) "
                              "through a symlink; build with -o DIR")
        if any(part.startswith(".") for part in inside.split("/")):
            raise OutputError(f"{out}: the site folder cannot be a hidden folder of the vault; choose another with -o")
        spec = notes_around(config.schema, inside)
        if spec is not None:
            raise OutputError(f"{out}: the site folder cannot be in or around the vault's {spec.label} notes "
                              f"({spec.folder.strip('/')}/); choose another with -o")
    elif given is None:
        raise OutputError(f"{root / config.output}: the site folder leads out of the vault through a symlink; "
                          "build with -o DIR to write there")
    return out


def trust_file(root: Path) -> Path:
    return Path(root) / STATE_DIR / TRUST_FILE


def _files_in(folder: Path) -> set[str]:
    """Every file under `folder` as an output path, the manifest aside (a stopped write's
    temporary file included: the build that finds it deletes it)."""
    found = set()
    for parent, _, names in os.walk(folder):
        for name in names:
            path = os.path.relpath(os.path.join(parent, name), folder).replace(os.sep, "/")
            if path != MANIFEST and is_safe_output(path) and is_text(path):
                found.add(path)
    return found
