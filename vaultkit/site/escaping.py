"""Escaping for the text the site's own code writes into HTML (templates escape theirs).

markupsafe's C function, without the Markup it wraps each result in: it runs for every
link, label and local-graph node of every page, where the Markup made on the way, or
html.escape's five Python `str.replace` calls, cost as much as the rest of the work.
"""

from __future__ import annotations

from typing import Any

try:
    from markupsafe._speedups import _escape_inner
except ImportError:  # (a markupsafe without its C speedups: its public escape, as a plain string)
    from markupsafe import escape as _markup_escape

    def _escape_inner(text: str) -> str:
        return str(_markup_escape(text))


def escaped(value: Any) -> str:
    """What markupsafe.escape writes (`&`, `<`, `>`, `"`, `'`), as a plain string."""
    return _escape_inner(value if type(value) is str else str(value))
