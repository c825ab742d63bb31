"""Packaging hook: the starter vault ships inside the package.

`vault-template/` lives at the repository root so that it reads as what it is (a vault
you can open in Obsidian). Building the package copies it, dotfiles included
(`.obsidian/`, `.gitignore`), to `vaultkit/template_vault/`, where `vaultkit init`
finds it in an installed wheel. Editable installs skip the copy: `vaultkit.init`
then reads the repository's folder directly. Everything else is in pyproject.toml.
"""

import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

TEMPLATE = "vault-template"
PACKAGED_AS = os.path.join("vaultkit", "template_vault")


class BuildWithStarterVault(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False) or not os.path.isdir(TEMPLATE):
            return
        destination = os.path.join(self.build_lib, PACKAGED_AS)
        shutil.rmtree(destination, ignore_errors=True)
        # Plain copy of every file: package_data globs would skip the dotfiles.
        shutil.copytree(TEMPLATE, destination, ignore=shutil.ignore_patterns(".vaultkit", "_site", "__pycache__"))


setup(cmdclass={"build_py": BuildWithStarterVault})
