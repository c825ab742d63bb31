"""Writing files atomically: a temp file beside the destination, then a rename or a link.

The one place vaultkit's writes (`init`, `new`, the site's pages) make their temp files,
so that every written file gets the permissions any new file gets (mkstemp makes them
0600: a site copied to a web server with `cp -p` would be unreadable by it).
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

# As mkstemp opens its files (exclusively, never through a symlink), but with mode 0666:
# the umask then gives the file a new file's usual permissions in the same system call,
# with no fchmod after (a site build writes ten thousand of these).
_TEMP_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_BINARY", 0))


def _temp_file(folder: Path | str, prefix: str) -> tuple[int, str]:
    """(fd, path) of a new empty file in `folder`, with a new file's usual permissions."""
    for _ in range(100):
        temp = os.path.join(folder, prefix + secrets.token_hex(5))
        try:
            return os.open(temp, _TEMP_FLAGS, 0o666), temp
        except FileExistsError:
            continue  # a name already taken: another one
    raise FileExistsError(errno.EEXIST, "no unused temporary file name", str(folder))


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def replace_file(destination: Path | str, data: bytes) -> None:
    """Write `destination` atomically (temp file + rename), over any file there. (A
    stopped write leaves a `.vk-` file, which the site's next build deletes.)"""
    fd, temp = _temp_file(os.path.dirname(destination) or ".", ".vk-")
    try:
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
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
