"""Where the vault is, what its config says, and which files are in it.

This is the I/O edge for the file system: finding the vault the way git finds its
repository, reading `vaultkit.yml`, and walking the folder tree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import VaultError
from .model import Problem
from .schema import Schema, TypeSpec, build_schema, config_line, default_schema

MARKERS = (".obsidian", "vaultkit.yml", ".vaultkit")
CONFIG_FILE = "vaultkit.yml"
STATE_DIR = ".vaultkit"


@dataclass(frozen=True)
class Config:
    """The vault's `vaultkit.yml`, with defaults for everything left out."""

    alias_fallback: bool = False  # Publish-style: `[[Bob]]` may resolve to a note aliased Bob
    output: str = "_site"  # the site folder, never indexed
    ignore: tuple[str, ...] = ()  # more folders (vault-relative) to leave out
    raw: dict[str, Any] = field(default_factory=dict)
    schema: Schema = field(default_factory=default_schema)  # note types, fields, statuses, cadences

    @property
    def ignored_folders(self) -> frozenset[str]:
        return frozenset(folder.strip("/") for folder in (self.output, *self.ignore) if folder.strip("/"))


def find_vault(start: Path | str | None = None) -> Path:
    """The folder itself or the nearest parent holding `.obsidian/`, `vaultkit.yml` or `.vaultkit/`."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if any((folder / marker).exists() for marker in MARKERS):
            return folder
    raise VaultError(
        f"no vault found at {here} or any parent folder "
        "(a vault holds .obsidian/, vaultkit.yml or .vaultkit/); "
        "pass --vault DIR, or run `vaultkit init` to make one"
    )


def open_vault_root(vault: Path | str | None) -> Path:
    """An explicit vault folder (any folder may be one) or the one found from here."""
    if vault is None:
        return find_vault()
    root = Path(vault).resolve()
    if not root.is_dir():
        raise VaultError(f"{vault}: not a folder")
    return root


def load_config(root: Path) -> Config:
    path = root / CONFIG_FILE
    if not path.is_file():
        return Config()
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text) or {}
    except (OSError, UnicodeDecodeError) as error:
        raise VaultError(f"{CONFIG_FILE}: cannot read: {error}") from None
    except yaml.MarkedYAMLError as error:
        line = error.problem_mark.line + 1 if error.problem_mark else 0
        raise VaultError(f"{CONFIG_FILE}:{line}: bad YAML: {error.problem}") from None
    except yaml.YAMLError as error:
        raise VaultError(f"{CONFIG_FILE}: bad YAML: {error}") from None
    if not isinstance(data, dict):
        raise VaultError(f"{CONFIG_FILE}: must be a mapping of settings")
    ignore = data.get("ignore") or []
    if isinstance(ignore, str):
        ignore = [ignore]
    schema = build_schema(data, text)
    return Config(
        alias_fallback=bool(data.get("alias_fallback", False)),
        output=_output_folder(data.get("output", "_site"), schema, text),
        ignore=tuple(str(item) for item in ignore),
        raw=data,
        schema=schema,
    )


def _output_folder(value: Any, schema: Schema, text: str) -> str:
    """vaultkit.yml's `output`: a vault may come from someone else, so its config must not
    point `build` (which deletes the files it wrote before) at the vault itself, outside
    it, at a hidden folder or at a folder of notes. `-o DIR` builds anywhere else."""
    folder = str(value).strip() if isinstance(value, (str, int, float)) else ""
    absolute = folder.startswith("/") or re.match(r"[A-Za-z]:", folder) is not None
    folder = folder.strip("/")
    parts = folder.split("/")
    reason = None
    if absolute or not folder or any(part in ("", ".", "..") or part.startswith(".") for part in parts) or "\\" in folder:
        reason = "a folder inside the vault, like _site (not the vault, a hidden folder or a way out of it)"
    elif (spec := notes_around(schema, folder)) is not None:
        reason = f"a folder of its own, not in or around your {spec.label} notes ({spec.folder.strip('/')}/)"
    if reason is None:
        return folder
    line = config_line(text, ("output",))
    where = f"{CONFIG_FILE}:{line}: `output: {value}`" if line else f"{CONFIG_FILE}: the site folder `{value}`"
    raise VaultError(f"{where}: the site folder must be {reason}; to build elsewhere, use `vaultkit build -o DIR`")


def notes_around(schema: Schema, folder: str) -> TypeSpec | None:
    """The note type whose folder is `folder` (vault-relative), is inside it or holds it."""
    for spec in schema.types.values():
        notes = spec.folder.strip("/")
        if notes and (notes == folder or notes.startswith(folder + "/") or folder.startswith(notes + "/")):
            return spec
    return None


Stat = tuple[int, int]  # (mtime_ns, size)


def scan(root: Path, config: Config, under: str = "") -> tuple[dict[str, Stat], list[Problem]]:
    """Every vault file below `under` (vault-relative, "" for all) with its stat.

    Dot-files and dot-folders are not in the vault (R14), nor the site output.
    Symlinks are not followed: one that leads outside the vault could expose or loop
    over anything, and Obsidian ignores one that leads to another place in the vault,
    so that no note is there twice (and no change seen under one path leaves the
    other stale). Each gets a warning naming it.
    """
    files: dict[str, Stat] = {}
    problems: list[Problem] = []
    root_real = os.path.realpath(root)
    ignored = config.ignored_folders
    start = os.path.join(root, under) if under else str(root)

    def walk(folder: str, rel: str) -> None:
        try:
            entries = list(os.scandir(folder))
        except OSError as error:
            problems.append(Problem(rel or ".", 0, "warning", "unreadable", f"cannot read folder: {error.strerror}"))
            return
        for entry in entries:
            name = entry.name
            if not is_vault_name(name):
                continue
            path = f"{rel}/{name}" if rel else name
            if not is_text(name):
                problems.append(Problem(escaped(path), 0, "warning", "name-encoding", NOT_UTF8))
                continue
            try:
                if entry.is_symlink():
                    problems.append(Problem(path, 0, "warning", "symlink", _symlink_problem(entry.path, root_real)))
                    continue
                if entry.is_dir():
                    if path in ignored:
                        continue
                    walk(entry.path, path)
                elif entry.is_file():
                    stat = entry.stat()
                    files[path] = (stat.st_mtime_ns, stat.st_size)
            except OSError as error:
                problems.append(Problem(path, 0, "warning", "unreadable", f"cannot read: {error.strerror}"))

    if under:
        under = under.strip("/")
        if not in_vault(under, config):
            return files, problems
        full = os.path.join(root, under)
        if os.path.islink(full):  # not followed: its warning, as the whole walk gives it
            problems.append(Problem(under, 0, "warning", "symlink", _symlink_problem(full, root_real)))
        elif os.path.isdir(full):
            walk(full, under)
        elif os.path.isfile(full):
            stat = os.stat(full)
            files[under] = (stat.st_mtime_ns, stat.st_size)
        return files, problems
    walk(start, "")
    return files, problems


NOT_UTF8 = "file name is not valid UTF-8; skipped (rename it: it shows here with \\x escapes)"


def is_text(name: str) -> bool:
    """Whether a name from the file system is real text. A name that is not UTF-8 (a USB
    stick's or an old zip's Latin-1 `photo\xe9.jpg`) comes to Python with surrogate escapes,
    which no database, JSON or page can hold: such a file is skipped everywhere."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def escaped(name: str) -> str:
    """A name from the file system as text that can be shown: bytes that are not UTF-8
    written as `\\xe9`."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _symlink_problem(link: str, root_real: str) -> str:
    target = os.path.realpath(link)
    if not (target == root_real or target.startswith(root_real + os.sep)):
        return "symlink points outside the vault; not followed"
    if not os.path.exists(target):
        return "broken symlink"
    folder = os.path.realpath(os.path.dirname(link))
    if folder == target or folder.startswith(target + os.sep):
        return "symlink loop (it leads to a folder holding it); not followed"
    where = os.path.relpath(target, root_real).replace(os.sep, "/")
    return (f"symlink to {where}, inside the vault; not followed (Obsidian ignores these too, "
            "so that no note is there twice): link to it under its own path")


def is_vault_name(name: str) -> bool:
    """Whether a file or folder of this name can be part of the vault.

    Not dot-names (R14: `.obsidian`, `.git`, `.trash`, `.vaultkit`, vim's `.Note.md.swp`),
    nor an editor's scratch files: vim's backup `Note.md~` and its write probe `4913`,
    Emacs's autosave `#Note.md#`. They come and go within a second of a save; indexing
    them would only make ghost nodes (and the watcher could never keep up with them).
    """
    return not (
        name.startswith(".")
        or name.endswith("~")
        or name == "4913"
        or (name.startswith("#") and name.endswith("#"))
        or name.endswith((".swp", ".swo", ".swx"))
    )


def in_vault(path: str, config: Config) -> bool:
    """Whether a vault-relative path can hold vault files: what `scan` would walk into.

    The watcher asks this of every event's path, so that it never wakes up for a
    change the index would ignore anyway.
    """
    path = path.strip("/")
    if not path or any(path == folder or path.startswith(folder + "/") for folder in config.ignored_folders):
        return False
    return all(is_vault_name(part) for part in path.split("/"))


# Sync tools keep both sides of a conflict as two files: Syncthing names the loser
# `Note.sync-conflict-20261125-123456-ABCDEFG.md`; Dropbox, Nextcloud and Obsidian Sync
# name it `Note (conflicted copy 2026-11-25).md` (or `(Ana's conflicted copy ...)`).
CONFLICT_COPY = re.compile(
    r"^(?P<stem>.+?)(?:\.sync-conflict-\d{8}-\d{6}-[0-9A-Za-z]+"
    r"| \((?:[^()]*\s)?conflicted copy\b[^()]*\))(?P<ext>\.[^./]+)?$",
    re.IGNORECASE,
)


def conflict_copy_problems(paths: Iterable[str]) -> list[Problem]:
    """A warning for every file that a sync tool made as a conflict copy of another.

    A pure function of the file list: the copy is a possible duplicate of the note it
    was copied from, which the user should merge by hand and then delete.
    """
    present = set(paths)
    problems = []
    for path in sorted(present):
        folder, _, name = path.rpartition("/")
        match = CONFLICT_COPY.match(name)
        if match is None:
            continue
        original = f"{folder}/" if folder else ""
        original += match["stem"] + (match["ext"] or "")
        if original in present:
            message = f"sync conflict copy of {original}: a possible duplicate; merge the two and delete this one"
        else:
            message = f"sync conflict copy of {original} (which is gone): rename it back or delete it"
        problems.append(Problem(path, 0, "warning", "conflict-copy", message))
    return problems


def is_note_path(path: str) -> bool:
    return path.lower().endswith(".md")
