"""`python -m lka_gateway` starts the gateway."""

from lka_gateway.main import main

main()
