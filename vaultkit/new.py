"""`vaultkit new`: a note from the vault's own template files, as Obsidian's Templates plugin makes it.

The planning is pure (`plan_note`: template text, name, fields and the clock in; path
and text out). `write_new_note` is the one writing edge: it never overwrites, writes
atomically (a temp file in the same folder, then a no-clobber link or rename), and only
where vaultkit will index the note under the path it prints: inside the vault, through
no symlink, beside no note of the same name up to case.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from datetime import datetime
from pathlib import Path

import yaml

from .errors import UsageError
from .files import create_file
from .parse import parse_note, split_front_matter
from .schema import Schema
from .vault import Config, in_vault, is_note_path, scan

TYPES = ("contact", "interview", "company", "event", "lead")
FORBIDDEN = re.compile(r'[\\/:*"<>|?#^\[\]]')  # what Obsidian refuses in a file name
# Names Windows reserves for devices, with any extension: a vault synced there breaks.
WINDOWS_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?", re.IGNORECASE)
NAME_MAX = 255  # bytes in a file name, on every common file system
ISO_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}\b")
PLAIN = re.compile(r"[\w][\w .,'@+\-/()&]*")
# A property name as `--field` takes it: letters, digits, `_` and `-`, not starting with
# `-` (a line `-x:` would read as a list item where a block list precedes it).
KEY = re.compile(r"\w[\w-]*")
# What YAML 1.2, as Obsidian reads properties, takes for a number where YAML 1.1 (PyYAML,
# as vaultkit reads them) sees a string: `1e3`, `0o17`.
YAML_12_NUMBER = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+")

BUILT_IN = {
    "contact": "---\ntype: {label}\ncompany:\nrole:\nreferred_by:\nfollow_up:\ntags: []\n---\n# {{{{title}}}}\n",
    "interview": (
        '---\ntype: {label}\nwith:\ndate: "{{{{date}}}}"\nstatus: requested\nvia:\nreferrals: []\n'
        "thank_you_sent:\n---\n# {{{{title}}}}\n\n## Their story\n\n## Closing questions\n"
        "1. Any advice for my transition?\n2. Who else should I talk to?\n"
    ),
    "company": "---\ntype: {label}\nindustry:\nwebsite:\n---\n# {{{{title}}}}\n",
    "event": '---\ntype: {label}\ndate: "{{{{date}}}}"\nlocation:\n---\n# {{{{title}}}}\n',
    "lead": "---\ntype: {label}\ncompany:\nrole:\nheard_from:\nsource:\nstatus: new\nurl:\n---\n# {{{{title}}}}\n",
}


def file_name(name: str) -> str:
    """The file name (without `.md`) of a note called `name`, or a UsageError saying why
    there is none.

    Characters Obsidian refuses in a file name or that break a link to it (: * " < > | ?
    # ^ [ ]) become spaces, and runs of spaces become one (the path printed shows the result).
    What would make a file vaultkit and Obsidian skip, or put it in another folder, is
    refused rather than mended: a folder separator, a control character, a leading dot
    (a hidden file), a name of only dots and spaces, a Windows device name, a name of
    more than 255 bytes.
    """
    if not _is_utf8(name):
        raise UsageError(f"{name!r}: a note name must be UTF-8 text")
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in name):
        raise UsageError(f"{name!r}: a note name cannot hold control characters (a newline or a tab, say)")
    if "/" in name or "\\" in name:
        raise UsageError(
            f"{name!r}: a note name cannot hold / or \\ (they separate folders); "
            "vaultkit new puts each type of note in its own folder"
        )
    # NFC, as Obsidian keeps vault paths (R9): a name typed on macOS matches the same name typed elsewhere.
    cleaned = " ".join(FORBIDDEN.sub(" ", unicodedata.normalize("NFC", name)).split())
    if not cleaned.strip(". "):
        raise UsageError(f"{name!r} leaves no usable file name once : * \" < > | ? # ^ [ ] are removed")
    if cleaned.startswith("."):
        raise UsageError(f"{name!r}: a note name cannot start with a dot: Obsidian and vaultkit skip hidden files")
    if WINDOWS_RESERVED.fullmatch(cleaned):
        device = cleaned.split(".")[0]
        raise UsageError(f"{name!r}: {device} is a device name on Windows, not a file name there; add a word to it")
    check_length(cleaned)
    return cleaned


def check_length(title: str) -> None:
    """Refuse a title whose file name (UTF-8, with `.md`) no common file system can hold."""
    size = len(f"{title}.md".encode("utf-8"))
    if size > NAME_MAX:
        shown = title if len(title) <= 40 else title[:40] + "..."
        raise UsageError(
            f"{shown!r}: the file name would be {size} bytes long; "
            f"a file name can be at most {NAME_MAX} bytes (UTF-8, with .md)"
        )


def render(template: str, title: str, now: datetime) -> str:
    """Obsidian's core Templates variables: {{title}}, {{date}}, {{time}} (and {{date:FORMAT}})."""

    def replace(match: re.Match) -> str:
        name, _, fmt = match.group(1).strip().partition(":")
        name = name.strip().lower()
        if name == "title":
            return title
        if name in ("date", "time"):
            default = "YYYY-MM-DD" if name == "date" else "HH:mm"
            return _moment(fmt.strip() or default, now)
        return match.group(0)

    return re.sub(r"\{\{([^{}]+)\}\}", replace, template)


def _moment(fmt: str, now: datetime) -> str:
    """The few moment.js tokens templates use."""
    tokens = {"YYYY": "%Y", "MM": "%m", "DD": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}
    return re.sub("|".join(tokens), lambda m: now.strftime(tokens[m.group(0)]), fmt)


def _reads_back(plain: str, key: str | None = "k") -> bool:
    """Whether `plain`, written bare (as the value of `key`, or as the key when `key` is
    None), is read back as that same string, by vaultkit's own parser and by YAML 1.2
    (Obsidian): no number, boolean, null, comment or structure."""
    if YAML_12_NUMBER.fullmatch(plain):
        return False
    line, wanted = (f"{plain}: x", {plain: "x"}) if key is None else (f"{key}: {plain}", {key: plain})
    return parse_note("new.md", f"---\n{line}\n---\n").properties == wanted


def yaml_value(value: str) -> str:
    """A front matter value that reads back as exactly `value`: plain when that is safe
    (words, names, ISO dates, which Obsidian then shows as dates), else double-quoted
    with YAML escapes, on one line. Links are always quoted: YAML reads a bare [[x]] as
    a list, and Obsidian only sees a quoted one as a link."""
    if PLAIN.fullmatch(value) and _reads_back(value):
        return value
    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=2**31).rstrip("\n")


