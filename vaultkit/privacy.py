"""Whether a note is private in itself: pure rules, shared by the site (which keeps such
notes out) and the parser (which warns when the flag is written oddly).

Privacy fails closed: a `private` property in any case whose value is not clearly false
makes a note private, and so does a private folder at any depth.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Values of `private` that clearly say "not private". Anything else (`1`, `y`, `[true]`,
# `maybe`) keeps the note out: where vaultkit is unsure, a note is private.
NOT_PRIVATE = frozenset({"false", "no", "n", "off", "0", ""})


def private_flag(properties: Mapping[str, Any]) -> tuple[str, Any] | None:
    """The `private` property as written (`Private: yes`, any case), unless clearly false."""
    for key, value in properties.items():
        if key.strip().casefold() != "private":
            continue
        if value is None or value is False or value == 0 or value == [] or (
                isinstance(value, str) and value.strip().lower() in NOT_PRIVATE):
            continue
        return key, value
    return None


def shown(key: str, value: Any) -> str:
    return f"`{key}: {str(value).lower() if isinstance(value, bool) else value}`"


def private_folder(path: str, folders: tuple[str, ...]) -> str | None:
    """The private folder a note is in, at any depth and in any case (`people/Private/x.md`)."""
    parts = path.casefold().split("/")[:-1]
    for folder in folders:
        if path.casefold() == folder.casefold():
            return folder  # (a single file may be named too)
        wanted = folder.casefold().split("/")
        for start in range(len(parts) - len(wanted) + 1):
            if parts[start:start + len(wanted)] == wanted:
                return folder
    return None


def own_privacy(path: str, properties: Mapping[str, Any], folders: tuple[str, ...],
                unparsed: bool = False) -> str | None:
    """Why a note is private in itself (None: it is not). A front matter that could not be
    read may hold `private: true`: such a note is private until it is fixed."""
    if unparsed:
        return "its front matter does not parse"
    flag = private_flag(properties)
    if flag:
        return f"marked {shown(*flag)}"
    folder = private_folder(path, folders)
    if folder:
        return f"in the private folder {folder}/"
    return None
