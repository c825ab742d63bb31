"""vaultkit: a career-change networking campaign kept as plain Markdown notes.

The Python API behind the `vaultkit` command:

    from vaultkit import Index, parse_note
    with Index.open("~/Networking") as index:
        print(index.sync().summary())
"""

__version__ = "0.1.0"

from .index import Index, SyncReport  # noqa: E402
from .model import Heading, Link, Note, Problem  # noqa: E402
from .resolve import Resolution, Resolver  # noqa: E402


def __getattr__(name: str):
    # The parser (markdown-it-py, PyYAML, the fast path's patterns) loads on first use:
    # a command with nothing to parse starts a fifth faster without it.
    if name == "parse_note":
        from .parse import parse_note

        return parse_note
    raise AttributeError(f"module 'vaultkit' has no attribute {name!r}")


__all__ = ["Index", "SyncReport", "Heading", "Link", "Note", "Problem", "parse_note", "Resolution", "Resolver"]