def set_fields(text: str, fields: dict[str, str]) -> str:
    """Set top-level front matter properties, replacing a template's empty (or given) line."""
    if not fields:
        return text
    yaml_text, body, _ = split_front_matter(text)
    lines = [] if yaml_text is None else yaml_text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for key, value in fields.items():
        new_line = f"{key}: {yaml_value(value)}"
        pattern = re.compile(r"^['\"]?" + re.escape(key) + r"['\"]?\s*:")
        for number, line in enumerate(lines):
            if pattern.match(line):
                end = number + 1
                while end < len(lines) and (lines[end].startswith((" ", "\t", "-")) or not lines[end].strip()):
                    end += 1  # the old value's continuation lines (a block list)
                lines[number:end] = [new_line]
                break
        else:
            lines.append(new_line)
    rest = body if yaml_text is not None else text
    return "---\n" + "\n".join(lines) + "\n---\n" + rest


def plan_note(
    schema: Schema, note_type: str, name: str, template: str | None, fields: dict[str, str], now: datetime
) -> tuple[str, str]:
    """(vault-relative path, text) of a new note."""
    spec = schema.types[note_type]
    title = file_name(name)
    if note_type == "interview" and not ISO_PREFIX.match(title):
        # Interviews are named "<date> <person>", as in the starter vault.
        day = fields.get(schema.key("interview", "date"), "")
        day = day if ISO_PREFIX.match(day) else f"{now:%Y-%m-%d}"
        fields = {schema.key("interview", "with"): f"[[{title}]]", **fields}
        title = f"{day[:10]} {title}"
        check_length(title)
    if template is None:
        template = BUILT_IN[note_type].format(label=spec.label)
    text = set_fields(render(template, title, now), fields)
    folder = spec.folder.strip("/")
    return (f"{folder}/{title}.md" if folder else f"{title}.md"), text


def template_folder(root: Path) -> str:
    """Where Obsidian's Templates plugin keeps templates (`.obsidian/templates.json`), else `templates`."""
    try:
        folder = json.loads((root / ".obsidian" / "templates.json").read_text(encoding="utf-8")).get("folder")
    except (OSError, ValueError, AttributeError):
        folder = None
    return folder.strip("/") if isinstance(folder, str) and folder.strip("/") else "templates"


def find_template(root: Path, schema: Schema, note_type: str) -> str | None:
    folder = root / template_folder(root)
    label = schema.types[note_type].label
    for name in dict.fromkeys((note_type.capitalize(), label, label.capitalize(), note_type)):
        candidate = folder / f"{name}.md"
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    return None


