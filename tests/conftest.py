"""Shared test helpers: real temporary vaults and the real CLI.

`make_vault({"people/Ana.md": "..."})` writes a vault (with `.obsidian/`) to a temp
folder; `vk("index", vault)` runs the real click command in-process and returns its
result (exit code, stdout, stderr). Nothing is mocked.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from vaultkit.cli import cli


def write_vault(root: Path, files: dict[str, str | bytes], marker: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if marker:
        (root / ".obsidian").mkdir(exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_vault(tmp_path: Path):
    counter = iter(range(10_000))

    def make(files: dict[str, str | bytes] | None = None, marker: bool = True) -> Path:
        return write_vault(tmp_path / f"vault{next(counter)}", files or {}, marker)

    return make


class Result:
    def __init__(self, exit_code: int, stdout: str, stderr: str):
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr

    def json(self):
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"Result(exit_code={self.exit_code}, stdout={self.stdout!r}, stderr={self.stderr!r})"


def run_cli(*args: str | os.PathLike, cwd: Path | None = None) -> Result:
    runner = CliRunner()
    old = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        result = runner.invoke(cli, [str(arg) for arg in args], catch_exceptions=False)
    finally:
        os.chdir(old)
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def vk():
    return run_cli
