"""`python -m lka_devstack` is `lka-dev`."""

from lka_devstack.cli import main

main()
