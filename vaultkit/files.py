"""Writing files atomically: a temp file beside the destination, then a rename or a link.

The one place vaultkit's writes (`init`, `new`, the site's pages) make their temp files,
so that every written file gets the permissions any new file gets (mkstemp makes them
0600: a site copied to a web server with `cp -p` would be unreadable by it).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def _read_umask() -> int:
    # os.umask can only be read by setting it; restore it at once, at import time.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


NEW_FILE_MODE = 0o666 & ~_read_umask()


def _temp_file(folder: Path | str, prefix: str) -> tuple[int, str]:
    """(fd, path) of a new empty file in `folder`, with a new file's usual permissions."""
    fd, temp = tempfile.mkstemp(prefix=prefix, dir=folder)
    try:
        os.fchmod(fd, NEW_FILE_MODE)
    except BaseException:
        os.close(fd)
        os.unlink(temp)
        raise
    return fd, temp


def replace_file(destination: Path | str, data: bytes) -> None:
    """Write `destination` atomically (temp file + rename), over any file there. (A
    stopped write leaves a `.vk-` file, which the site's next build deletes.)"""
    fd, temp = _temp_file(os.path.dirname(destination) or ".", ".vk-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, destination)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def create_file(destination: Path, data: bytes) -> None:
    """Write a new file atomically (temp file + hard link); FileExistsError if it exists.

    A hard link to the finished temp file never replaces an existing file, unlike a
    rename, so a file that appears meanwhile is never overwritten; where the file system
    has no hard links, fall back to an exclusive create. The data reaches the disk before
    the name does: a note is never left empty by a crash.
    """
    destination.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = _temp_file(destination.parent, ".vaultkit-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, destination)
        except FileExistsError:
            raise FileExistsError(errno.EEXIST, "file exists", str(destination)) from None
        except OSError:
            with open(destination, "xb") as out:
                out.write(data)
    finally:
        os.unlink(temp)
