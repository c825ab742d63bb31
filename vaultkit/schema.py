"""The note types of a networking vault, their fields, and how notes are checked against them.

The defaults are PRODUCT.md's table; a vault's `vaultkit.yml` may rename types, folders,
fields and statuses, and set follow-up cadences. Everything else in vaultkit speaks the
*canonical* names (`contact`, `company`, `done`) and asks the `Schema` for the user's
words, so a vault that writes `org:` instead of `company:` needs no other change.

Pure: `build_schema(raw, text)` turns the parsed config (and its text, for line numbers
in error messages) into a `Schema`; `validate(...)` turns notes into `Problem`s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from .errors import VaultError
from .model import Problem

CONFIG_FILE = "vaultkit.yml"

# Field kinds: what a property's value must look like.
TEXT, DATE, LINK, LINKS, LIST, ENUM, STAGE = "text", "date", "link", "links", "list", "enum", "stage"
KINDS = (TEXT, DATE, LINK, LINKS, LIST, ENUM, STAGE)
PEOPLE = ("contact", "profile")

# The pipeline a contact moves along, in order. Derived from their interviews unless the
# contact note sets `stage:` (one of these) by hand.
STAGES = ("not-asked", "requested", "scheduled", "interviewed", "following-up")
STAGE_LABELS = {
    "not-asked": "not yet asked",
    "requested": "requested",
    "scheduled": "scheduled",
    "interviewed": "interviewed",
    "following-up": "following up",
}

# (name, kind, required, link target types, graph relation)
_F = tuple[str, str, bool, tuple[str, ...], str | None]
DEFAULT_TYPES: dict[str, dict[str, Any]] = {
    "contact": {
        "folder": "people",
        "fields": [
            ("company", LINK, False, ("company",), "works_at"),
            ("role", TEXT, False, (), None),
            ("industry", TEXT, False, (), None),
            ("email", TEXT, False, (), None),
            ("phone", TEXT, False, (), None),
            ("linkedin", TEXT, False, (), None),
            ("how_met", TEXT, False, (), None),
            ("met_at", LINK, False, ("event",), "met_at"),
            ("referred_by", LINK, False, PEOPLE, "referred"),
            ("alumni_of", LIST, False, (), None),
            ("follow_up", DATE, False, (), None),
            ("stage", STAGE, False, (), None),
        ],
    },
    "interview": {
        "folder": "interviews",
        "fields": [
            ("with", LINK, True, ("contact",), "interviewed"),
            ("date", DATE, True, (), None),
            ("status", ENUM, False, (), None),
            ("via", LINK, False, PEOPLE, "introduced"),
            ("referrals", LINKS, False, ("contact",), "referred"),
            ("advice", LIST, False, (), None),
            ("thank_you_sent", DATE, False, (), None),
            ("follow_up", DATE, False, (), None),
        ],
        "statuses": ["requested", "scheduled", "done", "cancelled"],
    },
    "company": {
        "folder": "companies",
        "fields": [
            ("industry", TEXT, False, (), None),
            ("website", TEXT, False, (), None),
            ("careers", TEXT, False, (), None),
        ],
    },
    "event": {
        "folder": "events",
        "fields": [("date", DATE, False, (), None), ("location", TEXT, False, (), None)],
    },
    "lead": {
        "folder": "leads",
        "fields": [
            ("company", LINK, False, ("company",), "works_at"),
            ("role", TEXT, False, (), None),
            ("heard_from", LINK, False, PEOPLE, "heard_from"),
            ("source", LINK, False, ("interview", "event"), "source"),
            ("status", ENUM, False, (), None),
            ("url", TEXT, False, (), None),
        ],
        "statuses": ["new", "applied", "interviewing", "offer", "rejected", "closed"],
    },
    "profile": {
        "folder": "",
        "fields": [
            ("pitch", TEXT, False, (), None),
            ("target_industry", LIST, False, (), None),
            ("target_roles", LIST, False, (), None),
        ],
    },
}

# Days without contact after which a person is due a follow-up, by derived stage.
DEFAULT_CADENCE_BY_STAGE = {"requested": 7, "interviewed": 30, "following-up": 60}

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str  # canonical name, used by vaultkit's code
    key: str  # the property name in the user's notes
    kind: str
    required: bool = False
    targets: tuple[str, ...] = ()  # canonical types a link here may point to (empty: any)
    relation: str | None = None  # the graph relation of a link written here


@dataclass(frozen=True, slots=True)
class TypeSpec:
    name: str  # canonical: "contact"
    label: str  # what notes write in `type:` ("contact", or the user's "person")
    folder: str  # vault-relative, "" for the vault root
    fields: dict[str, FieldSpec]  # canonical field name -> spec
    statuses: dict[str, str] = field(default_factory=dict)  # canonical status -> the user's word

    def field_for_key(self, key: str) -> FieldSpec | None:
        for spec in self.fields.values():
            if spec.key == key:
                return spec
        return None


@dataclass(frozen=True, slots=True)
class Schema:
    types: dict[str, TypeSpec]
    type_key: str = "type"
    profile: str = "me.md"  # the user's own note, when no note says `type: profile`
    cadence_by_stage: dict[str, int] = field(default_factory=dict)
    cadence_by_tag: dict[str, int] = field(default_factory=dict)

    # -- asking the schema -------------------------------------------------------------
    def type_of(self, path: str, properties: Mapping[str, Any]) -> str | None:
        """A note's canonical type: its `type:` property, else the folder it sits in."""
        value = properties.get(self.type_key)
        if isinstance(value, str) and value.strip():
            wanted = value.strip().lower()
            for spec in self.types.values():
                if spec.label.lower() == wanted:
                    return spec.name
            return None
        if path == self.profile:
            return "profile"
        lowered = path.lower()
        for spec in self.types.values():
            if spec.folder and lowered.startswith(spec.folder.lower().rstrip("/") + "/"):
                return spec.name
        return None

    def key(self, note_type: str, name: str) -> str:
        """The property name the user's notes use for canonical field `name`."""
        spec = self.types.get(note_type)
        found = spec.fields.get(name) if spec else None
        return found.key if found else name

    def get(self, note_type: str, properties: Mapping[str, Any], name: str) -> Any:
        return properties.get(self.key(note_type, name))

    def status(self, note_type: str, value: Any) -> str | None:
        """The canonical status for a user's status word, None when unknown or missing."""
        spec = self.types.get(note_type)
        if spec is None or not isinstance(value, str):
            return None
        wanted = value.strip().lower()
        for canonical, word in spec.statuses.items():
            if word.lower() == wanted:
                return canonical
        return None

    def prospect_keys(self) -> frozenset[str]:
        """Property names whose unresolved links are prospects (people not in the vault yet)."""
        return frozenset({self.key("interview", "referrals")})

    def relation_of(self, note_type: str | None, key: str | None) -> str:
        """The referral-graph relation of a link written in property `key` (None: the body)."""
        if key is None:
            return "mentions"
        spec = self.types.get(note_type) if note_type else None
        found = spec.field_for_key(key) if spec else None
        if found is not None and found.relation:
            return found.relation
        return "property"

    def cadence(self, stage: str, tags: Iterable[str]) -> int | None:
        """Days without contact before a follow-up is due: the shortest matching tag wins over the stage."""
        by_tag = [self.cadence_by_tag[t.lower()] for t in tags if t.lower() in self.cadence_by_tag]
        if by_tag:
            return min(by_tag)
        return self.cadence_by_stage.get(stage)


