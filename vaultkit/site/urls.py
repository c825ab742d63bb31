"""Path kinds of the site, and the one place that converts between them.

Three kinds, as in Quartz: a *vault path* (`people/Ana Lopez.md`, what the index
keys notes by), an *output path* (`people/ana-lopez.html`, a file below OUT,
POSIX, never absolute, never `..`), and an *href* (`../people/ana-lopez.html`, what
a page at one output path writes to reach another). Every href is relative, so the
site works from `file://` and from any base path on any static host.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import quote

# Characters that are awkward in file names or URLs on some system; spaces become `-`.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"#%&*:<>?\\|{}^`\[\]'!$;=@+,/]+")
_DASHES = re.compile(r"[\s\-]+")


def slugify(text: str) -> str:
    """`Ana López (Acme)` -> `ana-lópez-(acme)`: lower case, NFC, no spaces or unsafe characters."""
    text = unicodedata.normalize("NFC", text).lower()
    text = _UNSAFE.sub("-", text)
    text = _DASHES.sub("-", text).strip("-.")
    return text or "-"


@lru_cache(maxsize=4096)  # section headings repeat from note to note ("Log", "Background")
def heading_anchor(text: str) -> str:
    """The `id` a heading gets, so that `[[Note#Some heading]]` lands on it."""
    return slugify(text)


def note_output(path: str) -> str:
    """The output path a note would take before collisions are settled."""
    stem = path[:-3] if path.lower().endswith(".md") else path
    return "/".join(slugify(part) for part in stem.split("/")) + ".html"


def attachment_output(path: str) -> str:
    """Attachments keep their extension: `attachments/My Photo.PNG` -> `attachments/my-photo.png`."""
    return "/".join(slugify(part) for part in path.split("/"))


@lru_cache(maxsize=1 << 14)
def tag_output(tag: str) -> str:
    """(Memoised: every note page links each of its tags, a vault has a few hundred.)"""
    return "tags/" + "/".join(slugify(part) for part in tag.split("/") if part) + ".html"


def assign_outputs(paths: Iterable[str], taken: Iterable[str]) -> dict[str, str]:
    """Output path for each vault path, unique and case-insensitively distinct.

    `paths` are settled in sorted order, so the result depends only on the set of
    paths: a clean build and an incremental one agree. A clash (two names that slug
    alike, or a name the site itself uses) gets `-2`, `-3`, ... before the extension.
    """
    used = {item.lower() for item in taken}
    out: dict[str, str] = {}
    for path in sorted(paths):
        wanted = note_output(path) if path.lower().endswith(".md") else attachment_output(path)
        stem, dot, ext = wanted.rpartition(".")
        if not dot or "/" in ext:
            stem, ext = wanted, ""
        candidate, n = wanted, 1
        while candidate.lower() in used:
            n += 1
            candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
        used.add(candidate.lower())
        out[path] = candidate
    return out


def href(from_output: str, to_output: str, fragment: str = "") -> str:
    """A relative, percent-encoded link from one output file to another.

    Plain segment arithmetic (both are normalised output paths): `posixpath.relpath`
    asks the OS for the working folder on every call, and pages make thousands.
    """
    url = _relative(from_output.rpartition("/")[0], to_output)
    return url + ("#" + quote(fragment, safe="-._~()") if fragment else "")


@lru_cache(maxsize=1 << 17)
def _relative(folder: str, to_output: str) -> str:
    """From a folder of the site (all of a folder's pages link alike: memoised, a build
    makes hundreds of thousands of links to a few thousand pages from a few folders)."""
    here = folder.split("/") if folder else []
    there = to_output.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "../" * (len(here) - common) + _quote("/".join(there[common:]))


@lru_cache(maxsize=65536)
def _quote(path: str) -> str:
    return quote(path, safe="/-._~()")


def root_prefix(from_output: str) -> str:
    """`../../` for a page two folders deep: the way back to OUT's root."""
    return "../" * from_output.count("/")


def is_safe_output(path: str) -> bool:
    """An output path that stays inside OUT: relative, normalised, no `..`, no drive."""
    if not path or path.startswith("/") or "\\" in path or ":" in path.split("/", 1)[0]:
        return False
    return posixpath.normpath(path) == path and not path.startswith("../") and path != ".."
