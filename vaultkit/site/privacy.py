"""What may reach the site: the `site:` settings of vaultkit.yml and the publish filter.

The filter runs before any emitter (Quartz's filter plugins): every later stage sees
only the published notes, so a private note cannot leak through a backlink, a graph
node, a search entry, a referral path or a link's title. A link to a note that is
not published renders as a neutral "private note" marker (render.PRIVATE_MARKER):
the words it was written with usually name the note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import VaultkitError
from ..schema import Schema
from .content import Content

CONTACT_FIELDS = ("email", "phone")  # hidden unless `site.show` names them
DEFAULT_REDACT = ("email", "phone", "linkedin", "address", "birthday")


class SiteConfigError(VaultkitError):
    pass


@dataclass(frozen=True)
class SiteConfig:
    title: str = "My network"
    private_folders: tuple[str, ...] = ("private",)
    show: tuple[str, ...] = ()  # contact fields to show after all: "email", "phone"
    redact: tuple[str, ...] = DEFAULT_REDACT  # fields a --share build leaves out

    @classmethod
    def from_raw(cls, raw: dict[str, Any]) -> "SiteConfig":
        site = raw.get("site") or {}
        if not isinstance(site, dict):
            raise SiteConfigError("vaultkit.yml: `site` must be a mapping of settings")

        def names(key: str, default: tuple[str, ...]) -> tuple[str, ...]:
            value = site.get(key, default)
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, (list, tuple)):
                raise SiteConfigError(f"vaultkit.yml: site.{key} must be a list")
            return tuple(str(item).strip().strip("/") for item in value if str(item).strip().strip("/"))

        title = site.get("title", cls.title)
        return cls(
            title=str(title),
            private_folders=names("private_folders", cls.private_folders),
            show=tuple(name.lower() for name in names("show", ())),
            redact=tuple(name.lower() for name in names("redact", DEFAULT_REDACT)),
        )

    def hidden_fields(self, share: bool, schema: Schema | None = None) -> frozenset[str]:
        """Property names (lower case) the site leaves out: each canonical name, and the
        name vaultkit.yml gives the field in any note type (`email: mail` hides `mail`)."""
        hidden = {name for name in CONTACT_FIELDS if name not in self.show}
        if share:
            hidden.update(self.redact)
        if schema is not None:
            canonical = sorted(hidden)
            hidden.update(schema.key(kind, name).lower() for kind in schema.types for name in canonical)
        hidden.update({"private", "publish"})
        return frozenset(hidden)


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() in ("true", "yes"))


def is_private(path: str, properties: dict[str, Any], config: SiteConfig) -> bool:
    if _true(properties.get("private")):
        return True
    lowered = path.lower()
    return any(lowered == f.lower() or lowered.startswith(f.lower() + "/") for f in config.private_folders)


def is_published(path: str, properties: dict[str, Any], config: SiteConfig, share: bool) -> bool:
    """Whether a note reaches the site: not private and, in a share build, `publish: true`."""
    return not is_private(path, properties, config) and (not share or _true(properties.get("publish")))


def published_notes(content: Content, config: SiteConfig, share: bool) -> set[str]:
    return {path for path, note in content.notes.items() if is_published(path, note.properties, config, share)}


def linked_attachments(content: Content, config: SiteConfig, path: str) -> set[str]:
    """Attachments a note links or embeds that are not in a private folder."""
    return {link.target for link in content.notes[path].links
            if link.target is not None and link.target in content.attachments
            and not is_private(link.target, {}, config)}


def published_attachments(content: Content, config: SiteConfig, notes: set[str]) -> set[str]:
    """Attachments that a published note links or embeds, and that are not in a private folder."""
    out: set[str] = set()
    for path in notes:
        out |= linked_attachments(content, config, path)
    return out
