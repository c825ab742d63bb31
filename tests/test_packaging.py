"""An installed wheel carries the starter vault: `vaultkit init` works outside the repository.

The wheel is built for real (`pip wheel`) from a copy of the source tree, installed into
a fresh venv, and run from a folder far from the checkout. The venv gets the runtime
dependencies from the test's own environment (a path entry, not an install), so the
test needs no network, and only the wheel's own `vaultkit` can be imported.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "vault-template"
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis",
    ".vaultkit", ".demo-vault", ".docs-site", "_site", "test-artifacts", "template_vault",
)


def template_files() -> set[str]:
    return {p.relative_to(TEMPLATE).as_posix() for p in TEMPLATE.rglob("*") if p.is_file()}


def clean_env() -> dict[str, str]:
    """This environment without what would point the installed vaultkit elsewhere (a
    PYTHONPATH to a checkout makes it import that checkout instead of the wheel)."""
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VAULTKIT_VAULT")}


def run(*args, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=clean_env(), capture_output=True, text=True)
    assert result.returncode == 0, f"{args}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    """A clean copy of the source tree, so building leaves the checkout untouched."""
    copy = tmp_path_factory.mktemp("src") / "vaultkit-src"
    shutil.copytree(REPO, copy, ignore=NOT_SOURCE)
    return copy


@pytest.fixture(scope="module")
def installed(source, tmp_path_factory) -> Path:
    """A fresh venv with the wheel built from `source` installed; returns its bin/ folder."""
    wheels = tmp_path_factory.mktemp("wheels")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", wheels, source, cwd=source)
    (wheel,) = wheels.glob("vaultkit-*.whl")
    env_dir = tmp_path_factory.mktemp("venv") / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=env_dir).stdout.strip())
    # The dependencies (click, PyYAML, ...) come from this environment, appended after
    # the venv's own site-packages; .pth files there are not run, so the checkout's
    # editable vaultkit stays out of sight.
    (site / "vaultkit-test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    run(
        sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel,
        cwd=env_dir,
    )
    return env_dir / "bin"


def test_the_wheel_ships_the_starter_vault_with_its_dotfiles(installed, tmp_path):
    python = installed / "python"
    where = run(
        python, "-c", "import vaultkit.init as i; print(i.__file__); print(i.template_dir())", cwd=tmp_path
    ).stdout.split()
    assert not where[0].startswith(str(REPO)), "the test must exercise the installed wheel, not the checkout"
    packaged = Path(where[1])
    assert packaged.name == "template_vault"
    shipped = {p.relative_to(packaged).as_posix() for p in packaged.rglob("*") if p.is_file()}
    assert shipped == template_files()
    assert {".gitignore", ".obsidian/templates.json", ".obsidian/core-plugins.json"} <= shipped


def test_installed_vaultkit_inits_indexes_and_checks_a_vault(installed, tmp_path):
    vault = tmp_path / "My Networking"
    init = run(installed / "vaultkit", "init", vault, cwd=tmp_path)
    assert "Created a vault" in init.stdout
    assert {p.relative_to(vault).as_posix() for p in vault.rglob("*") if p.is_file()} == template_files()
    indexed = run(installed / "vaultkit", "index", vault, cwd=tmp_path)
    assert indexed.stdout.startswith("Indexed 31 notes")
    checked = run(installed / "vaultkit", "check", vault, "--strict", cwd=tmp_path)
    assert checked.stdout == ""


def test_the_sdist_carries_the_starter_vault(source, tmp_path):
    run(sys.executable, "setup.py", "-q", "sdist", "-d", tmp_path, cwd=source)
    (sdist,) = tmp_path.glob("vaultkit-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    assert {f"vault-template/{name}" for name in template_files()} <= names
    assert "setup.py" in names
