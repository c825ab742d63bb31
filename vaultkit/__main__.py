"""`python -m vaultkit`: the same command line as the `vaultkit` console script."""

from .cli import main

main()
