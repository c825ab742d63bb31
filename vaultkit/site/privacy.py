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
from ..privacy import own_privacy, private_folder
from ..schema import Schema
from .content import Content, SiteNote

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


def kept_out(content: Content, config: SiteConfig, old: dict[str, str] | None = None,
             changed: set[str] | None = None) -> dict[str, str]:
    """Every note no build publishes, with why: private in itself, or an interview whose
    person is (its title and page name them: "2026-12-20 Secret Agent").

    With `old` (the answer for the last content) and `changed` (the notes that differ
    since), only those notes are looked at again, unless one of them became private or
    stopped being: then every interview's person is looked at again."""
    def own_of(path: str) -> str | None:
        return own_privacy(path, content.notes[path].properties, config.private_folders, path in content.unparsed)

    if old is None or changed is None:
        own = {path: reason for path in content.notes if (reason := own_of(path))}
        subject: dict[str, str] = {}
        recheck = content.notes.keys()
    else:
        own = {p: r for p, r in old.items() if not r.startswith(SUBJECT) and p not in changed}
        own.update((path, reason) for path in changed if path in content.notes and (reason := own_of(path)))
        if own.keys() == {p for p, r in old.items() if not r.startswith(SUBJECT)}:
            subject = {p: r for p, r in old.items() if r.startswith(SUBJECT) and p not in changed}
            recheck = changed & content.notes.keys()
        else:
            subject, recheck = {}, content.notes.keys()
    with_key = content.schema.key("interview", "with")
    # A person may be named by a link that resolves, by an alias, or in plain text.
    names = {name.casefold(): person for person in own
             for name in (content.notes[person].title, *content.notes[person].aliases)}
    for path in recheck:
        note = content.notes[path]
        if note.type != "interview" or path in own:
            continue
        named = [l.target if l.target in own else names.get(l.linkpath.rsplit("/", 1)[-1].casefold())
                 for l in note.links if l.field == with_key]
        raw = note.properties.get(with_key)
        for value in raw if isinstance(raw, list) else [raw]:
            if isinstance(value, str):
                named.append(names.get(value.strip().strip("[]").split("|")[0].strip().casefold()))
        person = next((p for p in named if p is not None), None)
        if person is not None:
            subject[path] = SUBJECT + content.notes[person].title
    return {**own, **subject}


SUBJECT = "an interview with a private contact: "


def publishes(note: SiteNote, private: dict[str, str], share: bool) -> bool:
    """Whether a build publishes a note: never one that is private (see `kept_out`) and, in
    a share build, only one with `publish: true`."""
    return note.path not in private and (not share or _true(note.properties.get("publish")))


def published_notes(content: Content, private: dict[str, str], share: bool) -> set[str]:
    return {path for path, note in content.notes.items() if publishes(note, private, share)}


def linked_attachments(content: Content, config: SiteConfig, path: str) -> set[str]:
    """Attachments a note links or embeds that are not in a private folder."""
    return {link.target for link in content.notes[path].links
            if link.target is not None and link.target in content.attachments
            and private_folder(link.target, config.private_folders) is None}


def published_attachments(content: Content, config: SiteConfig, notes: set[str]) -> set[str]:
    """Attachments that a published note links or embeds, and that are not in a private folder."""
    out: set[str] = set()
    for path in notes:
        out |= linked_attachments(content, config, path)
    return out
