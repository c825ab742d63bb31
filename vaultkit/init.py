"""`vaultkit init`: a new vault, copied from the starter vault that ships with vaultkit.

The starter vault is the repository's `vault-template/` folder. A built package carries
a copy of it as `vaultkit/template_vault/` (setup.py puts it there); an editable install
or a source checkout uses the folder itself.

Init never overwrites anything: it plans every file first, and if any of them already
exists it writes nothing at all and names the conflicts.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError, VaultkitError
from .files import create_file

PACKAGE_COPY = Path(__file__).resolve().parent / "template_vault"
SOURCE_COPY = Path(__file__).resolve().parent.parent / "vault-template"


class InitConflict(UsageError):
    """The target folder already holds some of the template's files."""

    def __init__(self, target: Path, conflicts: list[str]):
        self.target = target
        self.conflicts = conflicts
        shown = "\n".join(f"  {path}{_why(target, path)}" for path in conflicts[:20])
        more = f"\n  ... and {len(conflicts) - 20} more" if len(conflicts) > 20 else ""
        super().__init__(
            f"{target}: {len(conflicts)} path(s) the starter vault needs are taken there; "
            f"nothing was written:\n{shown}{more}\n"
            "Choose an empty or new folder, or move those files away first."
        )


def _why(target: Path, rel: str) -> str:
    where = target / rel
    if os.path.islink(where):
        return f" (a symlink to {os.path.realpath(where)}: init never writes through one)"
    return ""


@dataclass(frozen=True)
class InitResult:
    target: Path
    files: tuple[str, ...]  # vault-relative POSIX paths written, sorted


def template_dir() -> Path:
    """The starter vault: the packaged copy when installed, else the source folder."""
    for candidate in (PACKAGE_COPY, SOURCE_COPY):
        if (candidate / "me.md").is_file():
            return candidate
    raise VaultkitError(
        f"the starter vault is missing from this installation (looked in {PACKAGE_COPY} and "
        f"{SOURCE_COPY}); reinstall vaultkit"
    )


def template_files(template: Path) -> list[str]:
    """Every file of the template, dotfiles included, as sorted vault-relative paths."""
    found = []
    for folder, dirs, files in os.walk(template):
        dirs[:] = [d for d in dirs if d not in ("__pycache__", ".vaultkit")]
        relative = Path(folder).relative_to(template)
        found.extend((relative / name).as_posix() for name in files if not name.endswith(".pyc"))
    return sorted(found)


def find_conflicts(target: Path, files: list[str]) -> list[str]:
    """The planned paths that cannot be created without overwriting or replacing something.

    A path conflicts when anything already exists there (file, folder, symlink), or when
    one of its parent folders exists as something other than a folder, or as a symlink:
    writing through one would put the file wherever it leads, outside the vault perhaps,
    and vaultkit, which never follows symlinks, would not see it.
    """
    conflicts = []
    for rel in files:
        path = target / rel
        if os.path.lexists(path):
            conflicts.append(rel)
            continue
        for parent in list(Path(rel).parents)[:-1]:
            where = target / parent
            if os.path.islink(where) or (os.path.lexists(where) and not where.is_dir()):
                conflicts.append(parent.as_posix())
                break
    return sorted(set(conflicts))


def init_vault(target: Path | str, template: Path | None = None) -> InitResult:
    """Copy the starter vault into `target` (created if missing). Raises InitConflict."""
    target = Path(target)
    template = template or template_dir()
    if os.path.lexists(target) and not target.is_dir():
        raise UsageError(f"{target}: exists and is not a folder")
    files = template_files(template)
    conflicts = find_conflicts(target, files)
    if conflicts:
        raise InitConflict(target, conflicts)
    try:
        for rel in files:
            create_file(target / rel, (template / rel).read_bytes())
    except FileExistsError as error:
        # Something created the file between the check and the copy: still never overwrite.
        raise InitConflict(target, [Path(error.filename).relative_to(target).as_posix()]) from None
    except OSError as error:
        raise VaultkitError(f"{error.filename or target}: cannot write: {error.strerror}") from None
    return InitResult(target=target, files=tuple(files))


def next_steps(result: InitResult) -> str:
    """What to tell the user after init: where the vault is and what to run next."""
    where = str(result.target)
    quoted = f'"{where}"' if " " in where else where
    return "\n".join(
        [
            f"Created a vault in {where} ({len(result.files)} files), with an example network to try.",
            "",
            "Next:",
            f"  cd {quoted}",
            "  vaultkit agenda        what to do next in the example campaign",
            "  vaultkit check         every problem in the notes, as file:line",
            "  open the folder in Obsidian (Open folder as vault) and read 'Start here'",
            "",
            "When you are ready, delete the example notes and write your own pitch in me.md.",
        ]
    )