def default_schema() -> Schema:
    return build_schema({})


# -- building from vaultkit.yml ------------------------------------------------------------
class _ConfigProblem(Exception):
    def __init__(self, keys: tuple[Any, ...], message: str):
        super().__init__(message)
        self.keys = keys
        self.message = message


def build_schema(raw: Mapping[str, Any], text: str = "") -> Schema:
    """The schema a vault's config asks for. A bad setting raises VaultError naming the line."""
    try:
        return _build(raw)
    except _ConfigProblem as problem:
        line = config_line(text, problem.keys)
        where = f"{CONFIG_FILE}:{line}" if line else CONFIG_FILE
        dotted = ".".join(str(k) for k in problem.keys)
        raise VaultError(f"{where}: {dotted}: {problem.message}") from None


def _mapping(value: Any, keys: tuple[Any, ...]) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise _ConfigProblem(keys, "must be a mapping (`name: value` lines)")
    return value


def _name(value: Any, keys: tuple[Any, ...], allow_empty: bool = False) -> str:
    if isinstance(value, str) and (value.strip() or allow_empty):
        return value.strip()
    raise _ConfigProblem(keys, f"must be a {'name' if not allow_empty else 'folder name'}, not {value!r}")


def _days(value: Any, keys: tuple[Any, ...]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _ConfigProblem(keys, f"must be a whole number of days (1 or more), not {value!r}")
    return value


def _build(raw: Mapping[str, Any]) -> Schema:
    overrides = _mapping(raw.get("types"), ("types",))
    for name in overrides:
        if name not in DEFAULT_TYPES:
            known = ", ".join(DEFAULT_TYPES)
            raise _ConfigProblem(("types", name), f"unknown note type (the types are {known})")
    types: dict[str, TypeSpec] = {}
    labels: dict[str, str] = {}
    for name, default in DEFAULT_TYPES.items():
        override = _mapping(overrides.get(name), ("types", name))
        for setting in override:
            if setting not in ("type", "folder", "fields", "statuses"):
                raise _ConfigProblem(
                    ("types", name, setting), "unknown setting (use type, folder, fields or statuses)"
                )
        label = _name(override.get("type", name), ("types", name, "type"))
        if label.lower() in labels:
            raise _ConfigProblem(("types", name, "type"), f"the type name {label!r} is already {labels[label.lower()]}")
        labels[label.lower()] = name
        folder = _name(override.get("folder", default["folder"]), ("types", name, "folder"), allow_empty=True)
        renames = _mapping(override.get("fields"), ("types", name, "fields"))
        canonical_names = [f[0] for f in default["fields"]]
        for canonical, key in renames.items():
            if canonical not in canonical_names:
                raise _ConfigProblem(
                    ("types", name, "fields", canonical),
                    f"unknown field of {name} (the fields are {', '.join(canonical_names)})",
                )
            _name(key, ("types", name, "fields", canonical))
        fields = {
            f[0]: FieldSpec(f[0], str(renames.get(f[0], f[0])).strip(), f[1], f[2], f[3], f[4])
            for f in default["fields"]
        }
        statuses = {s: s for s in default.get("statuses", [])}
        custom = override.get("statuses")
        if custom is not None:
            if not statuses:
                raise _ConfigProblem(("types", name, "statuses"), f"{name} notes have no status")
            if isinstance(custom, Mapping):
                for canonical, word in custom.items():
                    if canonical not in statuses:
                        raise _ConfigProblem(
                            ("types", name, "statuses", canonical),
                            f"unknown status (the statuses are {', '.join(statuses)})",
                        )
                    statuses[canonical] = _name(word, ("types", name, "statuses", canonical))
            else:
                raise _ConfigProblem(
                    ("types", name, "statuses"), "must map each status to your word for it, e.g. `done: held`"
                )
        types[name] = TypeSpec(name, label, folder.strip("/"), fields, statuses)

    follow = _mapping(raw.get("follow_up"), ("follow_up",))
    for setting in follow:
        if setting not in ("after_days", "tags"):
            raise _ConfigProblem(("follow_up", setting), "unknown setting (use after_days or tags)")
    by_stage = dict(DEFAULT_CADENCE_BY_STAGE)
    for stage, days in _mapping(follow.get("after_days"), ("follow_up", "after_days")).items():
        if stage not in STAGES:
            raise _ConfigProblem(("follow_up", "after_days", stage), f"unknown stage (the stages are {', '.join(STAGES)})")
        if days is None or days is False:
            by_stage.pop(stage, None)  # `interviewed: off` turns the cadence off
            continue
        by_stage[stage] = _days(days, ("follow_up", "after_days", stage))
    by_tag = {
        str(tag).lstrip("#").lower(): _days(days, ("follow_up", "tags", tag))
        for tag, days in _mapping(follow.get("tags"), ("follow_up", "tags")).items()
    }
    profile = _name(raw.get("profile", "me.md"), ("profile",))
    type_key = _name(raw.get("type_key", "type"), ("type_key",))
    return Schema(types, type_key, profile, by_stage, by_tag)


def config_line(text: str, keys: tuple[Any, ...]) -> int:
    """The 1-based line of the setting at `keys` in the config text (0 when not found)."""
    if not text:
        return 0
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return 0
    line = 0
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            break
        for key_node, value_node in node.value:
            if key_node.value == str(key):
                line = key_node.start_mark.line + 1
                node = value_node
                break
        else:
            break
    return line


# -- validating notes ----------------------------------------------------------------------
def parse_date(value: Any) -> date | None:
    """An ISO `YYYY-MM-DD` date, or None for anything else."""
    if isinstance(value, str) and ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _is_link(value: Any) -> bool:
    return isinstance(value, str) and "[[" in value and "]]" in value


def _nested_link(value: Any) -> bool:
    """Unquoted `[[A]]`, which YAML reads as a list in a list: parse.py already warns."""
    while isinstance(value, list) and len(value) == 1:
        value = value[0]
        if isinstance(value, str):
            return True
    return False


def validate_note(
    schema: Schema,
    path: str,
    note_type: str,
    properties: Mapping[str, Any],
    lines: Mapping[str, int],
    link_types: Iterable[tuple[str | None, int, str, str | None]] = (),
) -> list[Problem]:
    """Schema problems of one typed note.

    `link_types` lists the note's resolved property links as (property, line, raw,
    canonical type of the target) so that a link to the wrong kind of note is caught.
    """
    spec = schema.types[note_type]
    problems: list[Problem] = []
    first_line = min(lines.values(), default=1) or 1

    def problem(key: str | None, code: str, message: str, severity: str = "error", line: int = 0) -> None:
        problems.append(Problem(path, line or (lines.get(key, 0) if key else 0) or first_line, severity, code, message))

    for canonical, field_spec in spec.fields.items():
        key = field_spec.key
        value = properties.get(key)
        missing = value is None or (isinstance(value, (str, list)) and not value)
        if missing:
            if field_spec.required:
                problem(None, "missing-field", f"{spec.label} note has no `{key}` (required)")
            continue
        if _nested_link(value):
            continue  # parse.py's `unquoted-link` hint says what to write
        kind = field_spec.kind
        if kind == DATE:
            if parse_date(value) is None:
                shown = value if isinstance(value, str) else type(value).__name__
                problem(key, "bad-date", f"`{key}`: {shown!r} is not a date; write YYYY-MM-DD (e.g. 2026-03-14)")
        elif kind == TEXT:
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                problem(key, "wrong-type", f"`{key}` should be text, not {_kind_name(value)}")
        elif kind == LIST:
            items = value if isinstance(value, list) else [value]
            if any(isinstance(item, (dict, list)) for item in items):
                problem(key, "wrong-type", f"`{key}` should be text or a list of text")
        elif kind == LINK:
            if not _is_link(value):
                problem(
                    key, "wrong-type",
                    f'`{key}` should be a link like {key}: "[[Name]]", not {_kind_name(value)}', "warning",
                )
        elif kind == LINKS:
            items = value if isinstance(value, list) else [value]
            bad = [item for item in items if not _is_link(item) and not _nested_link(item)]
            if bad:
                problem(
                    key, "wrong-type",
                    f'`{key}` should list links like ["[[Name]]", ...]; {bad[0]!r} is not a link', "warning",
                )
        elif kind == ENUM:
            if schema.status(note_type, value) is None:
                allowed = ", ".join(spec.statuses.values())
                problem(key, "unknown-status", f"`{key}`: unknown value {value!r} (allowed: {allowed})")
        elif kind == STAGE:
            if not isinstance(value, str) or value.strip().lower() not in STAGES:
                problem(key, "unknown-stage", f"`{key}`: unknown stage {value!r} (allowed: {', '.join(STAGES)})")

    for key, line, raw, target_type in link_types:
        field_spec = spec.field_for_key(key) if key else None
        if field_spec is None or not field_spec.targets or target_type is None:
            continue
        if target_type not in field_spec.targets:
            wanted = " or ".join(schema.types[t].label for t in field_spec.targets)
            got = schema.types[target_type].label
            problem(key, "wrong-link-type", f"`{key}`: {raw} is a {got} note; expected a {wanted}", "warning", line)
    return problems


def _kind_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "nested properties"
    return repr(value)


def note_types(snapshot: Any, schema: Schema) -> dict[str, str | None]:
    """Every note's canonical type (None for untyped notes)."""
    return {path: schema.type_of(path, note.properties) for path, note in snapshot.notes.items()}


def schema_problems(snapshot: Any, schema: Schema) -> list[Problem]:
    """`validate_note` over every typed note of a `Snapshot`."""
    types = note_types(snapshot, schema)
    links_by_source: dict[str, list[tuple[str | None, int, str, str | None]]] = {}
    for link in snapshot.links:
        if link.field is not None and link.target is not None:
            links_by_source.setdefault(link.source, []).append(
                (link.field, link.line, link.raw, types.get(link.target))
            )
    problems: list[Problem] = []
    for path, note in snapshot.notes.items():
        note_type = types[path]
        if note_type is None:
            continue
        problems.extend(
            validate_note(schema, path, note_type, note.properties, note.lines, links_by_source.get(path, ()))
        )
    return problems
