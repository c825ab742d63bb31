"""The one way the site touches OUT: write-if-changed files and a manifest.

Every file vaultkit writes is listed in `OUT/.vaultkit-site.json`. A rebuild
deletes only files that the previous manifest lists and the new build no longer
writes; a folder that is not empty and has no manifest is not ours, and we refuse
to build into it. Writes go to a temporary file in the same folder and are moved
into place with `os.replace`, so a reader never sees half a page.

The manifest is written first, marked incomplete, before any page: a build that is
stopped halfway (Ctrl-C in the first build of a big vault) leaves a folder that is
still known to be ours, and the next build takes everything in it as its own, so
it can finish the job and delete what it no longer writes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from ..errors import VaultkitError
from ..files import replace_file
from ..vault import is_text
from .urls import is_safe_output

MANIFEST = ".vaultkit-site.json"


class OutputError(VaultkitError):
    pass


class Output:
    """OUT, and what has been written to it during this build."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
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
                data = json.loads(manifest.read_text(encoding="utf-8"))
                files = data["files"]
                if not isinstance(files, list):
                    raise TypeError
            except (OSError, ValueError, KeyError, TypeError):
                raise OutputError(f"{manifest}: unreadable site manifest; delete {folder} and build again") from None
            self.previous = {f for f in files if isinstance(f, str) and is_safe_output(f)}
            if data.get("complete", True) is False:  # a build was stopped halfway: all in here is ours
                self.previous |= _files_in(folder)
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
            real_parent = os.path.realpath(parent)
            if not (real_parent == self._real or real_parent.startswith(self._real + os.sep)):
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
        replace_file(self.folder / MANIFEST, text.encode("utf-8"))


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
