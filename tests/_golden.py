"""Golden files for command output: compare, or rewrite with VAULTKIT_UPDATE_GOLDEN=1."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
TEMPLATE_VAULT = ROOT / "vault-template"
TEMPLATE_TODAY = "2026-11-25"  # the example campaign's "today" (docs/example-vault.md)


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("VAULTKIT_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        return
    assert path.is_file(), f"no golden file {path}: run with VAULTKIT_UPDATE_GOLDEN=1 to create it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"output differs from {path} (VAULTKIT_UPDATE_GOLDEN=1 rewrites it after review)"


def copy_template(tmp_path: Path) -> Path:
    """A private copy of the starter vault: commands may write the index (and notes) in it."""
    target = tmp_path / "example"
    shutil.copytree(TEMPLATE_VAULT, target, ignore=shutil.ignore_patterns(".vaultkit", "_site"))
    return target


def many_people(count: int = 300) -> dict[str, str]:
    """A vault big enough for a build to fork its page renderers: people who refer and
    embed one another, companies, tags, a private note and unresolved links."""
    files = {"me.md": "---\ntype: profile\n---\n" + " ".join(f"[[P{i}]]" for i in range(0, count, 7))}
    for i in range(count):
        files[f"people/P{i}.md"] = (
            f'---\ntype: contact\nreferred_by: "[[P{i // 3}]]"\ncompany: "[[C{i % 4}]]"\n---\n# P{i}\n'
            f"Knows [[P{(i * 7) % count}]], [[Hidden]] and [[Nobody {i}]], with ![[P{(i + 1) % count}#Work]].\n\n"
            f"## Work\nDoes *things* #tag{i % 5} at [[C{i % 4}|a company]].\n"
        )
    files.update({f"companies/C{i}.md": f"---\ntype: company\n---\nSee [[P{i}]].\n" for i in range(4)})
    files["Hidden.md"] = "---\nprivate: true\n---\nNot published.\n"
    return files
