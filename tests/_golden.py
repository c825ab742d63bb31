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