def write_new_note(root: Path, relative: str, text: str, config: Config) -> Path:
    """Write atomically, never over an existing file, and only where vaultkit will index
    the note under `relative` (a UsageError, exit 2, with a clear message otherwise)."""
    check_destination(root, relative, config)
    target = root / relative
    if os.path.lexists(target):  # a dangling symlink too: create_file would not follow it, but say so
        raise UsageError(f"{relative} already exists; vaultkit new never overwrites a note")
    try:
        create_file(target, text.encode("utf-8"))  # no-clobber: fails if the name appeared meanwhile
    except FileExistsError:
        raise UsageError(f"{relative} already exists; vaultkit new never overwrites a note") from None
    except OSError as error:
        raise UsageError(f"{relative}: cannot write: {error.strerror}") from None
    return target


def check_destination(root: Path, relative: str, config: Config) -> None:
    """Refuse a path outside the vault, in a folder vaultkit skips, through a symlink, or
    whose name a note elsewhere already has up to case or Unicode form."""
    parts = relative.split("/")
    if ".." in parts or relative.startswith("/"):
        raise UsageError(f"{relative}: outside the vault; set the type's folder in vaultkit.yml to one inside it")
    if not in_vault(relative, config):
        raise UsageError(
            f"{relative}: vaultkit ignores that folder (hidden, the site's output, or an `ignore` setting); "
            "set the type's folder in vaultkit.yml to another"
        )
    root_real = os.path.realpath(root)
    for depth in range(1, len(parts)):
        folder = "/".join(parts[:depth])
        where = root / folder
        if os.path.islink(where):
            real = os.path.realpath(where)
            inside = real == root_real or real.startswith(root_real + os.sep)
            whither = "a place inside the vault" if inside else f"{real}, outside the vault"
            # vaultkit never follows symlinks (vault.scan): even one inside would hide the note.
            raise UsageError(f"{folder} is a symlink to {whither}; vaultkit new never writes through a symlink")
        if not where.exists():
            break
        if not where.is_dir():
            raise UsageError(f"{folder} is a file, not a folder; vaultkit new cannot put {parts[-1]} in it")
    _check_twins(root, relative, config)


def _name_key(path: str) -> str:
    """A note's name as Obsidian's resolver compares it: lowercased (R8), NFC (R9)."""
    return unicodedata.normalize("NFC", path.rpartition("/")[2]).lower()


def _check_twins(root: Path, relative: str, config: Config) -> None:
    """`[[Sam Lee]]` finds notes by name ignoring case (R1): a second `sam lee.md` anywhere
    would make every such link ambiguous, so it is refused, naming the note there."""
    wanted = _name_key(relative)
    files, _ = scan(root, config)
    twins = sorted(path for path in files if is_note_path(path) and _name_key(path) == wanted)
    if relative in twins:
        raise UsageError(f"{relative} already exists; vaultkit new never overwrites a note")
    if twins:
        link = relative.rpartition("/")[2].removesuffix(".md")
        raise UsageError(
            f"{twins[0]} already exists: a note {relative} would make [[{link}]] ambiguous "
            "(Obsidian finds notes by name ignoring case and Unicode form); use that note or another name"
        )


def parse_field_options(options: tuple[str, ...]) -> dict[str, str]:
    """`--field KEY=VALUE` options as properties. The key must be a plain property name
    (it is written as is); the value is kept exactly as given (`yaml_value` quotes it)."""
    fields: dict[str, str] = {}
    for option in options:
        key, sep, value = option.partition("=")
        key = key.strip(" ")
        if not sep or not key:
            raise UsageError(f"--field {option!r}: write --field key=value")
        if not KEY.fullmatch(key) or not _reads_back(key, key=None):
            raise UsageError(
                f"--field {option!r}: {key!r} is not a plain property name: use letters, digits, _ and -, "
                "and not a word YAML reads as a number, true/false or null"
            )
        if not _is_utf8(value):
            raise UsageError(f"--field {option!r}: the value is not UTF-8 text")
        fields[key] = value
    return fields


def _is_utf8(text: str) -> bool:
    """False for the lone surrogates Python makes of command-line bytes that are not UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def prospect_fields(network, name: str) -> tuple[str, dict[str, str]]:
    """The contact fields for a prospect: `referred_by` the person interviewed, and the interview."""
    wanted = name.strip().removeprefix("[[").removesuffix("]]").strip().lower()
    for referral in network.referrals:
        if referral.target is None and referral.linked and referral.name.lower() == wanted:
            schema = network.schema
            fields = {}
            if referral.referrer:
                fields[schema.key("contact", "referred_by")] = f"[[{network.name(referral.referrer)}]]"
            interview = network.name(referral.interview)
            fields[schema.key("contact", "how_met")] = (
                f"named by {network.name(referral.referrer) if referral.referrer else 'someone'} in [[{interview}]]"
            )
            return referral.name, fields
    prospects = sorted({r.name for r in network.referrals if r.target is None and r.linked})
    hint = f" (prospects: {', '.join(prospects[:10])})" if prospects else " (there are no prospects)"
    raise UsageError(f"no interview names {name!r} in its referrals without a note{hint}")
