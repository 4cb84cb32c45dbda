"""LKA acquirer emulator: the RBS payment gateway as a local process, for development and tests only."""
